#include "sqlite_connection.h"

#include <cctype>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lingo/errors.h"
#include "sqlite_errors.h"
#include "sqlite_result.h"
#include "sqlite_values.h"

namespace lingo::sqlite {
namespace {

// Prepared statements are cached by their text. The bound keeps a program
// that builds SQL by hand from growing without limit; eviction is arbitrary
// because re-preparing a statement costs microseconds. Very long texts (bulk
// literals, migration scripts) are not worth a copy as a key.
constexpr std::size_t max_cached_statements = 256;
constexpr std::size_t max_cached_text = 8192;

// The index of the first character that is not whitespace, a comment, or
// (when asked) a ';': what SQLite itself skips between statements.
std::size_t skip_trivia(std::string_view s, bool semicolons) {
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0 || (semicolons && c == ';')) {
      ++i;
    } else if (s.substr(i, 2) == "--") {
      const auto eol = s.find('\n', i);
      i = eol == std::string_view::npos ? s.size() : eol + 1;
    } else if (s.substr(i, 2) == "/*") {
      const auto close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? s.size() : close + 2;
    } else {
      break;
    }
  }
  return i;
}

bool only_trivia(std::string_view s) {
  return skip_trivia(s, true) == s.size();
}

// sqlite3_changes64 keeps the count of the last INSERT, UPDATE or DELETE
// until another one runs, so after a SELECT or a CREATE it would report a
// stale number. Only statements that change rows report it.
bool changes_rows(sqlite3_stmt* stmt) {
  const char* text = sqlite3_sql(stmt);
  if (text == nullptr) return false;
  std::string_view sql(text);
  sql.remove_prefix(skip_trivia(sql, false));
  std::string keyword;
  for (const char c : sql) {
    if (std::isalpha(static_cast<unsigned char>(c)) == 0) break;
    keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (keyword == "INSERT" || keyword == "UPDATE" || keyword == "DELETE" || keyword == "REPLACE") {
    return true;
  }
  // A WITH prefix leads a SELECT (read-only) or a data change (not).
  return keyword == "WITH" && sqlite3_stmt_readonly(stmt) == 0;
}

// "$12" and "?12" name parameter 12; nothing else is a Lingo placeholder.
std::optional<std::size_t> parameter_number(std::string_view name) {
  if (name.size() < 2 || (name[0] != '$' && name[0] != '?')) return std::nullopt;
  std::size_t n = 0;
  for (const char c : name.substr(1)) {
    if (c < '0' || c > '9' || n > 1'000'000) return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n == 0) return std::nullopt;
  return n;
}

std::string count_of_values(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " value" : " values");
}

class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  // Releases the statement's locks and its copies of the bound values, so a
  // cached statement holds nothing between uses.
  ~ResetOnExit() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

struct FinalizeStatement {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using OwnedStatement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

}  // namespace

