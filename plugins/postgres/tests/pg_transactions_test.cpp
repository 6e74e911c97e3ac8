// run_transaction against a real PostgreSQL: real serialization failures and
// deadlock reports retried, failures at COMMIT retried, everything else
// rethrown, attempts and deadlines bounded, an ambiguous commit never
// retried; and 8 threads moving money under SERIALIZABLE isolation.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "at_commit.h"
#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using namespace std::chrono_literals;

namespace {

const RunOptions kSerializable{.isolation_level = IsolationLevel::serializable};

class PgTransactionsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgTransactionsTest);
  CPPUNIT_TEST(testRealSerializationFailureIsRetriedThenCommits);
  CPPUNIT_TEST(testDeadlockReportIsRetried);
  CPPUNIT_TEST(testFailureAtCommitIsRetried);
  CPPUNIT_TEST(testConstraintViolationIsNotRetried);
  CPPUNIT_TEST(testNonDatabaseExceptionRollsBackAndPropagates);
  CPPUNIT_TEST(testMaxAttemptsReached);
  CPPUNIT_TEST(testDeadline);
  CPPUNIT_TEST(testRefusedInsideAnOpenTransactionWithNothingSent);
  CPPUNIT_TEST(testInvalidOptionsSendNothing);
  CPPUNIT_TEST(testConnectionKilledDuringCommitIsAmbiguous);
  CPPUNIT_TEST(testEightThreadsOfTransfersKeepTheTotal);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo_test::pg_uri());
    table_ = lingo_test::unique_name("tx_pg");
    db_->execute_sql("CREATE TABLE " + table_ + " (id int PRIMARY KEY, v int NOT NULL)");
    db_->execute_sql("INSERT INTO " + table_ + " VALUES (1, 0), (2, 0)");
  }

  void tearDown() override {
    db_->set_tracer(nullptr);
    db_->execute_sql("DROP TABLE IF EXISTS " + table_ + " CASCADE");
    db_.reset();
  }

  // Write skew: both transactions read both rows and each writes one. The
  // second to commit fails with 40001 and is run again, alone, and commits.
  void testRealSerializationFailureIsRetriedThenCommits() {
    Database other(lingo_test::pg_uri());
    Trace trace;
    trace.attach(*db_);
    std::vector<std::string> retried;
    RunStats stats;
    RunOptions options = kSerializable;
    options.stats = &stats;
    options.on_retry = [&](const RetryEvent& e) { retried.push_back(e.error->sqlstate()); };
    int runs = 0;
    const int total = db_->run_transaction(
        [&](Database& db) {
          ++runs;
          const Result before = db.execute_sql("SELECT sum(v) FROM " + table_);
          if (runs == 1) {
            other.transaction({.isolation_level = IsolationLevel::serializable}, [&] {
              (void)other.execute_sql("SELECT sum(v) FROM " + table_);
              other.execute_sql("UPDATE " + table_ + " SET v = v + 1 WHERE id = 2");
            });
          }
          db.execute_sql("UPDATE " + table_ + " SET v = v + 1 WHERE id = 1");
          return static_cast<int>(before[0][0].as<std::int64_t>());
        },
        options);
    CPPUNIT_ASSERT_EQUAL(2, runs);
    CPPUNIT_ASSERT_EQUAL(2, stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, retried.size());
    CPPUNIT_ASSERT_EQUAL(std::string("40001"), retried[0]);
    CPPUNIT_ASSERT_EQUAL(1, total);  // the second attempt saw the other transaction's write
    // The trace: a full restart, BEGIN to COMMIT.
    CPPUNIT_ASSERT_EQUAL(std::string("BEGIN ISOLATION LEVEL SERIALIZABLE"), trace.sql.front());
    CPPUNIT_ASSERT_EQUAL(std::string("COMMIT"), trace.sql.back());
    CPPUNIT_ASSERT_EQUAL(2, trace.count("BEGIN ISOLATION LEVEL SERIALIZABLE"));
    CPPUNIT_ASSERT_EQUAL(1, trace.failures("40001"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, scalar("SELECT sum(v) FROM " + table_));
  }

  void testDeadlockReportIsRetried() {
    int runs = 0;
    RunStats stats;
    db_->run_transaction(
        [&](Database& db) {
          db.execute_sql("UPDATE " + table_ + " SET v = v + 1 WHERE id = 1");
          if (++runs == 1) raise(db, "40P01");
        },
        {.stats = &stats});
    CPPUNIT_ASSERT_EQUAL(2, stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, scalar("SELECT v FROM " + table_ + " WHERE id = 1"));
  }

  // A deferred constraint trigger fails the first COMMIT with 40001 (a
  // sequence counts commits, and sequences are not rolled back).
  void testFailureAtCommitIsRetried() {
    const std::string seq = table_ + "_commits";
    db_->execute_sql("CREATE SEQUENCE " + seq);
    run_at_commit("fail_first", "IF nextval('" + seq +
                                    "') = 1 THEN RAISE EXCEPTION SQLSTATE '40001' USING MESSAGE = 'forced "
                                    "failure at commit'; END IF;");
    Trace trace;
    trace.attach(*db_);
    RunStats stats;
    int runs = 0;
    db_->run_transaction(
        [&](Database& db) {
          ++runs;
          db.execute_sql("UPDATE " + table_ + " SET v = v + 10 WHERE id = 2");
        },
        {.stats = &stats});
    CPPUNIT_ASSERT_EQUAL(2, runs);
    CPPUNIT_ASSERT_EQUAL(2, stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{10}, scalar("SELECT v FROM " + table_ + " WHERE id = 2"));
    // The first COMMIT is the statement that failed.
    CPPUNIT_ASSERT_EQUAL(1, trace.failures("40001"));
    CPPUNIT_ASSERT_EQUAL(std::string("COMMIT"), trace.failed_statement);
    db_->execute_sql("DROP FUNCTION " + table_ + "_fail_first() CASCADE");
    db_->execute_sql("DROP SEQUENCE " + seq);
  }

  void testConstraintViolationIsNotRetried() {
    Trace trace;
    trace.attach(*db_);
    RunStats stats;
    int runs = 0;
    auto e = expect_throw<IntegrityError>(
        [&] {
          db_->run_transaction(
              [&](Database& db) {
                ++runs;
                db.execute_sql("UPDATE " + table_ + " SET v = 5 WHERE id = 1");
                db.execute_sql("INSERT INTO " + table_ + " VALUES (1, 1)");
              },
              {.stats = &stats});
        },
        "duplicate key");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(1, runs);
    CPPUNIT_ASSERT_EQUAL(1, stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::string("ROLLBACK"), trace.sql.back());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, scalar("SELECT v FROM " + table_ + " WHERE id = 1"));
  }

  void testNonDatabaseExceptionRollsBackAndPropagates() {
    expect_throw<std::logic_error>(
        [&] {
          db_->run_transaction([&](Database& db) {
            db.execute_sql("UPDATE " + table_ + " SET v = 7 WHERE id = 1");
            throw std::logic_error("application bug");
          });
        },
        "application exception");
    CPPUNIT_ASSERT(!db_->in_transaction());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, scalar("SELECT v FROM " + table_ + " WHERE id = 1"));
  }

  void testMaxAttemptsReached() {
    int runs = 0;
    RunStats stats;
    auto e = expect_throw<ExceededMaxAttempts>(
        [&] {
          db_->run_transaction(
              [&](Database& db) {
                ++runs;
                raise(db, "40001");
              },
              {.max_attempts = 3, .initial_backoff = 1ms, .stats = &stats});
        },
        "max attempts");
    CPPUNIT_ASSERT_EQUAL(3, runs);
    CPPUNIT_ASSERT_EQUAL(3, e.attempts());
    CPPUNIT_ASSERT_EQUAL(3, stats.attempts);
    LINGO_ASSERT_CONTAINS(e.what(), "gave up after 3 attempts");
    CPPUNIT_ASSERT(!e.is_retryable());
    // The last failure travels with it, by type.
    expect_throw<SerializationFailure>([&] { std::rethrow_exception(e.last_error()); }, "last error");
    // ExceededMaxAttempts is an OperationalError, as peewee's is.
    CPPUNIT_ASSERT(dynamic_cast<const OperationalError*>(&e) != nullptr);
    // Negative limits are refused before anything runs.
    expect_throw<ValueError>([&] { db_->run_transaction([](Database&) {}, {.max_attempts = -1}); }, "-1");
  }

  void testDeadline() {
    int runs = 0;
    const auto started = std::chrono::steady_clock::now();
    auto e = expect_throw<ExceededMaxAttempts>(
        [&] {
          db_->run_transaction(
              [&](Database& db) {
                ++runs;
                raise(db, "40001");
              },
              {.max_attempts = 0, .initial_backoff = 20ms, .max_backoff = 50ms, .deadline = 300ms});
        },
        "deadline");
    const auto took = std::chrono::steady_clock::now() - started;
    LINGO_ASSERT_CONTAINS(e.what(), "deadline of 300 ms");
    CPPUNIT_ASSERT(runs >= 2);
    CPPUNIT_ASSERT_EQUAL(runs, e.attempts());
    CPPUNIT_ASSERT(took < 2s);
  }

  void testRefusedInsideAnOpenTransactionWithNothingSent() {
    Trace trace;
    db_->atomic([&] {
      trace.attach(*db_);
      int runs = 0;
      auto e = expect_throw<InterfaceError>([&] { db_->run_transaction([&](Database&) { ++runs; }); },
                                            "inside atomic");
      LINGO_ASSERT_CONTAINS(e.what(), "cannot run inside an open transaction");
      CPPUNIT_ASSERT_EQUAL(0, runs);
      CPPUNIT_ASSERT(trace.sql.empty());
      // The free function is the same call.
      expect_throw<InterfaceError>([&] { run_transaction(*db_, [&](Database&) { ++runs; }); }, "free form");
      CPPUNIT_ASSERT(trace.sql.empty());
    });
  }

  void testInvalidOptionsSendNothing() {
    Trace trace;
    trace.attach(*db_);
    auto e = expect_throw<NotSupportedError>(
        [&] { db_->run_transaction([](Database&) {}, {.priority = Priority::high}); },
        "priority on postgres");
    LINGO_ASSERT_CONTAINS(e.what(), "'priority'");
    CPPUNIT_ASSERT(trace.sql.empty());
  }

  // COMMIT is made slow by a deferred trigger; another connection terminates
  // the backend meanwhile. Whether it committed cannot be known, so the call
  // must neither retry nor report success: it raises AmbiguousCommitError.
  void testConnectionKilledDuringCommitIsAmbiguous() {
    run_at_commit("slow", "PERFORM pg_sleep(3);");
    std::atomic<int> victim{0};
    std::thread assassin = lingo_test::terminate_during_commit(victim);
    int runs = 0;
    RunStats stats;
    auto e = expect_throw<AmbiguousCommitError>(
        [&] {
          db_->run_transaction(
              [&](Database& db) {
                ++runs;
                const Result pid = db.execute_sql("SELECT pg_backend_pid()");
                db.execute_sql("UPDATE " + table_ + " SET v = 99 WHERE id = 1");
                victim.store(pid[0][0].as<std::int32_t>());
              },
              {.stats = &stats});
        },
        "killed during COMMIT");
    assassin.join();
    LINGO_ASSERT_CONTAINS(e.what(), "whether the transaction committed is unknown");
    CPPUNIT_ASSERT(!e.is_retryable());
    CPPUNIT_ASSERT_EQUAL(1, runs);
    CPPUNIT_ASSERT_EQUAL(1, stats.attempts);
    // The next statement reconnects by itself, outside any block; the
    // terminated transaction was not applied.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, scalar("SELECT v FROM " + table_ + " WHERE id = 1"));
    db_->execute_sql("DROP FUNCTION " + table_ + "_slow() CASCADE");
  }

  // The seed's transfer, 8 threads, 2 000 transfers among 50 accounts on
  // SERIALIZABLE: serialization failures are certain, and every one is
  // retried; money is neither made nor lost.
  void testEightThreadsOfTransfersKeepTheTotal() {
    const std::string accounts = table_ + "_acct";
    db_->execute_sql("CREATE TABLE " + accounts + " (id int PRIMARY KEY, balance numeric(14, 2) NOT NULL)");
    db_->execute_sql("INSERT INTO " + accounts + " SELECT g, 1000.00 FROM generate_series(1, 50) g");
    const Decimal before = Decimal(scalar_text("SELECT sum(balance) FROM " + accounts));
    std::atomic<int> retries{0};
    std::atomic<int> done{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < 8; ++t) {
      workers.emplace_back([&, t] {
        std::mt19937 random(static_cast<unsigned>(t) * 7919U + 1U);
        std::uniform_int_distribution<int> account(1, 50);
        std::uniform_int_distribution<int> cents(1, 50000);
        try {
          for (int i = 0; i < 250; ++i) {
            const int from = account(random);
            int to = account(random);
            while (to == from) to = account(random);
            const Decimal amount(std::to_string(cents(random) / 100) + "." +
                                 std::to_string(10 + cents(random) % 90));
            RunStats stats;
            RunOptions options = kSerializable;
            options.max_attempts = 100;
            options.stats = &stats;
            db_->run_transaction(
                [&](Database& db) {
                  const Result rows = db.execute_sql(
                      "SELECT id, balance FROM " + accounts + " WHERE id IN ($1, $2)", {from, to});
                  for (const auto& row : rows) {
                    if (row[0].as<std::int32_t>() == from && row[1].as<Decimal>() < amount) return;
                  }
                  db.execute_sql(
                      "UPDATE " + accounts + " SET balance = balance - $1 WHERE id = $2 RETURNING balance",
                      {amount, from});
                  db.execute_sql(
                      "UPDATE " + accounts + " SET balance = balance + $1 WHERE id = $2 RETURNING balance",
                      {amount, to});
                },
                options);
            retries += stats.attempts - 1;
            ++done;
          }
          db_->close();
        } catch (const std::exception& e) {
          ++failures;
          std::cerr << "worker " << t << ": " << e.what() << "\n";
        }
      });
    }
    for (auto& w : workers) w.join();
    CPPUNIT_ASSERT_EQUAL(0, failures.load());
    CPPUNIT_ASSERT_EQUAL(2000, done.load());
    const Decimal after = Decimal(scalar_text("SELECT sum(balance) FROM " + accounts));
    CPPUNIT_ASSERT_EQUAL(before.to_string(), after.to_string());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, scalar("SELECT count(*) FROM " + accounts + " WHERE balance < 0"));
    std::cout << "\n  8 threads, 2000 transfers: " << retries.load() << " retries\n";
    CPPUNIT_ASSERT(retries.load() > 0);
    db_->execute_sql("DROP TABLE " + accounts);
  }

 private:
  // Records the statements a database sends, and the ones that failed.
  struct Trace {
    std::vector<std::string> sql;
    std::vector<std::string> failed_states;
    std::string failed_statement;
    void attach(Database& db) {
      db.set_tracer([this](const TraceEvent& e) {
        sql.emplace_back(e.sql);
        if (e.error != nullptr) {
          failed_states.push_back(e.error->sqlstate());
          failed_statement = std::string(e.sql);
        }
      });
    }
    int count(const std::string& s) const { return static_cast<int>(std::count(sql.begin(), sql.end(), s)); }
    int failures(const std::string& state) const {
      return static_cast<int>(std::count(failed_states.begin(), failed_states.end(), state));
    }
  };

  // Runs `body` (PL/pgSQL) at COMMIT of any transaction that updated the
  // table: a deferred constraint trigger.
  void run_at_commit(const std::string& name, const std::string& body) {
    (void)lingo_test::run_at_commit(*db_, table_, name, body);
  }

  // A real server error with the given SQLSTATE.
  static void raise(Database& db, const std::string& state) {
    db.execute_sql("DO $$ BEGIN RAISE EXCEPTION SQLSTATE '" + state + "' USING MESSAGE = 'forced " + state +
                   "'; END $$");
  }

  std::int64_t scalar(const std::string& sql) {
    const Result r = db_->execute_sql(sql);
    return r[0][0].as<std::int64_t>();
  }
  std::string scalar_text(const std::string& sql) {
    const Result r = db_->execute_sql(sql);
    return r[0][0].as<Decimal>().to_string();
  }

  std::unique_ptr<Database> db_;
  std::string table_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgTransactionsTest);

}  // namespace
