// point_ops: the same small operations through raw libpq (prepared
// statements, the fastest a synchronous client can go) and through Lingo, on
// the same server in the same run, with the ratio Lingo / libpq.
//
//   bench_point_ops URI [--lookups N] [--inserts N] [--scan-rows N] [--rounds N]
//
// Each workload runs `rounds` times per client, the two clients back to back
// in each round and alternating which goes first. The throughput shown is the
// median over rounds; the ratio is the median of the per-round ratios, which
// pairs each Lingo run with the raw run beside it and so cancels the drift of
// a noisy machine. Both clients decode every value they fetch into C++ types,
// so neither is credited for work it skips.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "lingo/lingo.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string uri;
  int lookups = 4000;  // per round
  int inserts = 4000;  // per round
  int scan_rows = 200000;
  int rounds = 15;
  int table_rows = 10000;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "bench_point_ops: %s\n", message.c_str());
  std::exit(1);
}

PGconn* raw_connect(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) die(PQerrorMessage(conn));
  return conn;
}

PGresult* raw_check(PGconn* conn, PGresult* res) {
  const auto s = PQresultStatus(res);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) die(PQerrorMessage(conn));
  return res;
}

std::int64_t to_int(const char* s) {
  std::int64_t v = 0;
  std::from_chars(s, s + std::strlen(s), v);
  return v;
}

