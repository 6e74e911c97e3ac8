// Pipelined statements on PostgreSQL (libpq's pipeline mode): results in
// order as they arrive, failures reported after every answer is in, the
// transaction rules of the server kept, and tracing per statement.
#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;

namespace {

class PgPipelineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgPipelineTest);
  CPPUNIT_TEST(testThousandLookupsArriveInOrder);
  CPPUNIT_TEST(testAFailureOutsideATransactionUndoesTheBatch);
  CPPUNIT_TEST(testAFailureInsideATransactionSkipsTheRest);
  CPPUNIT_TEST(testAStatementThatCannotBePreparedFailsClearly);
  CPPUNIT_TEST(testEachStatementIsTraced);
  CPPUNIT_TEST(testOtherDialectsRunThemOneByOne);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo_test::pg_uri());
    table_ = lingo_test::unique_name("pipe");
    db_->execute_sql("CREATE TABLE " + table_ + " (id int PRIMARY KEY, v text NOT NULL)");
    db_->execute_sql("INSERT INTO " + table_ + " SELECT g, 'v' || g FROM generate_series(1, 1000) g");
  }
  void tearDown() override {
    db_->set_tracer(nullptr);
    if (db_->connection().transaction_status() != TransactionStatus::idle) db_->rollback();
    db_->execute_sql("DROP TABLE " + table_);
  }

  void testThousandLookupsArriveInOrder() {
    std::vector<PipelineStatement> lookups;
    for (int id = 1000; id >= 1; --id) {
      lookups.push_back({"SELECT v FROM " + table_ + " WHERE id = $1", {id}});
    }
    std::size_t expected = 0;
    db_->pipeline(lookups, [&](std::size_t index, Result result) {
      CPPUNIT_ASSERT_EQUAL(expected++, index);
      const std::string number = std::to_string(1000 - index);
      CPPUNIT_ASSERT_EQUAL("v" + number, result[0][0].as<std::string>());
    });
    CPPUNIT_ASSERT_EQUAL(std::size_t{1000}, expected);
    // The collecting form, and the connection is back to normal afterwards.
    const auto results = db_->pipeline(std::span(lookups).subspan(0, 3));
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, results.size());
    const Result after = db_->execute_sql("SELECT count(*) FROM " + table_);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1000}, after[0][0].as<std::int64_t>());
  }

  // Outside a transaction block a batch is one implicit transaction: all or nothing.
  void testAFailureOutsideATransactionUndoesTheBatch() {
    const std::vector<PipelineStatement> statements = {
        {"UPDATE " + table_ + " SET v = 'a' WHERE id = $1", {1}},
        {"INSERT INTO " + table_ + " VALUES ($1, 'dup')", {2}},  // 23505
        {"UPDATE " + table_ + " SET v = 'c' WHERE id = $1", {3}},
    };
    std::vector<std::size_t> seen;
    auto e = expect_throw<IntegrityError>(
        [&] { db_->pipeline(statements, [&](std::size_t i, Result) { seen.push_back(i); }); }, "duplicate");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, seen.size());  // statement 0 answered, then was rolled back
    const Result r = db_->execute_sql("SELECT v FROM " + table_ + " WHERE id IN (1, 3) ORDER BY id");
    CPPUNIT_ASSERT_EQUAL(std::string("v1"), r[0][0].as<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string("v3"), r[1][0].as<std::string>());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::idle);
  }

  void testAFailureInsideATransactionSkipsTheRest() {
    const std::vector<PipelineStatement> statements = {
        {"UPDATE " + table_ + " SET v = 'a' WHERE id = $1", {1}},
        {"INSERT INTO " + table_ + " VALUES ($1, 'dup')", {2}},
        {"UPDATE " + table_ + " SET v = 'c' WHERE id = $1", {3}},
    };
    std::vector<std::size_t> seen;
    db_->begin();
    expect_throw<IntegrityError>(
        [&] { db_->pipeline(statements, [&](std::size_t i, Result) { seen.push_back(i); }); },
        "duplicate in a transaction");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, seen.size());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::in_error);
    db_->rollback();
    const Result r = db_->execute_sql("SELECT v FROM " + table_ + " WHERE id = 1");
    CPPUNIT_ASSERT_EQUAL(std::string("v1"), r[0][0].as<std::string>());
  }

  // New statements are prepared inside the pipeline; one that the server
  // refuses fails with its own error, and the connection stays usable.
  void testAStatementThatCannotBePreparedFailsClearly() {
    const std::vector<PipelineStatement> statements = {
        {"SELECT v FROM " + table_ + " WHERE id = $1", {1}},
        {"SELECT nope FROM " + table_ + " WHERE id = $1", {2}},  // 42703 at PREPARE
        {"SELECT v FROM " + table_ + " WHERE id = $1 + 0", {3}},
    };
    std::vector<std::size_t> seen;
    auto e = expect_throw<ProgrammingError>(
        [&] { db_->pipeline(statements, [&](std::size_t i, Result) { seen.push_back(i); }); }, "bad column");
    CPPUNIT_ASSERT_EQUAL(std::string("42703"), e.sqlstate());
    LINGO_ASSERT_CONTAINS(e.statement(), "SELECT nope");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, seen.size());
    // Every statement the server did prepare is reused; the refused one runs again cleanly.
    const auto again = db_->pipeline(std::span(statements).subspan(2, 1));
    CPPUNIT_ASSERT_EQUAL(std::string("v3"), again.at(0)[0][0].as<std::string>());
    expect_throw<ProgrammingError>([&] { (void)db_->pipeline(std::span(statements).subspan(1, 1)); },
                                   "again");
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::idle);
  }

  void testEachStatementIsTraced() {
    db_->set_tracer([this](const TraceEvent& e) { traced_.emplace_back(e.sql); });
    const std::vector<PipelineStatement> statements = {{"SELECT $1::int", {1}}, {"SELECT $1::int + 1", {1}}};
    (void)db_->pipeline(statements);
    db_->set_tracer(nullptr);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, traced_.size());
    CPPUNIT_ASSERT_EQUAL(std::string("SELECT $1::int + 1"), traced_[1]);
  }

  void testOtherDialectsRunThemOneByOne() {
    Database lite("sqlite://");
    const std::vector<PipelineStatement> statements = {{"SELECT $1 + 1", {1}}, {"SELECT $1 * 3", {2}}};
    const auto results = lite.pipeline(statements);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{6}, results.at(1)[0][0].as<std::int64_t>());
  }

 private:
  std::unique_ptr<Database> db_;
  std::string table_;
  std::vector<std::string> traced_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgPipelineTest);

}  // namespace
