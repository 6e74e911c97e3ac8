// BEGIN waits for the transaction's first statement and goes to the server
// with it: one round trip fewer per transaction (round_trips.h counts them).
// The block must behave exactly as if BEGIN had gone at once: its statements
// run inside the transaction, and a BEGIN that fails, or never runs, leaves
// the block in error until it is rolled back.
#include "lingo/lingo.h"
#include "lingo/postgres/pg_connection.h"
#include "round_trips.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using lingo_test::RoundTrips;

namespace {

struct Deferred : Table {
  Column<std::int32_t> id = column("id", IntegerField{}.primary_key());
  Column<std::optional<std::string>> note = column("note", TextField{}.null());
  explicit Deferred(std::string name) : Table(std::move(name)) {}
};

class PgDeferredBeginTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgDeferredBeginTest);
  CPPUNIT_TEST(testBeginTravelsWithEveryKindOfFirstStatement);
  CPPUNIT_TEST(testATransactionWithoutStatementsSendsNothing);
  CPPUNIT_TEST(testFirstStatementTheServerCannotParseLeavesTheBlockInError);
  CPPUNIT_TEST(testABeginThatFailsIsReportedAndTheBlockStaysInError);
  CPPUNIT_TEST(testStreamsSendBeginFirstAndPipelinesCarryIt);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo_test::pg_uri());
    table_ = lingo_test::unique_name("deferred");
    db_->execute_sql("CREATE TABLE " + table_ + " (id int PRIMARY KEY, note text)");
    conn_ = &dynamic_cast<postgres::PgConnection&>(db_->connection());
  }
  void tearDown() override {
    if (db_->connection().transaction_status() != TransactionStatus::idle) db_->rollback();
    db_->execute_sql("DROP TABLE IF EXISTS " + table_);
    db_.reset();
  }

  void testBeginTravelsWithEveryKindOfFirstStatement() {
    const std::string insert = "INSERT INTO " + table_ + " VALUES ($1, $2)";
    db_->execute_sql(insert, {0, "cached beforehand"});
    RoundTrips trips(conn_->native_handle());
    // Each first statement goes by another path: a cached prepared
    // statement, one new to the connection (prepared in the same pipeline),
    // a text without parameters (the simple protocol).
    const std::vector<std::pair<std::string, std::function<void(int)>>> firsts = {
        {"cached",
         [&](int id) {
           db_->execute_sql(insert, {id, "cached"});
         }},
        {"new",
         [&](int id) {
           db_->execute_sql(insert + " RETURNING id", {id, "new"});
         }},
        {"text", [&](int id) {
           db_->execute_sql("INSERT INTO " + table_ + " VALUES (" + std::to_string(id) + ", 'text')");
         }}};
    int id = 1;
    for (const auto& [path, first] : firsts) {
      trips.since_last();
      db_->begin();
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path + ": begin() sends nothing", 0, trips.since_last());
      CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::in_transaction);
      first(id);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path + ": BEGIN and the statement in one round trip", 1,
                                   trips.since_last());
      // The statement ran inside the transaction: it is the server's, and a
      // rollback takes its row back.
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, std::string("T"),
                                   db_->execute_sql("SELECT CASE WHEN now() = statement_timestamp() THEN 'F' "
                                                    "ELSE 'T' END")
                                       .scalar<std::string>());
      db_->rollback();
      CPPUNIT_ASSERT_EQUAL_MESSAGE(
          path, std::int64_t{0},
          db_->execute_sql("SELECT count(*) FROM " + table_ + " WHERE id = $1", {id}).scalar<std::int64_t>());
      ++id;
    }
    // And committed, it stays; atomic() takes the same path.
    trips.since_last();
    db_->atomic([&] { db_->execute_sql(insert, {id, "kept"}); });
    CPPUNIT_ASSERT_EQUAL(2, trips.since_last());  // BEGIN + INSERT, COMMIT
    CPPUNIT_ASSERT_EQUAL(
        std::string("kept"),
        db_->execute_sql("SELECT note FROM " + table_ + " WHERE id = $1", {id}).scalar<std::string>());
  }

  void testATransactionWithoutStatementsSendsNothing() {
    RoundTrips trips(conn_->native_handle());
    db_->begin();
    db_->commit();
    db_->begin();
    db_->rollback();
    db_->atomic([] {});
    CPPUNIT_ASSERT_EQUAL(0, trips.since_last());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::idle);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->execute_sql("SELECT 1").scalar<std::int64_t>());
  }

  void testFirstStatementTheServerCannotParseLeavesTheBlockInError() {
    // The server rejects the whole text BEGIN travelled in, so BEGIN never
    // ran; the block must still be in error, as PostgreSQL's would be, and
    // the next statement must not run outside any transaction.
    RoundTrips trips(conn_->native_handle());
    db_->begin();
    auto e = expect_throw<ProgrammingError>([&] { db_->execute_sql("SELEC 1"); }, "a syntax error");
    CPPUNIT_ASSERT_EQUAL(std::string("42601"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::string("SELEC 1"), e.statement());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::in_error);
    trips.since_last();
    const std::string insert = "INSERT INTO " + table_ + " VALUES (1, 'lost')";
    auto aborted = expect_throw<DatabaseError>([&] { db_->execute_sql(insert); }, "a statement after it");
    CPPUNIT_ASSERT_EQUAL(std::string("25P02"), aborted.sqlstate());
    CPPUNIT_ASSERT_EQUAL(0, trips.since_last());  // refused here: nothing was sent
    auto commit = expect_throw<DatabaseError>([&] { db_->commit(); }, "COMMIT of the failed block");
    CPPUNIT_ASSERT_EQUAL(std::string("40000"), commit.sqlstate());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::idle);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0},
                         db_->execute_sql("SELECT count(*) FROM " + table_).scalar<std::int64_t>());

    // A statement with parameters is prepared in the pipeline after BEGIN:
    // BEGIN ran, the PREPARE failed, and the server's own transaction is in
    // error; rolled back, the session goes on.
    db_->begin();
    expect_throw<ProgrammingError>([&] { db_->execute_sql("SELEC $1::int", {1}); },
                                   "a syntax error, prepared");
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::in_error);
    db_->rollback();
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::idle);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, db_->execute_sql("SELECT $1::int + 1", {1}).scalar<std::int64_t>());
  }

  void testABeginThatFailsIsReportedAndTheBlockStaysInError() {
    // A BEGIN the server refuses (only a dialect's own mistake could write
    // one; the connection-level call lets the test send it) is reported as
    // BEGIN's error, whichever path its first statement takes.
    const std::vector<std::pair<std::string, std::function<void()>>> firsts = {
        {"text", [&] { db_->execute_sql("SELECT 1"); }},
        {"prepared", [&] { db_->execute_sql("SELECT $1::int", {1}); }},
        {"stream",
         [&] {
           const Deferred t(table_);
           for (const Row row : db_->select(t.id).from(t)) (void)row;
         }},
        {"pipeline",
         [&] {
           (void)db_->pipeline(std::vector<PipelineStatement>{{"SELECT 1", {}}});
         }},
        {"deferred to COMMIT", [&] {
           db_->connection().defer(PipelineStatement{"SELECT $1::int", {Value(1)}});
           db_->connection().commit();
         }}};
    for (const auto& [path, first] : firsts) {
      db_->connection().begin("BEGIN ISOLATION LEVEL SOMETIMES");
      auto e = expect_throw<DatabaseError>(first, path + ": the first statement");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, std::string("BEGIN ISOLATION LEVEL SOMETIMES"), e.statement());
      CPPUNIT_ASSERT_MESSAGE(path, db_->connection().transaction_status() == TransactionStatus::in_error);
      auto aborted = expect_throw<DatabaseError>([&] { db_->execute_sql("SELECT 2"); }, path + ": the next");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, std::string("25P02"), aborted.sqlstate());
      db_->rollback();
      CPPUNIT_ASSERT_MESSAGE(path, db_->connection().transaction_status() == TransactionStatus::idle);
    }
  }

  void testStreamsSendBeginFirstAndPipelinesCarryIt() {
    // What cannot carry BEGIN sends it on its own, first: a stream (libpq's
    // single-row mode). A pipeline sends it first in its own round trip.
    RoundTrips trips(conn_->native_handle());
    db_->begin();
    // A stream as the first statement: BEGIN was sent before it, so the
    // transaction began before the statement did.
    bool inside = false;
    const auto began_earlier = fn::call<std::string>("now") < fn::call<std::string>("statement_timestamp");
    for (const Row row : db_->select(began_earlier)) inside = row[0].as<bool>();
    CPPUNIT_ASSERT(inside);
    CPPUNIT_ASSERT_EQUAL(3, trips.since_last());  // BEGIN alone, then the stream's PREPARE and its run
    db_->rollback();

    // A pipeline as the first work: its insert is taken back by the rollback.
    db_->begin();
    (void)trips.since_last();  // the stream's ROLLBACK
    std::vector<PipelineStatement> statements;
    statements.push_back(PipelineStatement{"INSERT INTO " + table_ + " VALUES ($1, 'piped')", {Value(7)}});
    statements.push_back(PipelineStatement{"SELECT count(*) FROM " + table_, {}});
    std::int64_t counted = -1;
    db_->pipeline(statements, [&](std::size_t i, Result r) {
      if (i == 1) counted = r.scalar<std::int64_t>();
    });
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, counted);
    CPPUNIT_ASSERT_EQUAL(1, trips.since_last());  // BEGIN, the INSERT (prepared there) and the SELECT
    db_->rollback();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0},
                         db_->execute_sql("SELECT count(*) FROM " + table_).scalar<std::int64_t>());
  }

 private:
  std::unique_ptr<Database> db_;
  postgres::PgConnection* conn_ = nullptr;
  std::string table_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgDeferredBeginTest);

}  // namespace
