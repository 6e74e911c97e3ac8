// Statements deferred to the COMMIT (Database::defer) go to PostgreSQL with
// it in one pipeline: one round trip for a transaction's last writes and its
// COMMIT (round_trips.h counts them). The transaction must still be one
// transaction: a statement failing in the middle rolls the whole back and is
// the error reported; a serialization failure at COMMIT is retried by
// run_transaction; a connection lost with COMMIT sent is ambiguous.
#include <atomic>
#include <thread>

#include "at_commit.h"
#include "lingo/lingo.h"
#include "lingo/postgres/pg_connection.h"
#include "round_trips.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using lingo_test::RoundTrips;

namespace {

class PgCommitPipelineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgCommitPipelineTest);
  CPPUNIT_TEST(testTransferTakesTwoRoundTrips);
  CPPUNIT_TEST(testEverythingDeferredTakesOneRoundTrip);
  CPPUNIT_TEST(testFailingStatementInTheMiddleRollsBackTheWhole);
  CPPUNIT_TEST(testSerializationFailureAtCommitIsRetried);
  CPPUNIT_TEST(testConnectionKilledDuringPipelinedCommitIsAmbiguous);
  CPPUNIT_TEST(testMoreStatementsThanABatch);
  CPPUNIT_TEST(testAnEmptyPipelineSendsNothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo_test::pg_uri());
    table_ = lingo_test::unique_name("commit_pipe");
    db_->execute_sql("CREATE TABLE " + table_ + " (id int PRIMARY KEY, v int NOT NULL CHECK (v >= 0))");
    db_->execute_sql("INSERT INTO " + table_ + " VALUES (1, 100), (2, 100)");
    conn_ = &dynamic_cast<postgres::PgConnection&>(db_->connection());
  }
  void tearDown() override {
    db_->execute_sql("DROP TABLE IF EXISTS " + table_ + " CASCADE");
    for (const auto& f : functions_) db_->execute_sql("DROP FUNCTION IF EXISTS " + f + "() CASCADE");
    db_->execute_sql("DROP SEQUENCE IF EXISTS " + table_ + "_commits");
    db_.reset();
  }

  // The shape: read the pair (BEGIN goes with it), then both
  // updates and COMMIT in one pipeline. Synchronously it is five.
  void testTransferTakesTwoRoundTrips() {
    const std::string debit = "UPDATE " + table_ + " SET v = v - $1 WHERE id = $2 RETURNING v";
    const std::string credit = "UPDATE " + table_ + " SET v = v + $1 WHERE id = $2 RETURNING v";
    db_->execute_sql(debit, {0, 1});  // prepared on the connection beforehand, as in a loop
    RoundTrips trips(conn_->native_handle());
    std::vector<std::int32_t> returned;
    db_->run_transaction([&](Database& db) {
      const Result pair = db.execute_sql("SELECT id, v FROM " + table_ + " WHERE id IN ($1, $2)", {1, 2});
      CPPUNIT_ASSERT_EQUAL(std::size_t{2}, pair.size());
      db.defer(debit, {30, 1}, [&](Result r) { returned.push_back(r[0][0].as<std::int32_t>()); });
      db.defer(credit, {30, 2}, [&](Result r) { returned.push_back(r[0][0].as<std::int32_t>()); });
      CPPUNIT_ASSERT_EQUAL(std::size_t{2}, db.deferred_count());
    });
    CPPUNIT_ASSERT_EQUAL(2, trips.since_last());
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, db_->deferred_count());
    CPPUNIT_ASSERT((returned == std::vector<std::int32_t>{70, 130}));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{70}, scalar("SELECT v FROM " + table_ + " WHERE id = 1"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{130}, scalar("SELECT v FROM " + table_ + " WHERE id = 2"));
  }

  // BEGIN, the statements (one new to the connection, prepared in the same
  // pipeline) and COMMIT: one round trip.
  void testEverythingDeferredTakesOneRoundTrip() {
    RoundTrips trips(conn_->native_handle());
    db_->atomic([&] {
      db_->defer("UPDATE " + table_ + " SET v = $1 WHERE id = 1", {5});
      db_->defer("INSERT INTO " + table_ + " VALUES ($1, $2)", {3, 7});
    });
    CPPUNIT_ASSERT_EQUAL(1, trips.since_last());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5 + 100 + 7}, scalar("SELECT sum(v) FROM " + table_));
  }

  // The second of three statements breaks the CHECK: its error is the one
  // reported, with its statement; nothing of the transaction stays (the
  // first one's write included), and the connection is usable after.
  void testFailingStatementInTheMiddleRollsBackTheWhole() {
    int runs = 0;
    RunStats stats;
    const std::string breaking = "UPDATE " + table_ + " SET v = v - $1 WHERE id = 2";
    auto e = expect_throw<IntegrityError>(
        [&] {
          db_->run_transaction(
              [&](Database& db) {
                ++runs;
                db.execute_sql("SELECT 1");
                db.defer("UPDATE " + table_ + " SET v = v + $1 WHERE id = 1", {500});
                db.defer(breaking, {500});
                db.defer("INSERT INTO " + table_ + " VALUES ($1, $2)", {9, 9});
              },
              {.stats = &stats});
        },
        "the CHECK broken by the second statement");
    CPPUNIT_ASSERT_EQUAL(std::string("23514"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(breaking, e.statement());
    CPPUNIT_ASSERT_EQUAL(1, runs);  // not retryable
    CPPUNIT_ASSERT_EQUAL(1, stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{200}, scalar("SELECT sum(v) FROM " + table_));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, scalar("SELECT count(*) FROM " + table_));
    CPPUNIT_ASSERT(!db_->in_transaction());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::idle);
    db_->atomic([&] { db_->defer("UPDATE " + table_ + " SET v = 1 WHERE id = 1"); });
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, scalar("SELECT v FROM " + table_ + " WHERE id = 1"));
  }

  // A deferred constraint trigger fails the first COMMIT with 40001 (a
  // sequence counts commits; sequences are not rolled back). The COMMIT went
  // in the pipeline with the deferred UPDATE; run_transaction runs the whole
  // transaction again and the second COMMIT succeeds.
  void testSerializationFailureAtCommitIsRetried() {
    const std::string seq = table_ + "_commits";
    db_->execute_sql("CREATE SEQUENCE " + seq);
    run_at_commit("fail_first", "IF nextval('" + seq +
                                    "') = 1 THEN RAISE EXCEPTION SQLSTATE '40001' USING MESSAGE = 'forced "
                                    "failure at commit'; END IF;");
    std::string failed_statement;
    db_->set_tracer([&](const TraceEvent& event) {
      if (event.error != nullptr) failed_statement = std::string(event.sql);
    });
    RunStats stats;
    int runs = 0;
    db_->run_transaction(
        [&](Database& db) {
          ++runs;
          db.defer("UPDATE " + table_ + " SET v = v + 10 WHERE id = 2");
        },
        {.stats = &stats});
    db_->set_tracer(nullptr);
    CPPUNIT_ASSERT_EQUAL(2, runs);
    CPPUNIT_ASSERT_EQUAL(2, stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::string("COMMIT"), failed_statement);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{110}, scalar("SELECT v FROM " + table_ + " WHERE id = 2"));
  }

  // COMMIT is made slow by a deferred trigger and the backend is terminated
  // meanwhile, after the pipeline holding the deferred UPDATE and COMMIT was
  // sent: whether it committed cannot be known, so it is neither retried nor
  // reported as a success.
  void testConnectionKilledDuringPipelinedCommitIsAmbiguous() {
    run_at_commit("slow", "PERFORM pg_sleep(3);");
    std::atomic<int> victim{0};
    std::thread assassin = lingo_test::terminate_during_commit(victim);
    int runs = 0;
    auto e = expect_throw<AmbiguousCommitError>(
        [&] {
          db_->run_transaction([&](Database& db) {
            ++runs;
            const Result pid = db.execute_sql("SELECT pg_backend_pid()");
            victim.store(pid[0][0].as<std::int32_t>());
            db.defer("UPDATE " + table_ + " SET v = 99 WHERE id = 1");
          });
        },
        "killed during the pipelined COMMIT");
    assassin.join();
    LINGO_ASSERT_CONTAINS(e.what(), "whether the transaction committed is unknown");
    CPPUNIT_ASSERT(!e.is_retryable());
    CPPUNIT_ASSERT_EQUAL(1, runs);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{100}, scalar("SELECT v FROM " + table_ + " WHERE id = 1"));
  }

  // Past one batch (256), the earlier statements go ahead as a pipeline of
  // their own: two round trips for 300, all in the one transaction.
  void testMoreStatementsThanABatch() {
    RoundTrips trips(conn_->native_handle());
    db_->atomic([&] {
      for (int i = 0; i < 300; ++i) db_->defer("INSERT INTO " + table_ + " VALUES ($1, $2)", {100 + i, 1});
    });
    CPPUNIT_ASSERT_EQUAL(2, trips.since_last());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{302}, scalar("SELECT count(*) FROM " + table_));
    // And a failure in the later part rolls back the earlier part too.
    expect_throw<IntegrityError>(
        [&] {
          db_->atomic([&] {
            for (int i = 0; i < 299; ++i)
              db_->defer("INSERT INTO " + table_ + " VALUES ($1, $2)", {1000 + i, 1});
            db_->defer("INSERT INTO " + table_ + " VALUES ($1, $2)", {1, 1});  // the key exists
          });
        },
        "a duplicate key as the 300th statement");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{302}, scalar("SELECT count(*) FROM " + table_));
  }

  // Nothing to send costs no round trip; a transaction's deferred BEGIN
  // still goes (alone), so that the block has begun.
  void testAnEmptyPipelineSendsNothing() {
    RoundTrips trips(conn_->native_handle());
    CPPUNIT_ASSERT(db_->pipeline(std::vector<PipelineStatement>{}).empty());
    CPPUNIT_ASSERT_EQUAL(0, trips.since_last());
    db_->begin();
    CPPUNIT_ASSERT(db_->pipeline(std::vector<PipelineStatement>{}).empty());
    CPPUNIT_ASSERT_EQUAL(1, trips.since_last());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::in_transaction);
    db_->rollback();
  }

 private:
  void run_at_commit(const std::string& name, const std::string& body) {
    functions_.push_back(lingo_test::run_at_commit(*db_, table_, name, body));
  }
  std::int64_t scalar(const std::string& sql) {
    const Result r = db_->execute_sql(sql);
    return r[0][0].as<std::int64_t>();
  }

  std::unique_ptr<Database> db_;
  postgres::PgConnection* conn_ = nullptr;
  std::string table_;
  std::vector<std::string> functions_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgCommitPipelineTest);

}  // namespace
