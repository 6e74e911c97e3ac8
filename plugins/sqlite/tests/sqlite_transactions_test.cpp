// SQLite's share of the transactions capability: "database is locked" (busy)
// is what run_transaction retries there, and sqlite+pool:// pools work.
#include <atomic>
#include <filesystem>
#include <iostream>
#include <thread>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using namespace std::chrono_literals;

namespace {

class SqliteTransactionsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SqliteTransactionsTest);
  CPPUNIT_TEST(testBusyIsRetriedUntilTheLockIsFree);
  CPPUNIT_TEST(testBusyForeverExhaustsTheAttempts);
  CPPUNIT_TEST(testPooledSqlite);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = lingo_test::temp_dir();
    // No busy wait inside SQLite, so a held lock fails at once with "busy".
    uri_ = "sqlite:///" + dir_ + "/busy.db?busy_timeout=0";
    db_ = std::make_unique<Database>(uri_);
    db_->execute_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
    db_->execute_sql("INSERT INTO t VALUES (1, 0)");
  }
  void tearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  void testBusyIsRetriedUntilTheLockIsFree() {
    std::atomic<bool> locked{false};
    std::thread holder([&] {
      db_->atomic({.lock_type = LockType::exclusive}, [&] {
        db_->execute_sql("UPDATE t SET v = v + 1");
        locked = true;
        std::this_thread::sleep_for(300ms);
      });
      db_->close();
    });
    while (!locked) std::this_thread::sleep_for(1ms);
    RunStats stats;
    std::vector<std::string> states;
    db_->run_transaction([](Database& db) { db.execute_sql("UPDATE t SET v = v * 10"); },
                         {.max_attempts = 0,
                          .initial_backoff = 20ms,
                          .max_backoff = 100ms,
                          .deadline = 10000ms,
                          .lock_type = LockType::immediate,
                          .on_retry = [&](const RetryEvent& e) { states.push_back(e.error->sqlstate()); },
                          .stats = &stats});
    holder.join();
    CPPUNIT_ASSERT(stats.attempts > 1);
    CPPUNIT_ASSERT_EQUAL(std::string("55P03"), states.front());  // busy, retryable
    const Result r = db_->execute_sql("SELECT v FROM t");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{10}, r[0][0].as<std::int64_t>());  // (0 + 1) * 10: after the holder
  }

  void testBusyForeverExhaustsTheAttempts() {
    Database holder_db(uri_);
    auto hold = holder_db.atomic({.lock_type = LockType::exclusive});
    int runs = 0;
    auto e = expect_throw<ExceededMaxAttempts>(
        [&] {
          std::thread([&] {
            try {
              db_->run_transaction(
                  [&](Database& db) {
                    ++runs;
                    db.execute_sql("UPDATE t SET v = 5");
                  },
                  {.max_attempts = 3, .initial_backoff = 1ms});
            } catch (...) {
              // Rethrown on the main thread below.
              error_ = std::current_exception();
            }
          }).join();
          if (error_) std::rethrow_exception(error_);
        },
        "busy three times");
    CPPUNIT_ASSERT_EQUAL(3, e.attempts());
    CPPUNIT_ASSERT_EQUAL(std::string("55P03"), e.sqlstate());
    hold.finish();
  }

  void testPooledSqlite() {
    // In a +pool URI "timeout" is the pool's wait; SQLite's is busy_timeout.
    Database pool("sqlite+pool:///" + dir_ + "/busy.db?max_connections=2&timeout=1&busy_timeout=2");
    CPPUNIT_ASSERT(pool.is_pooled());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&] {
        try {
          for (int i = 0; i < 10; ++i) {
            pool.run_transaction([](Database& db) { db.execute_sql("UPDATE t SET v = v + 1"); },
                                 {.lock_type = LockType::immediate});
            pool.close();
          }
        } catch (const std::exception& e) {
          ++failures;
          std::cerr << e.what() << "\n";
        }
      });
    }
    for (auto& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(0, failures.load());
    const Result r = pool.execute_sql("SELECT v FROM t");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{60}, r[0][0].as<std::int64_t>());
    const PoolStats stats = pool.pool_stats();
    CPPUNIT_ASSERT(stats.idle + stats.in_use <= 2);
    auto bad =
        expect_throw<UriError>([&] { Database d("sqlite+pool:///x.db?timeout=-1"); }, "negative timeout");
    LINGO_ASSERT_CONTAINS(bad.what(), "timeout=-1");
  }

 private:
  std::string dir_;
  std::string uri_;
  std::unique_ptr<Database> db_;
  std::exception_ptr error_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteTransactionsTest);

}  // namespace
