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
#include <optional>

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

struct LINGO_API PoolStats {
  std::size_t idle = 0;    // open, waiting to be lent
  std::size_t in_use = 0;  // lent to a thread (or being opened for one)
  int max_connections = 0;
};

}  // namespace lingo
