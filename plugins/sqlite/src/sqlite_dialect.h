// The SQLite dialect: opens sqlite:// URIs.
#pragma once

#include <memory>
#include <string_view>

#include "lingo/dialect.h"
#include "sqlite_connection.h"

namespace lingo::sqlite {

class SqliteDialect final : public Dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "sqlite"; }
  [[nodiscard]] std::unique_ptr<Connection> connect(const Uri& uri) const override;
  [[nodiscard]] const Introspector* introspector() const noexcept override;
  [[nodiscard]] const Compiler& compiler() const override;
  // BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE], from lock_type.
  [[nodiscard]] std::string begin_statement(const TransactionOptions& options) const override;
  // ALTER TABLE where SQLite has it (add a plain column, rename a column or
  // the table, indexes); every other change through SQLite's table rebuild
  // (sqlite_alter.cpp).
  void alter(Connection& conn, const SchemaChange& change) const override;
  // The rebuild drops a table other tables may reference: foreign key
  // enforcement is off around the batch (PRAGMA foreign_keys cannot change
  // inside a transaction), and each rebuild runs foreign_key_check instead.
  void before_schema_changes(Connection& conn) const override;
  void after_schema_changes(Connection& conn) const override;
  void check_schema_changes(Connection& conn) const override;
};

// Reads a sqlite URI:
//   sqlite://  and  sqlite:///:memory:   a private in-memory database
//   sqlite:///app.db                     "app.db", relative to the working directory
//   sqlite:////tmp/app.db                "/tmp/app.db"
// with options timeout or busy_timeout (seconds; in a sqlite+pool URI
// "timeout" is the pool's), foreign_keys, journal_mode, synchronous and
// mode. Throws UriError for a host, user, unknown option or bad value.
[[nodiscard]] OpenOptions parse_uri(const Uri& uri);

}  // namespace lingo::sqlite
