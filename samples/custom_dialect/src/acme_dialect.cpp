#include "acme_dialect.h"

#include "acme_compiler.h"

namespace acme {

const lingo::Compiler& AcmeDialect::compiler() const {
  // A Compiler holds no per-query state: one object serves every thread.
  static const AcmeCompiler instance;
  return instance;
}

std::string AcmeDialect::libpq_uri(const lingo::Uri& uri) const {
  // PgDialect::with_defaults rewrites the scheme for libpq and puts our port
  // on every host that names none; an explicit port (on a host or as a
  // port=... option) wins. AcmeDB has no default user.
  return with_defaults(uri, kDefaultPort, /*default_user=*/{});
}

}  // namespace acme