SqliteConnection::SqliteConnection(const OpenOptions& options) : foreign_keys_(options.foreign_keys) {
  const int rc =
      sqlite3_open_v2(options.filename.c_str(), &db_, options.flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "cannot open sqlite database \"" + options.filename + "\": ";
    message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    message += " (" + options.masked_uri + ")";
    const long native_code = db_ != nullptr ? sqlite3_extended_errcode(db_) : rc;
    sqlite3_close_v2(db_);  // a handle is returned even on failure
    db_ = nullptr;
    throw_error<DatabaseError>(std::move(message),
                               {.sqlstate = "08006", .dialect = "sqlite", .native_code = native_code});
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  try {
    do_execute(options.foreign_keys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", {});
    // Both values were checked against fixed lists, so splicing them is safe.
    if (!options.journal_mode.empty()) {
      do_execute("PRAGMA journal_mode = " + options.journal_mode, {});
    }
    if (!options.synchronous.empty()) {
      do_execute("PRAGMA synchronous = " + options.synchronous, {});
    }
  } catch (...) {
    // The destructor does not run for a constructor that throws.
    close();
    throw;
  }
}

SqliteConnection::~SqliteConnection() {
  close();
}

namespace {

// One statement stepped on demand. The statement is its own (not the cache's),
// so that other statements may run while rows are being read.
class SqliteRowStream final : public RowStream {
 public:
  SqliteRowStream(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), sql_(std::move(sql)), row_(std::make_shared<SqliteResult>(stmt)) {}
  bool next() override {
    if (done_) return false;
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) {
      // A row still held elsewhere (buffered by Connection::settle, kept by
      // the reader) keeps its values: the next one gets a fresh holder.
      // The first row's holder is made after the first step, which
      // re-prepares a statement whose tables changed (declared types).
      if (first_ || row_.use_count() > 1) {
        first_ = false;
        row_ = std::make_shared<SqliteResult>(stmt_.get());
      } else {
        row_->clear_rows();
      }
      row_->add_row(stmt_.get());
      return true;
    }
    done_ = true;
    if (rc != SQLITE_DONE) throw_sqlite_error(db_, rc, sql_, {});
    return false;
  }
  [[nodiscard]] Row row() const override { return Row(row_, 0); }

 private:
  sqlite3* db_;
  OwnedStatement stmt_;
  std::string sql_;
  std::shared_ptr<SqliteResult> row_;
  bool first_ = true;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<RowStream> SqliteConnection::do_stream(std::string_view sql, std::span<const Value> params) {
  require_open(sql);
  for (const Value& param : params)
    if (param.type() == ValueType::array) throw_array_not_supported(sql);
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, sql, {});
  OwnedStatement owned(raw);
  if (raw == nullptr ||
      !only_trivia(std::string_view(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail))))
    throw_programming_error("a streamed query must be exactly one statement", "42601", sql);
  bind_params(raw, sql, params);
  return std::make_unique<SqliteRowStream>(db_, owned.release(), std::string(sql));
}

Result SqliteConnection::do_execute(std::string_view sql, std::span<const Value> params) {
  require_open(sql);
  for (const Value& param : params) {
    if (param.type() == ValueType::array) throw_array_not_supported(sql);
  }
  if (const auto it = cache_.find(sql); it != cache_.end()) {
    return run(it->second, sql, params, {});
  }
  return prepare_and_run(sql, params);
}

// Prepares statements one at a time from the text. A text holding exactly one
// statement is cached and may take parameters; a script runs each statement
// in turn, uncached, and returns the last one's result.
Result SqliteConnection::prepare_and_run(std::string_view sql, std::span<const Value> params) {
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    throw_error<DatabaseError>(
        "statement text of " + std::to_string(sql.size()) + " bytes is longer than sqlite accepts",
        {.sqlstate = "54000",  // program_limit_exceeded
         .dialect = "sqlite",
         .statement = std::string(sql.substr(0, 200))});
  }
  const char* const end = sql.data() + sql.size();
  const char* start = sql.data();
  Result last;
  int ran = 0;
  while (!only_trivia(std::string_view(start, static_cast<std::size_t>(end - start)))) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const std::string context =
        ran == 0 ? std::string() : "statement " + std::to_string(ran + 1) + " of the script";
    const int rc = sqlite3_prepare_v2(db_, start, static_cast<int>(end - start), &raw, &tail);
    if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, sql, context);
    if (raw == nullptr) {  // only a comment SQLite did not count as one of ours
      if (tail == nullptr || tail <= start) break;
      start = tail;
      continue;
    }
    const std::string_view rest(tail, static_cast<std::size_t>(end - tail));
    const bool alone = ran == 0 && only_trivia(rest);
    if (alone) {
      if (remember(sql, raw)) return run(raw, sql, params, {});
      const OwnedStatement owned(raw);
      return run(raw, sql, params, {});
    }
    const OwnedStatement owned(raw);
    if (!params.empty()) {
      throw_programming_error(
          "parameters were given but the text holds more than one statement; "
          "run each statement with its own parameters",
          "42601", sql);
    }
    last = run(raw, sql, params, context);
    ++ran;
    start = tail;
  }
  return last;
}

