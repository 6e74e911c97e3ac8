// The model-level suite, written once and run on every dialect (SOCI's
// tests/common pattern): the same models, queries and checks, built twice,
// against SQLite (models_sqlite) and the test PostgreSQL (models_postgres).
#include <chrono>
#include <limits>

#include "lingo/lingo.h"
#include "models/library.h"
#include "test_support.h"

using namespace lingo;
using namespace library;
using lingo_test::expect_throw;
using namespace std::chrono;

namespace {

std::string suite_uri() {
#ifdef LINGO_MODELS_SQLITE
  return "sqlite://";
#else
  return lingo_test::pg_uri();
#endif
}

// One of every portable field kind.
struct Everything : Table {
  Column<std::int32_t> id = column("id", AutoField{});
  Column<std::int16_t> small = column("small", SmallIntegerField{});
  Column<std::int32_t> medium = column("medium", IntegerField{});
  Column<std::int64_t> big = column("big", BigIntegerField{});
  Column<float> f32 = column("f32", FloatField{});
  Column<double> f64 = column("f64", DoubleField{});
  Column<Decimal> exact = column("exact", DecimalField{38, 10});
  Column<bool> flag = column("flag", BooleanField{});
  Column<std::string> code = column("code", CharField{8});
  Column<std::string> body = column("body", TextField{});
  Column<Bytes> blob = column("blob", BlobField{});
  Column<Date> day = column("day", DateField{});
  Column<Time> clock = column("clock", TimeField{});
  Column<Timestamp> stamp = column("stamp", DateTimeField{});
  Column<TimestampTz> instant = column("instant", TimestampTzField{});
  Column<Uuid> uid = column("uid", UUIDField{});
  Column<boost::json::value> doc = column("doc", JSONField{});
  Column<std::optional<std::string>> maybe = column("maybe", TextField{}.null());
  Everything() : Table("everything") {}
};
const Everything everything;

// An application-defined kind: money kept as integer cents, read as a Decimal.
const auto money = std::make_shared<const FieldKind>(FieldKind{
    "MoneyField", BigIntegerField{}, ValueType::decimal,
    [](const Value& v) {
      const std::string cents = v.as<Decimal>().rescaled(2).to_string();
      std::string digits;
      for (char c : cents)
        if (c != '.') digits += c;
      return Value(text::parse_int64(digits));
    },
    [](const Value& v) {
      const std::int64_t cents = v.as<std::int64_t>();
      const std::string sign = cents < 0 ? "-" : "";
      const std::string digits = std::to_string(cents < 0 ? -cents : cents);
      const std::string padded = std::string(digits.size() < 3 ? 3 - digits.size() : 0, '0') + digits;
      return Value(
          Decimal(sign + padded.substr(0, padded.size() - 2) + "." + padded.substr(padded.size() - 2)));
    }});

struct Purchase : Table {
  Column<std::int32_t> id = column("id", AutoField{});
  Column<Decimal> amount = column("amount", CustomField{money});
  Column<std::optional<Decimal>> tip = column("tip", CustomField{money}.null());
  Purchase() : Table("purchase") {}
};
const Purchase purchase;

}  // namespace

// A plain struct mapped onto the author table.
namespace library {
struct AuthorRecord {
  std::int32_t id = 0;
  std::string name;
  std::optional<std::string> email;
};
inline const lingo::Mapping<AuthorRecord>& lingo_mapping(lingo::tag<AuthorRecord>) {
  static const auto m = lingo::Mapping<AuthorRecord>(author)
                            .field(&AuthorRecord::id, author.id)
                            .field(&AuthorRecord::name, author.name)
                            .field(&AuthorRecord::email, author.email);
  return m;
}
}  // namespace library

class ModelSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ModelSuite);
  CPPUNIT_TEST(testCreateTablesInForeignKeyOrderAndSafely);
  CPPUNIT_TEST(testInsertReturnsGeneratedKeys);
#ifdef LINGO_MODELS_SQLITE
  CPPUNIT_TEST(testUnsupportedSchemaCreatesNothing);  // SQLite lacks GIN; PostgreSQL has it
