#include "pool.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/trace.h"

namespace lingo {
namespace {

// std::push_heap keeps the largest on top; this puts the oldest there.
bool younger(const auto& a, const auto& b) {
  return a.created != b.created ? a.created > b.created : a.serial > b.serial;
}

// The check of a connection that sat idle long enough to have died
// unnoticed (peewee checks every time): it must answer a round trip.
bool answers_ping(Connection& conn) noexcept {
  try {
    if (conn.transaction_status() != TransactionStatus::idle) return false;
    conn.ping();
    return true;
  } catch (...) {
    return false;
  }
}

Seconds parse_seconds(const Uri& uri, const std::string& key, const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0) {
    throw UriError("pool option " + key + "=" + text +
                   " is not valid: expected a number of seconds, 0 or more (fractions allowed) (" +
                   uri.masked() + ")");
  }
  return Seconds(value);
}

}  // namespace

PoolOptions pool_options_from(const Uri& uri, PoolOptions options) {
  if (auto text = uri.option("max_connections")) {
    int value = 0;
    const char* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || value < 0) {
      throw UriError("pool option max_connections=" + *text +
                     " is not valid: expected a whole number, 0 (no limit) or more (" + uri.masked() + ")");
    }
    options.max_connections = value;
  }
  if (auto text = uri.option("stale_timeout"))
    options.stale_timeout = parse_seconds(uri, "stale_timeout", *text);
  if (auto text = uri.option("lifetime_jitter"))
    options.lifetime_jitter = parse_seconds(uri, "lifetime_jitter", *text);
  if (auto text = uri.option("idle_timeout"))
    options.idle_timeout = parse_seconds(uri, "idle_timeout", *text);
  if (auto text = uri.option("check_after")) options.check_after = parse_seconds(uri, "check_after", *text);
  if (auto text = uri.option("timeout")) options.timeout = parse_seconds(uri, "timeout", *text);
  return options;
}

ConnectionPool::ConnectionPool(const Dialect& dialect, Uri uri, PoolOptions options, const TraceSink* trace)
    : dialect_(dialect), uri_(std::move(uri)), options_(options), trace_(trace) {
  if (options_.max_connections < 0) {
    throw ValueError("max_connections must be 0 (no limit) or more, not " +
                     std::to_string(options_.max_connections));
  }
  if (options_.lifetime_jitter && options_.lifetime_jitter->count() < 0)
    throw ValueError("lifetime_jitter cannot be negative");
  if (options_.lifetime_jitter && options_.lifetime_jitter->count() > 0 &&
      (!options_.stale_timeout || *options_.lifetime_jitter > *options_.stale_timeout)) {
    throw ValueError("lifetime_jitter (" + std::to_string(options_.lifetime_jitter->count()) +
                     " s) shortens stale_timeout, so it needs one at least as long");
  }
}

ConnectionPool::~ConnectionPool() {
  close_idle();
}

bool ConnectionPool::is_stale(Clock::time_point created, Clock::time_point now) const noexcept {
  if (!options_.stale_timeout || options_.stale_timeout->count() <= 0) return false;
  const Seconds jitter = options_.lifetime_jitter.value_or(*options_.stale_timeout / 10);
  // A connection's share of the jitter: a fixed fraction in [0, 1) drawn
  // from when it was opened (a hash of the clock's count), so that it needs
  // no state of its own and connections opened together part soon after.
  std::uint64_t h = static_cast<std::uint64_t>(created.time_since_epoch().count()) * 0x9E3779B97F4A7C15ULL;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 29;
  const double fraction = static_cast<double>(h >> 11) * 0x1.0p-53;
  return now - created > *options_.stale_timeout - jitter * fraction;
}

bool ConnectionPool::may_lend(Idle& candidate, Clock::time_point now) const noexcept {
  if (is_stale(candidate.created, now)) return false;
  const auto idle_for = now - candidate.returned;
  if (options_.idle_timeout && options_.idle_timeout->count() > 0 && idle_for > *options_.idle_timeout)
    return false;
  if (idle_for >= options_.check_after) return answers_ping(*candidate.conn);
  return candidate.conn->probe();
}

bool ConnectionPool::limit_reached() const noexcept {
  return options_.max_connections > 0 &&
         lent_.size() + opening_ >= static_cast<std::size_t>(options_.max_connections);
}

void ConnectionPool::exhausted() const {
  throw_error<MaxConnectionsExceeded>(
      options_.timeout ? "Max connections exceeded, timed out attempting to connect: all " +
                             std::to_string(options_.max_connections) + " connections of the pool for " +
                             uri_.masked() + " stayed in use"
                       : "Exceeded maximum connections: all " + std::to_string(options_.max_connections) +
                             " connections of the pool for " + uri_.masked() +
                             " are in use (set the pool's timeout to wait for one)",
      {.dialect = std::string(dialect_.name())});
}

