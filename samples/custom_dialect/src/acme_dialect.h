// AcmeDB is a hypothetical database that speaks PostgreSQL's protocol and SQL,
// listens on port 5999 by default and is named by acmedb:// URIs. Its dialect
// is therefore PostgreSQL's with those differences overridden, and nothing
// else: connecting, binding, decoding and error mapping are all inherited.
#pragma once

#include <string>
#include <string_view>

#include "lingo/postgres/pg_dialect.h"

namespace acme {

inline constexpr unsigned kDefaultPort = 5999;

class AcmeDialect : public lingo::postgres::PgDialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "acmedb"; }

  // Where AcmeDB's SQL departs from PostgreSQL's (a type name, a SQL
  // construct), override the dialect's hook for it here: compiler(), returning
  // one static AcmeCompiler derived from lingo::postgres::PgCompiler that
  // respells just those pieces.

 protected:
  // acmedb://user@host/db -> postgresql://user@host:5999/db. An explicit port,
  // on the host or as a port=... option, wins.
  [[nodiscard]] std::string libpq_uri(const lingo::Uri& uri) const override;
};

}  // namespace acme