#endif
  CPPUNIT_TEST(testSelectWithJoinsAndAggregates);
  CPPUNIT_TEST(testSameNamedColumnsReadByTheirExpression);
  CPPUNIT_TEST(testUpdateAndDeleteWithReturning);
  CPPUNIT_TEST(testConflictHandling);
  CPPUNIT_TEST(testNullsReadAsOptional);
  CPPUNIT_TEST(testEveryFieldTypeRoundTrips);
  CPPUNIT_TEST(testForeignKeysAreEnforced);
  CPPUNIT_TEST(testChecksAndUniqueAreEnforced);
  CPPUNIT_TEST(testOneFirstScalarCountExists);
  CPPUNIT_TEST(testHostileStringsAreValues);
  CPPUNIT_TEST(testHostileIdentifiersRoundTrip);
  CPPUNIT_TEST(testIntrospectionMatchesWhatWasCreated);
  CPPUNIT_TEST(testSubqueriesUnionsAndCtesRun);
  CPPUNIT_TEST(testPlainStructsInsertGetSaveRemove);
  CPPUNIT_TEST(testInsertManyRunsInBatchesAtomically);
  CPPUNIT_TEST(testApplicationFieldKindConvertsBothWays);
  CPPUNIT_TEST(testIteratingAQueryStreamsItsRows);
  CPPUNIT_TEST(testLeavingAStreamEarlyFreesTheConnection);
  CPPUNIT_TEST(testDateParts);
  CPPUNIT_TEST(testSelfJoinThroughAnAlias);
  CPPUNIT_TEST(testConflictUpdateWhere);
  CPPUNIT_TEST(testTypedRowsStoreWhatTheySay);
  CPPUNIT_TEST(testViewsAreIntrospected);
  CPPUNIT_TEST(testReadErrorsNameTheColumn);
  CPPUNIT_TEST(testReadsThroughAnAliasNeverReturnAnotherColumn);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo::connect(suite_uri()));
    db_->drop_tables({&review, &book, &author, &everything}, true);
    db_->create_tables({&review, &everything, &book, &author});  // any order: the FKs decide
  }
  void tearDown() override {
    db_->drop_tables({&review, &book, &author, &everything}, true);
    db_.reset();
  }

  // The self-join, run: each author paired with the author who
  // referred them, through lingo::alias.
  void testSelfJoinThroughAnAlias() {
    struct Person : Table {
      Column<std::int32_t> id = column("id", IntegerField{}.primary_key());
      Column<std::string> name = column("name", TextField{});
      Column<std::optional<std::int32_t>> boss_id = column("boss_id", IntegerField{}.null());
      Person() : Table("person") {}
    } const person;
    db_->drop_tables({&person}, true);
    db_->create_tables({&person});
    auto add = db_->insert(person).columns(person.id, person.name, person.boss_id);
    add.row(1, "ada", std::nullopt).row(2, "bob", 1).row(3, "cy", 1).row(4, "dee", 3);
    add.execute();
    const auto boss = lingo::alias(person, "boss");
    const Result pairs = db_->select(person.name, boss.name.as("boss_name"))
                             .from(person)
                             .join(boss, person.boss_id == boss.id)
                             .order_by(person.id)
                             .all();
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, pairs.size());
    const std::vector<std::pair<std::string, std::string>> expected{{"bob", "ada"}, {"cy", "ada"}, {"dee", "cy"}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CPPUNIT_ASSERT_EQUAL(expected[i].first, pairs[i][person.name]);
      CPPUNIT_ASSERT_EQUAL(expected[i].second, pairs[i][boss.name.as("boss_name")]);
    }
    // Streamed rows read the same expressions.
    std::vector<std::string> bosses;
    for (const Row row : db_->select(boss.name, person.name).from(person).join(boss, person.boss_id == boss.id).order_by(person.id))
      bosses.push_back(row[boss.name]);
    CPPUNIT_ASSERT((bosses == std::vector<std::string>{"ada", "ada", "cy"}));
    db_->drop_tables({&person}, true);
  }

  // DO UPDATE ... WHERE: the conflicting row changes only when the condition holds.
  void testConflictUpdateWhere() {
    add_author("huey", "old@x");
    auto upsert = [&](const char* email) {
      return db_->insert(author)
          .set(author.name, "huey")
          .set(author.email, email)
          .on_conflict_update({&author.name})
          .update_set(author.email, excluded(author.email))
          .on_conflict_where(author.email != "keep@x")
          .execute()
          .rows_affected();
    };
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, upsert("keep@x"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, upsert("lost@x"));  // the WHERE is false now: nothing changes
    CPPUNIT_ASSERT_EQUAL(std::string("keep@x"),
                         *db_->select(author.email).from(author).where(author.name == "huey").one()[author.email]);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->select().from(author).count());
  }

  // The wrong row, now refused before anything is stored; typed rows store what they say.
  void testTypedRowsStoreWhatTheySay() {
    auto untyped = db_->insert(author).columns({&author.name, &author.id});
    expect_throw<ValueError>([&] { untyped.row({"x", "oops"}); }, "text for an integer key");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select().from(author).count());
    auto typed = db_->insert(author).columns(author.name, author.email);
    typed.row("a", std::nullopt).row("b", "b@x");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, typed.execute().rows_affected());
    CPPUNIT_ASSERT_EQUAL(std::string("b@x"),
                         *db_->select(author.email).from(author).where(author.name == "b").one()[author.email]);
  }

  // A value that the C++ type asked for cannot hold: the read error names
  // the column (it used to say only "a text value cannot be read as int32").
  void testReadErrorsNameTheColumn() {
    add_author("huey");
    const Row row = db_->select(author.id, author.name).from(author).one();
    auto e = expect_throw<DataError>([&] { (void)row[lingo::sql<std::int32_t>("name").as("name")]; },
                                     "text read as int32");
    LINGO_ASSERT_CONTAINS(e.what(), "column name: a text value cannot be read as int32");
    const Row email = db_->select(author.email).from(author).one();
    e = expect_throw<DataError>([&] { (void)email[lingo::cast<std::string>(author.email).as("email")]; },
                                "NULL read as text");
    LINGO_ASSERT_CONTAINS(e.what(), "column email: the value is NULL");
    // The same table read through a model that says its key is text: the
    // error names the table's column.
    struct AuthorKeyAsText : Table {
      Column<std::string> id = column("id", TextField{});
      AuthorKeyAsText() : Table("author") {}
    } const as_text;
    const Row keyed = db_->select(as_text.id).from(as_text).one();
    e = expect_throw<DataError>([&] { (void)keyed[as_text.id]; }, "an integer key read as text");
    LINGO_ASSERT_CONTAINS(e.what(), "column author.id: a int");  // int32 on PostgreSQL, int64 on SQLite
  }

  // Reads through an alias find the alias's column, never the other copy's
  // column of the same name.
  void testReadsThroughAnAliasNeverReturnAnotherColumn() {
    const auto a = add_author("ada");
    db_->update(author).set(author.email, "boss@x").where(author.id == a).execute();
    const auto other = lingo::alias(author, "other");
    const Row row = db_->select(author.name, other.name.as("other_name"))
                        .from(author)
                        .join(other, other.id == author.id)
                        .one();
    CPPUNIT_ASSERT_EQUAL(std::string("ada"), row[other.name]);  // selected as other.name.as(...)
    const Row only_other = db_->select(other.name).from(author).join(other, other.id == author.id).one();
    auto e = expect_throw<InterfaceError>([&] { (void)only_other[author.name]; }, "a column the query did not select");
    LINGO_ASSERT_CONTAINS(e.what(), "row[author.name]: the query did not select author.name; its column 'name' is other.name");
    const Row both = db_->select(author.all_columns(), other.all_columns()).from(author).join(other, other.id == author.id).one();
    e = expect_throw<InterfaceError>([&] { (void)both[author.email]; }, "two columns named email");
    LINGO_ASSERT_CONTAINS(e.what(), "several columns named 'email'");
  }

  void testViewsAreIntrospected() {
    db_->execute_sql("DROP VIEW IF EXISTS cheap_book");
    CPPUNIT_ASSERT(db_->get_views().empty());
    db_->execute_sql("CREATE VIEW cheap_book AS SELECT id, title FROM book WHERE price < 10");
    const auto views = db_->get_views();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, views.size());
    CPPUNIT_ASSERT_EQUAL(std::string("cheap_book"), views[0].name);
    LINGO_ASSERT_CONTAINS(views[0].sql, "price < ");
    const auto tables = db_->get_tables();  // views are not tables
    CPPUNIT_ASSERT(std::find(tables.begin(), tables.end(), "cheap_book") == tables.end());
    db_->execute_sql("DROP VIEW cheap_book");
  }

  std::int32_t add_author(const std::string& name, std::optional<std::string> email = std::nullopt) {
    return db_->insert(author)
        .set(author.name, name)
        .set(author.email, email)
        .execute_returning_key()
        ->as<std::int32_t>();
  }
  std::int64_t add_book(std::int32_t author_id, const std::string& title, const char* price,
                        int pages = 100) {
    return db_->insert(book)
        .set(book.author_id, author_id)
        .set(book.title, title)
        .set(book.price, Decimal(price))
        .set(book.pages, pages)
        .execute_returning_key()
        ->as<std::int64_t>();
  }

  void testCreateTablesInForeignKeyOrderAndSafely() {
    // setUp created them in an order that only works if sorted; safe mode re-runs cleanly.
    db_->create_tables({&author, &book, &review, &everything}, true);
    expect_throw<ProgrammingError>([&] { db_->create_tables({&author}); }, "table exists");
  }

