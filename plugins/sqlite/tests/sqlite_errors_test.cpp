// SQLite failures through the plugin: each arrives as the lingo::Error
// subclass its SQLSTATE selects, with the SQLite extended code, the failing
// statement and the retry verdict.
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "lingo/lingo.h"
#include "test_support.h"

namespace {

using lingo_test::expect_throw;

class SqliteErrorsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SqliteErrorsTest);
  CPPUNIT_TEST(testUniqueViolationIsIntegrityError);
  CPPUNIT_TEST(testPrimaryKeyViolationIsUniqueViolation);
  CPPUNIT_TEST(testForeignKeyViolationIsIntegrityErrorByDefault);
  CPPUNIT_TEST(testNotNullViolationIsIntegrityError);
  CPPUNIT_TEST(testCheckViolationIsIntegrityError);
  CPPUNIT_TEST(testStrictTableTypeViolationIsDataError);
  CPPUNIT_TEST(testSyntaxErrorIsProgrammingError);
  CPPUNIT_TEST(testUndefinedTableAndColumnAreProgrammingErrors);
  CPPUNIT_TEST(testDuplicateTableIsProgrammingError);
  CPPUNIT_TEST(testDatatypeMismatchIsProgrammingError);
  CPPUNIT_TEST(testBusyDatabaseIsRetryableOperationalError);
  CPPUNIT_TEST(testCommitOrRollbackWithoutTransactionIsInternalError);
  CPPUNIT_TEST(testBeginInsideTransactionIsInternalError);
  CPPUNIT_TEST(testErrorInScriptNamesTheStatement);
  CPPUNIT_TEST(testFailedStatementLeavesTransactionUsable);
  CPPUNIT_TEST(testWriteToReadOnlyDatabaseIsInternalError);
  CPPUNIT_TEST(testUnopenableFileIsConnectionError);
  CPPUNIT_TEST(testMissingFileWithModeRwIsConnectionError);
  CPPUNIT_TEST(testFileThatIsNotADatabaseIsInternalError);
  CPPUNIT_TEST(testClosedConnectionIsInterfaceError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_.emplace(lingo::connect("sqlite://"));
    db().execute_sql(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, email TEXT UNIQUE, "
        "age INTEGER NOT NULL DEFAULT 0 CHECK (age >= 0));"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));"
        "INSERT INTO parent (id, email) VALUES (1, 'a@example.com');");
  }
  void tearDown() override {
    db_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void testUniqueViolationIsIntegrityError() {
    const std::string sql = "INSERT INTO parent (email) VALUES ($1)";
    const auto e = expect_throw<lingo::IntegrityError>([&] { db().execute_sql(sql, {"a@example.com"}); },
                                                       "duplicate email");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(2067L, e.native_code());  // SQLITE_CONSTRAINT_UNIQUE
    CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), e.dialect());
    CPPUNIT_ASSERT_EQUAL(sql, e.statement());
    CPPUNIT_ASSERT(!e.is_retryable());
    LINGO_ASSERT_CONTAINS(e.what(), "UNIQUE constraint failed: parent.email");
  }

  void testPrimaryKeyViolationIsUniqueViolation() {
    const auto e = expect_throw<lingo::IntegrityError>(
        [&] { db().execute_sql("INSERT INTO parent (id) VALUES (1)"); }, "duplicate id");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(1555L, e.native_code());  // SQLITE_CONSTRAINT_PRIMARYKEY
  }

  void testForeignKeyViolationIsIntegrityErrorByDefault() {
    const auto e = expect_throw<lingo::IntegrityError>(
        [&] { db().execute_sql("INSERT INTO child (parent_id) VALUES ($1)", {42}); }, "missing parent");
    CPPUNIT_ASSERT_EQUAL(std::string("23503"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(787L, e.native_code());  // SQLITE_CONSTRAINT_FOREIGNKEY
  }

  void testNotNullViolationIsIntegrityError() {
    const auto e = expect_throw<lingo::IntegrityError>(
        [&] { db().execute_sql("INSERT INTO parent (email, age) VALUES ('b', NULL)"); }, "NULL age");
    CPPUNIT_ASSERT_EQUAL(std::string("23502"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(1299L, e.native_code());  // SQLITE_CONSTRAINT_NOTNULL
  }

  void testCheckViolationIsIntegrityError() {
    const auto e = expect_throw<lingo::IntegrityError>(
        [&] { db().execute_sql("UPDATE parent SET age = $1", {-1}); }, "negative age");
    CPPUNIT_ASSERT_EQUAL(std::string("23514"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(275L, e.native_code());  // SQLITE_CONSTRAINT_CHECK
  }

  void testStrictTableTypeViolationIsDataError() {
    db().execute_sql("CREATE TABLE strict_t (n INTEGER) STRICT");
    const auto e = expect_throw<lingo::DataError>(
        [&] { db().execute_sql("INSERT INTO strict_t VALUES ($1)", {"abc"}); }, "text in INTEGER");
    CPPUNIT_ASSERT_EQUAL(std::string("22P02"), e.sqlstate());
  }

  void testSyntaxErrorIsProgrammingError() {
    const auto e =
        expect_throw<lingo::ProgrammingError>([&] { db().execute_sql("SELEC 1"); }, "misspelt SELECT");
    CPPUNIT_ASSERT_EQUAL(std::string("42601"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(1L, e.native_code());  // SQLITE_ERROR
    CPPUNIT_ASSERT_EQUAL(std::string("SELEC 1"), e.statement());
  }

  void testUndefinedTableAndColumnAreProgrammingErrors() {
    const auto table = expect_throw<lingo::ProgrammingError>(
        [&] { db().execute_sql("SELECT * FROM nowhere"); }, "missing table");
    CPPUNIT_ASSERT_EQUAL(std::string("42P01"), table.sqlstate());
    const auto column = expect_throw<lingo::ProgrammingError>(
        [&] { db().execute_sql("SELECT missing_column FROM parent"); }, "missing column");
    CPPUNIT_ASSERT_EQUAL(std::string("42703"), column.sqlstate());
  }

  void testDuplicateTableIsProgrammingError() {
    const auto e = expect_throw<lingo::ProgrammingError>(
        [&] { db().execute_sql("CREATE TABLE parent (x INTEGER)"); }, "table exists");
    CPPUNIT_ASSERT_EQUAL(std::string("42P07"), e.sqlstate());
  }

  void testDatatypeMismatchIsProgrammingError() {
    const auto e = expect_throw<lingo::ProgrammingError>(
        [&] { db().execute_sql("INSERT INTO parent (id) VALUES ($1)", {"not a rowid"}); }, "text rowid");
    CPPUNIT_ASSERT_EQUAL(std::string("42804"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(20L, e.native_code());  // SQLITE_MISMATCH
  }

  // One connection holds the write lock; another, told not to wait, is
  // refused at once with SQLITE_BUSY, which a retry loop may act on.
  void testBusyDatabaseIsRetryableOperationalError() {
    const std::string uri = "sqlite:///" + temp_dir() + "/busy.db";
    auto holder = lingo::connect(uri);
    holder.execute_sql("CREATE TABLE w (a INTEGER)");
    auto impatient = lingo::connect(uri + "?timeout=0");
    holder.execute_sql("BEGIN IMMEDIATE");
    holder.execute_sql("INSERT INTO w VALUES (1)");
    const std::string sql = "INSERT INTO w VALUES (2)";
    const auto e = expect_throw<lingo::OperationalError>([&] { impatient.execute_sql(sql); },
                                                         "write while another holds the lock");
    CPPUNIT_ASSERT(e.is_retryable());
    CPPUNIT_ASSERT_EQUAL(std::string("55P03"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(5L, e.native_code() & 0xff);  // SQLITE_BUSY family
    CPPUNIT_ASSERT_EQUAL(sql, e.statement());
    holder.commit();
    impatient.execute_sql(sql);  // the retry succeeds once the lock is gone
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2},
                         holder.execute_sql("SELECT count(*) FROM w").scalar<std::int64_t>());
  }

  void testCommitOrRollbackWithoutTransactionIsInternalError() {
    const auto commit =
        expect_throw<lingo::InternalError>([&] { db().commit(); }, "COMMIT outside a transaction");
    CPPUNIT_ASSERT_EQUAL(std::string("25P01"), commit.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::string("COMMIT"), commit.statement());
    const auto rollback =
        expect_throw<lingo::InternalError>([&] { db().rollback(); }, "ROLLBACK outside a transaction");
    CPPUNIT_ASSERT_EQUAL(std::string("25P01"), rollback.sqlstate());
  }

  void testBeginInsideTransactionIsInternalError() {
    db().begin();
    const auto e = expect_throw<lingo::InternalError>([&] { db().begin(); }, "nested BEGIN");
    CPPUNIT_ASSERT_EQUAL(std::string("25001"), e.sqlstate());
    db().rollback();
  }

  void testErrorInScriptNamesTheStatement() {
    const std::string script = "SELECT 1; SELECT 2; INSERT INTO parent (id) VALUES (1)";
    const auto e =
        expect_throw<lingo::IntegrityError>([&] { db().execute_sql(script); }, "third statement fails");
    LINGO_ASSERT_CONTAINS(e.what(), "statement 3 of the script");
    CPPUNIT_ASSERT_EQUAL(script, e.statement());
  }

  void testFailedStatementLeavesTransactionUsable() {
    db().begin();
    db().execute_sql("INSERT INTO parent (email) VALUES ('kept')");
    expect_throw<lingo::IntegrityError>(
        [&] { db().execute_sql("INSERT INTO parent (email) VALUES ('kept')"); }, "duplicate");
    auto& conn = db().connection();
    CPPUNIT_ASSERT(conn.transaction_status() == lingo::TransactionStatus::in_transaction);
    CPPUNIT_ASSERT(conn.is_usable());
    db().commit();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2},
                         db().execute_sql("SELECT count(*) FROM parent").scalar<std::int64_t>());
  }

  void testWriteToReadOnlyDatabaseIsInternalError() {
    const std::string path = temp_dir() + "/ro.db";
    lingo::connect("sqlite:///" + path).execute_sql("CREATE TABLE r (a INTEGER)");
    auto ro = lingo::connect("sqlite:///" + path + "?mode=ro");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, ro.execute_sql("SELECT count(*) FROM r").scalar<std::int64_t>());
    const auto e = expect_throw<lingo::InternalError>([&] { ro.execute_sql("INSERT INTO r VALUES (1)"); },
                                                      "write to mode=ro");
    CPPUNIT_ASSERT_EQUAL(std::string("25006"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(8L, e.native_code() & 0xff);  // SQLITE_READONLY family
  }

  void testUnopenableFileIsConnectionError() {
    const auto e = expect_throw<lingo::ConnectionError>(
        [] { (void)lingo::connect("sqlite:////nonexistent-dir/x.db"); }, "missing folder");
    CPPUNIT_ASSERT_EQUAL(std::string("08006"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(14L, e.native_code() & 0xff);  // SQLITE_CANTOPEN
    LINGO_ASSERT_CONTAINS(e.what(), "\"/nonexistent-dir/x.db\"");
  }

  void testMissingFileWithModeRwIsConnectionError() {
    const std::string path = temp_dir() + "/absent.db";
    expect_throw<lingo::ConnectionError>([&] { (void)lingo::connect("sqlite:///" + path + "?mode=rw"); },
                                         "mode=rw, no file");
    CPPUNIT_ASSERT(!std::filesystem::exists(path));
  }

  void testFileThatIsNotADatabaseIsInternalError() {
    const std::string path = temp_dir() + "/notes.txt";
    std::ofstream(path) << std::string(4096, 'x');
    auto db = lingo::connect("sqlite:///" + path);
    const auto e = expect_throw<lingo::InternalError>([&] { db.execute_sql("SELECT * FROM sqlite_master"); },
                                                      "text file as database");
    CPPUNIT_ASSERT_EQUAL(std::string("XX001"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(26L, e.native_code());  // SQLITE_NOTADB
  }

  void testClosedConnectionIsInterfaceError() {
    auto& conn = db().connection();
    conn.close();
    expect_throw<lingo::InterfaceError>([&] { (void)conn.execute("SELECT 1", {}); }, "closed connection");
  }

 private:
  lingo::Database& db() { return *db_; }
  std::string temp_dir() {
    if (dir_.empty()) dir_ = lingo_test::temp_dir();
    return dir_;
  }

  std::optional<lingo::Database> db_;
  std::string dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteErrorsTest);

}  // namespace
