// Values through the SQLite plugin: every Lingo type stored and read back,
// placeholders, scripts, and the sqlite URI forms and options.
#include <boost/json/parse.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "lingo/lingo.h"
#include "test_support.h"

namespace {

using namespace std::chrono;
using lingo::Value;

class SqliteValuesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SqliteValuesTest);
  CPPUNIT_TEST(testBooleanRoundTripsAsBool);
  CPPUNIT_TEST(testIntegersRoundTripIncludingInt64Limits);
  CPPUNIT_TEST(testFloatAndDoubleRoundTripAsDouble);
  CPPUNIT_TEST(testInfinityRoundTripsAndNanIsStoredAsNull);
  CPPUNIT_TEST(testDecimalKeepsEveryDigitInDecimalTextColumn);
  CPPUNIT_TEST(testPlainDecimalColumnKeepsOnlyWhatADoubleHolds);
  CPPUNIT_TEST(testTextWithNonAsciiAndEmbeddedNulRoundTrips);
  CPPUNIT_TEST(testMegabyteTextRoundTrips);
  CPPUNIT_TEST(testBytesWithNulsAndEmptyBytesRoundTrip);
  CPPUNIT_TEST(testDateTimeAndTimestampRoundTrip);
  CPPUNIT_TEST(testExtremeDatesRoundTrip);
  CPPUNIT_TEST(testDeclaredTypesAreReadAfterASchemaChange);
  CPPUNIT_TEST(testTimestampTzRoundTripsAsTheSameInstant);
  CPPUNIT_TEST(testUuidRoundTrips);
  CPPUNIT_TEST(testJsonObjectRoundTrips);
  CPPUNIT_TEST(testNullOfEveryTypeReadsAsEmptyOptional);
  CPPUNIT_TEST(testColumnTypeFollowsDeclaration);
  CPPUNIT_TEST(testDollarPlaceholdersBindByNumberNotPosition);
  CPPUNIT_TEST(testQuestionMarkPlaceholdersBind);
  CPPUNIT_TEST(testTooFewValuesIsProgrammingError);
  CPPUNIT_TEST(testTooManyValuesIsProgrammingError);
  CPPUNIT_TEST(testScriptWithoutParametersRunsEveryStatement);
  CPPUNIT_TEST(testParametersWithSeveralStatementsAreRefused);
  CPPUNIT_TEST(testHostileStringIsStoredAsAValue);
  CPPUNIT_TEST(testArrayParameterIsNotSupported);
  CPPUNIT_TEST(testRowsAffectedCountsOnlyDataChanges);
  CPPUNIT_TEST(testTransactionStatusFollowsBeginAndRollback);
  CPPUNIT_TEST(testFileDatabasePersistsAcrossConnections);
  CPPUNIT_TEST(testThreeSlashPathIsRelativeToWorkingDirectory);
  CPPUNIT_TEST(testOptionsAreApplied);
  CPPUNIT_TEST(testUnknownOptionIsRejected);
  CPPUNIT_TEST(testBadJournalModeIsRejected);
  CPPUNIT_TEST(testHostIsRejected);
  CPPUNIT_TEST(testServerVersionIsSqliteLibraryVersion);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { db_.emplace(lingo::connect("sqlite://")); }
  void tearDown() override { db_.reset(); }

  void testBooleanRoundTripsAsBool() {
    CPPUNIT_ASSERT_EQUAL(true, round_trip("BOOLEAN", true).as<bool>());
    CPPUNIT_ASSERT_EQUAL(false, round_trip("BOOLEAN", false).as<bool>());
  }

  void testIntegersRoundTripIncludingInt64Limits() {
    const Value small = round_trip("SMALLINT", std::int16_t{-32768});
    CPPUNIT_ASSERT(small.type() == lingo::ValueType::int16);
    CPPUNIT_ASSERT_EQUAL(std::int16_t{-32768}, small.as<std::int16_t>());
    CPPUNIT_ASSERT_EQUAL(std::int32_t{2147483647},
                         round_trip("INTEGER", std::int32_t{2147483647}).as<std::int32_t>());
    const auto lo = std::numeric_limits<std::int64_t>::min();
    const auto hi = std::numeric_limits<std::int64_t>::max();
    CPPUNIT_ASSERT_EQUAL(lo, round_trip("BIGINT", lo).as<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(hi, round_trip("BIGINT", hi).as<std::int64_t>());
  }

  // SQLite keeps only 8-byte floats, so a float comes back as the double it widened to.
  void testFloatAndDoubleRoundTripAsDouble() {
    CPPUNIT_ASSERT_EQUAL(static_cast<double>(0.1F), round_trip("REAL", 0.1F).as<double>());
    CPPUNIT_ASSERT_EQUAL(0.1, round_trip("DOUBLE PRECISION", 0.1).as<double>());
    CPPUNIT_ASSERT_EQUAL(-1.5e-300, round_trip("FLOAT", -1.5e-300).as<double>());
  }

  // SQLite itself turns a bound NaN into NULL; there is no way to store one.
  void testInfinityRoundTripsAndNanIsStoredAsNull() {
    const double inf = std::numeric_limits<double>::infinity();
    CPPUNIT_ASSERT_EQUAL(inf, round_trip("DOUBLE", inf).as<double>());
    CPPUNIT_ASSERT_EQUAL(-inf, round_trip("DOUBLE", -inf).as<double>());
    CPPUNIT_ASSERT(round_trip("DOUBLE", std::nan("")).is_null());
  }

  void testDecimalKeepsEveryDigitInDecimalTextColumn() {
    const lingo::Decimal exact("12345678901234567890.1234567890");
    const Value back = round_trip("DECIMAL_TEXT(38,10)", exact);
    CPPUNIT_ASSERT(back.type() == lingo::ValueType::decimal);
    CPPUNIT_ASSERT_EQUAL(exact.to_string(), back.as<lingo::Decimal>().to_string());
    CPPUNIT_ASSERT_EQUAL(
        std::string("1.50"),
        round_trip("DECIMAL_TEXT(10,2)", lingo::Decimal("1.50")).as<lingo::Decimal>().to_string());
  }

  // DECIMAL(p,s) has NUMERIC affinity: SQLite converts the text to REAL before
  // storing it. The value still reads as a Decimal, but only with a double's digits.
  void testPlainDecimalColumnKeepsOnlyWhatADoubleHolds() {
    const lingo::Decimal exact("12345678901234567890.1234567890");
    const Value back = round_trip("DECIMAL(38,10)", exact);
    CPPUNIT_ASSERT(back.type() == lingo::ValueType::decimal);
    CPPUNIT_ASSERT(back.as<lingo::Decimal>().to_string() != exact.to_string());
    CPPUNIT_ASSERT_DOUBLES_EQUAL(exact.to_double(), back.as<double>(), 1e5);
  }

  void testTextWithNonAsciiAndEmbeddedNulRoundTrips() {
    const std::string text = std::string("Grüße, 世界 🚀") + '\0' + "after the NUL";
    const Value back = round_trip("TEXT", text);
    CPPUNIT_ASSERT_EQUAL(text.size(), back.as<std::string>().size());
    CPPUNIT_ASSERT(text == back.as<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::string(), round_trip("TEXT", std::string()).as<std::string>());
  }

  void testMegabyteTextRoundTrips() {
    std::string text;
    for (int i = 0; text.size() < (1U << 20); ++i) text += std::to_string(i) + ',';
    CPPUNIT_ASSERT(text == round_trip("TEXT", text).as<std::string>());
  }

  void testBytesWithNulsAndEmptyBytesRoundTrip() {
    const lingo::Bytes bytes{std::string("\0\x01\xff\0z", 5)};
    CPPUNIT_ASSERT(bytes == round_trip("BLOB", bytes).as<lingo::Bytes>());
    const Value empty = round_trip("BLOB", lingo::Bytes{});
    CPPUNIT_ASSERT(!empty.is_null());
    CPPUNIT_ASSERT(empty.as<lingo::Bytes>().data.empty());
  }

  void testDeclaredTypesAreReadAfterASchemaChange() {
    // A cached statement is re-prepared by its first step after the table
    // changed; its columns' declared types used to be read before that.
    const std::string t = lingo_test::unique_name("changing");
    const std::string select = "SELECT v FROM " + t;
    db().execute_sql("CREATE TABLE " + t + " (v DECIMAL(10,2))");
    db().execute_sql("INSERT INTO " + t + " VALUES ($1)", {lingo::Decimal("1.25")});
    CPPUNIT_ASSERT_EQUAL(std::string("1.25"), db().execute_sql(select).scalar<lingo::Decimal>().to_string());
    db().execute_sql("DROP TABLE " + t);
    db().execute_sql("CREATE TABLE " + t + " (v DECIMAL_TEXT(10,4))");
    db().execute_sql("INSERT INTO " + t + " VALUES ($1)", {lingo::Decimal("1.2345")});
    CPPUNIT_ASSERT_EQUAL(std::string("1.2345"),
                         db().execute_sql(select).scalar<lingo::Decimal>().to_string());
    db().execute_sql("DROP TABLE " + t);
    db().execute_sql("CREATE TABLE " + t + " (v DATE)");
    const lingo::Date d{sys_days{year{2024} / 2 / 29}};
    db().execute_sql("INSERT INTO " + t + " VALUES ($1)", {d});
    const Value read = db().execute_sql(select).scalar_value();
    CPPUNIT_ASSERT(read.type() == lingo::ValueType::date);
    // The streamed path too.
    db().execute_sql("DROP TABLE " + t);
    db().execute_sql("CREATE TABLE " + t + " (v DECIMAL_TEXT(10,4))");
    db().execute_sql("INSERT INTO " + t + " VALUES ($1)", {lingo::Decimal("2.5001")});
    auto stream = db().connection().stream(select, {});
    CPPUNIT_ASSERT(stream->next());
    CPPUNIT_ASSERT_EQUAL(std::string("2.5001"),
                         stream->row()[std::size_t{0}].as<lingo::Decimal>().to_string());
    stream.reset();
    db().execute_sql("DROP TABLE " + t);
  }

  void testExtremeDatesRoundTrip() {
    for (const char* text : {"65536-02-03", "5874897-12-31", "0044-03-15 BC", "4713-01-01 BC"}) {
      const lingo::Date d = lingo::text::parse_date(text);
      CPPUNIT_ASSERT(d == round_trip("DATE", d).as<lingo::Date>());
    }
    const lingo::Timestamp ts = lingo::text::parse_timestamp("0044-03-15 12:00:00 BC");
    CPPUNIT_ASSERT(ts == round_trip("TIMESTAMP", ts).as<lingo::Timestamp>());
  }

  void testDateTimeAndTimestampRoundTrip() {
    const lingo::Date date{sys_days{year{2024} / 2 / 29}};
    CPPUNIT_ASSERT(date == round_trip("DATE", date).as<lingo::Date>());
    const lingo::Time time{hours{13} + minutes{45} + seconds{7} + microseconds{123456}};
    CPPUNIT_ASSERT(time == round_trip("TIME", time).as<lingo::Time>());
    const lingo::Timestamp ts{local_days{year{1999} / 12 / 31} + hours{23} + microseconds{1}};
    CPPUNIT_ASSERT(ts == round_trip("TIMESTAMP", ts).as<lingo::Timestamp>());
    CPPUNIT_ASSERT(ts == round_trip("DATETIME", ts).as<lingo::Timestamp>());
  }

  void testTimestampTzRoundTripsAsTheSameInstant() {
    const lingo::TimestampTz ts{sys_days{year{2024} / 6 / 1} + hours{6} + microseconds{500}};
    CPPUNIT_ASSERT(ts == round_trip("TIMESTAMPTZ", ts).as<lingo::TimestampTz>());
    db().execute_sql("CREATE TABLE tz (v TIMESTAMP WITH TIME ZONE)");
    db().execute_sql("INSERT INTO tz VALUES ('2024-06-01 12:00:00+05:30')");
    const lingo::TimestampTz expected{sys_days{year{2024} / 6 / 1} + hours{6} + minutes{30}};
    CPPUNIT_ASSERT(expected == db().execute_sql("SELECT v FROM tz").scalar<lingo::TimestampTz>());
  }

  void testUuidRoundTrips() {
    const auto uuid = lingo::Uuid::parse("123e4567-e89b-12d3-a456-426614174000");
    const Value back = round_trip("UUID", uuid);
    CPPUNIT_ASSERT(back.type() == lingo::ValueType::uuid);
    CPPUNIT_ASSERT(uuid == back.as<lingo::Uuid>());
  }

  void testJsonObjectRoundTrips() {
    const boost::json::value json = boost::json::parse(R"({"a":[1,2.5,{"b":null}],"c":"d"})");
    CPPUNIT_ASSERT(json == round_trip("JSON", json).as<boost::json::value>());
    // JSON has NUMERIC affinity, so SQLite stores a bare number as INTEGER; it still reads as JSON.
    CPPUNIT_ASSERT(boost::json::value(42) ==
                   round_trip("JSON", boost::json::value(42)).as<boost::json::value>());
  }

  void testNullOfEveryTypeReadsAsEmptyOptional() {
    db().execute_sql(
        "CREATE TABLE n (b BOOLEAN, i SMALLINT, l BIGINT, d DOUBLE, m DECIMAL_TEXT(9,2), t TEXT, "
        "y BLOB, dt DATE, tm TIME, ts TIMESTAMP, tz TIMESTAMPTZ, u UUID, j JSON)");
    db().execute_sql("INSERT INTO n VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                     {nullptr, std::nullopt, Value(), Value(), Value(), Value(), Value(), Value(), Value(),
                      Value(), Value(), Value(), Value()});
    const auto result = db().execute_sql("SELECT * FROM n");
    const auto row = result[0];
    CPPUNIT_ASSERT(!row.get<std::optional<bool>>(0));
    CPPUNIT_ASSERT(!row.get<std::optional<std::int16_t>>(1));
    CPPUNIT_ASSERT(!row.get<std::optional<std::int64_t>>(2));
    CPPUNIT_ASSERT(!row.get<std::optional<double>>(3));
    CPPUNIT_ASSERT(!row.get<std::optional<lingo::Decimal>>(4));
    CPPUNIT_ASSERT(!row.get<std::optional<std::string>>(5));
    CPPUNIT_ASSERT(!row.get<std::optional<lingo::Bytes>>(6));
    CPPUNIT_ASSERT(!row.get<std::optional<lingo::Date>>(7));
    CPPUNIT_ASSERT(!row.get<std::optional<lingo::Time>>(8));
    CPPUNIT_ASSERT(!row.get<std::optional<lingo::Timestamp>>(9));
    CPPUNIT_ASSERT(!row.get<std::optional<lingo::TimestampTz>>(10));
    CPPUNIT_ASSERT(!row.get<std::optional<lingo::Uuid>>(11));
    CPPUNIT_ASSERT(!row.get<std::optional<boost::json::value>>(12));
    expect_throw<lingo::DataError>([&] { (void)row.get<bool>(0); }, "NULL read as bool");
  }

  // An empty result can only go by the declaration; an expression has none.
  void testColumnTypeFollowsDeclaration() {
    db().execute_sql("CREATE TABLE c (a DATE, b DECIMAL_TEXT(5,1), c VARCHAR(9), d WHATEVER)");
    const auto result = db().execute_sql("SELECT a, b, c, d, 1 + 1 FROM c");
    CPPUNIT_ASSERT(result.column_type(0) == lingo::ValueType::date);
    CPPUNIT_ASSERT(result.column_type(1) == lingo::ValueType::decimal);
    CPPUNIT_ASSERT(result.column_type(2) == lingo::ValueType::text);
    CPPUNIT_ASSERT(result.column_type(3) == lingo::ValueType::text);
    CPPUNIT_ASSERT(result.column_type(4) == lingo::ValueType::text);
    CPPUNIT_ASSERT(db().execute_sql("SELECT 1 + 1").column_type(0) == lingo::ValueType::int64);
  }

  void testDollarPlaceholdersBindByNumberNotPosition() {
    const auto result = db().execute_sql("SELECT $2, $1, $2", {"first", "second"});
    const auto row = result[0];
    CPPUNIT_ASSERT_EQUAL(std::string("second"), row.get<std::string>(0));
    CPPUNIT_ASSERT_EQUAL(std::string("first"), row.get<std::string>(1));
    CPPUNIT_ASSERT_EQUAL(std::string("second"), row.get<std::string>(2));
  }

  void testQuestionMarkPlaceholdersBind() {
    const auto result = db().execute_sql("SELECT ?, ?", {1, "two"});
    const auto row = result[0];
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, row.get<std::int64_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::string("two"), row.get<std::string>(1));
    const auto numbered = db().execute_sql("SELECT ?2, ?1", {1, 2});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, numbered[0].get<std::int64_t>(0));
  }

  void testTooFewValuesIsProgrammingError() {
    const auto e = expect_throw<lingo::ProgrammingError>(
        [&] {
          db().execute_sql("SELECT $1, $3", {1, 2});
        },
        "$3 with two values");
    LINGO_ASSERT_CONTAINS(e.what(), "$3 is used but only 2 values were given");
    CPPUNIT_ASSERT_EQUAL(std::string("SELECT $1, $3"), e.statement());
    expect_throw<lingo::ProgrammingError>([&] { db().execute_sql("SELECT ?"); }, "? without values");
  }

  void testTooManyValuesIsProgrammingError() {
    const auto e = expect_throw<lingo::ProgrammingError>(
        [&] {
          db().execute_sql("SELECT $1", {1, 2});
        },
        "two values for $1");
    LINGO_ASSERT_CONTAINS(e.what(), "2 values given");
    expect_throw<lingo::ProgrammingError>([&] { db().execute_sql("SELECT 1", {1}); },
                                          "a value with no placeholder");
  }

  void testScriptWithoutParametersRunsEveryStatement() {
    const auto result = db().execute_sql(
        "CREATE TABLE s (a INTEGER);\n"
        "INSERT INTO s VALUES (1); -- a comment\n"
        "INSERT INTO s VALUES (2);\n"
        "SELECT count(*) FROM s; /* trailing */ ;\n");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, result.scalar<std::int64_t>());
  }

  void testParametersWithSeveralStatementsAreRefused() {
    db().execute_sql("CREATE TABLE p (a INTEGER)");
    expect_throw<lingo::ProgrammingError>(
        [&] { db().execute_sql("INSERT INTO p VALUES ($1); INSERT INTO p VALUES (2)", {1}); },
        "two statements with a parameter");
    // Refused before the first statement ran.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db().execute_sql("SELECT count(*) FROM p").scalar<std::int64_t>());
    // Trailing semicolons and comments do not make a second statement.
    db().execute_sql("INSERT INTO p VALUES ($1);  -- done\n", {1});
  }

  void testHostileStringIsStoredAsAValue() {
    const std::string hostile = "'; DROP TABLE t; --";
    CPPUNIT_ASSERT(hostile == round_trip("TEXT", hostile).as<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1},
                         db().execute_sql("SELECT count(*) FROM sqlite_master WHERE name = $1", {table_})
                             .scalar<std::int64_t>());
  }

  void testArrayParameterIsNotSupported() {
    const auto e = expect_throw<lingo::NotSupportedError>(
        [&] {
          db().execute_sql("SELECT $1", {Value(std::vector<std::int32_t>{1, 2})});
        },
        "array parameter");
    LINGO_ASSERT_CONTAINS(e.what(), "sqlite has no array type");
  }

  void testRowsAffectedCountsOnlyDataChanges() {
    db().execute_sql("CREATE TABLE r (a INTEGER)");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3},
                         db().execute_sql("INSERT INTO r VALUES (1), (2), (3)").rows_affected());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2},
                         db().execute_sql("UPDATE r SET a = a + 1 WHERE a > $1", {1}).rows_affected());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{-1}, db().execute_sql("SELECT * FROM r").rows_affected());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{-1}, db().execute_sql("CREATE TABLE r2 (a INTEGER)").rows_affected());
    const auto returned = db().execute_sql("DELETE FROM r WHERE a >= 3 RETURNING a");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, returned.size());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, returned.rows_affected());
  }

  void testTransactionStatusFollowsBeginAndRollback() {
    db().execute_sql("CREATE TABLE x (a INTEGER)");
    auto& conn = db().connection();
    CPPUNIT_ASSERT(conn.transaction_status() == lingo::TransactionStatus::idle);
    db().begin();
    CPPUNIT_ASSERT(conn.transaction_status() == lingo::TransactionStatus::in_transaction);
    db().execute_sql("INSERT INTO x VALUES (1)");
    db().rollback();
    CPPUNIT_ASSERT(conn.transaction_status() == lingo::TransactionStatus::idle);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db().execute_sql("SELECT count(*) FROM x").scalar<std::int64_t>());
    conn.close();
    CPPUNIT_ASSERT(conn.transaction_status() == lingo::TransactionStatus::unknown);
    CPPUNIT_ASSERT(!conn.is_usable());
    conn.close();  // twice is fine
  }

  void testFileDatabasePersistsAcrossConnections() {
    const std::string dir = lingo_test::temp_dir();
    const std::string uri = "sqlite:///" + dir + "/app.db";  // dir is absolute: four slashes
    CPPUNIT_ASSERT(uri.starts_with("sqlite:////"));
    {
      auto first = lingo::connect(uri);
      first.execute_sql("CREATE TABLE kept (v TEXT)");
      first.execute_sql("INSERT INTO kept VALUES ($1)", {"still here"});
    }
    CPPUNIT_ASSERT(std::filesystem::exists(dir + "/app.db"));
    auto second = lingo::connect(uri);
    CPPUNIT_ASSERT_EQUAL(std::string("still here"),
                         second.execute_sql("SELECT v FROM kept").scalar<std::string>());
    second.close();
    std::filesystem::remove_all(dir);
  }

  void testThreeSlashPathIsRelativeToWorkingDirectory() {
    const std::string dir = lingo_test::temp_dir();
    const auto before = std::filesystem::current_path();
    std::filesystem::current_path(dir);
    try {
      auto rel = lingo::connect("sqlite:///relative.db");
      rel.execute_sql("CREATE TABLE r (a INTEGER)");
      rel.close();
    } catch (...) {
      std::filesystem::current_path(before);
      throw;
    }
    std::filesystem::current_path(before);
    CPPUNIT_ASSERT(std::filesystem::exists(dir + "/relative.db"));
    std::filesystem::remove_all(dir);
  }

  void testOptionsAreApplied() {
    auto tuned = lingo::connect(
        "sqlite:///:memory:?timeout=0.25&foreign_keys=off&journal_mode=MEMORY&synchronous=normal"
        "&mode=rwc");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{250}, tuned.execute_sql("PRAGMA busy_timeout").scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, tuned.execute_sql("PRAGMA foreign_keys").scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, tuned.execute_sql("PRAGMA synchronous").scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5000}, db().execute_sql("PRAGMA busy_timeout").scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db().execute_sql("PRAGMA foreign_keys").scalar<std::int64_t>());
  }

  void testUnknownOptionIsRejected() {
    const auto e = expect_throw<lingo::UriError>(
        [] { (void)lingo::connect("sqlite:///x.db?cache=shared&password=hunter2"); }, "unknown option");
    LINGO_ASSERT_CONTAINS(e.what(), "\"cache\"");
    LINGO_ASSERT_CONTAINS(e.what(), "journal_mode");
    CPPUNIT_ASSERT(std::string(e.what()).find("hunter2") == std::string::npos);
    CPPUNIT_ASSERT(!std::filesystem::exists("x.db"));
  }

  void testBadJournalModeIsRejected() {
    const auto e = expect_throw<lingo::UriError>(
        [] { (void)lingo::connect("sqlite://?journal_mode=sideways"); }, "bad journal_mode");
    LINGO_ASSERT_CONTAINS(e.what(), "journal_mode=sideways");
    LINGO_ASSERT_CONTAINS(e.what(), "delete, truncate, persist, memory, wal, off");
    expect_throw<lingo::UriError>([] { (void)lingo::connect("sqlite://?timeout=soon"); }, "bad timeout");
    expect_throw<lingo::UriError>([] { (void)lingo::connect("sqlite://?foreign_keys=maybe"); },
                                  "bad foreign_keys");
  }

  void testHostIsRejected() {
    const auto e = expect_throw<lingo::UriError>([] { (void)lingo::connect("sqlite://host/x.db"); },
                                                 "host in a sqlite URI");
    LINGO_ASSERT_CONTAINS(e.what(), "sqlite URIs take no host");
  }

  void testServerVersionIsSqliteLibraryVersion() {
    const int version = db().server_version();
    CPPUNIT_ASSERT(version >= 3'035'000);  // RETURNING, used above, arrived in 3.35
    CPPUNIT_ASSERT(version < 4'000'000);
  }

 private:
  lingo::Database& db() { return *db_; }

  // Stores the value in a fresh one-column table of the given declared type
  // and reads it back.
  Value round_trip(const std::string& decl, const Value& value) {
    table_ = lingo_test::unique_name("t");
    db().execute_sql("CREATE TABLE " + table_ + " (v " + decl + ")");
    db().execute_sql("INSERT INTO " + table_ + " (v) VALUES ($1)", {value});
    return db().execute_sql("SELECT v FROM " + table_).scalar_value();
  }

  template <class E>
  static E expect_throw(const std::function<void()>& fn, const std::string& what) {
    return lingo_test::expect_throw<E>(fn, what);
  }

  std::optional<lingo::Database> db_;
  std::string table_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteValuesTest);

}  // namespace
