// Pooled PostgreSQL databases (postgresql+pool://): many threads on a few
// connections, the wait and its timeout, recovery from connections killed by
// the server, rollback of connections returned in a failed transaction, the
// stale timeout and the close_* calls.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using namespace std::chrono_literals;

namespace {

std::string pooled(const std::string& options) {
  std::string uri = lingo_test::pg_uri();
  uri.replace(0, uri.find("://"), "postgresql+pool");
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + options;
}

// connect() on a new thread, which must fail with MaxConnectionsExceeded;
// returns its message.
std::string refusal_on_another_thread(Database& db) {
  std::string message = "(connect() succeeded)";
  std::thread([&] {
    try {
      db.connect();
    } catch (const MaxConnectionsExceeded& e) {
      message = e.what();
    }
  }).join();
  return message;
}

int backend_pid(Database& db) {
  const Result r = db.execute_sql("SELECT pg_backend_pid()");
  return r[0][0].as<std::int32_t>();
}

class PgPoolTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgPoolTest);
  CPPUNIT_TEST(testSixteenThreadsShareFourConnections);
  CPPUNIT_TEST(testExhaustedPoolWithoutTimeoutFailsAtOnce);
  CPPUNIT_TEST(testTimeoutWaitsThenFails);
  CPPUNIT_TEST(testWaiterGetsAReturnedConnection);
  CPPUNIT_TEST(testKilledConnectionsAreReplacedUnseen);
  CPPUNIT_TEST(testConnectionReturnedInAFailedTransactionIsRolledBack);
  CPPUNIT_TEST(testCloseRefusesUncommittedWork);
  CPPUNIT_TEST(testStaleConnectionsAreNotReused);
  CPPUNIT_TEST(testLifetimeJitterSpreadsTheEndsOfConnectionsOpenedTogether);
  CPPUNIT_TEST(testCloseIdleStaleAllAndManualClose);
  CPPUNIT_TEST(testOptionsInCodeOverrideTheUri);
  CPPUNIT_TEST(testUnpooledDatabaseRefusesPoolCalls);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSixteenThreadsShareFourConnections() {
    Database db(pooled("max_connections=4&timeout=30"));
    std::mutex mutex;
    std::set<int> pids;
    std::atomic<int> queries{0};
    std::atomic<std::size_t> most_in_use{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
      threads.emplace_back([&] {
        try {
          for (int i = 0; i < 25; ++i) {
            db.connect();
            const int pid = backend_pid(db);
            const std::size_t in_use = db.pool_stats().in_use;
            std::size_t seen = most_in_use.load();
            while (in_use > seen && !most_in_use.compare_exchange_weak(seen, in_use)) {
            }
            {
              std::lock_guard lock(mutex);
              pids.insert(pid);
            }
            ++queries;
            db.close();
          }
        } catch (const std::exception& e) {
          ++failures;
          std::cerr << e.what() << "\n";
        }
      });
    }
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(0, failures.load());
    CPPUNIT_ASSERT_EQUAL(400, queries.load());
    CPPUNIT_ASSERT(most_in_use.load() <= 4);
    CPPUNIT_ASSERT(pids.size() <= 4);  // four server sessions served all 400 checkouts
    const PoolStats stats = db.pool_stats();
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, stats.in_use);
    CPPUNIT_ASSERT_EQUAL(pids.size(), stats.idle);
  }

  void testExhaustedPoolWithoutTimeoutFailsAtOnce() {
    Database db(pooled("max_connections=1"));
    db.connect();
    const std::string message = refusal_on_another_thread(db);
    LINGO_ASSERT_CONTAINS(message, "Exceeded maximum connections");
    LINGO_ASSERT_CONTAINS(message, "set the pool's timeout");
    CPPUNIT_ASSERT(message.find("lingo@") != std::string::npos);  // names the pool's URI
  }

  void testTimeoutWaitsThenFails() {
    Database db(pooled("max_connections=1&timeout=0.3"));
    db.connect();
    std::string message;
    std::chrono::steady_clock::duration waited{};
    std::thread([&] {
      const auto started = std::chrono::steady_clock::now();
      try {
        db.connect();
      } catch (const OperationalError& e) {  // MaxConnectionsExceeded is an OperationalError
        message = e.what();
      }
      waited = std::chrono::steady_clock::now() - started;
    }).join();
    LINGO_ASSERT_CONTAINS(message, "timed out attempting to connect");
    CPPUNIT_ASSERT(waited >= 290ms);
    CPPUNIT_ASSERT(waited < 3s);
  }

  void testWaiterGetsAReturnedConnection() {
    Database db(pooled("max_connections=1&timeout=10"));
    db.connect();
    const int first = backend_pid(db);
    int second = 0;
    std::thread waiter([&] {
      db.connect();
      second = backend_pid(db);
      db.close();
    });
    std::this_thread::sleep_for(100ms);
    db.close();
    waiter.join();
    CPPUNIT_ASSERT_EQUAL(first, second);  // the same connection, handed over
  }

  // Every pooled connection is terminated by the server while idle in the
  // pool; the next checkouts notice (the checkout check), discard them and
  // open new ones, and the application sees no error.
  void testKilledConnectionsAreReplacedUnseen() {
    Database db(pooled("max_connections=4&timeout=10"));
    std::vector<int> old_pids(4);
    run_on_four_threads(db, old_pids);
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, db.pool_stats().idle);
    Database admin(lingo_test::pg_uri());
    // Each backend is gone before the threads come back (pg_terminate_backend
    // waits up to 5 s for it): a connection killed while idle in the pool.
    for (const int pid : old_pids) admin.execute_sql("SELECT pg_terminate_backend($1, 5000)", {pid});
    std::vector<int> new_pids(4);
    run_on_four_threads(db, new_pids);  // throws if any thread saw an error
    for (const int pid : new_pids)
      CPPUNIT_ASSERT(std::find(old_pids.begin(), old_pids.end(), pid) == old_pids.end());
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, db.pool_stats().idle);
  }

  void testConnectionReturnedInAFailedTransactionIsRolledBack() {
    Database db(pooled("max_connections=1"));
    const std::string table = lingo_test::unique_name("pool_rb");
    db.execute_sql("CREATE TABLE " + table + " (id int PRIMARY KEY)");
    std::vector<std::string> trace;
    db.set_tracer([&](const TraceEvent& e) { trace.emplace_back(e.sql); });
    const int pid = backend_pid(db);
    db.begin();
    db.execute_sql("INSERT INTO " + table + " VALUES (1)");
    expect_throw<IntegrityError>([&] { db.execute_sql("INSERT INTO " + table + " VALUES (1)"); },
                                 "duplicate");
    CPPUNIT_ASSERT(db.connection().transaction_status() == TransactionStatus::in_error);
    CPPUNIT_ASSERT(db.close());  // nothing left to lose: allowed, and the pool rolls it back
    CPPUNIT_ASSERT_EQUAL(std::string("ROLLBACK"), trace.back());
    CPPUNIT_ASSERT_EQUAL(pid, backend_pid(db));  // the same connection, reused, healthy
    CPPUNIT_ASSERT(db.connection().transaction_status() == TransactionStatus::idle);
    const Result count = db.execute_sql("SELECT count(*) FROM " + table);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, count[0][0].as<std::int64_t>());
    db.execute_sql("DROP TABLE " + table);
  }

  void testCloseRefusesUncommittedWork() {
    Database db(pooled("max_connections=2"));
    db.begin();
    db.execute_sql("SELECT 1");
    auto e = expect_throw<OperationalError>([&] { db.close(); }, "close mid-transaction");
    LINGO_ASSERT_CONTAINS(e.what(), "commit() or rollback() it first");
    CPPUNIT_ASSERT(!db.is_closed());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, db.pool_stats().in_use);
    db.rollback();
    CPPUNIT_ASSERT(db.close());
  }

  void testStaleConnectionsAreNotReused() {
    Database db(pooled("max_connections=2&stale_timeout=0.2"));
    const int first = backend_pid(db);
    db.close();
    CPPUNIT_ASSERT_EQUAL(first, backend_pid(db));  // fresh: reused
    db.close();
    std::this_thread::sleep_for(300ms);
    CPPUNIT_ASSERT(first != backend_pid(db));  // older than stale_timeout: replaced
  }

  // Twenty connections opened together, all held at once, given back, then
  // all taken at once again 1.8 s later: with lifetimes spread over
  // [0.6 s, 3 s] some are replaced and some are not; with no jitter (or the
  // default tenth), none yet.
  std::set<int> twenty_at_once(Database& db) {
    std::mutex mutex;
    std::set<int> pids;
    std::atomic<int> holding{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 20; ++t) {
      threads.emplace_back([&] {
        const int pid = backend_pid(db);
        ++holding;
        while (holding.load() < 20) std::this_thread::sleep_for(1ms);
        {
          std::lock_guard lock(mutex);
          pids.insert(pid);
        }
        db.close();
      });
    }
    for (auto& t : threads) t.join();
    return pids;
  }

  void testLifetimeJitterSpreadsTheEndsOfConnectionsOpenedTogether() {
    auto kept_after = [&](const std::string& options) {
      Database db(pooled("max_connections=20&timeout=5&check_after=10&" + options));
      const std::set<int> first = twenty_at_once(db);
      CPPUNIT_ASSERT_EQUAL(std::size_t{20}, first.size());
      std::this_thread::sleep_for(1800ms);
      const std::set<int> second = twenty_at_once(db);
      int kept = 0;
      for (const int pid : second) kept += first.count(pid) != 0 ? 1 : 0;
      return kept;
    };
    const int jittered = kept_after("stale_timeout=3&lifetime_jitter=2.4");
    CPPUNIT_ASSERT_MESSAGE(std::to_string(jittered), jittered > 0 && jittered < 20);
    CPPUNIT_ASSERT_EQUAL(20, kept_after("stale_timeout=3&lifetime_jitter=0"));
    CPPUNIT_ASSERT_EQUAL(20, kept_after("stale_timeout=3"));
    expect_throw<ValueError>(
        [&] { Database(pooled("stale_timeout=1&lifetime_jitter=2")).execute_sql("SELECT 1"); },
        "jitter longer than the lifetime");
    expect_throw<UriError>([&] { Database(pooled("lifetime_jitter=-1")).execute_sql("SELECT 1"); },
                           "negative jitter");
  }

  void testCloseIdleStaleAllAndManualClose() {
    Database db(pooled("max_connections=3"));
    std::vector<int> pids(3);
    std::vector<std::thread> threads;
    // Two threads park a connection in the pool; this thread keeps one.
    (void)backend_pid(db);
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&] {
        (void)backend_pid(db);
        db.close();
      });
    }
    for (auto& t : threads) t.join();
    PoolStats stats = db.pool_stats();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, stats.in_use);
    CPPUNIT_ASSERT(stats.idle >= 1);
    CPPUNIT_ASSERT_EQUAL(stats.idle, db.close_idle());
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db.pool_stats().idle);
    // close_stale forgets connections lent long ago, freeing their slots.
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db.close_stale(Seconds(60)));
    std::this_thread::sleep_for(20ms);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, db.close_stale(Seconds(0.01)));
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db.pool_stats().in_use);
    CPPUNIT_ASSERT(db.close());  // the forgotten connection is closed, not pooled
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db.pool_stats().idle);
    // manual_close closes for real.
    (void)backend_pid(db);
    CPPUNIT_ASSERT(db.manual_close());
    CPPUNIT_ASSERT(!db.manual_close());
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db.pool_stats().idle);
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db.pool_stats().in_use);
    // close_all: this thread's goes back and is closed with the idle ones.
    (void)backend_pid(db);
    db.close_all();
    CPPUNIT_ASSERT(db.is_closed());
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db.pool_stats().idle);
  }

  void testOptionsInCodeOverrideTheUri() {
    Database db(lingo_test::pg_uri(), PoolOptions{.max_connections = 1, .timeout = Seconds(0.05)});
    CPPUNIT_ASSERT(db.is_pooled());
    CPPUNIT_ASSERT_EQUAL(1, db.pool_stats().max_connections);
    db.connect();
    const std::string message = refusal_on_another_thread(db);
    LINGO_ASSERT_CONTAINS(message, "timed out");
  }

  void testUnpooledDatabaseRefusesPoolCalls() {
    Database db(lingo_test::pg_uri());
    CPPUNIT_ASSERT(!db.is_pooled());
    auto e = expect_throw<InterfaceError>([&] { (void)db.close_idle(); }, "close_idle");
    LINGO_ASSERT_CONTAINS(e.what(), "needs a pooled database");
    expect_throw<InterfaceError>([&] { (void)db.pool_stats(); }, "pool_stats");
  }

 private:
  // Four threads each check a connection out at the same time and record its
  // backend; then all give theirs back.
  static void run_on_four_threads(Database& db, std::vector<int>& pids) {
    std::atomic<int> ready{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        try {
          pids[static_cast<std::size_t>(t)] = backend_pid(db);
          ++ready;
          while (ready.load() < 4) std::this_thread::sleep_for(1ms);
          db.close();
        } catch (const std::exception& e) {
          ++failures;
          ++ready;
          std::cerr << "pooled thread: " << e.what() << "\n";
        }
      });
    }
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(0, failures.load());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgPoolTest);

}  // namespace
