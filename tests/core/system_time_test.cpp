// AS OF SYSTEM TIME values: only validated forms become SQL, and nothing a
// user typed is ever written out unchecked.
#include "lingo/system_time.h"

#include <string>
#include <vector>
#include "lingo/errors.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using namespace std::chrono_literals;

class SystemTimeTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SystemTimeTest);
  CPPUNIT_TEST(testBuiltForms);
  CPPUNIT_TEST(testParsedForms);
  CPPUNIT_TEST(testRefusedForms);
  CPPUNIT_TEST(testHostileTextNeverReachesSql);
  CPPUNIT_TEST(testExtremeTextIsAValueErrorNeverACrash);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testBuiltForms() {
    CPPUNIT_ASSERT_EQUAL(std::string("'-10s'"), SystemTime::ago(10s).sql());
    CPPUNIT_ASSERT_EQUAL(std::string("'-90m'"), SystemTime::ago(90min).sql());
    CPPUNIT_ASSERT_EQUAL(std::string("'-250ms'"), SystemTime::ago(250ms).sql());
    CPPUNIT_ASSERT_EQUAL(std::string("follower_read_timestamp()"), SystemTime::follower_read().sql());
    const TimestampTz t{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + 16h};
    CPPUNIT_ASSERT_EQUAL(std::string("'2026-11-25 16:00:00+00:00'"), SystemTime::at(t).sql());
    CPPUNIT_ASSERT_EQUAL(std::string("with_max_staleness('10s', true)"),
                         SystemTime::with_max_staleness(10s, true).sql());
    CPPUNIT_ASSERT(SystemTime::with_min_timestamp(t).is_bounded_staleness());
    expect_throw<ValueError>([] { (void)SystemTime::ago(0s); }, "zero age");
    expect_throw<ValueError>([] { (void)SystemTime::ago(-5s); }, "future");
  }

  void testParsedForms() {
    CPPUNIT_ASSERT_EQUAL(std::string("'-10s'"), SystemTime::parse("-10s").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("'-1h30m'"), SystemTime::parse(" -1h30m ").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("'-4h'"), SystemTime::parse("'-4h'").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("follower_read_timestamp()"),
                         SystemTime::parse("FOLLOWER_READ_TIMESTAMP()").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("'2026-11-25 16:00:00+00:00'"),
                         SystemTime::parse("2026-11-25 16:00:00").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("'2026-11-25 14:00:00+00:00'"),
                         SystemTime::parse("2026-11-25 16:00:00+02:00").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("1700000000000000000"), SystemTime::parse("1700000000000000000").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("1700000000000000000.0000000001"),
                         SystemTime::parse("1700000000000000000.0000000001").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("with_max_staleness('10s')"),
                         SystemTime::parse("with_max_staleness('10s')").sql());
    CPPUNIT_ASSERT_EQUAL(std::string("with_min_timestamp('2026-11-25 16:00:00+00:00', true)"),
                         SystemTime::parse("with_min_timestamp('2026-11-25 16:00:00', true)").sql());
  }

  void testRefusedForms() {
    auto future = expect_throw<ValueError>([] { (void)SystemTime::parse("10s"); }, "positive interval");
    LINGO_ASSERT_CONTAINS(future.what(), "cannot specify timestamp in the future");
    auto zero = expect_throw<ValueError>([] { (void)SystemTime::parse("-0s"); }, "zero interval");
    LINGO_ASSERT_CONTAINS(zero.what(), "zero timestamp is invalid");
    auto tiny = expect_throw<ValueError>([] { (void)SystemTime::parse("-100ns"); }, "sub-microsecond");
    LINGO_ASSERT_CONTAINS(tiny.what(), "at least 1us");
    for (const char* bad : {"now()", "$1", "", "yesterday", "-10 parsecs", "cluster_logical_timestamp()",
                            "(SELECT 1)", "2026-13-45 99:00:00", "0"}) {
      auto e = expect_throw<ValueError>([&] { (void)SystemTime::parse(bad); }, bad);
      LINGO_ASSERT_CONTAINS(e.what(), "is not a valid AS OF SYSTEM TIME");
    }
  }

  void testHostileTextNeverReachesSql() {
    for (const char* hostile : {"-10s'; DROP TABLE account; --", "follower_read_timestamp(); DELETE FROM t",
                                "with_max_staleness('10s'); DROP TABLE t; --')", "'-10s' OR 1=1",
                                "2026-11-25 16:00:00'; DROP TABLE t; --"}) {
      expect_throw<ValueError>([&] { (void)SystemTime::parse(hostile); }, hostile);
    }
  }

  void testExtremeTextIsAValueErrorNeverACrash() {
    // These used to escape as std::out_of_range (std::stold), crash in
    // std::regex's recursion, overflow an int, or wrap a year.
    const std::vector<std::string> extreme = {
        "-" + std::string(5000, '9') + "s",
        "-" + std::string(30000, '1') + "s",
        "with_max_staleness('" + std::string(5000, '9') + "s')",
        "-" + std::string(200, '9') + "s",
        "with_max_staleness('" + std::string(200, '9') + "s')",
        "1700000000000000000; DROP",
        "3202100-11-25 16:00:00-25",
        "17000000000000000000000-01-01 00:00:00",
    };
    for (const auto& text : extreme) {
      try {
        (void)SystemTime::parse(text);
        // A huge but well-formed interval is a valid (if silly) system time.
        CPPUNIT_ASSERT_MESSAGE(text.substr(0, 40), text.find("99999") != std::string::npos);
      } catch (const ValueError& e) {
        CPPUNIT_ASSERT(std::string(e.what()).size() < 400);
      }
    }
    auto e = expect_throw<ValueError>([] { (void)SystemTime::parse("-" + std::string(5000, '9') + "s"); },
                                      "5 000 digits");
    LINGO_ASSERT_CONTAINS(e.what(), "the longest accepted is 256");
    expect_throw<ValueError>([] { (void)SystemTime::parse("3202100-11-25 16:00:00-25"); }, "far future");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SystemTimeTest);
