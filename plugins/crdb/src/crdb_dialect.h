// The CockroachDB dialect: PostgreSQL's, with what CockroachDB does
// differently overridden and nothing else (peewee's CockroachDatabase).
//
//   cockroachdb://root@10.1.0.8:26257/my_app     (also crdb://; +pool forms too)
//
// URI options of its own, removed before libpq sees the URI:
//   savepoints=native   let atomic() nest as savepoints (servers 20.1 and later);
//                       by default nested atomic() and savepoint() are refused
//   retry=restart       run_transaction restarts whole transactions instead of
//                       the SAVEPOINT cockroach_restart protocol
#pragma once

#include "lingo/postgres/pg_dialect.h"

namespace lingo::crdb {

// 20.1.0: the first release with general (nested) savepoints.
inline constexpr int kNestedTransactionsMinVersion = 200100;
inline constexpr unsigned kDefaultPort = 26257;

// "CockroachDB CCL v23.1.11 (x86_64...)" -> 230111; nullopt when the text is
// not a CockroachDB banner.
[[nodiscard]] std::optional<int> parse_version_banner(std::string_view banner);

class CrdbDialect final : public postgres::PgDialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "cockroachdb"; }
  [[nodiscard]] const Compiler& compiler() const override;
  // CockroachDB's online schema changes do not roll back with a transaction
  // as PostgreSQL's do, and its guidance is one schema change per
  // transaction, never mixed with writes: SchemaEditor runs each alone.
  [[nodiscard]] bool transactional_ddl() const noexcept override { return false; }
  [[nodiscard]] const Introspector* introspector() const noexcept override;
  // BEGIN TRANSACTION [ISOLATION LEVEL ...][, READ ONLY][, PRIORITY ...][, AS OF SYSTEM TIME ...].
  [[nodiscard]] std::string begin_statement(const TransactionOptions& options) const override;
  [[nodiscard]] std::optional<std::string> savepoint_restriction(
      const Uri& uri, const std::function<int()>& server_version) const override;
  [[nodiscard]] std::optional<std::string> restart_savepoint(const Uri& uri) const override;

 protected:
  // The scheme becomes postgresql://; user root and port 26257 unless given.
  [[nodiscard]] std::string libpq_uri(const Uri& uri) const override;
  [[nodiscard]] std::unique_ptr<postgres::PgConnection> make_connection(PGconn* conn) const override;
};

}  // namespace lingo::crdb
