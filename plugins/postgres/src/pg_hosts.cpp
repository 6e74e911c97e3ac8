#include "pg_hosts.h"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <mutex>
#include <random>
#include <unordered_map>

namespace lingo::postgres {
namespace {

std::vector<std::string> split_commas(const char* text) {
  std::vector<std::string> parts;
  if (text == nullptr || *text == '\0') return parts;
  std::string_view rest(text);
  for (;;) {
    const auto comma = rest.find(',');
    parts.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    rest.remove_prefix(comma + 1);
  }
}

std::mt19937_64& random_engine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

}  // namespace

std::string HostTarget::key() const {
  return (hostaddr.empty() ? host : hostaddr) + ":" + (port.empty() ? "5432" : port);
}

std::optional<std::vector<HostTarget>> split_hosts(const char* host, const char* port, const char* hostaddr,
                                                   std::string& problem) {
  const auto hosts = split_commas(host);
  const auto addrs = split_commas(hostaddr);
  const auto ports = split_commas(port);
  const std::size_t n = std::max({hosts.size(), addrs.size(), std::size_t{1}});
  if (!hosts.empty() && !addrs.empty() && hosts.size() != addrs.size()) {
    problem = "it names " + std::to_string(hosts.size()) + " hosts and " + std::to_string(addrs.size()) +
              " hostaddr values; give one of each per server";
    return std::nullopt;
  }
  if (ports.size() > 1 && ports.size() != n) {
    problem = "it gives " + std::to_string(ports.size()) + " ports for " + std::to_string(n) +
              " hosts; give one port for all, or one per host";
    return std::nullopt;
  }
  std::vector<HostTarget> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!hosts.empty()) out[i].host = hosts[i];
    if (!addrs.empty()) out[i].hostaddr = addrs[i];
    if (!ports.empty()) out[i].port = ports.size() == 1 ? ports[0] : ports[i];
  }
  return out;
}

struct HostBook::Impl {
  struct State {
    std::chrono::steady_clock::time_point down_until{};
    int open = 0;
  };
  std::mutex mutex;
  std::unordered_map<std::string, State> hosts;
};

HostBook::HostBook() : impl_(std::make_shared<Impl>()) {}

HostBook& HostBook::instance() {
  static HostBook book;
  return book;
}

std::optional<HostBook::Choice> HostBook::next(const std::vector<HostTarget>& hosts,
                                               const std::vector<bool>& tried, Balance balance) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(impl_->mutex);
  std::optional<std::size_t> best;
  std::chrono::steady_clock::time_point best_down{};
  int best_open = 0;
  std::uint64_t best_tie = 0;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    if (tried[i]) continue;
    const auto& state = impl_->hosts[hosts[i].key()];
    const auto down = state.down_until > now ? state.down_until : std::chrono::steady_clock::time_point{};
    const std::uint64_t tie = balance == Balance::random ? random_engine()() : 0;
    bool better = !best || down < best_down;
    if (best && down == best_down && balance == Balance::random)
      better = state.open != best_open ? state.open < best_open : tie < best_tie;
    if (!better) continue;
    best = i;
    best_down = down;
    best_open = state.open;
    best_tie = tie;
  }
  if (!best) return std::nullopt;
  const std::string key = hosts[*best].key();
  ++impl_->hosts[key].open;
  // The book outlives static destruction order only through this reference.
  return Choice{*best, std::shared_ptr<void>(nullptr, [impl = impl_, key](void*) {
                  std::lock_guard released(impl->mutex);
                  --impl->hosts[key].open;
                })};
}

void HostBook::mark_down(const std::string& key, std::chrono::steady_clock::duration recheck_after) {
  std::lock_guard lock(impl_->mutex);
  impl_->hosts[key].down_until = std::chrono::steady_clock::now() + recheck_after;
}

void HostBook::mark_up(const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  impl_->hosts[key].down_until = {};
}

int HostBook::open_on(const std::string& key) {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->hosts.find(key);
  return it == impl_->hosts.end() ? 0 : it->second.open;
}

Attempt connect_within(const char* const* keywords, const char* const* values,
                       std::optional<std::chrono::milliseconds> timeout) {
  Attempt attempt;
  attempt.conn = PQconnectStartParams(keywords, values, 0);
  if (attempt.conn == nullptr || PQstatus(attempt.conn) == CONNECTION_BAD) return attempt;
  // Verbose, for the handshake only: a server's refusal then carries its
  // SQLSTATE (57P01 from a draining node, 28P01 for a wrong password).
  PQsetErrorVerbosity(attempt.conn, PQERRORS_VERBOSE);
  const auto deadline =
      timeout ? std::chrono::steady_clock::now() + *timeout : std::chrono::steady_clock::time_point::max();
  // As the libpq manual has it: start as if PQconnectPoll had asked to write.
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
    int wait_ms = -1;
    if (timeout) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        attempt.timed_out = true;
        return attempt;
      }
      wait_ms = static_cast<int>(std::min<std::int64_t>(left.count(), 60'000));
    }
    pollfd watched{PQsocket(attempt.conn),
                   static_cast<short>(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    const int ready = ::poll(&watched, 1, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0) continue;  // the deadline is checked above
    status = PQconnectPoll(attempt.conn);
  }
  PQsetErrorVerbosity(attempt.conn, PQERRORS_DEFAULT);
  return attempt;
}

std::string startup_sqlstate(std::string_view message) {
  // "...FATAL:  57P01: server is shutting down": severity, two spaces, five
  // characters of [0-9A-Z], a colon.
  for (std::size_t at = message.find(":  "); at != std::string_view::npos; at = message.find(":  ", at + 1)) {
    const std::size_t start = at + 3;
    if (start + 6 > message.size() || message[start + 5] != ':') continue;
    const std::string_view code = message.substr(start, 5);
    if (std::all_of(code.begin(), code.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'Z');
        }))
      return std::string(code);
  }
  return {};
}

}  // namespace lingo::postgres
