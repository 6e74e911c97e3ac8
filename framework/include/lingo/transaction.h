// Transactions with peewee's semantics: the options a block opens with, and
// the handles the RAII forms of Database::atomic(), transaction(),
// savepoint(), manual_commit() and connection_context() return.
//
// The rules (docs/transactions.md has the statement traces):
//  - transaction() blocks fold: only the outermost sends BEGIN and COMMIT or
//    ROLLBACK. An inner block that fails does nothing itself; if the caller
//    catches the exception, the inner writes stay in the transaction.
//  - atomic() is transaction() at depth 0 and a savepoint inside one, where
//    the dialect allows savepoints; where it does not, a nested atomic() is a
//    NotSupportedError before anything is sent.
//  - commit() / rollback() on a handle end the work so far and begin again:
//    on a savepoint, a fresh savepoint; on a transaction block, even an inner
//    folded one, the whole real transaction, then a new one.
//  - Options apply to the outermost block only, and are validated by the
//    dialect before BEGIN is sent, at every level.
//  - A handle destroyed while its block is still open rolls back as an
//    exception leaving the block would (never committing): the outermost
//    transaction rolls back, a savepoint rolls back to itself, a folded inner
//    block does nothing. finish() leaves the block normally instead.
//  - Handles of a thread's implicit session belong to that thread; handles
//    of a lingo::Session go wherever the Session goes.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>

#include "lingo/export.h"
#include "lingo/system_time.h"

namespace lingo {

class Database;
class Error;

enum class IsolationLevel { read_uncommitted, read_committed, repeatable_read, serializable };
// SQLite's BEGIN modes: when the write lock is taken.
enum class LockType { deferred, immediate, exclusive };
// CockroachDB's transaction priority.
enum class Priority { low, normal, high };

[[nodiscard]] LINGO_API std::string_view to_string(IsolationLevel level) noexcept;  // "SERIALIZABLE"
[[nodiscard]] LINGO_API std::string_view to_string(LockType type) noexcept;         // "IMMEDIATE"
[[nodiscard]] LINGO_API std::string_view to_string(Priority priority) noexcept;     // "HIGH"
// "low", "NORMAL", "High", ...; ValueError naming the accepted words otherwise.
[[nodiscard]] LINGO_API Priority parse_priority(std::string_view text);
// "serializable", "read committed", "REPEATABLE_READ", ...; ValueError otherwise.
[[nodiscard]] LINGO_API IsolationLevel parse_isolation_level(std::string_view text);

// How the outermost block opens its transaction. Each dialect accepts what it
// supports and refuses the rest with a NotSupportedError naming the option:
// PostgreSQL takes isolation_level, read_only and deferrable; SQLite takes
// lock_type (and isolation_level = serializable, which is all it offers);
// CockroachDB takes isolation_level, read_only, priority and system_time.
struct LINGO_API TransactionOptions {
  std::optional<IsolationLevel> isolation_level{};
  bool read_only = false;
  bool deferrable = false;
  std::optional<LockType> lock_type{};
  std::optional<Priority> priority{};
  std::optional<SystemTime> system_time{};  // AS OF SYSTEM TIME: a read-only, historical transaction
};

// The block a Transaction handle stands for.
enum class BlockKind {
  transaction,  // the outermost transaction: BEGIN ... COMMIT / ROLLBACK
  folded,       // a transaction() inside another: sends nothing of its own
  savepoint,    // SAVEPOINT ... RELEASE / ROLLBACK TO
};

class LINGO_API Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Commits the work so far and begins again (peewee's commit()): RELEASE then
  // SAVEPOINT for a savepoint; COMMIT then BEGIN for a transaction block,
  // which for a folded inner block means the whole real transaction.
  void commit();
  // Rolls the work so far back and begins again, the same way.
  void rollback();
  // Leaves the block normally: COMMIT for the outermost transaction (rolling
  // back and rethrowing if COMMIT fails), RELEASE for a savepoint (rolling
  // back to it if RELEASE fails), nothing for a folded block.
  void finish();
  // Leaves the block as an exception would: ROLLBACK, ROLLBACK TO, or nothing
  // for a folded block. Never throws; a failure to roll back is traced and
  // the connection's own state reports it.
  void abandon() noexcept;

  [[nodiscard]] BlockKind kind() const noexcept { return kind_; }
  [[nodiscard]] bool is_open() const noexcept { return open_; }
  // The savepoint's name (empty for transaction blocks).
  [[nodiscard]] const std::string& savepoint_name() const noexcept { return savepoint_; }

  // Runs fn inside the block: finish() when it returns, abandon() and rethrow
  // when it throws. fn may take this handle.
  template <class F>
  decltype(auto) run(F&& fn);

 private:
  friend class Database;
  Transaction(Database& db, BlockKind kind, std::uint64_t frame, std::string begin_sql,
              std::string savepoint);
  void check_usable(const char* action) const;
  // A handle of a thread's session is that thread's; a Session's, anyone's.
  [[nodiscard]] bool is_owner() const noexcept {
    return owner_ == std::thread::id() || owner_ == std::this_thread::get_id();
  }
  void end_and_begin_again(bool commit);

  Database* db_;
  BlockKind kind_;
  std::uint64_t frame_;    // its entry on the transaction stack (0 for savepoints)
  std::string begin_sql_;  // what commit()/rollback() send to begin again
  std::string savepoint_;
  std::thread::id owner_;  // empty for a Session's block
  bool open_ = true;
};

// manual_commit(): while it is open, the application sends begin(), commit()
// and rollback() itself; atomic() is refused, transaction() does nothing.
class LINGO_API ManualCommit {
 public:
  ManualCommit(ManualCommit&& other) noexcept;
  ManualCommit& operator=(ManualCommit&&) = delete;
  ManualCommit(const ManualCommit&) = delete;
  ManualCommit& operator=(const ManualCommit&) = delete;
  ~ManualCommit();
  // Leaves the block; ValueError if blocks opened inside it are still open.
  void finish();

