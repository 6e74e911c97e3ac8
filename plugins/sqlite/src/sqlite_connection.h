// One open SQLite database: lingo::Connection over the sqlite3 C API.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lingo/connection.h"

namespace lingo::sqlite {

// Everything a sqlite URI decides, already validated (see sqlite_dialect.cpp).
struct OpenOptions {
  std::string filename = ":memory:";
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int busy_timeout_ms = 5000;
  bool foreign_keys = true;
  std::string journal_mode;  // empty: SQLite's default
  std::string synchronous;   // empty: SQLite's default
  std::string masked_uri;    // for messages
};

class SqliteConnection final : public Connection {
 public:
  // Throws ConnectionError (08006) naming the file when it cannot be opened.
  explicit SqliteConnection(const OpenOptions& options);
  ~SqliteConnection() override;

  [[nodiscard]] TransactionStatus transaction_status() const noexcept override;
  [[nodiscard]] bool is_usable() const noexcept override { return db_ != nullptr; }
  [[nodiscard]] int server_version() override;
  void close() noexcept override;
  // Whether the URI asked for foreign key enforcement (on by default).
  [[nodiscard]] bool foreign_keys() const noexcept { return foreign_keys_; }

 protected:
  Result do_execute(std::string_view sql, std::span<const Value> params) override;
  // Steps a statement of its own, one row at a time.
  std::unique_ptr<RowStream> do_stream(std::string_view sql, std::span<const Value> params) override;
  void do_begin(std::string_view statement) override;
  void do_commit() override;
  void do_rollback() override;

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using StatementCache = std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>>;

  bool foreign_keys_ = true;
  void require_open(std::string_view sql) const;
  Result prepare_and_run(std::string_view sql, std::span<const Value> params);
  Result run(sqlite3_stmt* stmt, std::string_view sql, std::span<const Value> params,
             std::string_view context);
  void bind_params(sqlite3_stmt* stmt, std::string_view sql, std::span<const Value> params);
  // Adds a prepared statement to the cache (evicting one when full) and
  // returns whether the cache took ownership of it.
  bool remember(std::string_view sql, sqlite3_stmt* stmt);
  void finalize_cache() noexcept;

  sqlite3* db_ = nullptr;
  StatementCache cache_;
};

}  // namespace lingo::sqlite
