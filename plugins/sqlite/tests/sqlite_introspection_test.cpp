// Schema introspection on SQLite: tables, columns, indexes, primary and
// foreign keys of tables made with raw DDL, compared field by field, in main,
// temp and an attached database whose name needs quoting.
#include <optional>
#include <string>
#include <vector>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;

namespace {

using Strings = std::vector<std::string>;

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
                 const Strings& columns, bool unique, bool primary, const std::string& table) {
  CPPUNIT_ASSERT_EQUAL(name, i.name);
  CPPUNIT_ASSERT_EQUAL(sql, i.sql);
  CPPUNIT_ASSERT_MESSAGE(name + ": columns", columns == i.columns);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(name, unique, i.unique);
  CPPUNIT_ASSERT_EQUAL(std::string("btree"), i.method);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(name, primary, i.primary);
  CPPUNIT_ASSERT_EQUAL(table, i.table);
}

void check_key(const ForeignKeyMetadata& k, const std::string& column, const std::string& dest_table,
               const std::string& dest_column, const std::string& on_delete, const std::string& on_update,
               const std::string& table) {
  CPPUNIT_ASSERT_EQUAL(std::string(), k.name);  // SQLite keeps no constraint names
  CPPUNIT_ASSERT_EQUAL(column, k.column);
  CPPUNIT_ASSERT_EQUAL(dest_table, k.dest_table);
  CPPUNIT_ASSERT_EQUAL(dest_column, k.dest_column);
  CPPUNIT_ASSERT_EQUAL(on_delete, k.on_delete);
  CPPUNIT_ASSERT_EQUAL(on_update, k.on_update);
  CPPUNIT_ASSERT_EQUAL(table, k.table);
}

}  // namespace

class SqliteIntrospectionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SqliteIntrospectionTest);
  CPPUNIT_TEST(testTablesAreSortedWithoutSqlitesOwnOrViews);
  CPPUNIT_TEST(testColumnsWithDeclaredTypesNullabilityDefaultsAndKeys);
  CPPUNIT_TEST(testIndexesUniqueFirstWithSqlAndColumns);
  CPPUNIT_TEST(testPrimaryKeysInKeyOrder);
  CPPUNIT_TEST(testForeignKeysInDeclarationOrderWithImplicitParentColumns);
  CPPUNIT_TEST(testUnknownTableHasNothing);
  CPPUNIT_TEST(testTempAndAttachedSchemas);
  CPPUNIT_TEST(testUnknownOrHostileSchemaIsRefused);
  CPPUNIT_TEST(testHostileTableNameIsOnlyAValue);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    db_ = std::make_unique<Database>(lingo::connect("sqlite://"));
    db_->execute_sql(R"(
      CREATE TABLE parent (region VARCHAR(20) NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL DEFAULT 'x',
        created TIMESTAMP DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (region, id));
      CREATE TABLE child (id INTEGER PRIMARY KEY AUTOINCREMENT, parent_region VARCHAR(20) NOT NULL,
        parent_id INTEGER NOT NULL, code CHAR(3) UNIQUE, amount DECIMAL(10,2) DEFAULT 0, data,
        FOREIGN KEY (parent_region, parent_id) REFERENCES parent (region, id) ON DELETE CASCADE);
      CREATE UNIQUE INDEX child_lower_code_uq ON child (lower(code));
      CREATE INDEX child_parent_idx ON child (parent_id, parent_region);
      CREATE INDEX child_positive_idx ON child (amount) WHERE amount > 0;
      CREATE TABLE note (body TEXT, child_id INTEGER REFERENCES child ON UPDATE CASCADE ON DELETE SET NULL,
        parent_region TEXT, parent_id INTEGER, FOREIGN KEY (parent_region, parent_id) REFERENCES parent);
      CREATE VIEW child_view AS SELECT id FROM child;)");
  }
  void tearDown() override { db_.reset(); }

  void testTablesAreSortedWithoutSqlitesOwnOrViews() {
    // AUTOINCREMENT made sqlite_sequence, which is SQLite's, not the application's.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1},
                         db_->execute_sql("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
                             .scalar<std::int64_t>());
    CPPUNIT_ASSERT(Strings({"child", "note", "parent"}) == db_->get_tables());
    CPPUNIT_ASSERT(Strings({"child", "note", "parent"}) == db_->get_tables("main"));
    CPPUNIT_ASSERT(Strings({"child", "note", "parent"}) == db_->get_tables("MAIN"));  // as SQLite: any case
  }

  void testColumnsWithDeclaredTypesNullabilityDefaultsAndKeys() {
    const auto parent = db_->get_columns("parent");
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, parent.size());
    check_column(parent[0], "region", "VARCHAR(20)", false, true, std::nullopt, "parent");
    check_column(parent[1], "id", "INTEGER", false, true, std::nullopt, "parent");
    check_column(parent[2], "name", "TEXT", false, false, "'x'", "parent");
    check_column(parent[3], "created", "TIMESTAMP", true, false, "CURRENT_TIMESTAMP", "parent");

    const auto child = db_->get_columns("child", "main");
    CPPUNIT_ASSERT_EQUAL(std::size_t{6}, child.size());
    // SQLite reports NOT NULL only where it was declared, even on a key.
    check_column(child[0], "id", "INTEGER", true, true, std::nullopt, "child");
    check_column(child[1], "parent_region", "VARCHAR(20)", false, false, std::nullopt, "child");
    check_column(child[2], "parent_id", "INTEGER", false, false, std::nullopt, "child");
    check_column(child[3], "code", "CHAR(3)", true, false, std::nullopt, "child");
    check_column(child[4], "amount", "DECIMAL(10,2)", true, false, "0", "child");
    check_column(child[5], "data", "", true, false, std::nullopt, "child");
  }

  void testIndexesUniqueFirstWithSqlAndColumns() {
    const auto child = db_->get_indexes("child");
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, child.size());
    // An expression key has no name SQLite reports.
    check_index(child[0], "child_lower_code_uq",
                "CREATE UNIQUE INDEX child_lower_code_uq ON child (lower(code))", {""}, true, false, "child");
    check_index(child[1], "sqlite_autoindex_child_1", "", {"code"}, true, false, "child");
    check_index(child[2], "child_parent_idx",
                "CREATE INDEX child_parent_idx ON child (parent_id, parent_region)",
                {"parent_id", "parent_region"}, false, false, "child");
    check_index(child[3], "child_positive_idx",
                "CREATE INDEX child_positive_idx ON child (amount) WHERE amount > 0", {"amount"}, false,
                false, "child");

    // The composite primary key has an index SQLite made; INTEGER PRIMARY
    // KEY (child.id) is the rowid and has none.
    const auto parent = db_->get_indexes("parent");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, parent.size());
    check_index(parent[0], "sqlite_autoindex_parent_1", "", {"region", "id"}, true, true, "parent");
    CPPUNIT_ASSERT(db_->get_indexes("note").empty());
  }

  void testPrimaryKeysInKeyOrder() {
    db_->execute_sql("CREATE TABLE reversed (a INTEGER, b TEXT, PRIMARY KEY (b, a)) WITHOUT ROWID");
    CPPUNIT_ASSERT(Strings({"region", "id"}) == db_->get_primary_keys("parent"));
    CPPUNIT_ASSERT(Strings({"b", "a"}) == db_->get_primary_keys("reversed"));
    CPPUNIT_ASSERT(Strings({"id"}) == db_->get_primary_keys("child"));
    CPPUNIT_ASSERT(db_->get_primary_keys("note").empty());
  }

  void testForeignKeysInDeclarationOrderWithImplicitParentColumns() {
    const auto child = db_->get_foreign_keys("child");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, child.size());
    check_key(child[0], "parent_region", "parent", "region", "CASCADE", "NO ACTION", "child");
    check_key(child[1], "parent_id", "parent", "id", "CASCADE", "NO ACTION", "child");

    // "REFERENCES child" and "REFERENCES parent" name no columns: the
    // parents' primary keys are filled in, in key order.
    const auto note = db_->get_foreign_keys("note");
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, note.size());
    check_key(note[0], "child_id", "child", "id", "SET NULL", "CASCADE", "note");
    check_key(note[1], "parent_region", "parent", "region", "NO ACTION", "NO ACTION", "note");
    check_key(note[2], "parent_id", "parent", "id", "NO ACTION", "NO ACTION", "note");
    CPPUNIT_ASSERT(db_->get_foreign_keys("parent").empty());
  }

  void testUnknownTableHasNothing() {
    CPPUNIT_ASSERT(db_->get_columns("no_such_table").empty());
    CPPUNIT_ASSERT(db_->get_indexes("no_such_table").empty());
    CPPUNIT_ASSERT(db_->get_primary_keys("no_such_table").empty());
    CPPUNIT_ASSERT(db_->get_foreign_keys("no_such_table").empty());
    CPPUNIT_ASSERT(db_->get_columns("parent' OR 'x' = 'x").empty());
  }

  void testTempAndAttachedSchemas() {
    CPPUNIT_ASSERT(db_->get_tables("temp").empty());  // before SQLite has made the temp database
    db_->execute_sql("CREATE TEMP TABLE scratch (x INTEGER NOT NULL DEFAULT 7)");
    CPPUNIT_ASSERT(Strings({"scratch"}) == db_->get_tables("temp"));
    check_column(db_->get_columns("scratch", "temp").at(0), "x", "INTEGER", false, false, "7", "scratch");

    const std::string other = "other \"db\"; --";
    db_->execute_sql("ATTACH ':memory:' AS \"other \"\"db\"\"; --\"");
    db_->execute_sql(
        "CREATE TABLE \"other \"\"db\"\"; --\".t (id INTEGER PRIMARY KEY, v TEXT);"
        "CREATE INDEX \"other \"\"db\"\"; --\".t_v ON t (v)");
    CPPUNIT_ASSERT(Strings({"t"}) == db_->get_tables(other));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, db_->get_columns("t", other).size());
    CPPUNIT_ASSERT(Strings({"id"}) == db_->get_primary_keys("t", other));
    const auto indexes = db_->get_indexes("t", other);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, indexes.size());
    check_index(indexes[0], "t_v", "CREATE INDEX t_v ON t (v)", {"v"}, false, false, "t");
    CPPUNIT_ASSERT(db_->get_columns("t").empty());  // not in main
  }

  void testUnknownOrHostileSchemaIsRefused() {
    auto e = expect_throw<ProgrammingError>([&] { (void)db_->get_tables("nosuch"); }, "unknown schema");
    CPPUNIT_ASSERT_EQUAL(std::string("3F000"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::string("sqlite"), e.dialect());
    LINGO_ASSERT_CONTAINS(e.what(), "no schema \"nosuch\"");
    LINGO_ASSERT_CONTAINS(e.what(), "its schemas are main (and temp)");
    expect_throw<ProgrammingError>(
        [&] { (void)db_->get_tables("main\".sqlite_master; DROP TABLE parent; --"); }, "hostile schema");
    expect_throw<ProgrammingError>([&] { (void)db_->get_columns("parent", "nosuch"); }, "columns");
    expect_throw<ProgrammingError>([&] { (void)db_->get_indexes("parent", "nosuch"); }, "indexes");
    expect_throw<ProgrammingError>([&] { (void)db_->get_primary_keys("parent", "nosuch"); }, "pk");
    expect_throw<ProgrammingError>([&] { (void)db_->get_foreign_keys("parent", "nosuch"); }, "fk");
    CPPUNIT_ASSERT(Strings({"child", "note", "parent"}) == db_->get_tables());
  }

  void testHostileTableNameIsOnlyAValue() {
    db_->execute_sql(
        "CREATE TABLE \"it's a \"\"table\"\"; DROP TABLE x; --\" "
        "(\"we\"\"ird; col\" INTEGER PRIMARY KEY, \"it's\" TEXT DEFAULT 'it''s', "
        "parent_id INTEGER REFERENCES child (id) ON DELETE RESTRICT);"
        "CREATE INDEX \"odd 'index'\" ON \"it's a \"\"table\"\"; DROP TABLE x; --\" (\"it's\", parent_id)");
    const auto columns = db_->get_columns(hostile_table);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, columns.size());
    check_column(columns[0], "we\"ird; col", "INTEGER", true, true, std::nullopt, hostile_table);
    check_column(columns[1], "it's", "TEXT", true, false, "'it''s'", hostile_table);
    check_column(columns[2], "parent_id", "INTEGER", true, false, std::nullopt, hostile_table);
    CPPUNIT_ASSERT(Strings({"we\"ird; col"}) == db_->get_primary_keys(hostile_table));
    const auto indexes = db_->get_indexes(hostile_table);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, indexes.size());
    check_index(
        indexes[0], "odd 'index'",
        "CREATE INDEX \"odd 'index'\" ON \"it's a \"\"table\"\"; DROP TABLE x; --\" (\"it's\", parent_id)",
        {"it's", "parent_id"}, false, false, hostile_table);
    const auto keys = db_->get_foreign_keys(hostile_table);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, keys.size());
    check_key(keys[0], "parent_id", "child", "id", "RESTRICT", "NO ACTION", hostile_table);
    CPPUNIT_ASSERT(Strings({"child", hostile_table, "note", "parent"}) == db_->get_tables());
  }

 private:
  std::unique_ptr<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteIntrospectionTest);