 private:
  friend class Database;
  ManualCommit(Database& db, std::uint64_t frame);
  Database* db_;
  std::uint64_t frame_;
  bool open_ = true;
};

// connection_context(): connects if closed; the outermost context closes the
// connection when it ends.
class LINGO_API ConnectionContext {
 public:
  ConnectionContext(ConnectionContext&& other) noexcept;
  ConnectionContext& operator=(ConnectionContext&&) = delete;
  ConnectionContext(const ConnectionContext&) = delete;
  ConnectionContext& operator=(const ConnectionContext&) = delete;
  // Closes as finish() does but never throws: a close refused because a
  // transaction is still open leaves the connection open.
  ~ConnectionContext();
  void finish();

 private:
  friend class Database;
  explicit ConnectionContext(Database& db) : db_(&db) {}
  Database* db_;
  bool open_ = true;
};

// One retry, as run_transaction's on_retry hook sees it.
struct LINGO_API RetryEvent {
  int attempt = 0;                      // the attempt that failed, from 1
  const Error* error = nullptr;         // its retryable failure
  std::chrono::microseconds backoff{};  // the pause before the next attempt
};

// What one run_transaction call took; filled in whether it succeeds or not.
struct LINGO_API RunStats {
  int attempts = 0;
  std::chrono::microseconds backoff{};  // total time spent pausing between attempts
};

// run_transaction's options: how the transaction opens (as
// TransactionOptions), and how failed attempts are retried.
struct LINGO_API RunOptions {
  // Attempts in all, the first included. 0 means no limit (peewee's meaning of
  // 0 and None), which is only wise with a deadline.
  int max_attempts = 10;
  // The first `immediate_retries` retries start at once: a conflict usually
  // clears the moment the transaction it met commits, and a pause then only
  // loses time (docs/transactions.md has the measurements).
  int immediate_retries = 1;
  // Later retries pause first, with exponential back-off and full jitter: the
  // k-th paused retry waits a random time in
  // [0, min(max_backoff, initial_backoff * 2^(k-1))]. Only full restarts
  // pause: rolled back to a restart savepoint (CockroachDB), a transaction
  // keeps its locks, so every retry there starts at once.
  std::chrono::microseconds initial_backoff = std::chrono::milliseconds(5);
  std::chrono::microseconds max_backoff = std::chrono::seconds(1);
  // An overall limit: no attempt starts after it has passed, and no pause
  // runs past it. Absent: no limit.
  std::optional<std::chrono::milliseconds> deadline{};

  std::optional<IsolationLevel> isolation_level{};
  bool read_only = false;
  bool deferrable = false;
  std::optional<LockType> lock_type{};
  std::optional<Priority> priority{};
  std::optional<SystemTime> system_time{};

  // Where the dialect retries through a restart savepoint (CockroachDB's
  // SAVEPOINT cockroach_restart), restart the whole transaction instead.
  bool full_restart = false;

  // Called before each pause; for logs and metrics. Must not throw.
  std::function<void(const RetryEvent&)> on_retry{};
  // Filled in with the attempts the call took, when not null.
  RunStats* stats = nullptr;
  // How to pause between attempts; empty: std::this_thread::sleep_for. For
  // tests (a fake clock) and for callers that must wait their own way.
  std::function<void(std::chrono::microseconds)> sleep{};

  [[nodiscard]] TransactionOptions transaction_options() const {
    return {isolation_level, read_only, deferrable, lock_type, priority, system_time};
  }
};

namespace detail {

// Calls a block's body with the handle when it takes one.
template <class F, class Handle>
decltype(auto) call_body(F& fn, Handle& handle) {
  if constexpr (std::is_invocable_v<F&, Handle&>) {
    return fn(handle);
  } else {
    return fn();
  }
}

// Runs the body, then finishes the block; returns what the body returned.
// When the body (or finish) throws, the block's destructor or abandon()
// decides what leaving it means.
template <class Block, class F>
decltype(auto) run_then_finish(Block& block, F& fn) {
  using R = decltype(call_body(fn, block));
  if constexpr (std::is_void_v<R>) {
    call_body(fn, block);
    block.finish();
  } else {
    R result = call_body(fn, block);
    block.finish();
    return result;
  }
}

}  // namespace detail

template <class F>
decltype(auto) Transaction::run(F&& fn) {
  try {
    return detail::run_then_finish(*this, fn);
  } catch (...) {
    abandon();
    throw;
  }
}

}  // namespace lingo