std::unique_ptr<Connection> ConnectionPool::open_new(std::unique_lock<std::mutex>& lock) {
  ++opening_;
  lock.unlock();
  std::unique_ptr<Connection> conn;
  const auto started = Clock::now();
  try {
    conn = dialect_.connect(uri_);
    conn->set_trace_sink(trace_, dialect_.name(), uri_);
  } catch (...) {
    lock.lock();
    --opening_;
    freed_.notify_one();
    throw;
  }
  const auto now = Clock::now();
  lock.lock();
  --opening_;
  create_time_.record(Seconds(now - started).count());
  lent_.emplace(conn.get(), Lent{now, now});
  return conn;
}

std::unique_ptr<Connection> ConnectionPool::checkout() {
  const auto asked = Clock::now();
  std::unique_ptr<Connection> conn = checkout_timed();
  const double waited = Seconds(Clock::now() - asked).count();
  std::lock_guard lock(mutex_);
  wait_time_.record(waited);
  return conn;
}

std::unique_ptr<Connection> ConnectionPool::checkout_timed() {
  const bool wait_forever = options_.timeout && options_.timeout->count() <= 0;
  const auto deadline = options_.timeout && !wait_forever
                            ? Clock::now() + std::chrono::duration_cast<Clock::duration>(*options_.timeout)
                            : Clock::time_point::max();
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!idle_.empty()) {
      std::pop_heap(idle_.begin(), idle_.end(), [](const Idle& a, const Idle& b) { return younger(a, b); });
      Idle candidate = std::move(idle_.back());
      idle_.pop_back();
      const auto now = Clock::now();
      lent_.emplace(candidate.conn.get(), Lent{candidate.created, now});
      lock.unlock();
      if (may_lend(candidate, now)) return std::move(candidate.conn);
      candidate.conn->close();
      lock.lock();
      lent_.erase(candidate.conn.get());
    }
    if (!limit_reached()) return open_new(lock);
    if (!options_.timeout) {
      ++timeouts_;
      exhausted();
    }
    ++waiting_;
    const bool timed_out = !wait_forever && freed_.wait_until(lock, deadline) == std::cv_status::timeout;
    if (wait_forever) freed_.wait(lock);
    --waiting_;
    if (timed_out && limit_reached() && idle_.empty()) {
      ++timeouts_;
      exhausted();
    }
  }
}

void ConnectionPool::checkin(std::unique_ptr<Connection> conn) noexcept {
  if (conn == nullptr) return;
  bool reusable = conn->transaction_status() != TransactionStatus::unknown;
  if (reusable && conn->transaction_status() != TransactionStatus::idle) {
    try {
      conn->rollback();
      reusable = conn->transaction_status() == TransactionStatus::idle;
    } catch (...) {
      reusable = false;
    }
  }
  std::unique_lock lock(mutex_);
  const auto it = lent_.find(conn.get());
  if (it != lent_.end()) {
    const auto created = it->second.created;
    use_time_.record(Seconds(Clock::now() - it->second.checked_out).count());
    lent_.erase(it);
    if (reusable && !is_stale(created, Clock::now())) {
      idle_.push_back(Idle{created, ++serial_, std::move(conn), Clock::now()});
      std::push_heap(idle_.begin(), idle_.end(), [](const Idle& a, const Idle& b) { return younger(a, b); });
    }
  }
  freed_.notify_one();
  lock.unlock();
  // Null when it went back to the idle heap (a moved-from unique_ptr is).
  if (conn != nullptr) conn->close();  // NOLINT(bugprone-use-after-move)
}

void ConnectionPool::discard(std::unique_ptr<Connection> conn) noexcept {
  if (conn == nullptr) return;
  {
    std::lock_guard lock(mutex_);
    lent_.erase(conn.get());
    freed_.notify_one();
  }
  conn->close();
}

std::size_t ConnectionPool::close_idle() noexcept {
  std::vector<Idle> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(idle_);
  }
  for (auto& entry : closing) entry.conn->close();
  return closing.size();
}

std::size_t ConnectionPool::close_stale(Seconds age) noexcept {
  std::size_t forgotten = 0;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (auto it = lent_.begin(); it != lent_.end();) {
      if (now - it->second.checked_out > age) {
        it = lent_.erase(it);
        ++forgotten;
      } else {
        ++it;
      }
    }
  }
  freed_.notify_all();
  return forgotten;
}

void ConnectionPool::close_all() noexcept {
  close_idle();
  {
    std::lock_guard lock(mutex_);
    lent_.clear();
  }
  freed_.notify_all();
}

PoolStats ConnectionPool::stats() const {
  std::lock_guard lock(mutex_);
  return PoolStats{idle_.size(),
                   lent_.size() + opening_,
                   options_.max_connections,
                   waiting_,
                   timeouts_,
                   create_time_,
                   wait_time_,
                   use_time_};
}

}  // namespace lingo
