// Statements deferred to the COMMIT (Database::defer): what they do is the
// same on every dialect, however they travel (one pipeline with COMMIT on
// PostgreSQL, a pipeline and then COMMIT through the CockroachDB simulator,
// one by one on SQLite). Built for SQLite (defer_sqlite), the test
// PostgreSQL (defer_postgres) and the simulator in front of it (defer_crdb).
#include <stdexcept>

#include "dialect_suite.h"
#include "lingo/lingo.h"

using namespace lingo;
using lingo_test::Backend;
using lingo_test::expect_throw;
using lingo_test::kBackend;
using namespace std::chrono_literals;

namespace {

struct Account : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::int64_t> balance = column("balance", BigIntegerField{});
  explicit Account(std::string table) : Table(std::move(table)) {}
};

class DeferSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DeferSuite);
  CPPUNIT_TEST(testDeferredStatementsCommitWithTheTransaction);
  CPPUNIT_TEST(testAStatementRunMeanwhileSendsTheQueueFirst);
  CPPUNIT_TEST(testRollbackDropsTheQueueUnsent);
#if !defined(LINGO_SUITE_CRDB)  // atomic() cannot nest there: no savepoints
  CPPUNIT_TEST(testASavepointRolledBackDropsOnlyItsOwn);
#endif
  CPPUNIT_TEST(testAFailingStatementRollsBackTheWhole);
  CPPUNIT_TEST(testDeferNeedsAnOpenTransaction);
  CPPUNIT_TEST(testAnExceptionFromOnResultComesAfterTheCommit);
  CPPUNIT_TEST(testAFailedAttemptsStatementsAreNeverSent);
#if defined(LINGO_SUITE_CRDB)
  CPPUNIT_TEST(testInjectedRetryErrorsInTheDeferredStatementsAreRetried);
