// bench_peers: one client doing one workload once, timed, as one line of JSON.
//
//   bench_peers setup URI [--accounts N] [--bank-accounts N] [--scan-rows N]
//   bench_peers reset URI WORKLOAD [--bank-accounts N]
//   bench_peers run URI --client NAME --workload NAME [--size N] [--threads N]
//                       [--accounts N] [--bank-accounts N]
//   bench_peers interleave URI --client A,B,... --workload NAME [--size N] [--chunks N]
//   bench_peers check URI WORKLOAD [--size ROWS]   (rows written; transfers: total kept)
//   bench_peers teardown URI
//
// Clients: raw, raw-pipeline, lingo, lingo-adhoc, lingo-deferred, lingo-traced, libpqxx, soci, poco, poco-lingo. Workloads:
// point_select, insert, transfer, bulk_insert, scan, compile, pipeline.
// The driver, run.py, runs every client for every workload, round after
// round, and prints the medians and ratios; see docs/performance.md.
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace bench {

void Client::pipeline(std::span<const std::int64_t>, Sink&) {
  throw Unsupported("no pipeline API");
}
void Client::compile(std::int64_t, Sink&) {
  throw Unsupported("no query builder");
}

std::string bulk_owner(int i) {
  return "owner " + std::to_string(i % 1000);
}

std::string keyword_conninfo(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    const std::string message = error ? error : "out of memory";
    PQfreemem(error);
    throw std::runtime_error("bad connection URI: " + message);
  }
  std::string out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string value;
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    if (!out.empty()) out += ' ';
    out += o->keyword;
    out += "='" + value + "'";
  }
  PQconninfoFree(options);
  return out;
}

namespace {

struct Args {
  std::string command, uri, client, workload;
  std::int64_t size = -1;  // -1: the workload's default
  int threads = 1;
  int accounts = 10000;
  int bank_accounts = 1000;
  int scan_rows = 1000000;
  int chunks = 20;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "bench_peers: %s\n", message.c_str());
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + arg);
      return argv[++i];
    };
    auto number = [&] {
      const std::string v = value();
      char* end = nullptr;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 0) die(arg + " needs a non-negative number, not '" + v + "'");
      return n;
    };
    if (arg == "--client")
      a.client = value();
    else if (arg == "--workload")
      a.workload = value();
    else if (arg == "--size")
      a.size = number();
    else if (arg == "--threads")
      a.threads = static_cast<int>(number());
    else if (arg == "--accounts")
      a.accounts = static_cast<int>(number());
    else if (arg == "--bank-accounts")
      a.bank_accounts = static_cast<int>(number());
    else if (arg == "--chunks")
      a.chunks = static_cast<int>(number());
    else if (arg == "--scan-rows")
      a.scan_rows = static_cast<int>(number());
    else if (arg.starts_with("--"))
      die("unknown option " + arg);
    else
      positional.push_back(arg);
  }
  if (positional.size() < 2) die("usage: bench_peers setup|reset|run|teardown URI ...");
  a.command = positional[0];
  a.uri = positional[1];
  if (positional.size() > 2) a.workload = positional[2];
  if (a.threads < 1) die("--threads must be at least 1");
  if (a.chunks < 1) die("--chunks must be at least 1");
  return a;
}

// Setup and resets go through libpq directly, the same for every client;
// each statement on its own (VACUUM refuses to run in a transaction).
void sql(const std::string& uri, const std::vector<std::string>& statements) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) die(PQerrorMessage(conn));
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  for (const auto& statement : statements) {
    PGresult* r = PQexec(conn, statement.c_str());
    const auto status = PQresultStatus(r);
    const std::string error = PQresultErrorMessage(r);
    PQclear(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      PQfinish(conn);
      die(statement + ": " + error);
    }
  }
  PQfinish(conn);
}

std::vector<std::string> reset_bank(const Args& a) {
  return {"TRUNCATE bench_bank",
          "INSERT INTO bench_bank SELECT g, 1000.00 FROM generate_series(1, " +
              std::to_string(a.bank_accounts) + ") g",
          "VACUUM ANALYZE bench_bank"};
}

