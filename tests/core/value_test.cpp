// The value model without a database: exact decimals, checked reads, NULLs,
// dates and times, UUIDs, arrays and the JSON form.
#include <cmath>
#include <limits>

#include "lingo/errors.h"
#include "lingo/result.h"
#include "lingo/value.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;

// A Row taken from a temporary Result would point into freed rows: refused at compile time.
template <class R>
concept indexable = requires(R&& r) {
  std::forward<R>(r)[0];
};
static_assert(!indexable<Result>);
static_assert(indexable<const Result&>);
using namespace std::chrono;

class ValueTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ValueTest);
  CPPUNIT_TEST(testDecimalKeepsEveryDigit);
  CPPUNIT_TEST(testDecimalCanonicalForms);
  CPPUNIT_TEST(testDecimalComparesNumerically);
  CPPUNIT_TEST(testDecimalSpecialValues);
  CPPUNIT_TEST(testDecimalToDoubleIsNearest);
  CPPUNIT_TEST(testDecimalRescaleRoundsHalfAwayFromZero);
  CPPUNIT_TEST(testMalformedDecimalIsDataError);
  CPPUNIT_TEST(testIntegersWidenAndNarrowChecked);
  CPPUNIT_TEST(testNullReadsOnlyAsOptional);
  CPPUNIT_TEST(testWrongTypeIsDataError);
  CPPUNIT_TEST(testZeroAndOneReadAsBool);
  CPPUNIT_TEST(testExactDoubleNarrowsToFloat);
  CPPUNIT_TEST(testDateTimeTextRoundTrips);
  CPPUNIT_TEST(testTimestampTzOffsetsConvertToUtc);
  CPPUNIT_TEST(testMalformedDatesAreDataErrors);
  CPPUNIT_TEST(testYearsBeyondSixteenBitsAndBeforeOneAd);
  CPPUNIT_TEST(testTimestampsPastLingosRangeAreDataErrors);
  CPPUNIT_TEST(testUuidParsesEveryCommonSpelling);
  CPPUNIT_TEST(testArraysFromVectorsKeepElementType);
  CPPUNIT_TEST(testArrayLiteralQuotesWhatNeedsIt);
  CPPUNIT_TEST(testDoubleFormatsRoundTrip);
  CPPUNIT_TEST(testJsonFormKeepsExactness);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testDecimalKeepsEveryDigit() {
    const std::string digits = "1234567890123456789012345678.1234567890";
    CPPUNIT_ASSERT_EQUAL(digits, Decimal(digits).to_string());
    CPPUNIT_ASSERT_EQUAL(10, Decimal(digits).scale());
    CPPUNIT_ASSERT_EQUAL(std::string("-0.0000000001"), Decimal("-0.0000000001").to_string());
  }

  void testDecimalCanonicalForms() {
    CPPUNIT_ASSERT_EQUAL(std::string("12.50"), Decimal("+012.50").to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("150"), Decimal("1.5e2").to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("0.015"), Decimal("1.5E-2").to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("0.00"), Decimal("-0.00").to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("0.5"), Decimal(".5").to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("0"), Decimal("-0").to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("7"), Decimal("007").to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), Decimal("1.").to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("-9223372036854775808"),
                         Decimal(std::numeric_limits<std::int64_t>::min()).to_string());
  }

  void testDecimalComparesNumerically() {
    CPPUNIT_ASSERT(Decimal("1.50") == Decimal("1.5"));
    CPPUNIT_ASSERT(Decimal("-2") < Decimal("-1.99"));
    CPPUNIT_ASSERT(Decimal("10") > Decimal("9.999999"));
    CPPUNIT_ASSERT(Decimal("0.001") < Decimal("0.01"));
    CPPUNIT_ASSERT(Decimal("-0.5") < Decimal("0"));
  }

  void testDecimalSpecialValues() {
    CPPUNIT_ASSERT(Decimal("nan").is_nan());
    CPPUNIT_ASSERT_EQUAL(std::string("-Infinity"), Decimal("-inf").to_string());
    CPPUNIT_ASSERT(Decimal("Infinity") > Decimal("99999999999999999999"));
    CPPUNIT_ASSERT(Decimal("NaN") > Decimal("Infinity"));  // PostgreSQL's order
    CPPUNIT_ASSERT(Decimal("NaN") == Decimal("NaN"));
    CPPUNIT_ASSERT(std::isnan(Decimal("NaN").to_double()));
    CPPUNIT_ASSERT_EQUAL(-HUGE_VAL, Decimal("-Infinity").to_double());
    CPPUNIT_ASSERT_EQUAL(HUGE_VAL, Decimal("Infinity").to_double());
  }

  void testDecimalToDoubleIsNearest() {
    CPPUNIT_ASSERT_EQUAL(0.1, Decimal("0.10").to_double());
    CPPUNIT_ASSERT_EQUAL(-1234567.25, Decimal("-1234567.250").to_double());
    CPPUNIT_ASSERT_EQUAL(1e300, Decimal("1e300").to_double());
    // Beyond a double's range: infinity and zero, as strtod gives them.
    CPPUNIT_ASSERT_EQUAL(HUGE_VAL, Decimal("1e400").to_double());
    CPPUNIT_ASSERT_EQUAL(0.0, Decimal("1e-400").to_double());
  }

  void testDecimalRescaleRoundsHalfAwayFromZero() {
    CPPUNIT_ASSERT_EQUAL(std::string("125.50"), Decimal("125.5").rescaled(2).to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("0.30"), Decimal("0.30000000000000004").rescaled(2).to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("1.00"), Decimal("0.995").rescaled(2).to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("-100"), Decimal("-99.5").rescaled(0).to_string());
    CPPUNIT_ASSERT_EQUAL(std::string("0.00"), Decimal("-0.001").rescaled(2).to_string());
    CPPUNIT_ASSERT(Decimal("NaN").rescaled(2).is_nan());
  }

  void testMalformedDecimalIsDataError() {
    for (const char* bad : {"", "abc", "1.2.3", "1e", "--1", "1e+", "0x10", "1 2"}) {
      auto e = expect_throw<DataError>([&] { Decimal d{bad}; }, std::string("decimal '") + bad + "'");
      CPPUNIT_ASSERT_EQUAL(std::string("22P02"), e.sqlstate());
    }
  }

  void testIntegersWidenAndNarrowChecked() {
    CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, Value(std::int16_t{7}).as<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::int16_t{-300}, Value(std::int64_t{-300}).as<std::int16_t>());
    auto e = expect_throw<DataError>([] { (void)Value(std::int64_t{40000}).as<std::int16_t>(); }, "overflow");
    LINGO_ASSERT_CONTAINS(e.what(), "does not fit in int16");
    CPPUNIT_ASSERT_EQUAL(2.5, Value(Decimal("2.5")).as<double>());
    CPPUNIT_ASSERT(Value(42).as<Decimal>() == Decimal("42"));
  }

  void testNullReadsOnlyAsOptional() {
    const Value null;
    CPPUNIT_ASSERT(null.is_null());
    CPPUNIT_ASSERT(!null.as<std::optional<std::int64_t>>().has_value());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, *Value(5).as<std::optional<std::int64_t>>());
    auto e = expect_throw<DataError>([&] { (void)null.as<std::int64_t>(); }, "NULL as int64");
    LINGO_ASSERT_CONTAINS(e.what(), "NULL");
    CPPUNIT_ASSERT(Value(std::optional<int>{}).is_null());
    CPPUNIT_ASSERT_EQUAL(std::string("NULL"), null.to_string());
  }

  void testWrongTypeIsDataError() {
    auto e = expect_throw<DataError>([] { (void)Value("12").as<std::int64_t>(); }, "text as int");
    LINGO_ASSERT_CONTAINS(e.what(), "a text value cannot be read as int64");
    expect_throw<DataError>([] { (void)Value(1.5).as<std::int32_t>(); }, "double as int");
    expect_throw<DataError>([] { (void)Value(true).as<std::string>(); }, "bool as string");
  }

  void testZeroAndOneReadAsBool() {
    CPPUNIT_ASSERT_EQUAL(true, Value(std::int64_t{1}).as<bool>());
    CPPUNIT_ASSERT_EQUAL(false, Value(0).as<bool>());
    expect_throw<DataError>([] { (void)Value(2).as<bool>(); }, "2 as bool");
  }

  void testExactDoubleNarrowsToFloat() {
    CPPUNIT_ASSERT_EQUAL(1.5f, Value(1.5).as<float>());
    CPPUNIT_ASSERT(std::isnan(Value(std::nan("")).as<float>()));
    expect_throw<DataError>([] { (void)Value(0.1).as<float>(); }, "0.1 as float loses bits");
  }

  void testDateTimeTextRoundTrips() {
    const Date d = text::parse_date("2024-02-29");
    CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29"), text::format_date(d));
    CPPUNIT_ASSERT(d.days == sys_days{year{2024} / February / 29});
    CPPUNIT_ASSERT_EQUAL(std::string("23:59:59.5"), text::format_time(text::parse_time("23:59:59.500000")));
    CPPUNIT_ASSERT_EQUAL(std::string("24:00:00"), text::format_time(text::parse_time("24:00:00")));
    const auto ts = text::parse_timestamp("1999-12-31 23:59:59.000001");
    CPPUNIT_ASSERT_EQUAL(std::string("1999-12-31 23:59:59.000001"), text::format_timestamp(ts));
    CPPUNIT_ASSERT(text::parse_timestamp("1999-12-31T23:59:59.000001") == ts);
  }

  void testTimestampTzOffsetsConvertToUtc() {
    const auto utc = text::parse_timestamptz("2024-01-01 12:00:00+00");
    CPPUNIT_ASSERT(text::parse_timestamptz("2024-01-01 17:30:00+05:30") == utc);
    CPPUNIT_ASSERT(text::parse_timestamptz("2024-01-01 04:00:00-08") == utc);
    CPPUNIT_ASSERT(text::parse_timestamptz("2024-01-01T12:00:00Z") == utc);
    CPPUNIT_ASSERT_EQUAL(std::string("2024-01-01 12:00:00+00:00"), text::format_timestamptz(utc));
  }

  void testYearsBeyondSixteenBitsAndBeforeOneAd() {
    // std::chrono::year holds -32767..32767; PostgreSQL's dates run from
    // 4713 BC to 5874897 AD, and each must come back as itself.
    for (const char* text : {"40000-01-01", "5874897-12-31", "65536-02-03", "0044-03-15 BC", "4713-01-01 BC",
                             "0001-01-01", "0001-12-31 BC", "32767-12-31", "32768-01-01"}) {
      CPPUNIT_ASSERT_EQUAL(std::string(text), text::format_date(text::parse_date(text)));
    }
    // Consecutive days stay consecutive across the era boundary and far out.
    CPPUNIT_ASSERT_EQUAL(
        std::int64_t{1},
        (text::parse_date("0001-01-01").days - text::parse_date("0001-12-31 BC").days).count());
    CPPUNIT_ASSERT_EQUAL(
        std::int64_t{1},
        (text::parse_date("40000-03-01").days - text::parse_date("40000-02-29").days).count());
    // ISO 8601's signed years read too (astronomical: -0043 is 44 BC).
    CPPUNIT_ASSERT(text::parse_date("-0043-03-15") == text::parse_date("0044-03-15 BC"));
    const std::string ts = "294000-06-01 12:30:00.5";
    CPPUNIT_ASSERT_EQUAL(ts, text::format_timestamp(text::parse_timestamp(ts)));
    CPPUNIT_ASSERT_EQUAL(std::string("0044-03-15 12:00:00+00:00 BC"),
                         text::format_timestamptz(text::parse_timestamptz("0044-03-15 12:00:00+00 BC")));
    // Long years and nonsense fail as DataError, never wrap or overflow.
    for (const char* bad :
         {"1700000000000000000-01-01", "0000-01-01 BC", "-0044-01-01 BC", "2023-02-29", "40000-13-01"}) {
      expect_throw<DataError>([&] { (void)text::parse_date(bad); }, std::string("date ") + bad);
    }
  }

  void testTimestampsPastLingosRangeAreDataErrors() {
    // PostgreSQL's timestamps reach 294276 AD; 64-bit microseconds since
    // 1970 end in 294247 AD. Past that: a DataError, never a different time.
    const auto e = expect_throw<DataError>([] { (void)text::parse_timestamp("294276-12-31 23:59:59"); },
                                           "a timestamp past the range");
    LINGO_ASSERT_CONTAINS(e.what(), "beyond the range");
    expect_throw<DataError>([] { (void)text::parse_timestamptz("294276-12-31 23:59:59+00"); }, "timestamptz");
    expect_throw<DataError>([] { (void)text::parse_timestamp("5874897-12-31 00:00:00"); }, "far past");
  }

  void testMalformedDatesAreDataErrors() {
    for (const char* bad : {"2023-02-29", "2024-13-01", "24-01-01", "2024-01-01x", "yesterday"})
      expect_throw<DataError>([&] { (void)text::parse_date(bad); }, std::string("date ") + bad);
    expect_throw<DataError>([] { (void)text::parse_time("25:00:00"); }, "hour 25");
    expect_throw<DataError>([] { (void)text::parse_timestamptz("2024-01-01 00:00:00+5"); }, "short offset");
  }

  void testUuidParsesEveryCommonSpelling() {
    const auto u = Uuid::parse("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11");
    CPPUNIT_ASSERT_EQUAL(std::string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), u.to_string());
    CPPUNIT_ASSERT(Uuid::parse("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}") == u);
    CPPUNIT_ASSERT(Uuid::parse("a0eebc999c0b4ef8bb6d6bb9bd380a11") == u);
    expect_throw<DataError>([] { (void)Uuid::parse("a0eebc99-9c0b-4ef8-bb6d"); }, "short uuid");
    expect_throw<DataError>([] { (void)Uuid::parse("g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"); }, "bad digit");
  }

  void testArraysFromVectorsKeepElementType() {
    const Value empty(std::vector<std::int64_t>{});
    CPPUNIT_ASSERT(empty.type() == ValueType::array);
    CPPUNIT_ASSERT(std::get<Array>(empty.storage()).element_type == ValueType::int64);
    const Value nested(std::vector<std::vector<int>>{{1, 2}, {3, 4}});
    const auto& a = std::get<Array>(nested.storage());
    CPPUNIT_ASSERT(a.element_type == ValueType::array);
    CPPUNIT_ASSERT_EQUAL(std::string("{{1,2},{3,4}}"), nested.to_string());
  }

  void testArrayLiteralQuotesWhatNeedsIt() {
    Array a;
    a.element_type = ValueType::text;
    a.items = {Value("plain"), Value("two words"), Value("quote\"and\\slash"),
               Value(""),      Value("NULL"),      Value()};
    CPPUNIT_ASSERT_EQUAL(std::string(R"({plain,"two words","quote\"and\\slash","","NULL",NULL})"),
                         Value(a).to_string());
  }

  void testDoubleFormatsRoundTrip() {
    for (double d : {0.1, 1.0 / 3.0, 1e308, -2.5e-300, 123456789.125}) {
      CPPUNIT_ASSERT_EQUAL(d, text::parse_double(text::format_double(d)));
    }
    CPPUNIT_ASSERT_EQUAL(std::string("NaN"), text::format_double(std::nan("")));
    CPPUNIT_ASSERT_EQUAL(std::string("-Infinity"), text::format_double(-HUGE_VAL));
  }

  void testJsonFormKeepsExactness() {
    CPPUNIT_ASSERT(Value(std::int64_t{1} << 60).to_json().is_string());
    CPPUNIT_ASSERT(Value(std::int64_t{42}).to_json().is_int64());
    CPPUNIT_ASSERT(Value(Decimal("0.10")).to_json().as_string() == "0.10");
    CPPUNIT_ASSERT(Value(Bytes{std::string("\0\xff", 2)}).to_json().as_string() == "\\x00ff");
    CPPUNIT_ASSERT(Value().to_json().is_null());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ValueTest);
