// bench_statement_cache URI [TEXTS]
//
// Statements whose text never repeats (generated SQL, an ORM's ad hoc
// queries): what each costs once a connection's statement cache is full.
// Compares, in one run against the same server:
//   - Lingo: with its cache full, a text seen once runs unnamed in one round
//     trip (a text seen twice is prepared into the cache, evicting the least
//     recently used);
//   - raw libpq, one round trip: PQexecParams (the unnamed statement);
//   - raw libpq, two round trips: PQprepare then PQexecPrepared, what Lingo
//     did past 1,024 cached statements before.
// Prints texts per second and Lingo's ratio to each.
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "lingo/lingo.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string text(int round, int i) {
  return "SELECT $1::int + " + std::to_string(i) + " /* " + std::to_string(round) + " */";
}

double per_second(int texts, const std::function<void(int)>& run_one) {
  const auto start = Clock::now();
  for (int i = 0; i < texts; ++i) run_one(i);
  return texts / std::chrono::duration<double>(Clock::now() - start).count();
}

PGconn* raw_connect(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "bench_statement_cache: %s", PQerrorMessage(conn));
    std::exit(1);
  }
  return conn;
}

void check(PGresult* res) {
  const auto status = PQresultStatus(res);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "bench_statement_cache: %s", PQresultErrorMessage(res));
    std::exit(1);
  }
  PQclear(res);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_statement_cache URI [TEXTS]\n");
    return 2;
  }
  const std::string uri = argv[1];
  const int texts = argc > 2 ? std::atoi(argv[2]) : 5000;
  const char* one = "1";
  const Oid int4 = 23;

  lingo::Database db(uri);
  // Fill the cache first, so that every measured text evicts one.
  for (int i = 0; i < 1024; ++i) (void)db.execute_sql(text(0, i), {1});
  const double lingo_rate = per_second(texts, [&](int i) { (void)db.execute_sql(text(1, i), {1}); });

  PGconn* raw = raw_connect(uri);
  const double one_trip = per_second(texts, [&](int i) {
    check(PQexecParams(raw, text(2, i).c_str(), 1, &int4, &one, nullptr, nullptr, 0));
  });
  const double two_trips = per_second(texts, [&](int i) {
    check(PQprepare(raw, "", text(3, i).c_str(), 1, &int4));
    check(PQexecPrepared(raw, "", 1, &one, nullptr, nullptr, 0));
  });
  PQfinish(raw);

  std::printf("%d distinct texts, the cache full\n", texts);
  std::printf("  Lingo (the cache full: unnamed, one round trip)     %9.0f texts/s\n", lingo_rate);
  std::printf("  raw libpq, PQexecParams (one round trip)            %9.0f texts/s   Lingo / this %.3f\n",
              one_trip, lingo_rate / one_trip);
  std::printf("  raw libpq, PQprepare + PQexecPrepared (two trips)   %9.0f texts/s   Lingo / this %.3f\n",
              two_trips, lingo_rate / two_trips);
  return 0;
}
