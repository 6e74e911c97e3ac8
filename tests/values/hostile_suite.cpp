// The hostile-value table: extreme and hostile values in every column kind,
// and hostile names for tables and columns. Each one round-trips exactly or
// fails with a named Lingo error; nothing is ever silently changed. Written
// once, built for SQLite (hostile_sqlite), PostgreSQL (hostile_postgres) and
// the CockroachDB simulator (hostile_crdb).
#include <filesystem>
#include <limits>

#include "dialect_suite.h"
#include "lingo/lingo.h"

using namespace lingo;
using lingo_test::Backend;
using lingo_test::kBackend;

namespace {

// A table whose name and column names are themselves hostile.
struct Hostile : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::string> text = column("it's \"text\"; --", TextField{}.default_value("O'Neil \\' \\\\ \"; --"));
  Column<std::optional<std::int16_t>> small = column("sm all", SmallIntegerField{}.null());
  Column<std::optional<std::int32_t>> medium = column("me\\dium", IntegerField{}.null());
  Column<std::optional<std::int64_t>> big = column("BIG", BigIntegerField{}.null());
  Column<std::optional<Decimal>> amount = column("amount", DecimalField{40, 10}.null());
  Column<std::optional<Date>> day = column("day", DateField{}.null());
  Column<std::optional<Bytes>> blob = column("blob", BlobField{}.null());
  explicit Hostile(std::string name) : Table(std::move(name)) {}
};

class HostileSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HostileSuite);
  CPPUNIT_TEST(testHostileNamesAndDefaults);
  CPPUNIT_TEST(testTextThatLooksLikeSql);
  CPPUNIT_TEST(testTenMegabytesOfText);
  CPPUNIT_TEST(testIntegerLimits);
  CPPUNIT_TEST(testDecimalsWithEveryDigit);
  CPPUNIT_TEST(testExtremeDates);
  CPPUNIT_TEST(testBytesOfEveryValue);
  CPPUNIT_TEST(testNulAndInvalidUtf8InText);
  CPPUNIT_TEST(testDeepJson);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    if constexpr (kBackend == Backend::sqlite) dir_ = lingo_test::temp_dir();
    uri_ = lingo_test::backend_uri(dir_, "hostile.db");
    db_ = std::make_unique<Database>(uri_);
    table_ = std::make_unique<Hostile>(lingo_test::unique_name("we'ird \"table\"; DROP"));
    db_->create_tables({table_.get()});
  }

  void tearDown() override {
    if (db_ != nullptr) {
      try {
        db_->drop_tables({table_.get()}, /*safe=*/true);
      } catch (const std::exception&) {  // a failing test already reported its cause
      }
      db_.reset();
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Stores `value` into `column` of a fresh row and reads it back.
  template <class T>
  T round_trip(const Column<T>& column, const T& value) {
    const std::int64_t id = ++next_id_;
    db_->insert(*table_).set(table_->id, id).set(column, value).execute();
    return db_->select(column).from(*table_).where(table_->id == id).one()[column];
  }

  void testHostileNamesAndDefaults() {
    db_->insert(*table_).set(table_->id, std::int64_t{1}).execute();
    const Row row = db_->select(table_->text).from(*table_).one();
    CPPUNIT_ASSERT_EQUAL(std::string("O'Neil \\' \\\\ \"; --"), row[table_->text]);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->select().from(*table_).count());
  }

  void testTextThatLooksLikeSql() {
    for (const std::string& text :
         {std::string(""), std::string("'"), std::string("''"), std::string("\\"), std::string("\\'"),
          std::string("'); DROP TABLE x; --"), std::string("$1 ? :name %s"), std::string("\"quoted\""),
          std::string("emoji \xF0\x9F\x98\x80 and \xD7\xA2\xD7\x91\xD7\xA8\xD7\x99\xD7\xAA")}) {
      CPPUNIT_ASSERT_EQUAL(text, round_trip(table_->text, text));
    }
  }

  void testTenMegabytesOfText() {
    std::string big(10 * 1024 * 1024, 'x');
    for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i / 4096 % 26);
    CPPUNIT_ASSERT(big == round_trip(table_->text, big));
  }

  void testIntegerLimits() {
    using L16 = std::numeric_limits<std::int16_t>;
    using L32 = std::numeric_limits<std::int32_t>;
    using L64 = std::numeric_limits<std::int64_t>;
    for (const auto v : {L16::min(), L16::max(), std::int16_t{0}})
      CPPUNIT_ASSERT_EQUAL(v, *round_trip(table_->small, std::optional<std::int16_t>(v)));
    for (const auto v : {L32::min(), L32::max()})
      CPPUNIT_ASSERT_EQUAL(v, *round_trip(table_->medium, std::optional<std::int32_t>(v)));
    for (const auto v : {L64::min(), L64::max()})
      CPPUNIT_ASSERT_EQUAL(v, *round_trip(table_->big, std::optional<std::int64_t>(v)));
  }

  void testDecimalsWithEveryDigit() {
    for (const char* text : {"123456789012345678901234567890.1234567890", "-0.0000000001", "0.0000000000",
                             "-999999999999999999999999999999.9999999999"}) {
      const Decimal d(text);
      const auto back = round_trip(table_->amount, std::optional<Decimal>(d));
      if constexpr (kBackend == Backend::sqlite) {
        // SQLite's DECIMAL keeps what a double holds (docs/sqlite.md); the
        // value read back is the nearest double, never a different number.
        CPPUNIT_ASSERT_DOUBLES_EQUAL(d.to_double(), back->to_double(), std::abs(d.to_double()) * 1e-15);
      } else {
        CPPUNIT_ASSERT_EQUAL(d.to_string(), back->to_string());
      }
    }
  }

  void testExtremeDates() {
    for (const char* text : {"40000-01-01", "0044-03-15 BC", "4713-01-01 BC", "0001-01-01"}) {
      const Date d = text::parse_date(text);
      CPPUNIT_ASSERT(d == *round_trip(table_->day, std::optional<Date>(d)));
    }
  }

  void testBytesOfEveryValue() {
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    const Bytes bytes{all + all};
    CPPUNIT_ASSERT(bytes == *round_trip(table_->blob, std::optional<Bytes>(bytes)));
  }

  void testNulAndInvalidUtf8InText() {
    const std::string with_nul("a\0b", 3);
    const std::string invalid_utf8 = "bad \xC3\x28 \xFF";
    for (const std::string& text : {with_nul, invalid_utf8}) {
      try {
        CPPUNIT_ASSERT(text == round_trip(table_->text, text));
        // Only SQLite, which stores bytes as given, may accept these.
        CPPUNIT_ASSERT(kBackend == Backend::sqlite);
      } catch (const Error& e) {
        CPPUNIT_ASSERT(kBackend != Backend::sqlite);
        CPPUNIT_ASSERT(!e.sqlstate().empty());
      }
    }
  }

  void testDeepJson() {
    // PostgreSQL (and the simulator in front of it) stores 3 000 levels;
    // SQLite's json() stops at its own limit (2 000 levels in 3.40) with a
    // named error, and stores anything within it.
    const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
    const char* sql = kBackend == Backend::sqlite ? "SELECT json($1)" : "SELECT $1::jsonb";
    if constexpr (kBackend == Backend::sqlite) {
      const auto e = lingo_test::expect_throw<Error>([&] { (void)db_->execute_sql(sql, {nested(3000)}); },
                                                     "past SQLite's JSON depth");
      CPPUNIT_ASSERT(!e.sqlstate().empty());
    }
    const std::string deep = nested(kBackend == Backend::sqlite ? 1500 : 3000);
    const auto json = db_->execute_sql(sql, {deep}).scalar_value();
    const std::string back = json.type() == ValueType::json ? json.to_string() : json.as<std::string>();
    CPPUNIT_ASSERT_EQUAL(deep, back);
  }

 private:
  std::string uri_;
  std::string dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Hostile> table_;
  std::int64_t next_id_ = 100;
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostileSuite);

}  // namespace
