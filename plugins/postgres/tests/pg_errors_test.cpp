// Failures against a real PostgreSQL: every one arrives as the right lingo
// error class with the server's SQLSTATE, from statements and from BEGIN and
// COMMIT alike.
#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;

class PgErrorsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgErrorsTest);
  CPPUNIT_TEST(testUniqueViolationIsIntegrityError);
  CPPUNIT_TEST(testForeignKeyViolation);
  CPPUNIT_TEST(testNotNullViolation);
  CPPUNIT_TEST(testCheckViolation);
  CPPUNIT_TEST(testSyntaxErrorIsProgrammingError);
  CPPUNIT_TEST(testUndefinedTable);
  CPPUNIT_TEST(testDivisionByZeroIsDataError);
  CPPUNIT_TEST(testRealSerializationFailureIsRetryable);
  CPPUNIT_TEST(testConnectionRefusedIsConnectionError);
  CPPUNIT_TEST(testUnknownLibpqOptionIsUriError);
  CPPUNIT_TEST(testCommitFailureCarriesSqlstate);
  CPPUNIT_TEST(testCommitAnsweredWithRollbackIsAnError);
  CPPUNIT_TEST(testBeginOnADeadConnectionCarriesSqlstate);
  CPPUNIT_TEST(testErrorsAreCatchableByTheirBases);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo::connect(lingo_test::pg_uri()));
    parent_ = lingo_test::unique_name("parent");
    child_ = lingo_test::unique_name("child");
    db_->execute_sql("CREATE TABLE " + parent_ +
                     " (id int PRIMARY KEY, name text NOT NULL UNIQUE, "
                     "qty int CHECK (qty >= 0))");
    db_->execute_sql("CREATE TABLE " + child_ + " (id int PRIMARY KEY, parent_id int REFERENCES " + parent_ +
                     " DEFERRABLE INITIALLY DEFERRED)");
    db_->execute_sql("INSERT INTO " + parent_ + " VALUES (1, 'huey', 1)");
  }
  void tearDown() override {
    if (db_->connection().transaction_status() != TransactionStatus::idle) db_->rollback();
    db_->execute_sql("DROP TABLE IF EXISTS " + child_ + ", " + parent_);
    db_.reset();
  }

  void testUniqueViolationIsIntegrityError() {
    const std::string sql = "INSERT INTO " + parent_ + " VALUES ($1, $2, 1)";
    auto e = expect_throw<IntegrityError>([&] { db_->execute_sql(sql, {2, "huey"}); }, "duplicate name");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::string("postgres"), e.dialect());
    CPPUNIT_ASSERT_EQUAL(sql, e.statement());
    CPPUNIT_ASSERT(!e.is_retryable());
    LINGO_ASSERT_CONTAINS(e.what(), "duplicate key value violates unique constraint");
    LINGO_ASSERT_CONTAINS(e.what(), "Key (name)=(huey) already exists");
  }

  void testForeignKeyViolation() {
    db_->begin();
    db_->execute_sql("SET CONSTRAINTS ALL IMMEDIATE");
    auto e = expect_throw<IntegrityError>(
        [&] { db_->execute_sql("INSERT INTO " + child_ + " VALUES (1, $1)", {99}); }, "missing parent");
    CPPUNIT_ASSERT_EQUAL(std::string("23503"), e.sqlstate());
    db_->rollback();
  }

  void testNotNullViolation() {
    auto e = expect_throw<IntegrityError>(
        [&] {
          db_->execute_sql("INSERT INTO " + parent_ + " VALUES ($1, $2, 1)", {3, Value()});
        },
        "null name");
    CPPUNIT_ASSERT_EQUAL(std::string("23502"), e.sqlstate());
  }

  void testCheckViolation() {
    auto e = expect_throw<IntegrityError>(
        [&] { db_->execute_sql("UPDATE " + parent_ + " SET qty = $1", {-1}); }, "negative qty");
    CPPUNIT_ASSERT_EQUAL(std::string("23514"), e.sqlstate());
  }

  void testSyntaxErrorIsProgrammingError() {
    auto e = expect_throw<ProgrammingError>([&] { db_->execute_sql("SELEC 1"); }, "typo");
    CPPUNIT_ASSERT_EQUAL(std::string("42601"), e.sqlstate());
    // The same through the prepared path.
    e = expect_throw<ProgrammingError>([&] { db_->execute_sql("SELEC $1", {1}); }, "typo, prepared");
    CPPUNIT_ASSERT_EQUAL(std::string("42601"), e.sqlstate());
  }

  void testUndefinedTable() {
    auto e = expect_throw<ProgrammingError>([&] { db_->execute_sql("SELECT * FROM no_such_table_here"); },
                                            "no table");
    CPPUNIT_ASSERT_EQUAL(std::string("42P01"), e.sqlstate());
  }

  void testDivisionByZeroIsDataError() {
    auto e = expect_throw<DataError>([&] { db_->execute_sql("SELECT 1 / $1::int", {0}); }, "divide by zero");
    CPPUNIT_ASSERT_EQUAL(std::string("22012"), e.sqlstate());
  }

  void testRealSerializationFailureIsRetryable() {
    // Write skew under SERIALIZABLE: each transaction reads what the other
    // writes, so PostgreSQL must abort one of them with 40001.
    auto other = lingo::connect(lingo_test::pg_uri());
    const std::string table = lingo_test::unique_name("skew");
    db_->execute_sql("CREATE TABLE " + table + " (kind int)");
    db_->execute_sql("BEGIN ISOLATION LEVEL SERIALIZABLE");
    other.execute_sql("BEGIN ISOLATION LEVEL SERIALIZABLE");
    db_->execute_sql("SELECT count(*) FROM " + table + " WHERE kind = 1");
    other.execute_sql("SELECT count(*) FROM " + table + " WHERE kind = 2");
    db_->execute_sql("INSERT INTO " + table + " VALUES (2)");
    other.execute_sql("INSERT INTO " + table + " VALUES (1)");
    db_->commit();
    auto e = expect_throw<SerializationFailure>([&] { other.commit(); }, "second commit");
    CPPUNIT_ASSERT_EQUAL(std::string("40001"), e.sqlstate());
    CPPUNIT_ASSERT(e.is_retryable());
    CPPUNIT_ASSERT_EQUAL(std::string("COMMIT"), e.statement());
    CPPUNIT_ASSERT(other.connection().transaction_status() == TransactionStatus::idle);
    db_->execute_sql("DROP TABLE " + table);
  }

  void testConnectionRefusedIsConnectionError() {
    auto e = expect_throw<ConnectionError>(
        [] { (void)lingo::connect("postgresql://lingo:pw@127.0.0.1:1/x?connect_timeout=3"); }, "refused");
    CPPUNIT_ASSERT_EQUAL(std::string("08001"), e.sqlstate());
    LINGO_ASSERT_CONTAINS(e.what(), "cannot connect to postgresql://lingo:****@127.0.0.1:1/x");
    LINGO_ASSERT_CONTAINS(e.what(), "Connection refused");
  }

  void testUnknownLibpqOptionIsUriError() {
    auto e = expect_throw<UriError>([] { (void)lingo::connect("postgresql://u:pw@h/db?frobnicate=1"); },
                                    "bad option");
    LINGO_ASSERT_CONTAINS(e.what(), "frobnicate");
    LINGO_ASSERT_CONTAINS(e.what(), "u:****@h");
  }

  void testCommitFailureCarriesSqlstate() {
    // A deferred foreign key is checked at COMMIT, so COMMIT itself fails.
    db_->begin();
    db_->execute_sql("INSERT INTO " + child_ + " VALUES (1, $1)", {99});
    auto e = expect_throw<IntegrityError>([&] { db_->commit(); }, "deferred FK at commit");
    CPPUNIT_ASSERT_EQUAL(std::string("23503"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::string("COMMIT"), e.statement());
  }

  void testCommitAnsweredWithRollbackIsAnError() {
    db_->begin();
    db_->execute_sql("INSERT INTO " + parent_ + " VALUES (5, 'dewey', 1)");
    expect_throw<IntegrityError>([&] { db_->execute_sql("INSERT INTO " + parent_ + " VALUES (1, 'x', 1)"); },
                                 "dup");
    auto e = expect_throw<OperationalError>([&] { db_->commit(); }, "commit of a failed transaction");
    LINGO_ASSERT_CONTAINS(e.what(), "COMMIT was answered with ROLLBACK");
    CPPUNIT_ASSERT(!e.is_retryable());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::idle);
    CPPUNIT_ASSERT_EQUAL(
        std::int64_t{0},
        db_->execute_sql("SELECT count(*) FROM " + parent_ + " WHERE id = 5").scalar<std::int64_t>());
  }

  void testBeginOnADeadConnectionCarriesSqlstate() {
    auto victim = lingo::connect(lingo_test::pg_uri());
    const auto pid = victim.execute_sql("SELECT pg_backend_pid()").scalar<std::int32_t>();
    db_->execute_sql("SELECT pg_terminate_backend($1)", {pid});
    // BEGIN travels with the block's first statement: that is where the
    // lost connection shows, as BEGIN's failure.
    victim.begin();
    auto e = expect_throw<ConnectionError>([&] { victim.execute_sql("SELECT 1"); },
                                           "BEGIN on a killed connection");
    CPPUNIT_ASSERT(e.sqlstate().starts_with("08") || e.sqlstate() == "57P01");
    CPPUNIT_ASSERT_EQUAL(std::string("BEGIN"), e.statement());
    // The failure was reported; the next use, outside any block, replaces
    // the broken connection with a new session.
    const auto again = victim.execute_sql("SELECT pg_backend_pid()").scalar<std::int32_t>();
    CPPUNIT_ASSERT(again != pid);
    CPPUNIT_ASSERT(victim.connection().is_usable());
  }

  void testErrorsAreCatchableByTheirBases() {
    try {
      db_->execute_sql("INSERT INTO " + parent_ + " VALUES (1, 'again', 1)");
      CPPUNIT_FAIL("no error");
    } catch (const DatabaseError& e) {
      CPPUNIT_ASSERT(dynamic_cast<const IntegrityError*>(&e) != nullptr);
    }
    try {
      db_->execute_sql("SELECT * FROM nope_nope");
      CPPUNIT_FAIL("no error");
    } catch (const Error& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("42P01"), e.sqlstate());
    }
  }

 private:
  std::unique_ptr<Database> db_;
  std::string parent_;
  std::string child_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgErrorsTest);
