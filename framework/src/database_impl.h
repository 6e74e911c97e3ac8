// Database's private state, shared by the files that implement it
// (database.cpp, session.cpp, transaction.cpp, run_transaction.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lingo/database.h"
#include "lingo/dialect.h"
#include "lingo/trace.h"
#include "lingo/uri.h"
#include "pool.h"

namespace lingo {

// One entry on a session's transaction stack: a transaction() block (the
// outermost or a folded one) or a manual_commit() block. Savepoints are not
// stacked, as in peewee.
struct Frame {
  enum class Kind { transaction, manual };
  Kind kind;
  std::uint64_t id;
};

// What every handle of one database shares: the URI, the dialect, the pool,
// the tracer. Sessions hold it too, so a Session or a thread's session that
// outlives the Database it came from still has its pool to go back to.
struct Database::Impl {
  Impl(std::string_view text, const PoolOptions* pool_override);

  Uri uri;                 // what the dialect sees: base scheme, pool options removed
  std::string masked_uri;  // the URI as given, password masked
  const Dialect* dialect;
  TraceSink trace;
  std::unique_ptr<ConnectionPool> pool;  // null unless pooled
  std::atomic<int> server_version{0};
  std::atomic<std::uint64_t> next_frame{1};
  // Names this database in each thread's sessions (ThreadSessions in
  // session.cpp); never reused.
  const std::uint64_t id;
  // False once the Database is destroyed: the threads' sessions of it end at
  // their thread's next look-up or at its end, whichever comes first.
  std::atomic<bool> alive{true};

  [[nodiscard]] std::string dialect_name() const { return std::string(dialect->name()); }
};

namespace detail {

// One session: a connection (opened on first use) and its stack of blocks.
// Owned by exactly one thing: a lingo::Session, or the thread that used a
// Database without one (ThreadSessions, session.cpp). Its destructor ends it:
// an open stream is abandoned, an open transaction rolled back (the trace
// says why), and the connection goes back to the pool or is closed.
struct SessionState {
  SessionState(std::shared_ptr<Database::Impl> database, const char* owned_by)
      : db(std::move(database)), owner(owned_by) {}
  ~SessionState();
  SessionState(const SessionState&) = delete;
  SessionState& operator=(const SessionState&) = delete;

  std::shared_ptr<Database::Impl> db;
  const char* owner;  // "its thread", "its lingo::Session": for the trace
  std::unique_ptr<Connection> conn;
  std::vector<Frame> stack;
  int contexts = 0;              // open connection_context() blocks
  std::uint64_t savepoints = 0;  // names them: lingo_sp_1, lingo_sp_2, ...

  // Opens a connection (from the pool when pooled).
  void open();
  // The connection, opened if needed; a broken one that no block depends on
  // is replaced.
  Connection& connected();
  // close() and manual_close(): refused while a block or a transaction with
  // uncommitted work is open; an open stream's rows are read first. `for_real`
  // closes a pooled connection instead of returning it.
  bool close(bool for_real);
  // Gives the connection back (to the pool, or closes it).
  void release(bool for_real) noexcept;
};

// The pause after `failures` failed attempts: none for the first
// immediate_retries, then a random time in [0, min(cap, initial * 2^(k-1))]
// for the k-th paused retry (run_transaction.cpp).
std::chrono::microseconds backoff_for(int failures, const RunOptions& options);

// A statement outside any transaction, retried where running it again
// cannot apply it twice (Database::execute_sql says when); lone_statement.cpp.
Result execute_alone(SessionState& s, std::string_view sql, std::span<const Value> params,
                     Idempotence idempotence);

// The calling thread's session of `db`, or null.
SessionState* find_thread_session(const Database::Impl& db) noexcept;
// The calling thread's session of `db`, made when missing.
SessionState& thread_session(const std::shared_ptr<Database::Impl>& db);
// Ends the calling thread's session of `db`, if it has one.
void end_thread_session(const Database::Impl& db) noexcept;

}  // namespace detail
}  // namespace lingo
