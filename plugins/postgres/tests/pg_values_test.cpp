// Every type of the value model, through a real PostgreSQL 15: bound as a
// parameter, stored, read back, and compared exactly.
#include <boost/json/parse.hpp>
#include <cmath>
#include <limits>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using namespace std::chrono;

class PgValuesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgValuesTest);
  CPPUNIT_TEST(testIntegersAtTheirLimits);
  CPPUNIT_TEST(testBooleans);
  CPPUNIT_TEST(testFloatingPointIncludingNanAndInfinity);
  CPPUNIT_TEST(testNumericKeepsThirtyDigitsAndScale);
  CPPUNIT_TEST(testNumericSpecialValues);
  CPPUNIT_TEST(testTextNonAsciiAndLarge);
  CPPUNIT_TEST(testTextWithNulIsRefusedBeforeSending);
  CPPUNIT_TEST(testBytesWithEveryByteValue);
  CPPUNIT_TEST(testDatesAndTimes);
  CPPUNIT_TEST(testExtremeDatesReadBackExactly);
  CPPUNIT_TEST(testUuid);
  CPPUNIT_TEST(testJsonAndJsonb);
  CPPUNIT_TEST(testDeepJsonReadsUpToTheLimit);
  CPPUNIT_TEST(testArraysOfSeveralTypesAndDimensions);
  CPPUNIT_TEST(testNullsOfEveryTypeReadAsOptional);
  CPPUNIT_TEST(testHostileStringIsJustAValue);
  CPPUNIT_TEST(testColumnTypesFollowTheServerTypes);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { db_ = std::make_unique<Database>(lingo::connect(lingo_test::pg_uri())); }
  void tearDown() override { db_.reset(); }

  // Binds v, stores it in a column of `type`, and returns what comes back.
  Value round_trip(const std::string& type, const Value& v) {
    const std::string table = lingo_test::unique_name("rt");
    db_->execute_sql("CREATE TEMP TABLE " + table + " (v " + type + ")");
    db_->execute_sql("INSERT INTO " + table + " VALUES ($1)", {v});
    return db_->execute_sql("SELECT v FROM " + table).scalar_value();
  }

  void testIntegersAtTheirLimits() {
    for (auto i : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-7}, std::int64_t{0},
                   std::int64_t{9}, std::int64_t{1000000}, std::numeric_limits<std::int64_t>::max()})
      CPPUNIT_ASSERT_EQUAL(i, round_trip("bigint", i).as<std::int64_t>());
    for (auto i : {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()})
      CPPUNIT_ASSERT_EQUAL(i, round_trip("integer", i).as<std::int32_t>());
    for (auto i : {std::numeric_limits<std::int16_t>::min(), std::numeric_limits<std::int16_t>::max()}) {
      const Value back = round_trip("smallint", i);
      CPPUNIT_ASSERT(back.type() == ValueType::int16);
      CPPUNIT_ASSERT_EQUAL(i, back.as<std::int16_t>());
    }
    CPPUNIT_ASSERT_EQUAL(std::int64_t{42},
                         db_->execute_sql("SELECT $1", {std::int64_t{42}}).scalar<std::int64_t>());
  }

  void testBooleans() {
    CPPUNIT_ASSERT_EQUAL(true, round_trip("boolean", true).as<bool>());
    CPPUNIT_ASSERT_EQUAL(false, round_trip("boolean", false).as<bool>());
  }

  void testFloatingPointIncludingNanAndInfinity() {
    for (double d : {0.1, -1.0 / 3.0, 1e308, 4.9e-324, HUGE_VAL, -HUGE_VAL})
      CPPUNIT_ASSERT_EQUAL(d, round_trip("double precision", d).as<double>());
    CPPUNIT_ASSERT(std::isnan(round_trip("double precision", std::nan("")).as<double>()));
    for (float f : {1.5f, -3.4028235e38f, 1.17549435e-38f, HUGE_VALF})
      CPPUNIT_ASSERT_EQUAL(f, round_trip("real", f).as<float>());
    CPPUNIT_ASSERT(std::isnan(round_trip("real", std::nanf("")).as<float>()));
  }

  void testNumericKeepsThirtyDigitsAndScale() {
    const Decimal big("1234567890123456789012345678.1234567890");
    const Value back = round_trip("numeric(38,10)", big);
    CPPUNIT_ASSERT_EQUAL(big.to_string(), back.as<Decimal>().to_string());
    const Decimal thirty("123456789012345678901234567890");
    CPPUNIT_ASSERT_EQUAL(thirty.to_string(), round_trip("numeric", thirty).as<Decimal>().to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("-0.0000000001"),
                         round_trip("numeric(38,10)", Decimal("-0.0000000001")).as<Decimal>().to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("1.50"),
                         round_trip("numeric(10,2)", Decimal("1.5")).as<Decimal>().to_string());
  }

  void testNumericSpecialValues() {
    CPPUNIT_ASSERT(round_trip("numeric", Decimal("NaN")).as<Decimal>().is_nan());
    CPPUNIT_ASSERT_EQUAL(std::string("Infinity"),
                         round_trip("numeric", Decimal("Infinity")).as<Decimal>().to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("-Infinity"),
                         round_trip("numeric", Decimal("-Infinity")).as<Decimal>().to_string());
  }

  void testTextNonAsciiAndLarge() {
    const std::string s = "héllo wörld ✓ 日本語 🙂 'quoted' \"double\" \\back";
    CPPUNIT_ASSERT_EQUAL(s, round_trip("text", s).as<std::string>());
    CPPUNIT_ASSERT_EQUAL(s, round_trip("varchar(100)", s).as<std::string>());
    const std::string mb(1 << 20, 'x');
    CPPUNIT_ASSERT_EQUAL(mb, round_trip("text", mb).as<std::string>());
  }

  void testTextWithNulIsRefusedBeforeSending() {
    const std::string table = lingo_test::unique_name("nul");
    db_->execute_sql("CREATE TEMP TABLE " + table + " (v text)");
    auto e = lingo_test::expect_throw<DataError>(
        [&] { db_->execute_sql("INSERT INTO " + table + " VALUES ($1)", {std::string("a\0b", 3)}); },
        "NUL text");
    LINGO_ASSERT_CONTAINS(e.what(), "cannot hold a NUL byte");
    LINGO_ASSERT_CONTAINS(e.what(), "lingo::Bytes");
    // Nothing reached the server, and the connection is fine.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0},
                         db_->execute_sql("SELECT count(*) FROM " + table).scalar<std::int64_t>());
  }

  void testBytesWithEveryByteValue() {
    Bytes all;
    for (int i = 0; i < 256; ++i) all.data.push_back(static_cast<char>(i));
    all.data += std::string("\0\0tail", 6);
    CPPUNIT_ASSERT(all == round_trip("bytea", all).as<Bytes>());
    const Value empty = round_trip("bytea", Bytes{});
    CPPUNIT_ASSERT(!empty.is_null());
    CPPUNIT_ASSERT(empty.as<Bytes>().data.empty());
  }

  void testDatesAndTimes() {
    const Date d{sys_days{year{2024} / February / 29}};
    CPPUNIT_ASSERT(d == round_trip("date", d).as<Date>());
    const Time t{hours{23} + minutes{59} + seconds{58} + microseconds{123456}};
    CPPUNIT_ASSERT(t == round_trip("time", t).as<Time>());
    const Timestamp ts{local_days{year{1999} / December / 31} + hours{23} + minutes{59} + microseconds{1}};
    CPPUNIT_ASSERT(ts == round_trip("timestamp", ts).as<Timestamp>());
    const TimestampTz tz{sys_days{year{2030} / July / 4} + hours{1} + microseconds{999999}};
    CPPUNIT_ASSERT(tz == round_trip("timestamptz", tz).as<TimestampTz>());
    // An instant written with an offset by the server still reads as the same instant.
    db_->execute_sql("SET TIME ZONE 'Asia/Kolkata'");
    CPPUNIT_ASSERT(tz == round_trip("timestamptz", tz).as<TimestampTz>());
    db_->execute_sql("SET TIME ZONE 'UTC'");
  }

  void testExtremeDatesReadBackExactly() {
    // Every date PostgreSQL stores reads back as itself: past 32767 AD,
    // before 1 AD, and both ends of its range. Written back, the same.
    for (const char* text :
         {"40000-01-01", "5874897-12-31", "4713-01-01 BC", "0044-03-15 BC", "0001-01-01"}) {
      const Date d = db_->execute_sql(std::string("SELECT '") + text + "'::date").scalar<Date>();
      CPPUNIT_ASSERT_EQUAL(std::string(text), text::format_date(d));
      CPPUNIT_ASSERT(d == round_trip("date", d).as<Date>());
      CPPUNIT_ASSERT_EQUAL(std::string(text),
                           db_->execute_sql("SELECT $1::date::text", {d}).scalar<std::string>());
    }
    const Timestamp far = db_->execute_sql("SELECT '294000-06-01 12:30:00.5'::timestamp").scalar<Timestamp>();
    CPPUNIT_ASSERT(far == round_trip("timestamp", far).as<Timestamp>());
    const Timestamp bc = db_->execute_sql("SELECT '0044-03-15 12:00:00 BC'::timestamp").scalar<Timestamp>();
    CPPUNIT_ASSERT(bc == round_trip("timestamp", bc).as<Timestamp>());
    // What Lingo cannot hold is a DataError naming the column.
    auto e = lingo_test::expect_throw<DataError>(
        [&] { (void)db_->execute_sql("SELECT '294276-12-31 23:59:59'::timestamp AS ts").scalar_value(); },
        "timestamp past Lingo's range");
    LINGO_ASSERT_CONTAINS(e.what(), "column \"ts\"");
    e = lingo_test::expect_throw<DataError>(
        [&] { (void)db_->execute_sql("SELECT 'infinity'::date AS d").scalar_value(); }, "infinity");
    LINGO_ASSERT_CONTAINS(e.what(), "column \"d\"");
  }

  void testDeepJsonReadsUpToTheLimit() {
    // Boost.JSON stops at 32 levels by default; PostgreSQL stores far more.
    for (const int depth : {33, 2000}) {
      const auto sql = "SELECT (repeat('[', " + std::to_string(depth) + ") || repeat(']', " +
                       std::to_string(depth) + "))::jsonb AS j";
      const auto json = db_->execute_sql(sql).scalar<boost::json::value>();
      int seen = 0;
      for (const boost::json::value* v = &json; v->is_array(); ++seen) {
        if (v->as_array().empty()) {
          ++seen;
          break;
        }
        v = &v->as_array().front();
      }
      CPPUNIT_ASSERT_EQUAL(depth, seen);
    }
    // Past the (configurable) limit: a DataError naming the column and the limit.
    text::set_json_max_depth(100);
    const auto e = lingo_test::expect_throw<DataError>(
        [&] {
          (void)db_->execute_sql("SELECT (repeat('[', 101) || repeat(']', 101))::jsonb AS deep")
              .scalar_value();
        },
        "too deep");
    text::set_json_max_depth(10'000);
    LINGO_ASSERT_CONTAINS(e.what(), "column \"deep\"");
    LINGO_ASSERT_CONTAINS(e.what(), "deeper than 100 levels");
  }

  void testUuid() {
    const auto u = Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CPPUNIT_ASSERT(u == round_trip("uuid", u).as<Uuid>());
    // A UUID written as text reaches a uuid column too: text is sent untyped.
    CPPUNIT_ASSERT(u == round_trip("uuid", u.to_string()).as<Uuid>());
  }

  void testJsonAndJsonb() {
    const auto doc = boost::json::parse(R"({"name":"huey","tags":["cat",1,null],"nested":{"ok":true}})");
    CPPUNIT_ASSERT(doc == round_trip("jsonb", doc).as<boost::json::value>());
    CPPUNIT_ASSERT(doc == round_trip("json", doc).as<boost::json::value>());
  }

  void testArraysOfSeveralTypesAndDimensions() {
    const Value ints(std::vector<std::optional<std::int64_t>>{1, std::nullopt, -3});
    CPPUNIT_ASSERT(ints == round_trip("bigint[]", ints));
    const Value texts(std::vector<std::string>{"a,b", "c\"d", "e\\f", "", "NULL", "g h", "{}"});
    CPPUNIT_ASSERT(texts == round_trip("text[]", texts));
    const Value grid(std::vector<std::vector<std::int32_t>>{{1, 2, 3}, {4, 5, 6}});
    CPPUNIT_ASSERT(grid == round_trip("integer[][]", grid));
    const Value empty(std::vector<std::int32_t>{});
    CPPUNIT_ASSERT(empty == round_trip("integer[]", empty));
    const Value decimals(std::vector<Decimal>{Decimal("1.10"), Decimal("-99999999999999999999.5")});
    CPPUNIT_ASSERT(decimals == round_trip("numeric[]", decimals));
    const Value uuids(std::vector<Uuid>{Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")});
    CPPUNIT_ASSERT(uuids == round_trip("uuid[]", uuids));
    const Value stamps(std::vector<TimestampTz>{TimestampTz{sys_days{year{2020} / 1 / 1}}});
    CPPUNIT_ASSERT(stamps == round_trip("timestamptz[]", stamps));
    const Value blobs(std::vector<Bytes>{Bytes{std::string("\0\x01", 2)}, Bytes{"xyz"}});
    CPPUNIT_ASSERT(blobs == round_trip("bytea[]", blobs));
  }

  void testNullsOfEveryTypeReadAsOptional() {
    for (const char* type :
         {"boolean", "smallint", "integer", "bigint", "real", "double precision", "numeric", "text", "bytea",
          "date", "time", "timestamp", "timestamptz", "uuid", "json", "jsonb", "integer[]"}) {
      const Value back = round_trip(type, Value());
      CPPUNIT_ASSERT_MESSAGE(type, back.is_null());
      CPPUNIT_ASSERT(!back.as<std::optional<std::int64_t>>().has_value());
    }
    const auto r = db_->execute_sql("SELECT NULL::bigint AS n");
    CPPUNIT_ASSERT(r[0].is_null(0));
    lingo_test::expect_throw<DataError>([&] { (void)r[0].get<std::int64_t>("n"); }, "NULL read as int64");
  }

  void testHostileStringIsJustAValue() {
    const std::string table = lingo_test::unique_name("hostile");
    db_->execute_sql("CREATE TEMP TABLE " + table + " (v text)");
    const std::string evil = "'); DROP TABLE " + table + "; --";
    db_->execute_sql("INSERT INTO " + table + " VALUES ($1)", {evil});
    CPPUNIT_ASSERT_EQUAL(evil, db_->execute_sql("SELECT v FROM " + table).scalar<std::string>());
    CPPUNIT_ASSERT_EQUAL(
        std::int64_t{1},
        db_->execute_sql("SELECT count(*) FROM " + table + " WHERE v = $1", {evil}).scalar<std::int64_t>());
  }

  void testColumnTypesFollowTheServerTypes() {
    const auto r = db_->execute_sql(
        "SELECT 1::int2, 1::int4, 1::int8, 1::float4, 1::float8, 1::numeric, 'x'::text, '\\x00'::bytea, "
        "now()::date, now()::time, now()::timestamp, now(), gen_random_uuid(), '{}'::jsonb, '{1}'::int[]");
    const ValueType expected[] = {ValueType::int16,   ValueType::int32,     ValueType::int64,
                                  ValueType::float32, ValueType::float64,   ValueType::decimal,
                                  ValueType::text,    ValueType::bytes,     ValueType::date,
                                  ValueType::time,    ValueType::timestamp, ValueType::timestamptz,
                                  ValueType::uuid,    ValueType::json,      ValueType::array};
    for (std::size_t i = 0; i < std::size(expected); ++i) {
      CPPUNIT_ASSERT_MESSAGE("column " + std::to_string(i), expected[i] == r.column_type(i));
      CPPUNIT_ASSERT_MESSAGE("value " + std::to_string(i), expected[i] == r[0][i].type());
    }
  }

 private:
  std::unique_ptr<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgValuesTest);