Result SqliteConnection::run(sqlite3_stmt* stmt, std::string_view sql, std::span<const Value> params,
                             std::string_view context) {
  const ResetOnExit reset{stmt};
  bind_params(stmt, sql, params);
  // The first step re-prepares a cached statement whose tables changed
  // since: the columns' declared types are read after it, never before.
  int rc = sqlite3_step(stmt);
  auto result = std::make_shared<SqliteResult>(stmt);
  for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt)) result->add_row(stmt);
  if (rc != SQLITE_DONE) throw_sqlite_error(db_, rc, sql, context);
  result->set_rows_affected(changes_rows(stmt) ? sqlite3_changes64(db_) : -1);
  return Result(std::move(result));
}

// SQLite numbers a statement's parameters 1..count in order of first
// appearance, and "$2" is just a name to it, so "SELECT $2, $1" gives "$2"
// index 1. Each index is therefore bound by what its name says: "$n" and
// "?n" take params[n-1], a plain "?" (no name) takes the value at its index.
void SqliteConnection::bind_params(sqlite3_stmt* stmt, std::string_view sql, std::span<const Value> params) {
  const int count = sqlite3_bind_parameter_count(stmt);
  std::vector<std::size_t> numbers(static_cast<std::size_t>(count));
  std::size_t highest = 0;
  std::string highest_name;
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt, i);
    std::size_t number = static_cast<std::size_t>(i);
    if (name != nullptr) {
      const auto parsed = parameter_number(name);
      if (!parsed) {
        throw_programming_error(std::string("named parameter ") + name +
                                    " is not supported: Lingo passes values by position; "
                                    "use $1..$n, ?NNN or ?",
                                "42P02", sql);
      }
      number = *parsed;
    }
    numbers[static_cast<std::size_t>(i - 1)] = number;
    if (number > highest) {
      highest = number;
      highest_name = name != nullptr ? name : "? number " + std::to_string(i);
    }
  }
  if (highest > params.size()) {
    throw_programming_error(highest_name + " is used but only " + count_of_values(params.size()) +
                                (params.size() == 1 ? " was" : " were") + " given",
                            "42P02", sql);
  }
  if (params.size() > highest) {
    throw_programming_error(
        count_of_values(params.size()) + " given but the statement uses " +
            (highest == 0 ? std::string("no placeholders") : "placeholders up to " + highest_name),
        "42P02", sql);
  }
  for (int i = 1; i <= count; ++i) {
    const std::size_t number = numbers[static_cast<std::size_t>(i - 1)];
    const int rc = bind_value(stmt, i, params[number - 1]);
    if (rc != SQLITE_OK) {
      throw_sqlite_error(db_, rc, sql, "binding the value for $" + std::to_string(number));
    }
  }
}

bool SqliteConnection::remember(std::string_view sql, sqlite3_stmt* stmt) {
  if (sql.size() > max_cached_text) return false;
  if (cache_.size() >= max_cached_statements) {
    sqlite3_finalize(cache_.begin()->second);
    cache_.erase(cache_.begin());
  }
  cache_.emplace(std::string(sql), stmt);
  return true;
}

void SqliteConnection::do_begin(std::string_view statement) {
  do_execute(statement, {});
}
void SqliteConnection::do_commit() {
  do_execute("COMMIT", {});
}
void SqliteConnection::do_rollback() {
  do_execute("ROLLBACK", {});
}

// SQLite has no failed-transaction state: a statement that fails inside a
// transaction leaves it usable, and errors that abort it turn autocommit back
// on, which sqlite3_get_autocommit reports.
TransactionStatus SqliteConnection::transaction_status() const noexcept {
  if (db_ == nullptr) return TransactionStatus::unknown;
  return sqlite3_get_autocommit(db_) != 0 ? TransactionStatus::idle : TransactionStatus::in_transaction;
}

int SqliteConnection::server_version() {
  return sqlite3_libversion_number();
}

void SqliteConnection::close() noexcept {
  finalize_cache();
  if (db_ != nullptr) {
    // Rolls back an open transaction.
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

void SqliteConnection::require_open(std::string_view sql) const {
  if (db_ != nullptr) return;
  throw_error<InterfaceError>("the sqlite connection is closed",
                              {.dialect = "sqlite", .statement = std::string(sql)});
}

void SqliteConnection::finalize_cache() noexcept {
  for (auto& entry : cache_) sqlite3_finalize(entry.second);
  cache_.clear();
}

}  // namespace lingo::sqlite