void setup(const Args& a) {
  sql(a.uri,
      {"DROP TABLE IF EXISTS bench_account, bench_bank, bench_insert, bench_scan",
       "CREATE TABLE bench_account (id bigint PRIMARY KEY, balance numeric(14,2) NOT NULL, owner text NOT "
       "NULL)",
       "CREATE TABLE bench_bank (id int PRIMARY KEY, balance numeric(14,2) NOT NULL)",
       "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, owner text NOT NULL, amount bigint NOT NULL)",
       "CREATE TABLE bench_scan (id bigint NOT NULL, label text NOT NULL, amount double precision NOT NULL)",
       "INSERT INTO bench_account SELECT g, g * 1.25, 'owner ' || g FROM generate_series(1, " +
           std::to_string(a.accounts) + ") g",
       "INSERT INTO bench_scan SELECT g, 'row ' || g, g / 3.0 FROM generate_series(1, " +
           std::to_string(a.scan_rows) + ") g",
       "VACUUM ANALYZE bench_account", "VACUUM ANALYZE bench_scan"});
  sql(a.uri, reset_bank(a));
}

// After a run: the rows it wrote are there, and transfers kept the money.
void check(const Args& a, std::int64_t expected_rows) {
  PGconn* conn = PQconnectdb(a.uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) die(PQerrorMessage(conn));
  const bool bank = a.workload == "transfer";
  PGresult* r = PQexec(conn, bank ? "SELECT sum(balance) = 1000.00 * count(*) FROM bench_bank"
                                  : "SELECT count(*) FROM bench_insert");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) die(PQresultErrorMessage(r));
  const std::string got = PQgetvalue(r, 0, 0);
  PQclear(r);
  PQfinish(conn);
  if (bank && got != "t") die("transfers changed the total of bench_bank");
  if (!bank && std::stoll(got) != expected_rows)
    die("bench_insert holds " + got + " rows, not " + std::to_string(expected_rows));
}

void reset(const Args& a) {
  if (a.workload == "insert" || a.workload == "bulk_insert")
    sql(a.uri, {"TRUNCATE bench_insert RESTART IDENTITY"});
  else if (a.workload == "transfer")
    sql(a.uri, reset_bank(a));
}

std::unique_ptr<Client> make_client(const std::string& name, const std::string& uri) {
  static const std::map<std::string, std::function<std::unique_ptr<Client>(const std::string&)>> makers = {
      {"raw", make_raw},
      {"raw-pipeline", make_raw_pipeline},
      {"lingo", make_lingo},
      {"lingo-adhoc", make_lingo_adhoc},
      {"lingo-deferred", make_lingo_deferred},
      {"lingo-traced", make_lingo_traced},
      {"lingo-pool", make_lingo_pool},
      {"libpqxx", make_pqxx},
      {"soci", make_soci},
      {"poco", make_poco},
      {"poco-lingo", make_poco_lingo},
  };
  const auto it = makers.find(name);
  if (it == makers.end()) die("unknown client '" + name + "'");
  return it->second(uri);
}

std::int64_t default_size(const std::string& workload) {
  static const std::map<std::string, std::int64_t> sizes = {
      {"point_select", 20000}, {"insert", 20000}, {"transfer", 10000},
      {"bulk_insert", 100000}, {"scan", -1},      {"compile", 200000},
      {"pipeline", 20000},
  };
  const auto it = sizes.find(workload);
  if (it == sizes.end()) die("unknown workload '" + workload + "'");
  return it->second;
}

// splitmix64: small enough to write again in peewee_client.py, so that every
// client, Python included, looks up the same keys and makes the same transfers.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

std::vector<std::int64_t> lookup_ids(std::int64_t n, int accounts) {
  SplitMix64 rng{42};
  std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
  for (auto& id : ids) id = rng.below(accounts) + 1;
  return ids;
}

// Thread t's share of n transfers among `accounts` accounts, from its own seed.
std::vector<Transfer> transfers_for(int t, int threads, std::int64_t n, int accounts) {
  const std::int64_t share = n / threads + (t < n % threads ? 1 : 0);
  SplitMix64 rng{1000U + static_cast<unsigned>(t)};
  std::vector<Transfer> out;
  for (std::int64_t i = 0; i < share; ++i) {
    Transfer tr{rng.below(accounts) + 1, rng.below(accounts) + 1, {}};
    while (tr.to == tr.from) tr.to = rng.below(accounts) + 1;
    const int c = rng.below(30000) + 1;
    tr.amount = std::to_string(c / 100) + (c % 100 < 10 ? ".0" : ".") + std::to_string(c % 100);
    out.push_back(std::move(tr));
  }
  return out;
}