#endif
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    account_ = std::make_unique<Account>(lingo_test::unique_name("deferred"));
    if constexpr (kBackend == Backend::sqlite) dir_ = lingo_test::temp_dir();
    db_ = std::make_unique<Database>(lingo_test::backend_uri(dir_, "defer.db"));
    db_->create_tables({account_.get()});
    for (std::int64_t id : {1, 2})
      db_->insert(*account_).set(account_->id, id).set(account_->balance, 100).execute();
  }

  void tearDown() override {
    if (db_ == nullptr) return;
    try {
      if (db_->in_transaction() || db_->connection().transaction_status() != TransactionStatus::idle)
        db_->rollback();
      db_->drop_tables({account_.get()}, /*safe=*/true);
    } catch (const std::exception&) {  // a failing test already reported its cause
    }
    db_.reset();
  }

  // Plain SQL, a built query with RETURNING (its rows read by column) and a
  // prepared one: each ran, in the transaction, and each on_result had its
  // result.
  void testDeferredStatementsCommitWithTheTransaction() {
    const Account& a = *account_;
    const PreparedQuery credit = db_->update(a)
                                     .set(a.balance, a.balance + arg<std::int64_t>(0))
                                     .where(a.id == arg<std::int64_t>(1))
                                     .prepare();
    std::int64_t debited = -1;
    std::int64_t credited_rows = -1;
    db_->run_transaction([&](Database& db) {
      const Result pair =
          db.select(a.id, a.balance).from(a).where(a.id.in(std::vector<std::int64_t>{1, 2})).all();
      CPPUNIT_ASSERT_EQUAL(std::size_t{2}, pair.size());
      db.update(a)
          .set(a.balance, a.balance - std::int64_t{30})
          .where(a.id == std::int64_t{1})
          .returning(a.balance)
          .defer([&](Result r) { debited = r[0][a.balance]; });
      credit.defer({std::int64_t{30}, std::int64_t{2}}, [&](Result r) { credited_rows = r.rows_affected(); });
      db.defer("INSERT INTO " + a.name() + " (id, balance) VALUES ($1, $2)",
               {std::int64_t{3}, std::int64_t{0}});
      CPPUNIT_ASSERT_EQUAL(std::size_t{3}, db.deferred_count());
      CPPUNIT_ASSERT_EQUAL(std::int64_t{-1}, debited);  // nothing sent yet
    });
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db_->deferred_count());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{70}, debited);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, credited_rows);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{70}, balance(1));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{130}, balance(2));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, balance(3));
  }

  // A statement that needs an answer sends the queue ahead of it, so it sees
  // what was deferred before it.
  void testAStatementRunMeanwhileSendsTheQueueFirst() {
    db_->atomic([&] {
      db_->defer("UPDATE " + account_->name() + " SET balance = $1 WHERE id = $2",
                 {std::int64_t{5}, std::int64_t{1}});
      CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, balance(1));
      CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db_->deferred_count());
    });
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, balance(1));
  }

  // A block left by an exception, and a transaction rolled back by hand,
  // drop what they deferred: it never reaches the server.
  void testRollbackDropsTheQueueUnsent() {
    expect_throw<std::runtime_error>(
        [&] {
          db_->atomic([&] {
            db_->defer("UPDATE " + account_->name() + " SET balance = 0");
            throw std::runtime_error("changed my mind");
          });
        },
        "a block left by an exception");
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db_->deferred_count());
    db_->begin();
    db_->defer("UPDATE " + account_->name() + " SET balance = 0");
    db_->rollback();
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db_->deferred_count());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{200}, total());
  }

  // Rolled back to a savepoint, the statements deferred inside it go; those
  // deferred before it (sent when the savepoint was set) stay.
  void testASavepointRolledBackDropsOnlyItsOwn() {
    db_->atomic([&] {
      db_->defer("UPDATE " + account_->name() + " SET balance = 1 WHERE id = 1");
      expect_throw<std::runtime_error>(
          [&] {
            db_->atomic([&] {
              db_->defer("UPDATE " + account_->name() + " SET balance = 2 WHERE id = 2");
              throw std::runtime_error("inner block fails");
            });
          },
          "the inner block");
      CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db_->deferred_count());
    });
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, balance(1));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{100}, balance(2));
  }

  // The second of three statements hits the primary key: its error is the
  // one reported, naming its statement; the first one's write is rolled
  // back with it, and the database is usable after.
  void testAFailingStatementRollsBackTheWhole() {
    const std::string table = account_->name();
    const std::string duplicate = "INSERT INTO " + table + " (id, balance) VALUES ($1, $2)";
    auto e = expect_throw<IntegrityError>(
        [&] {
          db_->atomic([&] {
            db_->defer("UPDATE " + table + " SET balance = balance + 1000 WHERE id = 1");
            db_->defer(duplicate, {std::int64_t{2}, std::int64_t{0}});
            db_->defer("DELETE FROM " + table + " WHERE id = 2");
          });
        },
        "a duplicate key in the middle");
    CPPUNIT_ASSERT_EQUAL(duplicate, e.statement());
    CPPUNIT_ASSERT(!db_->in_transaction());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{200}, total());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, count());
    db_->atomic([&] { db_->defer("UPDATE " + table + " SET balance = 7 WHERE id = 1"); });
    CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, balance(1));
  }

  // Outside a transaction there is no COMMIT to go with; in a failed one the
  // statement could never run. Either is refused, with nothing queued.
  void testDeferNeedsAnOpenTransaction() {
    auto e = expect_throw<InterfaceError>(
        [&] { db_->defer("UPDATE " + account_->name() + " SET balance = 0"); }, "no transaction");
    LINGO_ASSERT_CONTAINS(e.what(), "no transaction is open");
    LINGO_ASSERT_CONTAINS(e.what(), "nothing was queued");
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db_->deferred_count());
    if constexpr (kBackend != Backend::sqlite) {  // SQLite's transaction survives a failed statement
      db_->begin();
      expect_throw<DatabaseError>([&] { db_->execute_sql("SELECT * FROM no_such_table_here"); }, "a failure");
      auto failed = expect_throw<InterfaceError>(
          [&] { db_->defer("UPDATE " + account_->name() + " SET balance = 0"); }, "a failed transaction");
      LINGO_ASSERT_CONTAINS(failed.what(), "has failed");
      CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db_->deferred_count());
      db_->rollback();
    }
    CPPUNIT_ASSERT_EQUAL(std::int64_t{200}, total());
  }

  // on_result runs once the answers arrive, after COMMIT was sent: its
  // exception cannot stop the commit, and is not lost either.
  void testAnExceptionFromOnResultComesAfterTheCommit() {
    auto e = expect_throw<std::logic_error>(
        [&] {
          db_->atomic([&] {
            db_->defer("UPDATE " + account_->name() + " SET balance = 1 WHERE id = 1", {},
                       [](Result) { throw std::logic_error("checked too late"); });
            db_->defer("UPDATE " + account_->name() + " SET balance = 2 WHERE id = 2");
          });
        },
        "on_result throwing");
    LINGO_ASSERT_CONTAINS(e.what(), "checked too late");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, balance(1));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, balance(2));
    CPPUNIT_ASSERT(!db_->in_transaction());
  }

  // An attempt that fails after deferring sends none of it: the increment
  // lands once, from the attempt that committed.
  void testAFailedAttemptsStatementsAreNeverSent() {
    int calls = 0;
    RunStats stats;
    db_->run_transaction(
        [&](Database& db) {
          ++calls;
          db.defer("UPDATE " + account_->name() + " SET balance = balance + 1 WHERE id = 1");
          if (calls == 1)
            throw SerializationFailure(
                ErrorInfo{.message = "forced", .sqlstate = "40001", .retryable = true});
        },
        {.initial_backoff = 0us, .stats = &stats, .sleep = [](std::chrono::microseconds) {}});
    CPPUNIT_ASSERT_EQUAL(2, calls);
    CPPUNIT_ASSERT_EQUAL(2, stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{101}, balance(1));
  }

  // The simulator fails a transaction's first three data statements with
  // CockroachDB's retry error; here they are the deferred ones, sent as a
  // pipeline before RELEASE SAVEPOINT. Each attempt is retried, and the
  // transfer lands once.
  void testInjectedRetryErrorsInTheDeferredStatementsAreRetried() {
    db_->execute_sql("SET inject_retry_errors_enabled = true");
    RunStats stats;
    db_->run_transaction(
        [&](Database& db) {
          db.defer("UPDATE " + account_->name() + " SET balance = balance - 10 WHERE id = 1");
          db.defer("UPDATE " + account_->name() + " SET balance = balance + 10 WHERE id = 2");
        },
        {.stats = &stats});
    db_->execute_sql("SET inject_retry_errors_enabled = false");
    CPPUNIT_ASSERT_EQUAL(4, stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{90}, balance(1));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{110}, balance(2));
  }

 private:
  std::int64_t balance(std::int64_t id) {
    return db_->select(account_->balance)
        .from(*account_)
        .where(account_->id == id)
        .one_row()[0]
        .as<std::int64_t>();
  }
  std::int64_t total() {
    return db_->execute_sql("SELECT CAST(sum(balance) AS BIGINT) FROM " + account_->name()).scalar<std::int64_t>();
  }
  std::int64_t count() {
    return db_->execute_sql("SELECT count(*) FROM " + account_->name()).scalar<std::int64_t>();
  }

  std::unique_ptr<Account> account_;
  std::string dir_;
  std::unique_ptr<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DeferSuite);

}  // namespace
