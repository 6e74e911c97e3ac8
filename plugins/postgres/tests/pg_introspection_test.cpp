// Schema introspection on PostgreSQL: tables, columns, indexes, primary and
// foreign keys of tables made with raw DDL, compared field by field. Each
// test works in a schema of its own, dropped afterwards.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;

namespace {

using Strings = std::vector<std::string>;

// Fits the 63-byte identifier limit, with room for "_pkey".
const std::string hostile_table = "it's a \"table\"; DROP TABLE x; --";

void check_column(const ColumnMetadata& c, const std::string& name, const std::string& type, bool nullable,
                  bool pk, const std::optional<std::string>& default_sql, const std::string& table) {
  CPPUNIT_ASSERT_EQUAL(name, c.name);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(name, type, c.data_type);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(name, nullable, c.nullable);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(name, pk, c.primary_key);
  CPPUNIT_ASSERT_MESSAGE(name + ": default " + c.default_sql.value_or("none"), default_sql == c.default_sql);
  CPPUNIT_ASSERT_EQUAL(table, c.table);
}

void check_index(const IndexMetadata& i, const std::string& name, const std::string& sql,
                 const Strings& columns, bool unique, const std::string& method, bool primary,
                 const std::string& table) {
  CPPUNIT_ASSERT_EQUAL(name, i.name);
  CPPUNIT_ASSERT_EQUAL(sql, i.sql);
  CPPUNIT_ASSERT_MESSAGE(name + ": columns", columns == i.columns);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(name, unique, i.unique);
  CPPUNIT_ASSERT_EQUAL(method, i.method);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(name, primary, i.primary);
  CPPUNIT_ASSERT_EQUAL(table, i.table);
}

void check_key(const ForeignKeyMetadata& k, const std::string& name, const std::string& column,
               const std::string& dest_table, const std::string& dest_column, const std::string& on_delete,
               const std::string& on_update, const std::string& table) {
  CPPUNIT_ASSERT_EQUAL(name, k.name);
  CPPUNIT_ASSERT_EQUAL(column, k.column);
  CPPUNIT_ASSERT_EQUAL(dest_table, k.dest_table);
  CPPUNIT_ASSERT_EQUAL(dest_column, k.dest_column);
  CPPUNIT_ASSERT_EQUAL(on_delete, k.on_delete);
  CPPUNIT_ASSERT_EQUAL(on_update, k.on_update);
  CPPUNIT_ASSERT_EQUAL(table, k.table);
}

}  // namespace

class PgIntrospectionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgIntrospectionTest);
  CPPUNIT_TEST(testTablesOfASchemaAreSortedAndExcludeViews);
  CPPUNIT_TEST(testDefaultSchemaIsPublic);
  CPPUNIT_TEST(testColumnsWithTypesNullabilityDefaultsAndKeys);
  CPPUNIT_TEST(testIndexesUniqueFirstWithMethodSqlAndColumns);
  CPPUNIT_TEST(testPrimaryKeysInKeyOrder);
  CPPUNIT_TEST(testCompositeAndImplicitForeignKeys);
  CPPUNIT_TEST(testUnknownTableHasNothing);
  CPPUNIT_TEST(testHostileTableNameIsOnlyAValue);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo::connect(lingo_test::pg_uri()));
    s_ = lingo_test::unique_name("introspect");
    db_->execute_sql(in_schema(R"(
      CREATE SCHEMA @;
      CREATE TABLE @.parent (region varchar(20) NOT NULL, id integer NOT NULL,
        name text NOT NULL DEFAULT 'x', created timestamptz DEFAULT now(), PRIMARY KEY (region, id));
      CREATE TABLE @.child (id serial PRIMARY KEY, parent_region varchar(20) NOT NULL,
        parent_id integer NOT NULL, code char(3), amount numeric(10,2) DEFAULT 0, tags text[], data jsonb,
        CONSTRAINT child_parent_fk FOREIGN KEY (parent_region, parent_id)
          REFERENCES @.parent (region, id) ON DELETE CASCADE);
      CREATE UNIQUE INDEX child_code_uq ON @.child (code);
      CREATE INDEX child_parent_idx ON @.child (parent_id, parent_region);
      CREATE INDEX child_positive_idx ON @.child (amount) WHERE amount > 0;
      CREATE INDEX child_data_gin ON @.child USING gin (data);
      CREATE INDEX parent_lower_name_idx ON @.parent (lower(name), id);
      CREATE TABLE @.note (body text,
        child_id integer REFERENCES @.child ON UPDATE CASCADE ON DELETE SET NULL);
      CREATE VIEW @.child_view AS SELECT id FROM @.child;)"));
  }

  // The DDL with each @ replaced by this test's schema.
  std::string in_schema(std::string sql) const {
    for (auto at = sql.find('@'); at != std::string::npos; at = sql.find('@', at)) sql.replace(at, 1, s_);
    return sql;
  }

  void tearDown() override {
    if (db_) db_->execute_sql("DROP SCHEMA IF EXISTS " + s_ + " CASCADE");
    db_.reset();
  }

  void testTablesOfASchemaAreSortedAndExcludeViews() {
    CPPUNIT_ASSERT(Strings({"child", "note", "parent"}) == db_->get_tables(s_));
    CPPUNIT_ASSERT(db_->get_tables("no_such_schema").empty());
  }

  void testDefaultSchemaIsPublic() {
    const std::string t = lingo_test::unique_name("introspect_public");
    db_->execute_sql("CREATE TABLE public." + t + " (x bigint)");
    const auto tables = db_->get_tables();
    const auto columns = db_->get_columns(t);
    db_->execute_sql("DROP TABLE public." + t);
    CPPUNIT_ASSERT(std::find(tables.begin(), tables.end(), t) != tables.end());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, columns.size());
    check_column(columns[0], "x", "bigint", true, false, std::nullopt, t);
  }

  void testColumnsWithTypesNullabilityDefaultsAndKeys() {
    const auto parent = db_->get_columns("parent", s_);
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, parent.size());
    check_column(parent[0], "region", "character varying", false, true, std::nullopt, "parent");
    check_column(parent[1], "id", "integer", false, true, std::nullopt, "parent");
    check_column(parent[2], "name", "text", false, false, "'x'::text", "parent");
    check_column(parent[3], "created", "timestamp with time zone", true, false, "now()", "parent");

    const auto child = db_->get_columns("child", s_);
    CPPUNIT_ASSERT_EQUAL(std::size_t{7}, child.size());
    check_column(child[0], "id", "integer", false, true, "nextval('" + s_ + ".child_id_seq'::regclass)",
                 "child");
    check_column(child[1], "parent_region", "character varying", false, false, std::nullopt, "child");
    check_column(child[2], "parent_id", "integer", false, false, std::nullopt, "child");
    check_column(child[3], "code", "character", true, false, std::nullopt, "child");
    check_column(child[4], "amount", "numeric", true, false, "0", "child");
    check_column(child[5], "tags", "text[]", true, false, std::nullopt, "child");
    check_column(child[6], "data", "jsonb", true, false, std::nullopt, "child");
  }

  void testIndexesUniqueFirstWithMethodSqlAndColumns() {
    const auto indexes = db_->get_indexes("child", s_);
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, indexes.size());
    const std::string on = " ON " + s_ + ".child USING ";
    check_index(indexes[0], "child_code_uq", "CREATE UNIQUE INDEX child_code_uq" + on + "btree (code)",
                {"code"}, true, "btree", false, "child");
    check_index(indexes[1], "child_pkey", "CREATE UNIQUE INDEX child_pkey" + on + "btree (id)", {"id"}, true,
                "btree", true, "child");
    check_index(indexes[2], "child_data_gin", "CREATE INDEX child_data_gin" + on + "gin (data)", {"data"},
                false, "gin", false, "child");
    check_index(indexes[3], "child_parent_idx",
                "CREATE INDEX child_parent_idx" + on + "btree (parent_id, parent_region)",
                {"parent_id", "parent_region"}, false, "btree", false, "child");
    check_index(indexes[4], "child_positive_idx",
                "CREATE INDEX child_positive_idx" + on + "btree (amount) WHERE (amount > (0)::numeric)",
                {"amount"}, false, "btree", false, "child");

    const auto parent = db_->get_indexes("parent", s_);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, parent.size());
    check_index(parent[0], "parent_pkey",
                "CREATE UNIQUE INDEX parent_pkey ON " + s_ + ".parent USING btree (region, id)",
                {"region", "id"}, true, "btree", true, "parent");
    // An expression key is its text.
    check_index(parent[1], "parent_lower_name_idx",
                "CREATE INDEX parent_lower_name_idx ON " + s_ + ".parent USING btree (lower(name), id)",
                {"lower(name)", "id"}, false, "btree", false, "parent");
    CPPUNIT_ASSERT(db_->get_indexes("note", s_).empty());
  }

  void testPrimaryKeysInKeyOrder() {
    CPPUNIT_ASSERT(Strings({"region", "id"}) == db_->get_primary_keys("parent", s_));
    CPPUNIT_ASSERT(Strings({"id"}) == db_->get_primary_keys("child", s_));
    CPPUNIT_ASSERT(db_->get_primary_keys("note", s_).empty());
  }

  void testCompositeAndImplicitForeignKeys() {
    const auto child = db_->get_foreign_keys("child", s_);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, child.size());
    check_key(child[0], "child_parent_fk", "parent_region", "parent", "region", "CASCADE", "NO ACTION",
              "child");
    check_key(child[1], "child_parent_fk", "parent_id", "parent", "id", "CASCADE", "NO ACTION", "child");

    const auto note = db_->get_foreign_keys("note", s_);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, note.size());
    check_key(note[0], "note_child_id_fkey", "child_id", "child", "id", "SET NULL", "CASCADE", "note");
    CPPUNIT_ASSERT(db_->get_foreign_keys("parent", s_).empty());
  }

  void testUnknownTableHasNothing() {
    CPPUNIT_ASSERT(db_->get_columns("no_such_table", s_).empty());
    CPPUNIT_ASSERT(db_->get_indexes("no_such_table", s_).empty());
    CPPUNIT_ASSERT(db_->get_primary_keys("no_such_table", s_).empty());
    CPPUNIT_ASSERT(db_->get_foreign_keys("no_such_table", s_).empty());
    // A name that would widen the match if it were spliced into the query.
    CPPUNIT_ASSERT(db_->get_columns("parent' OR 'x' = 'x", s_).empty());
  }

  void testHostileTableNameIsOnlyAValue() {
    db_->execute_sql("CREATE TABLE " + s_ +
                     ".\"it's a \"\"table\"\"; DROP TABLE x; --\" "
                     "(\"we\"\"ird; col\" integer PRIMARY KEY, \"it's\" text DEFAULT 'it''s')");
    const auto columns = db_->get_columns(hostile_table, s_);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, columns.size());
    check_column(columns[0], "we\"ird; col", "integer", false, true, std::nullopt, hostile_table);
    check_column(columns[1], "it's", "text", true, false, "'it''s'::text", hostile_table);
    CPPUNIT_ASSERT(Strings({"we\"ird; col"}) == db_->get_primary_keys(hostile_table, s_));
    const auto indexes = db_->get_indexes(hostile_table, s_);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, indexes.size());
    CPPUNIT_ASSERT_EQUAL(hostile_table + "_pkey", indexes[0].name);
    CPPUNIT_ASSERT(Strings({"we\"ird; col"}) == indexes[0].columns);
    CPPUNIT_ASSERT(indexes[0].primary);
    CPPUNIT_ASSERT(Strings({"child", hostile_table, "note", "parent"}) == db_->get_tables(s_));
    // A schema name is bound the same way.
    CPPUNIT_ASSERT(db_->get_tables(s_ + "' OR '1' = '1").empty());
  }

 private:
  std::unique_ptr<Database> db_;
  std::string s_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgIntrospectionTest);
