// Several hosts in one URI (libpq's syntax: host=a,b,c port=1,2,3, or
// postgresql://a:1,b:2,c:3/db), walked by Lingo rather than by libpq:
// libpq 15 stops at a host that refuses with 57P01 (a draining CockroachDB
// node), has no load_balance_hosts (libpq 16 does), and will not wait less
// than two seconds for a host. Here each host is tried with its own deadline,
// a host that failed is skipped for a while, and new connections can be
// spread over the hosts.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lingo::postgres {

// One host of the URI, as libpq's keywords for a connection to it alone.
struct HostTarget {
  std::string host;                       // name, address or socket folder
  std::string port;                       // empty: libpq's default
  std::string hostaddr;                   // empty unless the URI gave hostaddr
  [[nodiscard]] std::string key() const;  // "host:port", for the health book
};

// The hosts libpq would try, in the URI's order. A port list must have one
// entry, or one per host (libpq's rule); otherwise an empty optional and
// `problem` says why.
std::optional<std::vector<HostTarget>> split_hosts(const char* host, const char* port, const char* hostaddr,
                                                   std::string& problem);

enum class Balance { disable, random };

// What this process knows of the hosts it connects to: which failed lately
// (skipped until their recheck time), and how many connections it has open
// on each (so that `random` fills the least used).
class HostBook {
 public:
  static HostBook& instance();
  // The next host to try among those not yet `tried`, with a count of one
  // more connection on it (held by `lease`, released if the attempt fails):
  // hosts not marked down first (in the URI's order, or with `random` the
  // least used, ties at random), then those marked down, soonest rechecked
  // first (when every host is down, all are still tried). Choosing and
  // counting at once keeps threads that connect together from all picking
  // the same least-used host. nullopt when every host was tried.
  struct Choice {
    std::size_t index;
    std::shared_ptr<void> lease;
  };
  [[nodiscard]] std::optional<Choice> next(const std::vector<HostTarget>& hosts,
                                           const std::vector<bool>& tried, Balance balance);
  void mark_down(const std::string& key, std::chrono::steady_clock::duration recheck_after);
  void mark_up(const std::string& key);
  [[nodiscard]] int open_on(const std::string& key);

 private:
  HostBook();
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// One connection attempt to one host (its own keywords and values), waiting
// no longer than `timeout` (none: no limit) for the whole handshake.
// Returns the connection, good or bad, and whether the deadline ended it.
struct Attempt {
  PGconn* conn = nullptr;
  bool timed_out = false;
};
Attempt connect_within(const char* const* keywords, const char* const* values,
                       std::optional<std::chrono::milliseconds> timeout);

// The SQLSTATE in a verbose libpq connection error ("FATAL:  57P01: ..."),
// or empty.
std::string startup_sqlstate(std::string_view message);

}  // namespace lingo::postgres