// Seconds taken by fn.
double timed(const std::function<void()>& fn) {
  const auto start = Clock::now();
  fn();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void report(const char* workload, int ops, const char* unit, const std::vector<double>& raw,
            const std::vector<double>& lingo) {
  std::vector<double> ratios;
  for (std::size_t i = 0; i < raw.size(); ++i) ratios.push_back(raw[i] / lingo[i]);
  std::printf("%-22s %12.0f %-7s %12.0f %-7s %8.3f\n", workload, ops / median(raw), unit, ops / median(lingo),
              unit, median(ratios));
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> int {
      if (i + 1 >= argc) die("missing value after " + a);
      return std::atoi(argv[++i]);
    };
    if (a == "--lookups")
      o.lookups = next();
    else if (a == "--inserts")
      o.inserts = next();
    else if (a == "--scan-rows")
      o.scan_rows = next();
    else if (a == "--rounds")
      o.rounds = next();
    else if (a.starts_with("--"))
      die("unknown option " + a);
    else
      o.uri = a;
  }
  if (o.uri.empty())
    die("usage: bench_point_ops URI [--lookups N] [--inserts N] [--scan-rows N] [--rounds N]");

  PGconn* raw = raw_connect(o.uri);
  auto db = lingo::connect(o.uri);
  db.execute_sql(
      "DROP TABLE IF EXISTS bench_account, bench_insert, bench_scan;"
      "CREATE TABLE bench_account (id bigint PRIMARY KEY, balance numeric(14,2) NOT NULL, owner text NOT "
      "NULL);"
      "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, owner text NOT NULL, amount bigint NOT NULL);"
      "CREATE TABLE bench_scan (id bigint, label text, amount double precision);");
  db.execute_sql(
      "INSERT INTO bench_account SELECT g, g * 1.25, 'owner ' || g FROM generate_series(1, $1::int) g",
      {o.table_rows});
  db.execute_sql("INSERT INTO bench_scan SELECT g, 'row ' || g, g / 3.0 FROM generate_series(1, $1::int) g",
                 {o.scan_rows});
  db.execute_sql("VACUUM ANALYZE bench_account");
  db.execute_sql("VACUUM ANALYZE bench_scan");

  std::mt19937_64 rng(42);
  std::vector<std::int64_t> ids(static_cast<std::size_t>(o.lookups));
  for (auto& id : ids) id = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(o.table_rows)) + 1;

  const char* select_sql = "SELECT id, balance, owner FROM bench_account WHERE id = $1";
  const char* insert_sql = "INSERT INTO bench_insert (owner, amount) VALUES ($1, $2)";
  const char* scan_sql = "SELECT id, label, amount FROM bench_scan";
  raw_check(raw, PQprepare(raw, "sel", select_sql, 1, nullptr));
  raw_check(raw, PQprepare(raw, "ins", insert_sql, 2, nullptr));

  std::int64_t sink = 0;  // keeps the decoded values alive for the optimizer
  auto raw_select = [&] {
    char buf[24];
    for (auto id : ids) {
      *std::to_chars(buf, buf + sizeof buf, id).ptr = '\0';
      const char* values[] = {buf};
      PGresult* r = raw_check(raw, PQexecPrepared(raw, "sel", 1, values, nullptr, nullptr, 0));
      sink += to_int(PQgetvalue(r, 0, 0));
      sink += static_cast<std::int64_t>(std::strtod(PQgetvalue(r, 0, 1), nullptr));
      sink += static_cast<std::int64_t>(std::string(PQgetvalue(r, 0, 2)).size());
      PQclear(r);
    }
  };
  auto lingo_select = [&] {
    for (auto id : ids) {
      const auto r = db.execute_sql(select_sql, {id});
      const auto row = r[0];
      sink += row.get<std::int64_t>(0);
      sink += static_cast<std::int64_t>(row.get<lingo::Decimal>(1).to_double());
      sink += static_cast<std::int64_t>(row.get<std::string>(2).size());
    }
  };
  auto raw_insert = [&] {
    char buf[24];
    for (int i = 0; i < o.inserts; ++i) {
      *std::to_chars(buf, buf + sizeof buf, i).ptr = '\0';
      const char* values[] = {"someone", buf};
      PQclear(raw_check(raw, PQexecPrepared(raw, "ins", 2, values, nullptr, nullptr, 0)));
    }
  };
  auto lingo_insert = [&] {
    for (int i = 0; i < o.inserts; ++i) db.execute_sql(insert_sql, {"someone", std::int64_t{i}});
  };
  auto raw_scan = [&] {
    PGresult* r = raw_check(raw, PQexec(raw, scan_sql));
    for (int row = 0, n = PQntuples(r); row < n; ++row) {
      sink += to_int(PQgetvalue(r, row, 0));
      sink += static_cast<std::int64_t>(std::string(PQgetvalue(r, row, 1)).size());
      sink += static_cast<std::int64_t>(std::strtod(PQgetvalue(r, row, 2), nullptr));
    }
    PQclear(r);
  };
  auto lingo_scan = [&] {
    const auto r = db.execute_sql(scan_sql);
    for (const lingo::Row row : r) {
      sink += row.get<std::int64_t>(0);
      sink += static_cast<std::int64_t>(row.get<std::string>(1).size());
      sink += static_cast<std::int64_t>(row.get<double>(2));
    }
  };

  // Pipelined lookups: the same lookups in batches of 1 000 through Lingo's
  // pipeline, against raw libpq one by one (the synchronous limit).
  std::vector<lingo::PipelineStatement> batch;
  batch.reserve(ids.size());
  for (auto id : ids) batch.push_back({select_sql, {id}});
  auto lingo_pipeline = [&] {
    for (std::size_t start = 0; start < batch.size(); start += 1000) {
      const auto part = std::span(batch).subspan(start, std::min<std::size_t>(1000, batch.size() - start));
      db.pipeline(part, [&](std::size_t, lingo::Result r) { sink += r[0].get<std::int64_t>(0); });
    }
  };

  // Warm both: caches, prepared statements, the server's buffers.
  raw_select();
  lingo_select();

  lingo_pipeline();
  std::vector<double> t_raw_sel, t_lingo_sel, t_raw_ins, t_lingo_ins, t_raw_scan, t_lingo_scan, t_raw_pipe,
      t_lingo_pipe;
  // Alternate which client goes first, so neither always meets a warmer
  // server or a bigger table.
  auto pair = [](bool raw_first, auto& raw_fn, auto& lingo_fn, auto& raw_t, auto& lingo_t) {
    if (raw_first) raw_t.push_back(timed(raw_fn));
    lingo_t.push_back(timed(lingo_fn));
    if (!raw_first) raw_t.push_back(timed(raw_fn));
  };
  for (int round = 0; round < o.rounds; ++round) {
    const bool raw_first = round % 2 == 0;
    pair(raw_first, raw_select, lingo_select, t_raw_sel, t_lingo_sel);
    pair(raw_first, raw_insert, lingo_insert, t_raw_ins, t_lingo_ins);
    pair(raw_first, raw_scan, lingo_scan, t_raw_scan, t_lingo_scan);
    pair(raw_first, raw_select, lingo_pipeline, t_raw_pipe, t_lingo_pipe);
  }

  std::printf("PostgreSQL %d, %d rounds; throughput: median round; ratio: median of paired rounds\n",
              db.server_version(), o.rounds);
  std::printf("%-22s %20s %20s %8s\n", "workload", "raw libpq", "lingo", "lingo/raw");
  report("point select", o.lookups, "ops/s", t_raw_sel, t_lingo_sel);
  report("single-row insert", o.inserts, "ops/s", t_raw_ins, t_lingo_ins);
  report("full scan", o.scan_rows, "rows/s", t_raw_scan, t_lingo_scan);
  report("pipelined lookups", o.lookups, "ops/s", t_raw_pipe, t_lingo_pipe);
  std::printf("(checksum %lld)\n", static_cast<long long>(sink));

  db.execute_sql("DROP TABLE bench_account, bench_insert, bench_scan");
  PQfinish(raw);
  return 0;
}
