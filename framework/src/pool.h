// The connection pool behind "+pool" databases (lingo/pool.h has the options).
//
// Idle connections wait in a min-heap ordered by when they were opened, so
// the oldest is lent first (as peewee's pool does). Nothing slow happens
// under the lock: connecting, the checkout check and the check-in rollback
// all run outside it, with a slot reserved meanwhile so max_connections holds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "lingo/connection.h"
#include "lingo/pool.h"
#include "lingo/uri.h"

namespace lingo {

class Dialect;
class TraceSink;

class ConnectionPool {
 public:
  using Clock = std::chrono::steady_clock;

  ConnectionPool(const Dialect& dialect, Uri uri, PoolOptions options, const TraceSink* trace);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Lends a working connection: an idle one that passes its check, or a new
  // one. A connection given back within check_after is only probed (no round
  // trip); one idle longer answers a SELECT 1 first; a broken one is closed
  // and the next tried. Throws MaxConnectionsExceeded when none frees up
  // within the timeout.
  std::unique_ptr<Connection> checkout();
  // Takes a connection back. One left inside a transaction or in an error
  // state is rolled back first; one that cannot be, one that is broken or
  // stale, and one the pool has forgotten (close_stale, close_all) are closed.
  void checkin(std::unique_ptr<Connection> conn) noexcept;
  // Closes a lent connection for real and frees its slot (manual_close).
  void discard(std::unique_ptr<Connection> conn) noexcept;

  // Closes every idle connection; returns how many.
  std::size_t close_idle() noexcept;
  // Forgets every lent connection checked out longer than `age` ago, freeing
  // its slot; each is closed when its thread gives it back. Returns how many.
  std::size_t close_stale(Seconds age) noexcept;
  // close_idle(), and forgets every lent connection.
  void close_all() noexcept;

  [[nodiscard]] PoolStats stats() const;
  [[nodiscard]] const PoolOptions& options() const noexcept { return options_; }

 private:
  struct Idle {
    Clock::time_point created;
    std::uint64_t serial;
    std::unique_ptr<Connection> conn;
    Clock::time_point returned;
  };
  struct Lent {
    Clock::time_point created;
    Clock::time_point checked_out;
  };
  [[nodiscard]] bool is_stale(Clock::time_point created, Clock::time_point now) const noexcept;
  // Whether an idle connection may be lent: young enough, not idle too long,
  // and alive (probed, or pinged when idle past check_after).
  [[nodiscard]] bool may_lend(Idle& candidate, Clock::time_point now) const noexcept;
  [[nodiscard]] bool limit_reached() const noexcept;
  std::unique_ptr<Connection> open_new(std::unique_lock<std::mutex>& lock);
  [[noreturn]] void exhausted() const;
  std::unique_ptr<Connection> checkout_timed();

  const Dialect& dialect_;
  const Uri uri_;
  const PoolOptions options_;
  const TraceSink* trace_;

  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Idle> idle_;  // a heap: oldest-created first
  std::unordered_map<const Connection*, Lent> lent_;
  std::size_t opening_ = 0;  // slots reserved by connects in progress
  std::uint64_t serial_ = 0;
  // The db.client.connection.* figures (PoolStats).
  std::size_t waiting_ = 0;  // threads waiting in checkout()
  std::uint64_t timeouts_ = 0;
  Histogram create_time_;
  Histogram wait_time_;
  Histogram use_time_;
};

// Reads max_connections, stale_timeout and timeout from a URI's options over
// `defaults`; UriError for a value that is not a number of the right kind.
[[nodiscard]] PoolOptions pool_options_from(const Uri& uri, PoolOptions defaults);

}  // namespace lingo