// Runs the workload on one client; warm-up first where it changes nothing
// that matters, so a fresh connection's first statements are not timed.
void work(Client& c, const Args& a, std::int64_t n, int thread, Sink& sink,
          const std::function<void()>& ready) {
  const auto& w = a.workload;
  if (w == "point_select" || w == "pipeline") {
    const auto ids = lookup_ids(n, a.accounts);
    Sink warm;
    c.point_select(std::span(ids).first(std::min<std::size_t>(ids.size(), 500)), warm);
    if (w == "pipeline") c.pipeline(std::span(ids).first(std::min<std::size_t>(ids.size(), 500)), warm);
    ready();
    if (w == "point_select")
      c.point_select(ids, sink);
    else
      c.pipeline(ids, sink);
  } else if (w == "insert") {
    Sink warm;
    c.insert(200, warm);
    ready();
    c.insert(static_cast<int>(n), sink);
  } else if (w == "transfer") {
    const auto transfers = transfers_for(thread, a.threads, n, a.bank_accounts);
    // One lookup first, so that every client is connected before the clock
    // starts (raw libpq connects in its constructor, a pooled Database on
    // its thread's first statement).
    Sink warm;
    const auto one = lookup_ids(1, a.accounts);
    c.point_select(one, warm);
    ready();
    c.transfer(transfers, sink);
  } else if (w == "bulk_insert") {
    ready();
    c.bulk_insert(static_cast<int>(n), sink);
  } else if (w == "scan") {
    ready();
    c.scan(sink);
  } else if (w == "compile") {
    Sink warm;
    c.compile(1000, warm);
    ready();
    c.compile(n, sink);
  }
}

// VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec,
// so a child of a big driver would report the driver's size.
long peak_rss_kib() {
  long peak_kib = -1;
  if (std::FILE* status = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, status))
      if (std::sscanf(line, "VmHWM: %ld kB", &peak_kib) == 1) break;
    std::fclose(status);
  }
  return peak_kib;
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1)
    out.push_back(list.substr(start, comma - start));
  out.push_back(list.substr(start));
  return out;
}

// Several clients in one process, taking turns in chunks: each client's time
// is the sum of its chunks, and the order rotates from chunk to chunk. On a
// shared machine whose speed drifts by tens of percent from one second (or
// one process) to the next, this compares clients under the same conditions,
// which separate processes cannot. For the single-threaded workloads whose
// memory is not measured: point_select, insert, transfer, pipeline.
int interleave(const Args& a) {
  const auto names = split(a.client);
  const std::int64_t n = a.size >= 0 ? a.size : default_size(a.workload);
  const auto& w = a.workload;
  if (w != "point_select" && w != "insert" && w != "transfer" && w != "pipeline")
    die("interleave runs point_select, insert, transfer or pipeline, not " + w);
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<Sink> sinks(names.size());
  std::vector<double> seconds(names.size(), 0.0);
  const auto ids =
      w == "point_select" || w == "pipeline" ? lookup_ids(n, a.accounts) : std::vector<std::int64_t>{};
  const auto transfers = w == "transfer" ? transfers_for(0, 1, n, a.bank_accounts) : std::vector<Transfer>{};
  const std::size_t total = static_cast<std::size_t>(n);
  const std::size_t chunk =
      (total + static_cast<std::size_t>(a.chunks) - 1) / static_cast<std::size_t>(a.chunks);
  try {
    for (const auto& name : names) {
      clients.push_back(make_client(name, a.uri));
      Sink warm;
      if (!ids.empty()) {
        clients.back()->point_select(std::span(ids).first(std::min<std::size_t>(ids.size(), 500)), warm);
        if (w == "pipeline")
          clients.back()->pipeline(std::span(ids).first(std::min<std::size_t>(ids.size(), 500)), warm);
      }
      if (w == "insert") clients.back()->insert(200, warm);
    }
    using Clock = std::chrono::steady_clock;
    for (std::size_t k = 0, start = 0; start < total; ++k, start += chunk) {
      const std::size_t count = std::min(chunk, total - start);
      for (std::size_t j = 0; j < clients.size(); ++j) {
        const std::size_t c = (j + k) % clients.size();
        const auto t0 = Clock::now();
        if (w == "point_select")
          clients[c]->point_select(std::span(ids).subspan(start, count), sinks[c]);
        else if (w == "pipeline")
          clients[c]->pipeline(std::span(ids).subspan(start, count), sinks[c]);
        else if (w == "insert")
          clients[c]->insert(static_cast<int>(count), sinks[c]);
        else
          clients[c]->transfer(std::span(transfers).subspan(start, count), sinks[c]);
        seconds[c] += std::chrono::duration<double>(Clock::now() - t0).count();
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_peers: interleaved %s failed: %s\n", w.c_str(), e.what());
    return 1;
  }
  for (std::size_t c = 0; c < names.size(); ++c)
    std::printf(
        "{\"client\": \"%s\", \"workload\": \"%s\", \"threads\": 1, \"ops\": %lld, \"seconds\": %.6f, "
        "\"rows\": %lld, \"checksum\": %lld, \"retries\": %lld, \"peak_rss_kib\": null, \"interleaved\": "
        "true}\n",
        names[c].c_str(), w.c_str(), static_cast<long long>(n), seconds[c],
        static_cast<long long>(sinks[c].rows), static_cast<long long>(sinks[c].sum),
        static_cast<long long>(sinks[c].retries));
  return 0;
}

// ", p50_us: …, p99_us: …, max_us: …" over the timed operations, if any.
std::string latency_fields(std::vector<float> us) {
  if (us.empty()) return "";
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))]; };
  char out[128];
  std::snprintf(out, sizeof out, ", \"p50_us\": %.1f, \"p99_us\": %.1f, \"max_us\": %.1f", at(0.5), at(0.99),
                us.back());
  return out;
}

