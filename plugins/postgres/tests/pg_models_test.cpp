// PostgreSQL-only models: JSONB and JSON columns with every JSON operator,
// arrays of one and two dimensions with every array operator, at() and
// cardinality, a GIN index, a partial unique index, ILIKE, FOR UPDATE and an
// upsert taking the proposed row's values. Each test makes tables of its own
// (names unique to the process) and drops them afterwards.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
namespace json = boost::json;

namespace {

using Ints = std::vector<std::int32_t>;
using Strings = std::vector<std::string>;
using Grid = std::vector<std::vector<std::int64_t>>;

struct Gadget : Table {
  Column<std::int32_t> id = column("id", AutoField{});
  Column<std::string> label = column("label", CharField{40}.unique());
  Column<json::value> attrs = column("attrs", BinaryJSONField{}.index_method("GIN"));
  Column<std::optional<json::value>> note = column("note", JSONField{}.null());
  Column<Ints> scores = column("scores", ArrayField(ValueType::int32));
  Column<Strings> tags = column("tags", ArrayField(ValueType::text));
  Column<Grid> grid = column("grid", ArrayField(ValueType::int64, 2));
  explicit Gadget(std::string table) : Table(std::move(table)) {}
};

// A ticket code is unique among the open tickets only.
struct Ticket : Table {
  Column<std::int64_t> id = column("id", BigAutoField{});
  Column<std::string> code = column("code", TextField{});
  Column<bool> open = column("open", BooleanField{});
  explicit Ticket(std::string table) : Table(std::move(table)) {
    unique_index({&code}, {.name = this->name() + "_open_code", .where = "open"});
  }
};

}  // namespace

class PgModelsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgModelsTest);
  CPPUNIT_TEST(testCreateTablesSpellsPostgresTypesAndMakesTheGinIndex);
  CPPUNIT_TEST(testDefaultLiteralsAreSafeWithoutStandardConformingStrings);
  CPPUNIT_TEST(testJsonAndArraysRoundTrip);
  CPPUNIT_TEST(testJsonGetOperators);
  CPPUNIT_TEST(testJsonKeyOperators);
  CPPUNIT_TEST(testJsonContainment);
  CPPUNIT_TEST(testPlainJsonHasNoKeyOrContainmentOperators);
  CPPUNIT_TEST(testArrayContainmentAndOverlap);
  CPPUNIT_TEST(testArrayElementsAreZeroBased);
  CPPUNIT_TEST(testArrayLengths);
  CPPUNIT_TEST(testJsonMergeAndRemoveInAnUpdate);
  CPPUNIT_TEST(testTwoDimensionalArrays);
  CPPUNIT_TEST(testTwoDimensionalElementsByChainedAt);
  CPPUNIT_TEST(testPartialUniqueIndexIsEnforcedOnlyWhereItApplies);
  CPPUNIT_TEST(testIlikeIgnoresCase);
  CPPUNIT_TEST(testForUpdateInsideATransaction);
  CPPUNIT_TEST(testOnConflictUpdateTakesTheProposedValues);
  CPPUNIT_TEST(testFunctionNamesMustBePlainIdentifiers);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo::connect(lingo_test::pg_uri()));
    g_ = std::make_unique<Gadget>(lingo_test::unique_name("pg_models_gadget"));
    t_ = std::make_unique<Ticket>(lingo_test::unique_name("pg_models_ticket"));
    db_->create_tables({g_.get(), t_.get()});
  }
  void tearDown() override {
    if (db_) db_->drop_tables({g_.get(), t_.get()}, true);
    db_.reset();
  }

  // Three gadgets: lamp, Desk, chair (ids in that order).
  void add_gadgets() {
    const Gadget& g = *g_;
    db_->insert(g)
        .columns({&g.label, &g.attrs, &g.note, &g.scores, &g.tags, &g.grid})
        .row({"lamp",
              json::value{{"color", "red"}, {"size", 3}, {"parts", {"shade", "bulb"}}, {"dims", {{"w", 10}}}},
              json::value{{"text", "bright"}, {"n", 1}}, Ints{1, 2, 3}, Strings{"home", "light"},
              Grid{{1, 2}, {3, 4}}})
        .row({"Desk", json::value{{"color", "blue"}, {"legs", 4}}, Value(), Ints{4, 5}, Strings{"office"},
              Grid{{5, 6, 7}}})
        .row({"chair", json::value{{"color", "red"}, {"legs", 4}, {"size", 1}},
              json::value{{"text", "wobbly"}}, Ints{}, Strings{"home", "office"}, Grid{{8}, {9}}})
        .execute();
  }

  // The names of the gadgets matching a condition, in id order.
  Strings names_where(const TypedExpr<bool>& condition) {
    Strings out;
    for (const Row row : db_->select(g_->label).from(*g_).where(condition).order_by(g_->id.asc()).all())
      out.push_back(row[g_->label]);
    return out;
  }

  void testCreateTablesSpellsPostgresTypesAndMakesTheGinIndex() {
    std::vector<std::string> types;
    for (const auto& c : db_->get_columns(g_->Table::name())) types.push_back(c.name + " " + c.data_type);
    // PostgreSQL keeps no dimension count: BIGINT[][] is bigint[].
    const Strings expected{"id integer",   "label character varying", "attrs jsonb",
                           "note json",    "scores integer[]",        "tags text[]",
                           "grid bigint[]"};
    CPPUNIT_ASSERT_EQUAL(expected.size(), types.size());
    for (std::size_t i = 0; i < expected.size(); ++i) CPPUNIT_ASSERT_EQUAL(expected[i], types[i]);
    bool gin = false;
    for (const auto& index : db_->get_indexes(g_->Table::name()))
      if (index.columns == Strings{"attrs"}) {
        gin = true;
        CPPUNIT_ASSERT_EQUAL(g_->Table::name() + "_attrs", index.name);
        CPPUNIT_ASSERT_EQUAL(std::string("gin"), index.method);
        CPPUNIT_ASSERT(!index.unique);
      }
    CPPUNIT_ASSERT_MESSAGE("a GIN index on attrs", gin);
    // The column is unique, so it has its own index and needs no other.
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, db_->get_indexes(g_->Table::name()).size());  // pkey, label, attrs
  }

  void testDefaultLiteralsAreSafeWithoutStandardConformingStrings() {
    // With standard_conforming_strings off, a backslash in a plain '...'
    // literal escapes the closing quote: a default of \'); DROP TABLE ...
    // used to run the DROP. E'...' literals mean the same under either setting.
    Database db(lingo_test::pg_uri() + "?options=-c%20standard_conforming_strings%3Doff");
    const std::string victim = lingo_test::unique_name("victim");
    db.execute_sql("CREATE TABLE " + victim + " (id int)");
    const std::string hostile = "\\'); DROP TABLE " + victim + "; --";
    struct Hostile : Table {
      Column<std::string> note;
      Column<Bytes> blob;
      Hostile(std::string name, const std::string& text)
          : Table(std::move(name)),
            note(column("note", TextField{}.default_value(text))),
            blob(column("blob", BlobField{}.default_value(Bytes{std::string("\\\x01'", 3)}))) {}
    } table(lingo_test::unique_name("hostile"), hostile);
    db.create_tables({&table});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0},
                         db.execute_sql("SELECT count(*) FROM " + victim).scalar<std::int64_t>());
    db.execute_sql("INSERT INTO " + table.name() + " DEFAULT VALUES");
    const Row row = db.select(table.note, table.blob).from(table).one();
    CPPUNIT_ASSERT_EQUAL(hostile, row[table.note]);
    CPPUNIT_ASSERT(Bytes{std::string("\\\x01'", 3)} == row[table.blob]);
    db.drop_tables({&table});
    db.execute_sql("DROP TABLE " + victim);
  }

  void testJsonAndArraysRoundTrip() {
    add_gadgets();
    const Gadget& g = *g_;
    const Result rows =
        db_->select(g.label, g.attrs, g.note, g.scores, g.tags, g.grid).from(g).order_by(g.id.asc()).all();
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, rows.size());
    CPPUNIT_ASSERT(
        rows[0][g.attrs] ==
        (json::value{{"color", "red"}, {"size", 3}, {"parts", {"shade", "bulb"}}, {"dims", {{"w", 10}}}}));
    CPPUNIT_ASSERT(rows[0][g.note] == (json::value{{"text", "bright"}, {"n", 1}}));
    CPPUNIT_ASSERT(!rows[1][g.note].has_value());
    CPPUNIT_ASSERT(rows[0][g.scores] == (Ints{1, 2, 3}));
    CPPUNIT_ASSERT(rows[2][g.scores].empty());
    CPPUNIT_ASSERT(rows[2][g.tags] == (Strings{"home", "office"}));
    CPPUNIT_ASSERT(rows[0][g.grid] == (Grid{{1, 2}, {3, 4}}));
    CPPUNIT_ASSERT(rows[1][g.grid] == (Grid{{5, 6, 7}}));
    CPPUNIT_ASSERT(rows[2][g.grid] == (Grid{{8}, {9}}));
  }

  void testJsonGetOperators() {
    add_gadgets();
    const Gadget& g = *g_;
    // -> by key, -> by position, ->> as text; on jsonb and on json alike.
    const Row lamp = db_->select(g.attrs["dims"].as("dims"), g.attrs["parts"][1].as("second_part"),
                                 g.attrs["dims"].get_text("w").as("w"), g.note.get_text("text").as("text"),
                                 g.note["n"].as("n"))
                         .from(g)
                         .where(g.label == "lamp")
                         .one();
    CPPUNIT_ASSERT(lamp.get<json::value>("dims") == (json::value{{"w", 10}}));
    CPPUNIT_ASSERT(lamp.get<json::value>("second_part") == json::value("bulb"));
    CPPUNIT_ASSERT_EQUAL(std::string("10"), lamp.get<std::string>("w"));
    CPPUNIT_ASSERT_EQUAL(std::string("bright"), lamp.get<std::string>("text"));
    CPPUNIT_ASSERT(lamp.get<json::value>("n") == json::value(1));

    // A missing key or a NULL document gives NULL.
    const Result texts = db_->select(g.note.get_text("text").as("text")).from(g).order_by(g.id.asc()).all();
    CPPUNIT_ASSERT_EQUAL(std::string("bright"), *texts[0].get<std::optional<std::string>>("text"));
    CPPUNIT_ASSERT(!texts[1].get<std::optional<std::string>>("text").has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("wobbly"), *texts[2].get<std::optional<std::string>>("text"));

    CPPUNIT_ASSERT(names_where(g.attrs.get_text("color") == "red") == (Strings{"lamp", "chair"}));
    CPPUNIT_ASSERT(names_where(g.attrs["legs"] == json::value(4)) == (Strings{"Desk", "chair"}));
    CPPUNIT_ASSERT(names_where(g.attrs["parts"][0] == json::value("shade")) == (Strings{"lamp"}));
  }

  void testJsonKeyOperators() {
    add_gadgets();
    const Gadget& g = *g_;
    CPPUNIT_ASSERT(names_where(g.attrs.has_key("legs")) == (Strings{"Desk", "chair"}));
    CPPUNIT_ASSERT(names_where(g.attrs.has_key("nope")).empty());
    CPPUNIT_ASSERT(names_where(g.attrs.has_any_keys({"dims", "size"})) == (Strings{"lamp", "chair"}));
    CPPUNIT_ASSERT(names_where(g.attrs.has_all_keys({"color", "legs", "size"})) == (Strings{"chair"}));
    CPPUNIT_ASSERT(names_where(g.attrs.has_all_keys({"color"})) == (Strings{"lamp", "Desk", "chair"}));
    // A hostile key is only a value.
    CPPUNIT_ASSERT(names_where(g.attrs.has_key("'; DROP TABLE x; --")).empty());
  }

  void testJsonContainment() {
    add_gadgets();
    const Gadget& g = *g_;
    CPPUNIT_ASSERT(names_where(g.attrs.contains(json::value{{"color", "red"}})) ==
                   (Strings{"lamp", "chair"}));
    CPPUNIT_ASSERT(names_where(g.attrs.contains(json::value{{"color", "red"}, {"legs", 4}})) ==
                   (Strings{"chair"}));
    CPPUNIT_ASSERT(names_where(g.attrs.contains(json::value{{"parts", {"bulb"}}})) == (Strings{"lamp"}));
    const json::value blue_or_more{{"color", "blue"}, {"legs", 4}, {"wheels", true}};
    CPPUNIT_ASSERT(names_where(g.attrs.contained_by(blue_or_more)) == (Strings{"Desk"}));
    // Operators combine with the rest of the builder.
    CPPUNIT_ASSERT(names_where(g.attrs.contains(json::value{{"legs", 4}}) && !g.attrs.has_key("size")) ==
                   (Strings{"Desk"}));
  }

  void testPlainJsonHasNoKeyOrContainmentOperators() {
    // PostgreSQL gives ? and @> to jsonb only: on a json column the server
    // refuses them, and the error says so.
    add_gadgets();
    const Gadget& g = *g_;
    auto e = expect_throw<ProgrammingError>([&] { (void)names_where(g.note.has_key("text")); }, "? on json");
    CPPUNIT_ASSERT_EQUAL(std::string("42883"), e.sqlstate());
    e = expect_throw<ProgrammingError>(
        [&] {
          (void)names_where(g.note.contains(json::value{{"n", 1}}));
        },
        "@> on json");
    CPPUNIT_ASSERT_EQUAL(std::string("42883"), e.sqlstate());
    // A cast to jsonb makes them available.
    CPPUNIT_ASSERT(names_where(cast<json::value>(g.note).has_key("n")) == (Strings{"lamp"}));
  }

  void testArrayContainmentAndOverlap() {
    add_gadgets();
    const Gadget& g = *g_;
    CPPUNIT_ASSERT(names_where(g.scores.contains(Ints{3, 1})) == (Strings{"lamp"}));
    CPPUNIT_ASSERT(names_where(g.scores.contains(Ints{})) == (Strings{"lamp", "Desk", "chair"}));
    CPPUNIT_ASSERT(names_where(g.scores.contains_any(Ints{5, 3})) == (Strings{"lamp", "Desk"}));
    CPPUNIT_ASSERT(names_where(g.scores.contains_any(Ints{99})).empty());
    // The empty array is contained by every array.
    CPPUNIT_ASSERT(names_where(g.scores.contained_by(Ints{1, 2, 3, 4})) == (Strings{"lamp", "chair"}));

    CPPUNIT_ASSERT(names_where(g.tags.contains(Strings{"home"})) == (Strings{"lamp", "chair"}));
    CPPUNIT_ASSERT(names_where(g.tags.contains_any(Strings{"office", "garage"})) ==
                   (Strings{"Desk", "chair"}));
    CPPUNIT_ASSERT(names_where(g.tags.contained_by(Strings{"home", "office"})) == (Strings{"Desk", "chair"}));
    CPPUNIT_ASSERT(names_where(g.tags.contains(Strings{"it's \"quoted\", {braced}"})).empty());
  }

  void testArrayElementsAreZeroBased() {
    add_gadgets();
    const Gadget& g = *g_;
    const Result rows =
        db_->select(g.scores.at(0).as("first"), g.scores.at(2).as("third"), g.tags.at(1).as("second_tag"))
            .from(g)
            .order_by(g.id.asc())
            .all();
    CPPUNIT_ASSERT_EQUAL(std::int32_t{1}, rows[0].get<std::int32_t>("first"));
    CPPUNIT_ASSERT_EQUAL(std::int32_t{3}, rows[0].get<std::int32_t>("third"));
    CPPUNIT_ASSERT_EQUAL(std::string("light"), rows[0].get<std::string>("second_tag"));
    CPPUNIT_ASSERT_EQUAL(std::int32_t{4}, rows[1].get<std::int32_t>("first"));
    // Past the end (and in an empty array) is NULL, as in SQL.
    CPPUNIT_ASSERT(!rows[1].get<std::optional<std::int32_t>>("third").has_value());
    CPPUNIT_ASSERT(!rows[1].get<std::optional<std::string>>("second_tag").has_value());
    CPPUNIT_ASSERT(!rows[2].get<std::optional<std::int32_t>>("first").has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("office"), rows[2].get<std::string>("second_tag"));

    CPPUNIT_ASSERT(names_where(g.scores.at(0) == 4) == (Strings{"Desk"}));
    CPPUNIT_ASSERT(names_where(g.tags.at(0) == "home") == (Strings{"lamp", "chair"}));
    // row[expr] reads the element type.
    const auto first = db_->select(g.scores.at(1).as("second")).from(g).where(g.label == "lamp").one();
    CPPUNIT_ASSERT_EQUAL(std::int32_t{2}, first[g.scores.at(1).as("second")]);
  }

  void testJsonMergeAndRemoveInAnUpdate() {
    add_gadgets();
    const Gadget& g = *g_;
    db_->update(g)
        .set(g.attrs, g.attrs.concat(json::value{{"color", "green"}, {"new", true}}).remove("size"))
        .where(g.label == "lamp")
        .execute();
    const json::value attrs = db_->select(g.attrs).from(g).where(g.label == "lamp").one()[g.attrs];
    CPPUNIT_ASSERT(attrs.at("color") == "green");  // the right side wins, shallowly
    CPPUNIT_ASSERT(attrs.at("new") == true);
    CPPUNIT_ASSERT(!attrs.as_object().contains("size"));
    CPPUNIT_ASSERT(attrs.at("parts").as_array().size() == 2);  // untouched keys stay
  }

  void testArrayLengths() {
    add_gadgets();
    const Gadget& g = *g_;
    const auto cardinality = g.scores.length().as("n");
    const auto length = fn::call<std::optional<std::int32_t>>("array_length", g.scores, 1).as("len");
    const auto cells = fn::call<std::int32_t>("cardinality", g.grid).as("cells");
    const auto rows_of_grid =
        fn::call<std::optional<std::int32_t>>("array_length", g.grid, 1).as("grid_rows");
    const Result rows =
        db_->select(g.label, cardinality, length, cells, rows_of_grid).from(g).order_by(g.id.asc()).all();
    CPPUNIT_ASSERT_EQUAL(std::int32_t{3}, rows[0][cardinality]);
    CPPUNIT_ASSERT_EQUAL(std::int32_t{2}, rows[1][cardinality]);
    CPPUNIT_ASSERT_EQUAL(std::int32_t{0}, rows[2][cardinality]);
    CPPUNIT_ASSERT_EQUAL(std::int32_t{3}, *rows[0][length]);
    CPPUNIT_ASSERT(!rows[2][length].has_value());  // array_length of an empty array is NULL
    CPPUNIT_ASSERT_EQUAL(std::int32_t{4}, rows[0][cells]);
    CPPUNIT_ASSERT_EQUAL(std::int32_t{3}, rows[1][cells]);
    CPPUNIT_ASSERT_EQUAL(std::int32_t{2}, rows[2][cells]);
    CPPUNIT_ASSERT_EQUAL(std::int32_t{2}, *rows[0][rows_of_grid]);
    CPPUNIT_ASSERT_EQUAL(std::int32_t{1}, *rows[1][rows_of_grid]);
    CPPUNIT_ASSERT(names_where(fn::call<std::int32_t>("cardinality", g.scores) >= 2) ==
                   (Strings{"lamp", "Desk"}));
  }

  void testTwoDimensionalArrays() {
    add_gadgets();
    const Gadget& g = *g_;
    // Containment looks at the elements, whatever the dimensions.
    CPPUNIT_ASSERT(names_where(g.grid.contains(std::vector<std::int64_t>{4, 1})) == (Strings{"lamp"}));
    CPPUNIT_ASSERT(names_where(g.grid.contains_any(std::vector<std::int64_t>{7, 9})) ==
                   (Strings{"Desk", "chair"}));
    CPPUNIT_ASSERT(names_where(g.grid.contained_by(std::vector<std::int64_t>{5, 6, 7, 8, 9})) ==
                   (Strings{"Desk", "chair"}));
    CPPUNIT_ASSERT(names_where(g.grid == Grid{{8}, {9}}) == (Strings{"chair"}));
    // A whole 2-D value written by update and read back.
    db_->update(g)
        .set(g.grid, Grid{{-1, 0}, {0, 1}, {9223372036854775807LL, -9223372036854775807LL - 1}})
        .where(g.label == "Desk")
        .execute();
    CPPUNIT_ASSERT(db_->select(g.grid).from(g).where(g.label == "Desk").one()[g.grid] ==
                   (Grid{{-1, 0}, {0, 1}, {9223372036854775807LL, -9223372036854775807LL - 1}}));
    // A ragged array is not an array: the server refuses it.
    expect_throw<DataError>(
        [&] {
          db_->update(g).set(g.grid, Grid{{1, 2}, {3}}).where(g.label == "Desk").execute();
        },
        "ragged 2-D array");
  }

  // Subscripts chain as grid[i][j]: a parenthesised (grid[i])[j] would
  // subscript an element, which PostgreSQL refuses (42804).
  void testTwoDimensionalElementsByChainedAt() {
    add_gadgets();
    const Gadget& g = *g_;
    const auto cell = g.grid.at(1).at(0).as("cell");
    const Row lamp = db_->select(cell).from(g).where(g.label == "lamp").one();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, lamp[cell]);
    CPPUNIT_ASSERT(names_where(g.grid.at(0).at(0) == std::int64_t{8}) == (Strings{"chair"}));
    // Past the end of either dimension is NULL.
    const Row past = db_->select(g.grid.at(0).at(5).as("x"), g.grid.at(7).at(0).as("y"))
                         .from(g)
                         .where(g.label == "lamp")
                         .one();
    CPPUNIT_ASSERT(past.is_null(0));
    CPPUNIT_ASSERT(past.is_null(1));
  }

  void testPartialUniqueIndexIsEnforcedOnlyWhereItApplies() {
    const Ticket& t = *t_;
    bool found = false;
    for (const auto& index : db_->get_indexes(t.name()))
      if (index.name == t.name() + "_open_code") {
        found = true;
        CPPUNIT_ASSERT(index.unique);
        CPPUNIT_ASSERT(index.columns == Strings{"code"});
        LINGO_ASSERT_CONTAINS(index.sql, "WHERE open");
      }
    CPPUNIT_ASSERT(found);
    auto add = [&](const std::string& code, bool open) {
      return db_->insert(t).set(t.code, code).set(t.open, open).execute_returning_key();
    };
    add("A-1", true);
    add("A-1", false);  // outside the index's WHERE: allowed, twice
    add("A-1", false);
    add("B-2", true);
    auto e = expect_throw<IntegrityError>([&] { add("A-1", true); }, "a second open A-1");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, db_->select().from(t).count());
    // Closing the open one frees the code.
    db_->update(t).set(t.open, false).where(t.code == "A-1" && t.open == true).execute();
    add("A-1", true);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1},
                         db_->select().from(t).where(t.code == "A-1" && t.open == true).count());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, db_->select().from(t).where(t.code == "A-1").count());
  }

  void testIlikeIgnoresCase() {
    add_gadgets();
    const Gadget& g = *g_;
    CPPUNIT_ASSERT(names_where(g.label.ilike("d%")) == (Strings{"Desk"}));
    CPPUNIT_ASSERT(names_where(g.label.like("d%")).empty());
    CPPUNIT_ASSERT(names_where(g.label.ilike("%A%")) == (Strings{"lamp", "chair"}));
    CPPUNIT_ASSERT(names_where(g.attrs.get_text("color").ilike("BLUE")) == (Strings{"Desk"}));
  }

  void testForUpdateInsideATransaction() {
    add_gadgets();
    const Gadget& g = *g_;
    db_->begin();
    const Row locked = db_->select(g.id, g.scores).from(g).where(g.label == "Desk").for_update().one();
    CPPUNIT_ASSERT(locked[g.scores] == (Ints{4, 5}));
    db_->update(g).set(g.scores, Ints{42}).where(g.id == locked[g.id]).execute();
    CPPUNIT_ASSERT(db_->select(g.scores).from(g).where(g.label == "Desk").one()[g.scores] == (Ints{42}));
    db_->rollback();
    CPPUNIT_ASSERT(db_->select(g.scores).from(g).where(g.label == "Desk").one()[g.scores] == (Ints{4, 5}));
    // Outside a transaction it runs too (the lock ends with the statement).
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, db_->select(g.label).from(g).for_update().all().size());
  }

  void testOnConflictUpdateTakesTheProposedValues() {
    add_gadgets();
    const Gadget& g = *g_;
    const auto desk_id = db_->select(g.id).from(g).where(g.label == "Desk").scalar<std::int32_t>();
    auto upsert = [&](const std::string& name, Ints scores, const json::value& attrs) {
      return db_->insert(g)
          .set(g.label, name)
          .set(g.attrs, attrs)
          .set(g.scores, std::move(scores))
          .set(g.tags, Strings{"new"})
          .set(g.grid, Grid{{0}})
          .on_conflict_update({&g.label})
          .update_set(g.scores, excluded(g.scores))
          .update_set(g.attrs, excluded(g.attrs))
          .returning(g.id, g.scores, g.tags)
          .one();
    };
    const Row updated = upsert("Desk", Ints{7, 8, 9}, json::value{{"color", "green"}});
    CPPUNIT_ASSERT_EQUAL(desk_id, updated[g.id]);
    CPPUNIT_ASSERT(updated[g.scores] == (Ints{7, 8, 9}));
    CPPUNIT_ASSERT(updated[g.tags] == (Strings{"office"}));  // not in the update: kept
    CPPUNIT_ASSERT_EQUAL(
        std::string("green"),
        db_->select(g.attrs.get_text("color").as("c")).from(g).where(g.id == desk_id).scalar<std::string>());
    const Row inserted = upsert("stool", Ints{1}, json::value{{"legs", 3}});
    CPPUNIT_ASSERT(inserted[g.id] > desk_id);
    CPPUNIT_ASSERT(inserted[g.tags] == (Strings{"new"}));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, db_->select().from(g).count());
  }

  // A function name is a plain identifier: the spaces and parentheses a type
  // name may carry would let this "name" run a UNION over pg_roles.
  void testFunctionNamesMustBePlainIdentifiers() {
    add_gadgets();
    const Gadget& g = *g_;
    auto e = expect_throw<ProgrammingError>(
        [&] {
          (void)db_
              ->select(fn::call<std::int64_t>("length(current_user) FROM pg_roles UNION SELECT count", g.id))
              .from(g)
              .all();
        },
        "a function name carrying a UNION");
    CPPUNIT_ASSERT_EQUAL(std::string("42602"), e.sqlstate());
  }

 private:
  std::unique_ptr<Database> db_;
  std::unique_ptr<Gadget> g_;
  std::unique_ptr<Ticket> t_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgModelsTest);
