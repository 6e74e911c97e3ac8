// The libpq driver's own behaviour: the prepared-statement cache, recovery
// from a changed result type, one connection per thread, and the Database
// lifecycle rules.
#include <thread>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;

class PgConnectionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgConnectionTest);
  CPPUNIT_TEST(testStatementsWithParametersArePreparedOnce);
  CPPUNIT_TEST(testDifferentParameterTypesGetTheirOwnStatement);
  CPPUNIT_TEST(testChangedResultTypeIsRecoveredOutsideATransaction);
  CPPUNIT_TEST(testChangedResultTypeInsideATransactionIsReported);
  CPPUNIT_TEST(testScriptWithoutParametersRunsEveryStatement);
  CPPUNIT_TEST(testRowsAffectedAndColumnNames);
  CPPUNIT_TEST(testEachThreadGetsItsOwnConnection);
  CPPUNIT_TEST(testConnectTwiceIsAnErrorUnlessReused);
  CPPUNIT_TEST(testCloseWithOpenTransactionIsRefused);
  CPPUNIT_TEST(testClosedDatabaseReconnectsOnUse);
  CPPUNIT_TEST(testLibpqOptionsInTheUriReachTheServer);
  CPPUNIT_TEST(testServerVersionIsReadOnce);
  CPPUNIT_TEST(testWrongParameterCountIsAnError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { db_ = std::make_unique<Database>(lingo::connect(lingo_test::pg_uri())); }
  void tearDown() override { db_.reset(); }

  std::int64_t prepared_count() {
    return db_->execute_sql("SELECT count(*) FROM pg_prepared_statements").scalar<std::int64_t>();
  }

  void testStatementsWithParametersArePreparedOnce() {
    const auto before = prepared_count();
    for (int i = 0; i < 5; ++i)
      CPPUNIT_ASSERT_EQUAL(std::int32_t{i + 1},
                           db_->execute_sql("SELECT $1::int + 1", {i}).scalar<std::int32_t>());
    CPPUNIT_ASSERT_EQUAL(before + 1, prepared_count());
  }

  void testDifferentParameterTypesGetTheirOwnStatement() {
    const auto before = prepared_count();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{7},
                         db_->execute_sql("SELECT $1", {std::int64_t{7}}).scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::string("seven"),
                         db_->execute_sql("SELECT $1", {"seven"}).scalar<std::string>());
    CPPUNIT_ASSERT_EQUAL(before + 2, prepared_count());
  }

  void testChangedResultTypeIsRecoveredOutsideATransaction() {
    const std::string t = lingo_test::unique_name("plan");
    db_->execute_sql("CREATE TEMP TABLE " + t + " (id int, a text)");
    db_->execute_sql("INSERT INTO " + t + " VALUES (1, 'x')");
    const std::string sql = "SELECT * FROM " + t + " WHERE id = $1";
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, db_->execute_sql(sql, {1}).column_count());
    db_->execute_sql("ALTER TABLE " + t + " ADD COLUMN b int DEFAULT 5");
    const auto r = db_->execute_sql(sql, {1});
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, r.column_count());
    CPPUNIT_ASSERT_EQUAL(std::int32_t{5}, r[0].get<std::int32_t>("b"));
  }

  void testChangedResultTypeInsideATransactionIsReported() {
    const std::string t = lingo_test::unique_name("plan");
    db_->execute_sql("CREATE TEMP TABLE " + t + " (id int, a text)");
    const std::string sql = "SELECT * FROM " + t + " WHERE id = $1";
    db_->execute_sql(sql, {1});
    db_->begin();
    db_->execute_sql("ALTER TABLE " + t + " ADD COLUMN b int");
    // Retrying inside the transaction cannot work (it is already aborted), so
    // the server's error stands, with its SQLSTATE.
    auto e = expect_throw<NotSupportedError>([&] { db_->execute_sql(sql, {1}); }, "stale plan in txn");
    CPPUNIT_ASSERT_EQUAL(std::string("0A000"), e.sqlstate());
    db_->rollback();
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, db_->execute_sql(sql, {1}).column_count());
  }

  void testScriptWithoutParametersRunsEveryStatement() {
    const std::string t = lingo_test::unique_name("script");
    const auto r = db_->execute_sql("CREATE TEMP TABLE " + t + " (x int); INSERT INTO " + t +
                                    " VALUES (1), (2); SELECT sum(x) FROM " + t);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, r.scalar<std::int64_t>());
  }

  void testRowsAffectedAndColumnNames() {
    const std::string t = lingo_test::unique_name("affected");
    db_->execute_sql("CREATE TEMP TABLE " + t + " (id int, label text)");
    CPPUNIT_ASSERT_EQUAL(
        std::int64_t{3},
        db_->execute_sql("INSERT INTO " + t + " SELECT g, 'n' || g FROM generate_series(1, $1::int) g", {3})
            .rows_affected());
    const auto r = db_->execute_sql("SELECT id, label FROM " + t + " ORDER BY id");
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, r.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, r.column_index("label"));
    std::int32_t sum = 0;
    for (const Row row : r) sum += row.get<std::int32_t>("id");
    CPPUNIT_ASSERT_EQUAL(6, sum);
    auto e = expect_throw<InterfaceError>([&] { (void)r[0]["nope"]; }, "unknown column");
    LINGO_ASSERT_CONTAINS(e.what(), "its columns are: id, label");
    expect_throw<InterfaceError>([&] { (void)r[3]; }, "row out of range");
    expect_throw<InterfaceError>([&] { (void)r.scalar<std::int32_t>(); }, "scalar of three rows");
  }

  void testEachThreadGetsItsOwnConnection() {
    const auto main_pid = db_->execute_sql("SELECT pg_backend_pid()").scalar<std::int32_t>();
    std::int32_t pids[4] = {};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        pids[i] = db_->execute_sql("SELECT pg_backend_pid()").scalar<std::int32_t>();
        db_->close();
      });
    for (auto& t : threads) t.join();
    for (int i = 0; i < 4; ++i) {
      CPPUNIT_ASSERT(pids[i] != main_pid);
      for (int j = 0; j < i; ++j) CPPUNIT_ASSERT(pids[i] != pids[j]);
    }
    // Other threads closing their connections left this thread's alone.
    CPPUNIT_ASSERT(!db_->is_closed());
    CPPUNIT_ASSERT_EQUAL(main_pid, db_->execute_sql("SELECT pg_backend_pid()").scalar<std::int32_t>());
  }

  void testConnectTwiceIsAnErrorUnlessReused() {
    auto e = expect_throw<OperationalError>([&] { db_->connect(); }, "second connect");
    LINGO_ASSERT_CONTAINS(e.what(), "Connection already opened");
    CPPUNIT_ASSERT(!db_->connect(true));
  }

  void testCloseWithOpenTransactionIsRefused() {
    db_->begin();
    auto e = expect_throw<OperationalError>([&] { db_->close(); }, "close in transaction");
    LINGO_ASSERT_CONTAINS(e.what(), "transaction is open");
    CPPUNIT_ASSERT(!db_->is_closed());
    db_->rollback();
    CPPUNIT_ASSERT(db_->close());
    CPPUNIT_ASSERT(db_->is_closed());
    CPPUNIT_ASSERT(!db_->close());
  }

  void testClosedDatabaseReconnectsOnUse() {
    Database lazy(lingo_test::pg_uri());
    CPPUNIT_ASSERT(lazy.is_closed());
    CPPUNIT_ASSERT_EQUAL(std::int32_t{1}, lazy.execute_sql("SELECT 1").scalar<std::int32_t>());
    CPPUNIT_ASSERT(!lazy.is_closed());
    CPPUNIT_ASSERT_EQUAL(std::string("postgres"), std::string(lazy.dialect_name()));
  }

  void testLibpqOptionsInTheUriReachTheServer() {
    const std::string uri = lingo_test::pg_uri() + "?application_name=lingo_app&connect_timeout=5";
    auto db = lingo::connect(uri);
    CPPUNIT_ASSERT_EQUAL(std::string("lingo_app"),
                         db.execute_sql("SELECT current_setting('application_name')").scalar<std::string>());
  }

  void testServerVersionIsReadOnce() {
    const int v = db_->server_version();
    CPPUNIT_ASSERT(v >= 150000 && v < 160000);
    db_->close();
    CPPUNIT_ASSERT_EQUAL(v, db_->server_version());
  }

  void testWrongParameterCountIsAnError() {
    auto e =
        expect_throw<ProgrammingError>([&] { db_->execute_sql("SELECT $1::int, $2::int", {1}); }, "too few");
    CPPUNIT_ASSERT_EQUAL(std::string("08P01"), e.sqlstate());
    LINGO_ASSERT_CONTAINS(e.what(), "bind message supplies 1 parameters, but prepared statement");
    CPPUNIT_ASSERT(db_->connection().is_usable());
  }

 private:
  std::unique_ptr<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgConnectionTest);
