// Database's private state, shared by the files that implement it
// (database.cpp, transaction.cpp, run_transaction.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "lingo/database.h"
#include "lingo/dialect.h"
#include "lingo/trace.h"
#include "lingo/uri.h"
#include "pool.h"

namespace lingo {

// One entry on a thread's transaction stack: a transaction() block (the
// outermost or a folded one) or a manual_commit() block. Savepoints are not
// stacked, as in peewee.
struct Frame {
  enum class Kind { transaction, manual };
  Kind kind;
  std::uint64_t id;
};

// A thread's session: its connection and its open blocks.
struct Session {
  std::unique_ptr<Connection> conn;
  std::vector<Frame> stack;
  int contexts = 0;              // open connection_context() blocks
  std::uint64_t savepoints = 0;  // names them: lingo_sp_1, lingo_sp_2, ...
};

struct Database::Impl {
  Impl(std::string_view text, const PoolOptions* pool_override);
  ~Impl();

  Uri uri;                 // what the dialect sees: base scheme, pool options removed
  std::string masked_uri;  // the URI as given, password masked
  const Dialect* dialect;
  TraceSink trace;
  std::unique_ptr<ConnectionPool> pool;  // null unless pooled
  std::atomic<int> server_version{0};
  std::atomic<std::uint64_t> next_frame{1};

  // This thread's session, or null.
  Session* find();
  // This thread's session, made when missing.
  Session& session();
  // This thread's session with its connection open.
  Session& connected();
  // Opens a connection for `s` (from the pool when pooled).
  void open(Session& s);
  // Gives `s`'s connection back (to the pool, or closes it) and forgets the
  // session when nothing else is open in it.
  void release(Session& s, bool for_real);
  // close() and manual_close(): refused while a block or a transaction with
  // uncommitted work is open; `for_real` closes a pooled connection instead
  // of returning it.
  bool close_this_thread(bool for_real);
  [[nodiscard]] std::string dialect_name() const { return std::string(dialect->name()); }

 private:
  // Names this Impl in each thread's one-entry session cache (database.cpp):
  // never reused, so a cache entry left by a destroyed Database matches nothing.
  const std::uint64_t id_;
  std::mutex mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<Session>> sessions_;
};

}  // namespace lingo
