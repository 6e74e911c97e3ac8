// The PostgreSQL dialect: schemes postgres:// and postgresql://.
//
// Connection URIs go to libpq (PQconninfoParse, then PQconnectStartParams),
// so every libpq option works: sslmode, connect_timeout, application_name,
// target_session_attrs, and the rest. Several hosts are tried one at a time
// by Lingo (pg_hosts.h), each within connect_timeout.
#pragma once

#include <string>
#include <vector>

#include "lingo/dialect.h"
#include "lingo/postgres/export.h"
#include "lingo/postgres/pg_connection.h"

namespace lingo::postgres {

class LINGO_POSTGRES_API PgDialect : public Dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "postgres"; }
  [[nodiscard]] std::unique_ptr<Connection> connect(const Uri& uri) const override;
  // A PgIntrospector shared by every connection (it holds no state).
  [[nodiscard]] const Introspector* introspector() const noexcept override;
  [[nodiscard]] const Compiler& compiler() const override;
  // BEGIN [ISOLATION LEVEL ...] [READ ONLY] [DEFERRABLE]; lock_type and
  // priority are NotSupportedError.
  [[nodiscard]] std::string begin_statement(const TransactionOptions& options) const override;

 protected:
  // The libpq connection URI for a Lingo URI; derived dialects rewrite their
  // scheme and fill in their defaults here.
  [[nodiscard]] virtual std::string libpq_uri(const Uri& uri) const;
  // The connection object for an open libpq connection; derived dialects
  // return their own PgConnection subclass.
  [[nodiscard]] virtual std::unique_ptr<PgConnection> make_connection(PGconn* conn) const;
  // For libpq_uri overrides: the URI as postgresql://, without `drop_options`,
  // with `default_port` on every host that has none (or as a port option
  // when there is no host) and `default_user` when the URI names no user.
  // An explicit port option or user wins.
  [[nodiscard]] static std::string with_defaults(const Uri& uri, unsigned default_port,
                                                 std::string_view default_user,
                                                 const std::vector<std::string>& drop_options = {});

 public:
  // `text` percent-encoded for a libpq URI: letters, digits, - . _ ~ and
  // the characters of `also_keep` as they are, every other byte as %XX.
  [[nodiscard]] static std::string percent_encode(std::string_view text, std::string_view also_keep = {});
};

}  // namespace lingo::postgres
