// Connection pools: a Database opened with a "+pool" scheme
// (postgresql+pool://, sqlite+pool://, ...) or with PoolOptions lends each
// thread a connection from a shared pool on connect() and takes it back on
// close(), instead of opening and closing a real one each time.
//
// The options keep peewee's meanings (docs/pool.md lists the deliberate
// differences). In a URI:
// ?max_connections=8&stale_timeout=300&lifetime_jitter=30&idle_timeout=60&check_after=1&timeout=5.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <vector>

#include "lingo/export.h"

namespace lingo {

using Seconds = std::chrono::duration<double>;

struct LINGO_API PoolOptions {
  // The most connections checked out at once; 0 means no limit.
  int max_connections = 20;
  // A connection's maximum lifetime: one older than this (since it was
  // opened, not since it was last used) is closed instead of being lent
  // again. Absent or 0: no limit.
  std::optional<Seconds> stale_timeout{};
  // Spreads the ends of connections opened together: each one's lifetime is
  // stale_timeout less a random part of this (so stale_timeout stays the
  // maximum). Absent: a tenth of stale_timeout, CockroachDB's pooling
  // guidance; 0: none.
  std::optional<Seconds> lifetime_jitter{};
  // A connection's idle lifetime: one that waited in the pool longer than
  // this is closed instead of being lent. Absent or 0: no limit.
  std::optional<Seconds> idle_timeout{};
  // A connection that waited in the pool longer than this is checked with a
  // round trip (SELECT 1) before it is lent; one given back more recently is
  // lent at once, after a look at whether the server closed it (no round
  // trip). 0: check every time.
  Seconds check_after{1.0};
  // How long connect() waits for a connection when max_connections are out:
  // absent means not at all (MaxConnectionsExceeded at once), 0 means for
  // ever, anything else that long.
  std::optional<Seconds> timeout{};
};

// Counts of durations in seconds, under fixed upper bounds.
struct LINGO_API Histogram {
  // OpenTelemetry's advice for database client durations.
  static constexpr double kDefaultBounds[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10};

  std::vector<double> bounds{std::begin(kDefaultBounds), std::end(kDefaultBounds)};  // ascending
  std::vector<std::uint64_t> counts =
      std::vector<std::uint64_t>(std::size(kDefaultBounds) + 1);  // last: +Inf
  std::uint64_t count = 0;
  double sum = 0;  // seconds

  void record(double seconds) noexcept;
};

// A pool's state and what it has done, under OpenTelemetry's
// db.client.connection.* names (lingo/metrics.h exports them).
struct LINGO_API PoolStats {
  std::size_t idle = 0;     // db.client.connection.count{state=idle}: open, waiting to be lent
  std::size_t in_use = 0;   // db.client.connection.count{state=used}: lent (or being opened for a thread)
  int max_connections = 0;  // db.client.connection.max; 0: no limit
  std::size_t pending_requests = 0;  // db.client.connection.pending_requests: threads waiting for one
  std::uint64_t timeouts = 0;        // db.client.connection.timeouts: waits that ended without one
  Histogram create_time;             // db.client.connection.create_time: opening a connection
  Histogram wait_time;               // db.client.connection.wait_time: a checkout, from asking to having
  Histogram use_time;                // db.client.connection.use_time: from checkout to check-in
};

}  // namespace lingo
