// AcmeDB is a hypothetical database that speaks PostgreSQL's protocol and
// (nearly) its SQL, listens on port 5999 by default and is named by acmedb://
// URIs. Its dialect is therefore PostgreSQL's with those differences
// overridden, and nothing else: connecting, binding, decoding, error mapping
// and introspection are all inherited.
#pragma once

#include <string>
#include <string_view>

#include "lingo/postgres/pg_dialect.h"

namespace acme {

inline constexpr unsigned kDefaultPort = 5999;

class AcmeDialect : public lingo::postgres::PgDialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "acmedb"; }

  // AcmeDB's SQL departs from PostgreSQL's in a type name and a SQL construct:
  // the AcmeCompiler (acme_compiler.h) that respells them, one for the process.
  [[nodiscard]] const lingo::Compiler& compiler() const override;

 protected:
  // acmedb://user@host/db -> postgresql://user@host:5999/db. An explicit port,
  // on the host or as a port=... option, wins.
  [[nodiscard]] std::string libpq_uri(const lingo::Uri& uri) const override;
};

}  // namespace acme
