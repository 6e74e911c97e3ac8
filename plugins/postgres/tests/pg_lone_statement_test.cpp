// A statement outside any transaction is its own transaction: retried on a
// conflict (40001, 40P01: rolled back, so nothing applied), up to three times;
// never inside a transaction, where the whole transaction must be retried.
// A function that fails with 40001 the first N times it runs (a sequence
// counts, untouched by rollbacks) stands in for real contention.
#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;

namespace {

class PgLoneStatementTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgLoneStatementTest);
  CPPUNIT_TEST(testAConflictOutsideATransactionIsRetried);
  CPPUNIT_TEST(testRetriesEndAfterThreeAndTheConflictIsReported);
  CPPUNIT_TEST(testNothingIsRetriedInsideATransaction);
  CPPUNIT_TEST(testOtherErrorsAreNotRetried);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo_test::pg_uri());
    seq_ = lingo_test::unique_name("conflicts");
    fn_ = lingo_test::unique_name("flaky");
    table_ = lingo_test::unique_name("lone");
    db_->execute_sql("CREATE SEQUENCE " + seq_);
    db_->execute_sql("CREATE TABLE " + table_ + " (n int)");
    // flaky(k): fails with 40001 while the sequence has given out k values or
    // fewer, else inserts a row (so a repeated success would show).
    db_->execute_sql("CREATE FUNCTION " + fn_ +
                     "(k int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN IF nextval('" + seq_ +
                     "') <= k THEN RAISE EXCEPTION 'simulated conflict' USING ERRCODE = '40001'; END IF; " +
                     "INSERT INTO " + table_ + " VALUES (k); RETURN k; END $$");
  }
  void tearDown() override {
    if (db_->connection().transaction_status() != TransactionStatus::idle) db_->rollback();
    db_->execute_sql("DROP FUNCTION IF EXISTS " + fn_ + "(int)");
    db_->execute_sql("DROP SEQUENCE IF EXISTS " + seq_);
    db_->execute_sql("DROP TABLE IF EXISTS " + table_);
    db_.reset();
  }

  void testAConflictOutsideATransactionIsRetried() {
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, db_->execute_sql("SELECT " + fn_ + "(3)").scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, calls());  // three conflicts, then the run that counted
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, rows());   // applied once
  }

  void testRetriesEndAfterThreeAndTheConflictIsReported() {
    auto e = expect_throw<SerializationFailure>([&] { db_->execute_sql("SELECT " + fn_ + "(10)"); },
                                                "four conflicts in a row");
    CPPUNIT_ASSERT_EQUAL(std::string("40001"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, calls());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, rows());
  }

  void testNothingIsRetriedInsideATransaction() {
    db_->begin();
    expect_throw<SerializationFailure>([&] { db_->execute_sql("SELECT " + fn_ + "(1)"); },
                                       "inside a transaction");
    db_->rollback();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, calls());
    expect_throw<SerializationFailure>(
        [&] { db_->atomic([&] { db_->execute_sql("SELECT " + fn_ + "(2)"); }); }, "inside atomic()");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, calls());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, rows());
  }

  void testOtherErrorsAreNotRetried() {
    // flaky(-1) runs (and inserts), then the division fails: 22012, rolled
    // back, run once.
    expect_throw<DataError>([&] { db_->execute_sql("SELECT " + fn_ + "(-1) / 0"); }, "division by zero");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, calls());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, rows());
  }

 private:
  std::int64_t calls() { return db_->execute_sql("SELECT last_value FROM " + seq_).scalar<std::int64_t>(); }
  std::int64_t rows() { return db_->execute_sql("SELECT count(*) FROM " + table_).scalar<std::int64_t>(); }

  std::unique_ptr<Database> db_;
  std::string seq_;
  std::string fn_;
  std::string table_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgLoneStatementTest);

}  // namespace