#ifdef LINGO_MODELS_SQLITE
  void testUnsupportedSchemaCreatesNothing() {
    struct Tagged : Table {
      Column<std::int32_t> id = column("id", AutoField{});
      Column<std::string> label = column("label", TextField{}.index_method("GIN"));
      Tagged() : Table("tagged") {}
    } tagged;
    expect_throw<NotSupportedError>([&] { db_->create_tables({&tagged}); }, "GIN index on sqlite");
    const auto tables = db_->get_tables();
    CPPUNIT_ASSERT(std::find(tables.begin(), tables.end(), "tagged") == tables.end());
  }
#endif

  void testInsertReturnsGeneratedKeys() {
    const auto a = add_author("huey");
    const auto b = add_author("mickey");
    CPPUNIT_ASSERT(b > a);
    const auto id = add_book(a, "Cats", "12.50");
    CPPUNIT_ASSERT(id > 0);
    const Row row = db_->select(book.title, book.price, book.pages).from(book).where(book.id == id).one();
    CPPUNIT_ASSERT_EQUAL(std::string("Cats"), row[book.title]);
    CPPUNIT_ASSERT_EQUAL(std::string("12.50"), row[book.price].to_string());
  }

  void testSelectWithJoinsAndAggregates() {
    const auto a = add_author("huey");
    const auto b = add_author("zaizee");
    const auto b1 = add_book(a, "One", "10.00");
    add_book(a, "Two", "20.00");
    add_book(b, "Three", "5.25");
    db_->insert(review)
        .columns({&review.book_id, &review.stars, &review.body})
        .row({b1, std::int16_t{5}, "great"})
        .row({b1, std::int16_t{3}, Value()})
        .execute();

    const auto per_author =
        db_->select(author.name, fn::count(book.id).as("books"), fn::sum(book.price).as("total"))
            .from(author)
            .join(book, book.author_id == author.id)
            .group_by(author.name)
            .order_by(author.name.asc())
            .all();
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, per_author.size());
    CPPUNIT_ASSERT_EQUAL(std::string("huey"), per_author[0][author.name]);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, per_author[0].get<std::int64_t>("books"));
    CPPUNIT_ASSERT(per_author[0].get<Decimal>("total") == Decimal("30"));

    const auto reviewed = db_->select(book.title, review.stars)
                              .from(book)
                              .left_join(review, review.book_id == book.id)
                              .order_by({book.title.asc(), review.stars.desc()})
                              .all();
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, reviewed.size());  // One x2, Three, Two (no reviews -> NULL)
    CPPUNIT_ASSERT(reviewed[2].is_null(1));
    CPPUNIT_ASSERT_EQUAL(std::int16_t{5}, reviewed[0].get<std::int16_t>("stars"));
  }

  void testSameNamedColumnsReadByTheirExpression() {
    add_author("huey");
    const auto a = add_author("zaizee");
    const auto b = add_book(a, "One", "10.00");
    CPPUNIT_ASSERT_MESSAGE("the test needs an author id and a book id that differ", a != b);
    // Both columns are named "id": each typed read finds its own.
    const Row row =
        db_->select(book.id, author.id).from(book).join(author, book.author_id == author.id).where(book.id == b).one();
    CPPUNIT_ASSERT_EQUAL(b, row[book.id]);
    CPPUNIT_ASSERT_EQUAL(a, row[author.id]);
    const auto by_book = db_->select(author.id, book.id)
                             .from(book)
                             .join(author, book.author_id == author.id)
                             .where(book.id == lingo::arg<std::int64_t>(0))
                             .prepare();
    const Row again = by_book.one({b});
    CPPUNIT_ASSERT_EQUAL(b, again[book.id]);
    CPPUNIT_ASSERT_EQUAL(a, again[author.id]);
    // By name, the first column of that name, as with raw SQL.
    CPPUNIT_ASSERT_EQUAL(a, again.get<std::int32_t>("id"));
    const Result raw = db_->execute_sql("SELECT 7 AS id");
    CPPUNIT_ASSERT_EQUAL(std::int32_t{7}, raw[0][author.id]);
  }

  void testUpdateAndDeleteWithReturning() {
    const auto a = add_author("huey");
    const auto id = add_book(a, "Cats", "12.50");
    const Row updated = db_->update(book)
                            .set(book.price, book.price - Decimal("2.25"))
                            .where(book.id == id)
                            .returning(book.price)
                            .one();
    CPPUNIT_ASSERT(updated[book.price] == Decimal("10.25"));
    const Result deleted = db_->delete_from(book).where(book.id == id).returning(book.title).all();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, deleted.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Cats"), deleted[0][book.title]);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select().from(book).count());
  }

  void testConflictHandling() {
    add_author("huey", "old@x");
    const auto ignored =
        db_->insert(author).set(author.name, "huey").on_conflict_ignore().execute_returning_key();
    CPPUNIT_ASSERT(!ignored.has_value());
    db_->insert(author)
        .set(author.name, "huey")
        .set(author.email, "new@x")
        .on_conflict_update({&author.name})
        .update_set(author.email, excluded(author.email))
        .execute();
    CPPUNIT_ASSERT_EQUAL(
        std::string("new@x"),
        *db_->select(author.email).from(author).where(author.name == "huey").one()[author.email]);
    const auto id = db_->select(author.id).from(author).scalar<std::int32_t>();
    db_->insert(author).set(author.id, id).set(author.name, "replaced").on_conflict_replace().execute();
    CPPUNIT_ASSERT_EQUAL(std::string("replaced"),
                         db_->select(author.name).from(author).scalar<std::string>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->select().from(author).count());
  }

  void testNullsReadAsOptional() {
    add_author("huey");
    const Row row = db_->select(author.email).from(author).one();
    CPPUNIT_ASSERT(!row[author.email].has_value());
    expect_throw<DataError>([&] { (void)row.get<std::string>("email"); }, "NULL read as string");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1},
                         db_->select().from(author).where(author.email == std::nullopt).count());
  }

  void testEveryFieldTypeRoundTrips() {
    const Uuid uid = Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    const Date day{sys_days{year{2024} / February / 29}};
    const Time clock{hours{23} + minutes{59} + microseconds{123456}};
    const Timestamp stamp{local_days{year{1999} / December / 31} + hours{23} + microseconds{1}};
    const TimestampTz instant{sys_days{year{2030} / July / 4} + hours{1} + microseconds{999999}};
    const auto doc = boost::json::value{{"name", "huey"}, {"tags", {1, 2}}};
    const Bytes blob{std::string("\0\x01\xff", 3)};
    // Within a double's 15 digits, so that SQLite (which stores decimals as
    // doubles) keeps it too; pg_values covers NUMERIC(38,10) in full.
    const Decimal exact("12345.1234500000");
    db_->insert(everything)
        .set(everything.small, std::int16_t{-32768})
        .set(everything.medium, 2147483647)
        .set(everything.big, std::int64_t{-9223372036854775807LL - 1})
        .set(everything.f32, 1.5f)
        .set(everything.f64, 0.1)
        .set(everything.exact, exact)
        .set(everything.flag, true)
        .set(everything.code, "ABCDEFGH")
        .set(everything.body, "héllo ✓")
        .set(everything.blob, blob)
        .set(everything.day, day)
        .set(everything.clock, clock)
        .set(everything.stamp, stamp)
        .set(everything.instant, instant)
        .set(everything.uid, uid)
        .set(everything.doc, doc)
        .execute();
    const Row r =
        db_->select(everything.small, everything.medium, everything.big, everything.f32, everything.f64,
                    everything.exact, everything.flag, everything.code, everything.body, everything.blob,
                    everything.day, everything.clock, everything.stamp, everything.instant, everything.uid,
                    everything.doc, everything.maybe)
            .from(everything)
            .one();
    CPPUNIT_ASSERT_EQUAL(std::int16_t{-32768}, r[everything.small]);
    CPPUNIT_ASSERT_EQUAL(2147483647, r[everything.medium]);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{-9223372036854775807LL - 1}, r[everything.big]);
    CPPUNIT_ASSERT_EQUAL(1.5f, r[everything.f32]);
    CPPUNIT_ASSERT_EQUAL(0.1, r[everything.f64]);
    CPPUNIT_ASSERT_EQUAL(exact.to_string(), r[everything.exact].to_string());
    CPPUNIT_ASSERT_EQUAL(true, r[everything.flag]);
    CPPUNIT_ASSERT_EQUAL(std::string("ABCDEFGH"), r[everything.code]);
    CPPUNIT_ASSERT_EQUAL(std::string("héllo ✓"), r[everything.body]);
    CPPUNIT_ASSERT(blob == r[everything.blob]);
    CPPUNIT_ASSERT(day == r[everything.day]);
    CPPUNIT_ASSERT(clock == r[everything.clock]);
    CPPUNIT_ASSERT(stamp == r[everything.stamp]);
    CPPUNIT_ASSERT(instant == r[everything.instant]);
    CPPUNIT_ASSERT(uid == r[everything.uid]);
    CPPUNIT_ASSERT(doc == r[everything.doc]);
    CPPUNIT_ASSERT(!r[everything.maybe].has_value());
  }

  void testForeignKeysAreEnforced() {
    auto e = expect_throw<IntegrityError>([&] { add_book(424242, "Orphan", "1.00"); }, "missing author");
    CPPUNIT_ASSERT_EQUAL(std::string("23503"), e.sqlstate());
    const auto a = add_author("huey");
    add_book(a, "Cats", "1.00");
    db_->delete_from(author).where(author.id == a).execute();  // ON DELETE CASCADE
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select().from(book).count());
  }

  void testChecksAndUniqueAreEnforced() {
    const auto a = add_author("huey");
    auto e = expect_throw<IntegrityError>([&] { add_book(a, "Cheap", "-1.00"); }, "negative price");
    CPPUNIT_ASSERT_EQUAL(std::string("23514"), e.sqlstate());
    e = expect_throw<IntegrityError>([&] { add_author("huey"); }, "duplicate name");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
  }

  // fn::extract and fn::from_timestamp, each dialect in its own spelling.
  void testDateParts() {
    // 1700000000 s after the epoch is 2023-11-14 22:13:20 UTC.
    const auto instant = fn::from_timestamp(sql<std::int64_t>("1700000000"));
    const Row row = db_->select(fn::extract(DatePart::year, instant).as("y"),
                                fn::extract(DatePart::month, instant).as("m"),
                                fn::extract(DatePart::hour, instant).as("h"),
                                fn::extract(DatePart::epoch, instant).as("e"))
                        .one();
    CPPUNIT_ASSERT_EQUAL(2023.0, row["y"].as<double>());
    CPPUNIT_ASSERT_EQUAL(11.0, row["m"].as<double>());
    CPPUNIT_ASSERT_EQUAL(22.0, row["h"].as<double>());
    CPPUNIT_ASSERT_EQUAL(1700000000.0, row["e"].as<double>());
  }

  void testOneFirstScalarCountExists() {
    auto none = db_->select(author.id).from(author);
    expect_throw<DoesNotExist>([&] { (void)none.one(); }, "one() of nothing");
    CPPUNIT_ASSERT(!none.first().has_value());
    CPPUNIT_ASSERT(!none.exists());
    add_author("a");
    add_author("b");
    expect_throw<MultipleRowsReturned>([&] { (void)none.one(); }, "one() of two");
    const auto first = db_->select(author.name).from(author).order_by(author.name.desc()).first();
    CPPUNIT_ASSERT(first.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("b"), (*first)[author.name]);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, none.count());
    CPPUNIT_ASSERT(none.exists());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, db_->select(fn::count()).from(author).scalar<std::int64_t>());
  }

  void testHostileStringsAreValues() {
    for (const std::string& evil : {std::string("'; DROP TABLE author; --"),
                                    std::string("quote ' \" \\ done"), std::string(1 << 20, 'x')}) {
      const auto id = add_author(evil.substr(0, 80) + std::to_string(evil.size()), evil);
      CPPUNIT_ASSERT_EQUAL(
          evil, *db_->select(author.email).from(author).where(author.id == id).one()[author.email]);
    }
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, db_->select().from(author).count());
  }

  void testHostileIdentifiersRoundTrip() {
    struct Odd : Table {
      Column<std::int32_t> id = column("id", AutoField{});
      Column<std::string> value = column("va\"lue; --", TextField{});
      Odd() : Table("odd \"table\"; DROP TABLE author; --") {}
    } odd;
    db_->create_tables({&odd});
    db_->insert(odd).set(odd.value, "ok").execute();
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), db_->select(odd.value).from(odd).scalar<std::string>());
    db_->drop_tables({&odd});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, db_->select().from(author).count());  // still there
  }

  void testIntrospectionMatchesWhatWasCreated() {
    const auto tables = db_->get_tables();
    for (const char* t : {"author", "book", "review", "everything"})
      CPPUNIT_ASSERT_MESSAGE(t, std::find(tables.begin(), tables.end(), t) != tables.end());
    const auto columns = db_->get_columns("book");
    CPPUNIT_ASSERT_EQUAL(book.columns().size(), columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
      CPPUNIT_ASSERT_EQUAL(book.columns()[i]->name(), columns[i].name);
      CPPUNIT_ASSERT_EQUAL(book.columns()[i]->field().is_nullable(), columns[i].nullable);
    }
    CPPUNIT_ASSERT(db_->get_primary_keys("book") == std::vector<std::string>{"id"});
    const auto fks = db_->get_foreign_keys("book");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, fks.size());
    CPPUNIT_ASSERT_EQUAL(std::string("author_id"), fks[0].column);
    CPPUNIT_ASSERT_EQUAL(std::string("author"), fks[0].dest_table);
    CPPUNIT_ASSERT_EQUAL(std::string("id"), fks[0].dest_column);
    CPPUNIT_ASSERT_EQUAL(std::string("CASCADE"), fks[0].on_delete);
    bool found = false;
    for (const auto& index : db_->get_indexes("book"))
      if (index.name == "book_author_id_published") {
        found = true;
        CPPUNIT_ASSERT(index.columns == (std::vector<std::string>{"author_id", "published"}));
      }
    CPPUNIT_ASSERT(found);
  }

  void testSubqueriesUnionsAndCtesRun() {
    const auto a = add_author("huey");
    const auto b = add_author("zaizee");
    add_book(a, "One", "10.00");
    add_book(a, "Two", "20.00");
    add_book(b, "Three", "5.25");
    auto prolific = db_->select(book.author_id).from(book).group_by(book.author_id).having(fn::count() > 1);
    CPPUNIT_ASSERT_EQUAL(
        std::string("huey"),
        db_->select(author.name).from(author).where(author.id.in(prolific)).scalar<std::string>());
    auto names = db_->select(author.name)
                     .from(author)
                     .where(author.id == a)
                     .union_all(db_->select(book.title).from(book).where(book.author_id == b))
                     .order_by(author.name.asc())
                     .all();
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, names.size());
    auto cheap = db_->select(book.id).from(book).where(book.price < Decimal("15"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, db_->select(fn::count()).from(cheap, "c").scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->select()
                                              .from(book)
                                              .where(exists(db_->select(author.id).from(author).where(
                                                  author.id == book.author_id && author.name == "zaizee")))
                                              .count());
  }

  void testApplicationFieldKindConvertsBothWays() {
    db_->drop_tables({&purchase}, true);
    db_->create_tables({&purchase});
    db_->insert(purchase).set(purchase.amount, Decimal("12.34")).set(purchase.tip, std::nullopt).execute();
    db_->insert(purchase)
        .columns({&purchase.amount, &purchase.tip})
        .row({Decimal("5"), Decimal("0.5")})
        .execute();
    // Stored as cents in an integer column...
    const Result stored = db_->execute_sql("SELECT amount, tip FROM purchase ORDER BY id");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1234}, stored[0].get<std::int64_t>(0));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{50}, stored[1].get<std::int64_t>(1));
    // ...and read, compared and updated as money.
    const auto rows = db_->select(purchase.amount, purchase.tip)
                          .from(purchase)
                          .where(purchase.amount > Decimal("10"))
                          .all();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, rows.size());
    CPPUNIT_ASSERT_EQUAL(std::string("12.34"), rows[0][purchase.amount].to_string());
    CPPUNIT_ASSERT(!rows[0][purchase.tip].has_value());
    db_->update(purchase)
        .set(purchase.tip, Decimal("1.25"))
        .where(purchase.amount == Decimal("12.34"))
        .execute();
    CPPUNIT_ASSERT_EQUAL(std::string("1.25"), db_->select(purchase.tip)
                                                  .from(purchase)
                                                  .where(purchase.amount.in({Decimal("12.34")}))
                                                  .one()[purchase.tip]
                                                  ->to_string());
    db_->drop_tables({&purchase});
  }

  void testInsertManyRunsInBatchesAtomically() {
    auto many = db_->insert(author).columns({&author.name});
    for (int i = 0; i < 2500; ++i) many.row({"writer " + std::to_string(i)});
    const Result ids = many.batch_size(1000).returning(author.id).all();
    CPPUNIT_ASSERT_EQUAL(std::size_t{2500}, ids.size());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2500}, ids.rows_affected());
    CPPUNIT_ASSERT(ids[0][author.id] < ids[2499][author.id]);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2500}, db_->select().from(author).count());
    // A duplicate in the third batch undoes the first two as well.
    auto failing = db_->insert(author).columns({&author.name}).batch_size(1000);
    for (int i = 0; i < 2500; ++i) failing.row({"fresh " + std::to_string(i)});
    failing.row({"writer 7"});
    expect_throw<IntegrityError>([&] { failing.execute(); }, "duplicate in a late batch");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2500}, db_->select().from(author).count());
    CPPUNIT_ASSERT(db_->connection().transaction_status() == TransactionStatus::idle);
  }

  void testIteratingAQueryStreamsItsRows() {
    const auto a = add_author("huey");
    db_->insert(book)
        .columns({&book.author_id, &book.title, &book.price})
        .row({a, "b0", Decimal("0.50")})
        .row({a, "b1", Decimal("1.50")})
        .row({a, "b2", Decimal("2.50")})
        .execute();
    std::vector<std::string> titles;
    for (const Row row : db_->select(book.title, book.price).from(book).order_by(book.title.asc())) {
      titles.push_back(row[book.title]);
      CPPUNIT_ASSERT_EQUAL(std::string(std::to_string(titles.size() - 1) + ".50"),
                           row[book.price].to_string());
    }
    CPPUNIT_ASSERT(titles == (std::vector<std::string>{"b0", "b1", "b2"}));
    auto none = db_->select(book.id).from(book).where(book.id < 0);
    CPPUNIT_ASSERT(none.begin() == none.end());
    // A failure part-way is thrown from the loop, with its SQLSTATE.
    auto bad = db_->select(fn::call<std::int64_t>(
                               "abs", book.id - book.id + std::numeric_limits<std::int64_t>::min())
                               .as("n"))
                   .from(book);
    auto e = expect_throw<DataError>(
        [&] {
          for (const Row row : bad) (void)row;
        },
        "overflow while streaming");
    CPPUNIT_ASSERT_EQUAL(std::string("22003"), e.sqlstate());
  }

  void testLeavingAStreamEarlyFreesTheConnection() {
    for (int i = 0; i < 50; ++i) {
      const std::string number = std::to_string(i);
      add_author("a" + number);
    }
    int seen = 0;
    for (const Row row : db_->select(author.name).from(author)) {
      (void)row;
      if (++seen == 3) break;
    }
    CPPUNIT_ASSERT_EQUAL(3, seen);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{50}, db_->select().from(author).count());
  }

  void testPlainStructsInsertGetSaveRemove() {
    AuthorRecord huey{0, "huey", std::nullopt};
    db_->insert(huey);
    CPPUNIT_ASSERT(huey.id > 0);
    AuthorRecord mickey{0, "mickey", "m@x"};
    db_->insert(mickey);
    CPPUNIT_ASSERT(mickey.id > huey.id);
    auto fetched = db_->get<AuthorRecord>(huey.id);
    CPPUNIT_ASSERT_EQUAL(std::string("huey"), fetched.name);
    CPPUNIT_ASSERT(!fetched.email.has_value());
    fetched.email = "h@x";
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->save(fetched));
    CPPUNIT_ASSERT_EQUAL(std::string("h@x"), *db_->get<AuthorRecord>(huey.id).email);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->remove(fetched));
    expect_throw<DoesNotExist>([&] { (void)db_->get<AuthorRecord>(huey.id); }, "get() of a removed row");
    expect_throw<IntegrityError>(
        [&] {
          AuthorRecord dup{0, "mickey", std::nullopt};
          db_->insert(dup);
        },
        "dup");
  }

 private:
  std::unique_ptr<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ModelSuite);