int run(const Args& a) {
  set_lingo_pool_threads(a.threads);
  std::int64_t n = a.size >= 0 ? a.size : default_size(a.workload);
  if (a.workload == "scan") n = a.scan_rows;
  using Clock = std::chrono::steady_clock;
  std::vector<Sink> sinks(static_cast<std::size_t>(a.threads));
  double seconds = 0;
  try {
    if (a.threads == 1) {
      auto client = make_client(a.client, a.uri);
      Clock::time_point start;
      work(*client, a, n, 0, sinks[0], [&] { start = Clock::now(); });
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
    } else {
      // Every thread connects and warms up, then all start together.
      std::vector<std::unique_ptr<Client>> clients;
      for (int t = 0; t < a.threads; ++t) clients.push_back(make_client(a.client, a.uri));
      std::mutex m;
      std::condition_variable cv;
      int waiting = 0;
      bool go = false;
      Clock::time_point start;
      std::vector<std::thread> threads;
      std::vector<std::exception_ptr> errors(static_cast<std::size_t>(a.threads));
      for (int t = 0; t < a.threads; ++t) {
        threads.emplace_back([&, t] {
          try {
            work(*clients[static_cast<std::size_t>(t)], a, n, t, sinks[static_cast<std::size_t>(t)], [&] {
              std::unique_lock lock(m);
              if (++waiting == a.threads) {
                go = true;
                start = Clock::now();
                cv.notify_all();
              }
              cv.wait(lock, [&] { return go; });
            });
          } catch (...) {
            errors[static_cast<std::size_t>(t)] = std::current_exception();
            std::unique_lock lock(m);
            if (++waiting == a.threads) {
              go = true;
              cv.notify_all();
            }
          }
        });
      }
      for (auto& th : threads) th.join();
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
      for (auto& e : errors)
        if (e) std::rethrow_exception(e);
    }
  } catch (const Unsupported& e) {
    std::printf("{\"client\": \"%s\", \"workload\": \"%s\", \"unsupported\": \"%s\"}\n", a.client.c_str(),
                a.workload.c_str(), e.what());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_peers: %s on %s failed: %s\n", a.client.c_str(), a.workload.c_str(),
                 e.what());
    return 1;
  }
  Sink total;
  for (const auto& s : sinks) {
    total.sum += s.sum;
    total.rows += s.rows;
    total.retries += s.retries;
    total.latency_us.insert(total.latency_us.end(), s.latency_us.begin(), s.latency_us.end());
  }
  const long peak_kib = peak_rss_kib();
  std::printf(
      "{\"client\": \"%s\", \"workload\": \"%s\", \"threads\": %d, \"ops\": %lld, \"seconds\": %.6f, "
      "\"rows\": %lld, \"checksum\": %lld, \"retries\": %lld, \"peak_rss_kib\": %ld%s}\n",
      a.client.c_str(), a.workload.c_str(), a.threads, static_cast<long long>(n), seconds,
      static_cast<long long>(total.rows), static_cast<long long>(total.sum),
      static_cast<long long>(total.retries), peak_kib, latency_fields(total.latency_us).c_str());
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  const auto a = bench::parse(argc, argv);
  if (a.command == "setup")
    bench::setup(a);
  else if (a.command == "reset")
    bench::reset(a);
  else if (a.command == "teardown")
    bench::sql(a.uri, {"DROP TABLE IF EXISTS bench_account, bench_bank, bench_insert, bench_scan"});
  else if (a.command == "check")
    bench::check(a, a.size);
  else if (a.command == "run")
    return bench::run(a);
  else if (a.command == "interleave")
    return bench::interleave(a);
  else
    bench::die("unknown command '" + a.command + "'");
  return 0;
}
