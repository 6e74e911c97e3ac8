// The Poco::Data connector, used the way a Poco::Data program uses any
// connector: `session << "...", use(...), into(...), now`, Statement with
// range() and limit(), RecordSet, session transactions, Nullable. Written once
// and built for SQLite (poco_sqlite), the test PostgreSQL (poco_postgres) and
// the CockroachDB simulator in front of it (poco_crdb).
#include <Poco/Data/BulkBinding.h>
#include <Poco/Data/Date.h>
#include <Poco/Data/LOB.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Time.h>
#include <Poco/DateTime.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/Nullable.h>
#include <Poco/UUID.h>
#include <Poco/UnicodeConverter.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dialect_suite.h"
#include "lingo/poco/connector.h"

using namespace Poco::Data::Keywords;
using lingo::poco::LingoException;
using lingo_test::Backend;
using lingo_test::kBackend;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace {

class PocoSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PocoSuite);
  CPPUNIT_TEST(testInsertWithVectorsRunsOncePerElement);
  CPPUNIT_TEST(testSelectIntoVectors);
  CPPUNIT_TEST(testRangeHandsOutOneRowPerExecute);
  CPPUNIT_TEST(testLimitFetchesInSteps);
  CPPUNIT_TEST(testRecordSetHasColumnNamesTypesAndValues);
  CPPUNIT_TEST(testAffectedRowCountOfAnUpdate);
  CPPUNIT_TEST(testRollbackLeavesNothing);
  CPPUNIT_TEST(testCommitKeepsTheRows);
  CPPUNIT_TEST(testPocoAndLingoShareTheTransaction);
  CPPUNIT_TEST(testNullableAndNullRoundTrip);
  CPPUNIT_TEST(testNullIntoAPlainValueGivesTheDefault);
  CPPUNIT_TEST(testBlobKeepsZeroBytes);
  CPPUNIT_TEST(testDateTimeRoundTripKeepsMicroseconds);
  CPPUNIT_TEST(testTimeWithMicrosecondsIsRefusedAsPocoTime);
  CPPUNIT_TEST(testUuidRoundTrip);
  CPPUNIT_TEST(testHostileStringsRoundTrip);
  CPPUNIT_TEST(testUtf16StringRoundTrip);
  CPPUNIT_TEST(testQuestionMarkInLiteralsCommentsAndIdentifiersIsText);
  CPPUNIT_TEST(testNumberedPlaceholdersAreRefused);
  CPPUNIT_TEST(testReconnectedSessionRunsItsStatementAgain);
  CPPUNIT_TEST(testIntegerPastTwoToThe53IsRefusedAsADouble);
  CPPUNIT_TEST(testDuplicateKeyCarriesItsSqlstate);
  CPPUNIT_TEST(testWrongTypeExtractionThrows);
  CPPUNIT_TEST(testDecimalIsExactAsStringAndRefusedAsALossyDouble);
  CPPUNIT_TEST(testDynamicVarHoldsTheColumnType);
  CPPUNIT_TEST(testUnknownSchemeIsAPocoException);
  CPPUNIT_TEST(testDatabaseOfASessionIsItsLingoSession);
  CPPUNIT_TEST(testRunTransactionCommitsAndReturns);
  CPPUNIT_TEST(testRunTransactionRollsBackWhenFnThrows);
  CPPUNIT_TEST(testIsolationLevelsFollowTheDialect);
  CPPUNIT_TEST(testAutoCommitOffOpensATransaction);
  CPPUNIT_TEST(testBulkFeatureIsOn);
  CPPUNIT_TEST(testBulkInsertSendsEveryRow);
  CPPUNIT_TEST(testBulkInsertWithUnequalLengthsSendsNothing);
  CPPUNIT_TEST(testBulkInsertIsAllOrNone);
  CPPUNIT_TEST(testBulkInsertJoinsTheOpenTransaction);
  CPPUNIT_TEST(testBulkUInt64BeyondBigintNamesTheRow);
  CPPUNIT_TEST(testBulkExtractionInChunks);
  CPPUNIT_TEST(testLimitWithBulkKeywordFetchesInChunks);
  CPPUNIT_TEST(testBulkExtractionMarksNulls);
  CPPUNIT_TEST(testBulkExtractionOfNoRowsEmptiesTheVector);
  CPPUNIT_TEST(testBulkExtractionOutOfRangeThrows);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    lingo::poco::register_connector();
    if constexpr (kBackend == Backend::sqlite) dir_ = lingo_test::temp_dir();
    uri_ = lingo_test::backend_uri(dir_, "poco.db");
    session_ = std::make_unique<Poco::Data::Session>("lingo", uri_);
    table_ = lingo_test::unique_name("poco_item");
    *session_ << "CREATE TABLE " + table_ + " (id BIGINT PRIMARY KEY, name TEXT, score DOUBLE PRECISION)",
        now;
  }

  void tearDown() override {
    if (session_ != nullptr) {
      try {
        if (session_->isTransaction()) session_->rollback();
        *session_ << "DROP TABLE IF EXISTS " + table_, now;
        for (const auto& extra : extra_tables_) *session_ << "DROP TABLE IF EXISTS " + extra, now;
      } catch (const std::exception&) {  // a failing test already reported its cause
      }
      session_.reset();
    }
    lingo::poco::unregister_connector();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  Poco::Data::Session& session() { return *session_; }

  // A table of its own for a test, dropped in tearDown.
  std::string table(const std::string& columns) {
    extra_tables_.push_back(lingo_test::unique_name("poco_t"));
    session() << "CREATE TABLE " + extra_tables_.back() + " (" + columns + ")", now;
    return extra_tables_.back();
  }

  static const char* blob_type() { return kBackend == Backend::sqlite ? "BLOB" : "BYTEA"; }
  static const char* decimal_type() {
    return kBackend == Backend::sqlite ? "DECIMAL_TEXT(38,10)" : "NUMERIC(38,10)";
  }

  void insert_three() {
    std::vector<Poco::Int64> ids{1, 2, 3};
    std::vector<std::string> names{"ann", "bob", "cy"};
    std::vector<double> scores{1.5, 2.5, 3.5};
    session() << "INSERT INTO " + table_ + " (id, name, score) VALUES (?, ?, ?)", use(ids), use(names),
        use(scores), now;
  }

  Poco::Int64 count() {
    Poco::Int64 n = -1;
    session() << "SELECT COUNT(*) FROM " + table_, into(n), now;
    return n;
  }

  void testInsertWithVectorsRunsOncePerElement() {
    std::vector<Poco::Int64> ids{1, 2, 3};
    std::vector<std::string> names{"ann", "bob", "cy"};
    Statement insert =
        (session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, ?)", use(ids), use(names));
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, insert.execute());
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{3}, count());
  }

  void testSelectIntoVectors() {
    insert_three();
    std::vector<Poco::Int64> ids;
    std::vector<std::string> names;
    std::vector<double> scores;
    session() << "SELECT id, name, score FROM " + table_ + " ORDER BY id", into(ids), into(names),
        into(scores), now;
    CPPUNIT_ASSERT(ids == (std::vector<Poco::Int64>{1, 2, 3}));
    CPPUNIT_ASSERT(names == (std::vector<std::string>{"ann", "bob", "cy"}));
    CPPUNIT_ASSERT(scores == (std::vector<double>{1.5, 2.5, 3.5}));
  }

  void testRangeHandsOutOneRowPerExecute() {
    insert_three();
    std::string name;
    Poco::Int64 min_id = 1;
    std::vector<std::string> seen;
    Statement select = (session() << "SELECT name FROM " + table_ + " WHERE id >= ? ORDER BY id", use(min_id),
                        into(name), range(0, 1));
    while (!select.done()) {
      CPPUNIT_ASSERT_EQUAL(std::size_t{1}, select.execute());
      seen.push_back(name);
    }
    CPPUNIT_ASSERT(seen == (std::vector<std::string>{"ann", "bob", "cy"}));
  }

  void testLimitFetchesInSteps() {
    std::vector<Poco::Int64> ids{1, 2, 3, 4, 5};
    session() << "INSERT INTO " + table_ + " (id) VALUES (?)", use(ids), now;
    std::vector<Poco::Int64> got;
    std::vector<std::size_t> steps;
    Statement select = (session() << "SELECT id FROM " + table_ + " ORDER BY id", into(got), limit(2));
    while (!select.done()) steps.push_back(select.execute());
    CPPUNIT_ASSERT(steps == (std::vector<std::size_t>{2, 2, 1}));
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{5}, got.back());
  }

  void testRecordSetHasColumnNamesTypesAndValues() {
    insert_three();
    RecordSet rs(session(), "SELECT id, name, score FROM " + table_ + " ORDER BY id");
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, rs.columnCount());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, rs.rowCount());
    CPPUNIT_ASSERT_EQUAL(std::string("name"), rs.columnName(1));
    CPPUNIT_ASSERT_EQUAL(Poco::Data::MetaColumn::FDT_INT64, rs.columnType(0));
    CPPUNIT_ASSERT_EQUAL(Poco::Data::MetaColumn::FDT_STRING, rs.columnType(1));
    CPPUNIT_ASSERT_EQUAL(Poco::Data::MetaColumn::FDT_DOUBLE, rs.columnType(2));
    CPPUNIT_ASSERT_EQUAL(std::string("bob"), rs.value<std::string>(1, 1));
    CPPUNIT_ASSERT_EQUAL(3, rs.value("id", 2).convert<int>());
    CPPUNIT_ASSERT(rs.moveFirst());
    CPPUNIT_ASSERT_EQUAL(std::string("ann"), rs["name"].convert<std::string>());
  }

  void testAffectedRowCountOfAnUpdate() {
    insert_three();
    std::string name = "z";
    Poco::Int64 min_id = 2;
    Statement update =
        (session() << "UPDATE " + table_ + " SET name = ? WHERE id >= ?", use(name), use(min_id));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, update.execute());
  }

  void testRollbackLeavesNothing() {
    session().begin();
    CPPUNIT_ASSERT(session().isTransaction());
    insert_three();
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{3}, count());
    session().rollback();
    CPPUNIT_ASSERT(!session().isTransaction());
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{0}, count());
  }

  void testCommitKeepsTheRows() {
    session().begin();
    insert_three();
    session().commit();
    CPPUNIT_ASSERT(!session().isTransaction());
    Poco::Data::Session other("lingo", uri_);
    Poco::Int64 n = 0;
    other << "SELECT COUNT(*) FROM " + table_, into(n), now;
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{3}, n);
  }

  void testPocoAndLingoShareTheTransaction() {
    session().begin();
    insert_three();
    lingo::Database& db = lingo::poco::database(session());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3},
                         db.execute_sql("SELECT COUNT(*) FROM " + table_).scalar<std::int64_t>());
    session().rollback();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0},
                         db.execute_sql("SELECT COUNT(*) FROM " + table_).scalar<std::int64_t>());
  }

  void testNullableAndNullRoundTrip() {
    Poco::Nullable<std::string> missing;
    Poco::Nullable<std::string> present(std::string("here"));
    Poco::Int64 one = 1;
    Poco::Int64 two = 2;
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, ?)", use(one), use(missing), now;
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, ?)", use(two), use(present), now;
    std::vector<Poco::Nullable<std::string>> names;
    session() << "SELECT name FROM " + table_ + " ORDER BY id", into(names), now;
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, names.size());
    CPPUNIT_ASSERT(names[0].isNull());
    CPPUNIT_ASSERT(!names[1].isNull());
    CPPUNIT_ASSERT_EQUAL(std::string("here"), names[1].value());
    RecordSet rs(session(), "SELECT name FROM " + table_ + " ORDER BY id");
    CPPUNIT_ASSERT(rs.isNull(0, 0));
    CPPUNIT_ASSERT(!rs.isNull(0, 1));
    Poco::Int64 three = 3;
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, ?)", use(three), bind(null), now;
    Poco::Nullable<std::string> third(std::string("not yet"));
    session() << "SELECT name FROM " + table_ + " WHERE id = 3", into(third), now;
    CPPUNIT_ASSERT(third.isNull());
  }

  void testNullIntoAPlainValueGivesTheDefault() {
    Poco::Int64 one = 1;
    session() << "INSERT INTO " + table_ + " (id) VALUES (?)", use(one), now;
    std::string name = "stale";
    double score = 9.0;
    session() << "SELECT name, score FROM " + table_, into(name), into(score), now;
    CPPUNIT_ASSERT_EQUAL(std::string(), name);
    CPPUNIT_ASSERT_EQUAL(0.0, score);
  }

  void testBlobKeepsZeroBytes() {
    const std::string t = table(std::string("id BIGINT PRIMARY KEY, data ") + blob_type());
    const std::string raw("a\0b\0\xff\x00z", 7);
    Poco::Data::BLOB in(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
    Poco::Int64 id = 1;
    session() << "INSERT INTO " + t + " (id, data) VALUES (?, ?)", use(id), use(in), now;
    Poco::Data::BLOB out;
    session() << "SELECT data FROM " + t, into(out), now;
    CPPUNIT_ASSERT_EQUAL(raw.size(), out.size());
    CPPUNIT_ASSERT(in == out);
  }

  void testDateTimeRoundTripKeepsMicroseconds() {
    const std::string t = table("id BIGINT PRIMARY KEY, d DATE, t TIME, ts TIMESTAMP");
    Poco::Data::Date d(1999, 12, 31);
    Poco::Data::Time tm(23, 59, 58);
    Poco::DateTime ts(2024, 2, 29, 13, 14, 15, 123, 456);
    Poco::Int64 id = 1;
    session() << "INSERT INTO " + t + " (id, d, t, ts) VALUES (?, ?, ?, ?)", use(id), use(d), use(tm),
        use(ts), now;
    Poco::Data::Date d_out;
    Poco::Data::Time t_out;
    Poco::DateTime ts_out;
    session() << "SELECT d, t, ts FROM " + t, into(d_out), into(t_out), into(ts_out), now;
    CPPUNIT_ASSERT(d == d_out);
    CPPUNIT_ASSERT(tm == t_out);
    CPPUNIT_ASSERT_EQUAL(123, ts_out.millisecond());
    CPPUNIT_ASSERT_EQUAL(456, ts_out.microsecond());
    CPPUNIT_ASSERT(ts == ts_out);
  }

  void testTimeWithMicrosecondsIsRefusedAsPocoTime() {
    const std::string t = table("id BIGINT PRIMARY KEY, t TIME");
    session() << "INSERT INTO " + t + " (id, t) VALUES (1, '10:11:12.5')", now;
    Poco::Data::Time out;
    const auto e = lingo_test::expect_throw<Poco::Data::ExtractException>(
        [&] { session() << "SELECT t FROM " + t, into(out), now; }, "a fraction into Poco::Data::Time");
    LINGO_ASSERT_CONTAINS(e.displayText(), "std::string");
    std::string text;
    session() << "SELECT t FROM " + t, into(text), now;
    LINGO_ASSERT_CONTAINS(text, "10:11:12.5");
  }

  void testUuidRoundTrip() {
    const std::string t = table("id BIGINT PRIMARY KEY, u UUID");
    Poco::UUID in("f47ac10b-58cc-4372-a567-0e02b2c3d479");
    Poco::Int64 id = 1;
    session() << "INSERT INTO " + t + " (id, u) VALUES (?, ?)", use(id), use(in), now;
    Poco::UUID out;
    std::string text;
    session() << "SELECT u, u FROM " + t, into(out), into(text), now;
    CPPUNIT_ASSERT(in == out);
    CPPUNIT_ASSERT_EQUAL(in.toString(), text);
  }

  void testHostileStringsRoundTrip() {
    std::vector<std::string> hostile{"Robert'); DROP TABLE " + table_ + ";--", "it's \"quoted\" \\ and \\\\",
                                     "?, $1, :name, @p",
                                     "\xC3\xBCnic\xC3\xB8"
                                     "de \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\x89"};
    std::vector<Poco::Int64> ids{1, 2, 3, 4};
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, ?)", use(ids), use(hostile), now;
    std::vector<std::string> back;
    session() << "SELECT name FROM " + table_ + " ORDER BY id", into(back), now;
    CPPUNIT_ASSERT(hostile == back);
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{4}, count());
  }

  void testUtf16StringRoundTrip() {
    Poco::UTF16String in;
    Poco::UnicodeConverter::convert(std::string("gr\xC3\xBC\xC3\x9F \xF0\x9F\x8E\x89"), in);
    Poco::Int64 id = 1;
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, ?)", use(id), use(in), now;
    Poco::UTF16String out;
    std::string utf8;
    session() << "SELECT name, name FROM " + table_, into(out), into(utf8), now;
    CPPUNIT_ASSERT(in == out);
    CPPUNIT_ASSERT_EQUAL(std::string("gr\xC3\xBC\xC3\x9F \xF0\x9F\x8E\x89"), utf8);
  }

  void testQuestionMarkInLiteralsCommentsAndIdentifiersIsText() {
    Poco::Int64 id = 7;
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, 'why? ''really?''') -- and this?\n",
        use(id), now;
    std::string name;
    session() << "SELECT name /* what? */ FROM " + table_ + " WHERE id = ?", use(id), into(name), now;
    CPPUNIT_ASSERT_EQUAL(std::string("why? 'really?'"), name);
    const std::string t = table("\"odd?\" TEXT");
    std::string value = "v";
    session() << "INSERT INTO " + t + " (\"odd?\") VALUES (?)", use(value), now;
    std::string back;
    session() << "SELECT \"odd?\" FROM " + t, into(back), now;
    CPPUNIT_ASSERT_EQUAL(std::string("v"), back);
    if constexpr (kBackend != Backend::sqlite) {
      std::string joined;
      std::string tail = "!";
      session() << "SELECT $$a?b$$ || CAST(? AS TEXT)", use(tail), into(joined), now;
      CPPUNIT_ASSERT_EQUAL(std::string("a?b!"), joined);
      // A tagged dollar quote, an escaped quote in E'', nested comments.
      session() << "SELECT $q$?$$?$q$ || E'\\'?' /* a /* b? */ c? */ || CAST(? AS TEXT)", use(tail),
          into(joined), now;
      CPPUNIT_ASSERT_EQUAL(std::string("?$$?'?!"), joined);
    }
  }

  // SQLite's ?1 would otherwise become $11: refused, with what to write.
  void testNumberedPlaceholdersAreRefused() {
    Poco::Int64 id = 1;
    try {
      session() << "SELECT name FROM " + table_ + " WHERE id = ?1", use(id), now;
      CPPUNIT_FAIL("a numbered placeholder was accepted");
    } catch (const Poco::Data::BindingException& e) {
      CPPUNIT_ASSERT_MESSAGE(e.displayText(), e.displayText().find("one ? per value") != std::string::npos);
    }
  }

  // reconnect() replaces the Lingo session under the Poco one; a statement
  // made before runs on the new one (it once kept a reference to the old).
  void testReconnectedSessionRunsItsStatementAgain() {
    Poco::Int64 id = 5;
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, 'five')", use(id), now;
    std::string name;
    Poco::Data::Statement select =
        (session() << "SELECT name FROM " + table_ + " WHERE id = ?", use(id), into(name));
    select.execute();
    CPPUNIT_ASSERT_EQUAL(std::string("five"), name);
    session().reconnect();
    name.clear();
    select.execute();
    CPPUNIT_ASSERT_EQUAL(std::string("five"), name);
  }

  void testIntegerPastTwoToThe53IsRefusedAsADouble() {
    double exact = 0;
    session() << "SELECT CAST(9007199254740992 AS BIGINT)", into(exact), now;
    CPPUNIT_ASSERT_EQUAL(9007199254740992.0, exact);
    double rounded = 0;
    try {
      session() << "SELECT CAST(9007199254740993 AS BIGINT)", into(rounded), now;
      CPPUNIT_FAIL("9007199254740993 was read into a double as " + std::to_string(rounded));
    } catch (const Poco::Data::ExtractException& e) {
      CPPUNIT_ASSERT_MESSAGE(e.displayText(), e.displayText().find("Int64") != std::string::npos);
    }
    Poco::Int64 whole = 0;
    session() << "SELECT CAST(9007199254740993 AS BIGINT)", into(whole), now;
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{9007199254740993}, whole);
  }

  void testDuplicateKeyCarriesItsSqlstate() {
    Poco::Int64 id = 1;
    session() << "INSERT INTO " + table_ + " (id) VALUES (?)", use(id), now;
    try {
      session() << "INSERT INTO " + table_ + " (id) VALUES (?)", use(id), now;
      CPPUNIT_FAIL("a duplicate key was accepted");
    } catch (const LingoException& e) {
      CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
      CPPUNIT_ASSERT(e.is_integrity());
      CPPUNIT_ASSERT(!e.is_retryable());
      LINGO_ASSERT_CONTAINS(e.displayText(), "23505");
      const Poco::Data::DataException& as_poco = e;  // catchable as Poco's own type
      CPPUNIT_ASSERT(as_poco.message() == e.message());
      CPPUNIT_ASSERT(e.original() != nullptr);
    }
  }

  void testWrongTypeExtractionThrows() {
    Poco::Int32 number = 0;
    const auto e = lingo_test::expect_throw<Poco::Data::ExtractException>(
        [&] { session() << "SELECT 'abc'", into(number), now; }, "text into Int32");
    LINGO_ASSERT_CONTAINS(e.displayText(), "abc");
    LINGO_ASSERT_CONTAINS(e.displayText(), "Int32");
    Poco::UInt8 small = 0;
    lingo_test::expect_throw<Poco::Data::ExtractException>(
        [&] { session() << "SELECT 300", into(small), now; }, "300 into UInt8");
  }

  void testDecimalIsExactAsStringAndRefusedAsALossyDouble() {
    const std::string t = table(std::string("id BIGINT PRIMARY KEY, amount ") + decimal_type());
    session() << "INSERT INTO " + t + " (id, amount) VALUES (1, '12345678901234567890.5'), (2, '19.99')", now;
    std::string exact;
    session() << "SELECT amount FROM " + t + " WHERE id = 1", into(exact), now;
    CPPUNIT_ASSERT_EQUAL(std::string("12345678901234567890.5000000000"), exact);
    double lossy = 0;
    const auto e = lingo_test::expect_throw<Poco::Data::ExtractException>(
        [&] { session() << "SELECT amount FROM " + t + " WHERE id = 1", into(lossy), now; }, "lossy double");
    LINGO_ASSERT_CONTAINS(e.displayText(), "std::string");
    double price = 0;
    session() << "SELECT amount FROM " + t + " WHERE id = 2", into(price), now;
    CPPUNIT_ASSERT_EQUAL(19.99, price);
  }

  void testDynamicVarHoldsTheColumnType() {
    insert_three();
    Poco::Dynamic::Var id;
    Poco::Dynamic::Var name;
    session() << "SELECT id, name FROM " + table_ + " WHERE id = 2", into(id), into(name), now;
    CPPUNIT_ASSERT(id.type() == typeid(Poco::Int64));
    CPPUNIT_ASSERT_EQUAL(2, id.convert<int>());
    CPPUNIT_ASSERT_EQUAL(std::string("bob"), name.convert<std::string>());
  }

  void testUnknownSchemeIsAPocoException() {
    try {
      Poco::Data::Session bad("lingo", "nosuchdb://somewhere/db");
      CPPUNIT_FAIL("a session opened on an unknown scheme");
    } catch (const LingoException& e) {
      CPPUNIT_ASSERT(e.kind() == LingoException::Kind::configuration);
      LINGO_ASSERT_CONTAINS(e.displayText(), "nosuchdb");
    }
  }

  void testDatabaseOfASessionIsItsLingoSession() {
    lingo::Database& db = lingo::poco::database(session());
    CPPUNIT_ASSERT(&db == &lingo::poco::database(session()));
    db.execute_sql("INSERT INTO " + table_ + " (id, name) VALUES (9, 'from lingo')");
    std::string name;
    session() << "SELECT name FROM " + table_ + " WHERE id = 9", into(name), now;
    CPPUNIT_ASSERT_EQUAL(std::string("from lingo"), name);
  }

  void testRunTransactionCommitsAndReturns() {
    int attempts = 0;
    const int answer = lingo::poco::run_transaction(session(), [&](Poco::Data::Session& s) {
      ++attempts;
      CPPUNIT_ASSERT(s.isTransaction());
      Poco::Int64 id = 5;
      s << "INSERT INTO " + table_ + " (id, name) VALUES (?, 'in txn')", use(id), now;
      return 42;
    });
    CPPUNIT_ASSERT_EQUAL(42, answer);
    CPPUNIT_ASSERT_EQUAL(1, attempts);
    CPPUNIT_ASSERT(!session().isTransaction());
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{1}, count());
  }

  void testRunTransactionRollsBackWhenFnThrows() {
    lingo_test::expect_throw<std::runtime_error>(
        [&] {
          lingo::poco::run_transaction(session(), [&](Poco::Data::Session& s) {
            Poco::Int64 id = 6;
            s << "INSERT INTO " + table_ + " (id) VALUES (?)", use(id), now;
            throw std::runtime_error("changed my mind");
          });
        },
        "a throwing transaction");
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{0}, count());
    // A database error inside: rolled back, and a LingoException outside.
    Poco::Int64 id = 1;
    session() << "INSERT INTO " + table_ + " (id) VALUES (?)", use(id), now;
    const auto e = lingo_test::expect_throw<LingoException>(
        [&] {
          lingo::poco::run_transaction(session(), [&](Poco::Data::Session& s) {
            Poco::Int64 other = 2;
            s << "INSERT INTO " + table_ + " (id) VALUES (?)", use(other), now;
            s << "INSERT INTO " + table_ + " (id) VALUES (?)", use(id), now;
          });
        },
        "a duplicate key inside run_transaction");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{1}, count());
  }

  void testIsolationLevelsFollowTheDialect() {
    using S = Poco::Data::Session;
    CPPUNIT_ASSERT(session().hasTransactionIsolation(S::TRANSACTION_SERIALIZABLE));
    if constexpr (kBackend == Backend::sqlite) {
      CPPUNIT_ASSERT(!session().hasTransactionIsolation(S::TRANSACTION_READ_COMMITTED));
      CPPUNIT_ASSERT(session().isTransactionIsolation(S::TRANSACTION_SERIALIZABLE));
      const auto e = lingo_test::expect_throw<Poco::NotImplementedException>(
          [&] { session().setTransactionIsolation(S::TRANSACTION_READ_COMMITTED); },
          "read committed on SQLite");
      LINGO_ASSERT_CONTAINS(e.displayText(), "READ COMMITTED");
    } else {
      CPPUNIT_ASSERT(session().hasTransactionIsolation(S::TRANSACTION_READ_COMMITTED));
    }
    session().setTransactionIsolation(S::TRANSACTION_SERIALIZABLE);
    CPPUNIT_ASSERT(session().isTransactionIsolation(S::TRANSACTION_SERIALIZABLE));
    session().begin();
    insert_three();
    session().commit();
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{3}, count());
  }

  void testAutoCommitOffOpensATransaction() {
    CPPUNIT_ASSERT(session().getFeature("autoCommit"));
    session().setFeature("autoCommit", false);
    insert_three();
    CPPUNIT_ASSERT(session().isTransaction());
    session().rollback();
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{0}, count());
    session().rollback();  // the count opened one too
    session().setFeature("autoCommit", true);
    insert_three();
    CPPUNIT_ASSERT(!session().isTransaction());
  }

  void testBulkFeatureIsOn() { CPPUNIT_ASSERT(session().getFeature("bulk")); }

  // 1 000 rows of (id, name, note): ids 1..1000, a hostile name on every
  // tenth row, and a NULL note bound as a column of NullData.
  std::string bulk_insert_thousand() {
    const std::string t = table("id INTEGER PRIMARY KEY, name TEXT, note TEXT");
    std::vector<Poco::Int32> ids;
    std::vector<std::string> names;
    for (Poco::Int32 i = 1; i <= 1000; ++i) {
      ids.push_back(i);
      names.push_back(i % 10 == 0 ? "O'Brien; DROP TABLE x --" : "name " + std::to_string(i));
    }
    std::vector<Poco::Data::NullData> notes(ids.size(), null);
    Statement insert = (session() << "INSERT INTO " + t + " (id, name, note) VALUES (?, ?, ?)",
                        use(ids, bulk), use(names, bulk), use(notes, bulk));
    CPPUNIT_ASSERT_EQUAL(std::size_t{1000}, insert.execute());
    return t;
  }

  void testBulkInsertSendsEveryRow() {
    const std::string t = bulk_insert_thousand();
    CPPUNIT_ASSERT(!session().isTransaction());
    Poco::Int64 n = 0;
    Poco::Int64 nulls = 0;
    Poco::Int64 sum = 0;
    session() << "SELECT COUNT(*), COUNT(*) - COUNT(note), SUM(id) FROM " + t, into(n), into(nulls),
        into(sum), now;
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{1000}, n);
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{1000}, nulls);
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{500500}, sum);
    std::string name;
    session() << "SELECT name FROM " + t + " WHERE id = 600", into(name), now;
    CPPUNIT_ASSERT_EQUAL(std::string("O'Brien; DROP TABLE x --"), name);
    session() << "SELECT name FROM " + t + " WHERE id = 777", into(name), now;
    CPPUNIT_ASSERT_EQUAL(std::string("name 777"), name);
  }

  void testBulkInsertWithUnequalLengthsSendsNothing() {
    std::vector<Poco::Int64> ids{1, 2, 3};
    std::vector<std::string> names{"ann", "bob"};
    const auto e = lingo_test::expect_throw<Poco::Data::BindingException>(
        [&] {
          session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, ?)", use(ids, bulk),
              use(names, bulk), now;
        },
        "bulk vectors of 3 and 2");
    LINGO_ASSERT_CONTAINS(e.displayText(), "3");
    LINGO_ASSERT_CONTAINS(e.displayText(), "2");
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{0}, count());
  }

  // Row 600 repeats a key already there: the whole bulk run is rolled back,
  // also on PostgreSQL, whose pipeline would commit each batch of 256 alone.
  void testBulkInsertIsAllOrNone() {
    Poco::Int64 taken = 600;
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, 'first')", use(taken), now;
    std::vector<Poco::Int64> ids;
    for (Poco::Int64 i = 1; i <= 1000; ++i) ids.push_back(i);
    std::vector<std::string> names(ids.size(), "bulk");
    const auto e = lingo_test::expect_throw<LingoException>(
        [&] {
          session() << "INSERT INTO " + table_ + " (id, name) VALUES (?, ?)", use(ids, bulk),
              use(names, bulk), now;
        },
        "a duplicate key at row 600");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
    CPPUNIT_ASSERT(!session().isTransaction());
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{1}, count());
  }

  void testBulkInsertJoinsTheOpenTransaction() {
    std::vector<Poco::Int64> ids{1, 2, 3};
    session().begin();
    session() << "INSERT INTO " + table_ + " (id) VALUES (?)", use(ids, bulk), now;
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{3}, count());
    session().rollback();
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{0}, count());
  }

  void testBulkUInt64BeyondBigintNamesTheRow() {
    std::vector<Poco::UInt64> ids{1, 2, 18446744073709551615ULL};
    const auto e = lingo_test::expect_throw<Poco::Data::BindingException>(
        [&] { session() << "INSERT INTO " + table_ + " (id) VALUES (?)", use(ids, bulk), now; },
        "a UInt64 beyond BIGINT in row 3");
    LINGO_ASSERT_CONTAINS(e.displayText(), "row 3");
    LINGO_ASSERT_CONTAINS(e.displayText(), "18446744073709551615");
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{0}, count());
  }

  void testBulkExtractionInChunks() {
    const std::string t = bulk_insert_thousand();
    std::vector<Poco::Int32> ids;
    std::vector<std::string> names;
    Statement select = (session() << "SELECT id, name FROM " + t + " ORDER BY id", into(ids, bulk(100)),
                        into(names, bulk(100)));
    std::size_t chunks = 0;
    Poco::Int64 checksum = 0;
    while (!select.done()) {
      const std::size_t n = select.execute();
      CPPUNIT_ASSERT_EQUAL(std::size_t{100}, n);
      CPPUNIT_ASSERT_EQUAL(std::size_t{100}, ids.size());
      CPPUNIT_ASSERT_EQUAL(std::size_t{100}, names.size());
      CPPUNIT_ASSERT_EQUAL(static_cast<Poco::Int32>(chunks * 100 + 1), ids.front());
      for (std::size_t i = 0; i < ids.size(); ++i)
        checksum += ids[i] * static_cast<Poco::Int64>(names[i].size());
      ++chunks;
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{10}, chunks);
    Poco::Int64 expected = 0;
    session() << "SELECT SUM(id * LENGTH(name)) FROM " + t, into(expected), now;
    CPPUNIT_ASSERT_EQUAL(expected, checksum);
  }

  // limit(n) then the bulk keyword: Poco's other spelling of a chunked read.
  void testLimitWithBulkKeywordFetchesInChunks() {
    const std::string t = bulk_insert_thousand();
    std::vector<Poco::Int64> ids;
    Statement select = (session() << "SELECT id FROM " + t + " ORDER BY id", into(ids), limit(250), bulk);
    std::size_t chunks = 0;
    while (!select.done()) {
      CPPUNIT_ASSERT_EQUAL(std::size_t{250}, select.execute());
      ++chunks;
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, chunks);
    CPPUNIT_ASSERT_EQUAL(Poco::Int64{1000}, ids.back());
  }

  // Poco's bulk convention: a NULL is the element's default, and
  // isNull(column, row) (Statement's, public in RecordSet) tells it from a real one.
  void testBulkExtractionMarksNulls() {
    session() << "INSERT INTO " + table_ + " (id, name) VALUES (1, 'ann'), (2, NULL), (3, '')", now;
    std::vector<std::string> names;
    Statement select = (session() << "SELECT name FROM " + table_ + " ORDER BY id", into(names, bulk(10)));
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, select.execute());
    CPPUNIT_ASSERT(names == (std::vector<std::string>{"ann", "", ""}));
    const RecordSet rows(select);  // Statement::isNull is protected; RecordSet makes it public
    CPPUNIT_ASSERT(!rows.isNull(0, 0));
    CPPUNIT_ASSERT(rows.isNull(0, 1));
    CPPUNIT_ASSERT(!rows.isNull(0, 2));
  }

  void testBulkExtractionOfNoRowsEmptiesTheVector() {
    std::vector<Poco::Int64> ids{7, 8};
    session() << "SELECT id FROM " + table_, into(ids, bulk(100)), now;
    CPPUNIT_ASSERT(ids.empty());
  }

  void testBulkExtractionOutOfRangeThrows() {
    const std::string t = table("v INTEGER");
    session() << "INSERT INTO " + t + " (v) VALUES (1), (300)", now;
    std::vector<Poco::UInt8> small;
    const auto e = lingo_test::expect_throw<Poco::Data::ExtractException>(
        [&] { session() << "SELECT v FROM " + t + " ORDER BY v", into(small, bulk(10)), now; },
        "300 into UInt8");
    LINGO_ASSERT_CONTAINS(e.displayText(), "300");
    LINGO_ASSERT_CONTAINS(e.displayText(), "UInt8");
    LINGO_ASSERT_CONTAINS(e.displayText(), "row 2");
  }

 private:
  std::string dir_;
  std::string uri_;
  std::string table_;
  std::vector<std::string> extra_tables_;
  std::unique_ptr<Poco::Data::Session> session_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PocoSuite);

}  // namespace
