// SchemaEditor: each schema change on every dialect (migrate_sqlite,
// migrate_postgres, migrate_crdb), checked by introspection and by the rows,
// which no change may lose; a batch that fails halfway; the SQLite rebuild.
#include <sstream>

#include "dialect_suite.h"
#include "lingo/codegen.h"
#include "lingo/lingo.h"
#include "lingo/migrate.h"

using namespace lingo;
using lingo_test::Backend;
using lingo_test::expect_throw;
using lingo_test::kBackend;

namespace {

struct Owner : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::string> name = column("name", TextField{});
  Owner() : Table("mig_owner") {}
};
inline const Owner owner;

// Hostile names: a quote in the table's name, a keyword and a space in columns'.
struct Pet : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::string> name = column("na\"me", TextField{}.check("length(\"na\"\"me\") > 0"));
  Column<std::optional<std::int32_t>> age = column("age", IntegerField{}.null());
  Column<std::optional<std::int64_t>> owner_id = column("owner id", BigIntegerField{}.null());
  Pet() : Table("mig \"pet\"") { index({&age}, {.name = "mig_pet_age"}); }
};
inline const Pet pet;

std::string describe(Database& db) {
  std::ostringstream out;
  auto tables = db.get_tables();
  std::sort(tables.begin(), tables.end());
  for (const auto& table : tables) {
    if (table.rfind("mig", 0) != 0) continue;
    out << "table " << table << "\n";
    for (const auto& c : db.get_columns(table)) {
      out << "  column " << c.name << " | " << c.data_type << " | null " << c.nullable << " | pk "
          << c.primary_key << " | default " << c.default_sql.value_or("-") << "\n";
    }
    for (const auto& i : db.get_indexes(table)) {
      out << "  index " << i.name << " | unique " << i.unique << " |";
      for (const auto& c : i.columns) out << " " << c;
      out << "\n";
    }
    for (const auto& k : db.get_foreign_keys(table))
      out << "  foreign key " << k.column << " -> " << k.dest_table << "." << k.dest_column << "\n";
  }
  return out.str();
}

const ColumnMetadata* column_named(const std::vector<ColumnMetadata>& columns, const std::string& name) {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

class MigrateSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MigrateSuite);
  CPPUNIT_TEST(testAddAndDropColumnKeepTheRows);
  CPPUNIT_TEST(testRenameColumnAndTable);
  CPPUNIT_TEST(testNotNullAndDefaults);
  CPPUNIT_TEST(testAlterColumnTypeConvertsTheValues);
  CPPUNIT_TEST(testIndexesAndForeignKeys);
  CPPUNIT_TEST(testForeignKeyOverDanglingRowsIsRefused);
  CPPUNIT_TEST(testUpThenDownReturnsTheSchema);
  CPPUNIT_TEST(testBatchFailingHalfway);
  CPPUNIT_TEST(testMistakesAreRefusedBeforeAnythingIsSent);
  CPPUNIT_TEST(testApplyInsideATransactionIsRefused);
  CPPUNIT_TEST(testSqliteRebuildKeepsWhatItDoesNotTouch);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = lingo_test::temp_dir();
    db_.emplace(connect(lingo_test::backend_uri(dir_, "migrate.db")));
    drop_all();
    db_->create_tables({&owner, &pet});
    db_->insert(owner).set(owner.id, 1).set(owner.name, "ann").execute();
    db_->insert(owner).set(owner.id, 2).set(owner.name, "bob").execute();
    for (int i = 1; i <= 5; ++i) {
      db_->insert(pet)
          .set(pet.id, i)
          .set(pet.name, "pet " + std::to_string(i))
          .set(pet.age, i == 3 ? std::optional<std::int32_t>() : std::optional<std::int32_t>(i * 2))
          .set(pet.owner_id, std::optional<std::int64_t>(i % 2 + 1))
          .execute();
    }
  }
  void tearDown() override {
    if (db_) drop_all();
    db_.reset();
  }

  void testAddAndDropColumnKeepTheRows() {
    SchemaEditor(*db_)
        .add_column("mig \"pet\"", "color", TextField{}.null().default_value("brown"))
        .add_column("mig \"pet\"", "tag", CharField{10}.null().unique())
        .apply();
    auto columns = db_->get_columns("mig \"pet\"");
    CPPUNIT_ASSERT(column_named(columns, "color") && column_named(columns, "tag"));
    CPPUNIT_ASSERT_EQUAL(std::string("brown"),
                         value("SELECT color FROM \"mig \"\"pet\"\"\" WHERE id = 4").as<std::string>());
    expect_throw<IntegrityError>(
        [&] { db_->execute_sql("UPDATE \"mig \"\"pet\"\"\" SET tag = 'x' WHERE id IN (1, 2)"); },
        "the added column is unique");

    SchemaEditor(*db_).drop_column("mig \"pet\"", "color").drop_column("mig \"pet\"", "age").apply();
    columns = db_->get_columns("mig \"pet\"");
    CPPUNIT_ASSERT(!column_named(columns, "color") && !column_named(columns, "age"));
    CPPUNIT_ASSERT(column_named(columns, "na\"me"));
    // The index over the dropped column went with it, as PostgreSQL does.
    for (const auto& index : db_->get_indexes("mig \"pet\"")) CPPUNIT_ASSERT(index.name != "mig_pet_age");
    check_rows_kept({"id", "\"na\"\"me\"", "\"owner id\""});
  }

  void testRenameColumnAndTable() {
    SchemaEditor(*db_)
        .rename_column("mig \"pet\"", "owner id", "owner_ref")
        .rename_table("mig \"pet\"", "mig_animal")
        .apply();
    const auto columns = db_->get_columns("mig_animal");
    CPPUNIT_ASSERT(column_named(columns, "owner_ref"));
    CPPUNIT_ASSERT(db_->get_columns("mig \"pet\"").empty());
    CPPUNIT_ASSERT_EQUAL(
        std::int64_t{5},
        value("SELECT count(*) FROM mig_animal WHERE owner_ref IS NOT NULL").as<std::int64_t>());
    SchemaEditor(*db_)
        .rename_table("mig_animal", "mig \"pet\"")
        .rename_column("mig \"pet\"", "owner_ref", "owner id")
        .apply();
  }

  void testNotNullAndDefaults() {
    expect_throw<IntegrityError>([&] { SchemaEditor(*db_).add_not_null("mig \"pet\"", "age").apply(); },
                                 "a NULL age is there");
    db_->execute_sql("UPDATE \"mig \"\"pet\"\"\" SET age = 0 WHERE age IS NULL");
    SchemaEditor(*db_).add_not_null("mig \"pet\"", "age").set_default("mig \"pet\"", "age", 1).apply();
    auto age = *column_named(db_->get_columns("mig \"pet\""), "age");
    CPPUNIT_ASSERT(!age.nullable);
    LINGO_ASSERT_CONTAINS(age.default_sql.value_or(""), "1");
    db_->execute_sql("INSERT INTO \"mig \"\"pet\"\"\" (id, \"na\"\"me\") VALUES (6, 'six')");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1},
                         value("SELECT age FROM \"mig \"\"pet\"\"\" WHERE id = 6").as<std::int64_t>());

    SchemaEditor(*db_).drop_not_null("mig \"pet\"", "age").drop_default("mig \"pet\"", "age").apply();
    age = *column_named(db_->get_columns("mig \"pet\""), "age");
    CPPUNIT_ASSERT(age.nullable);
    CPPUNIT_ASSERT(!age.default_sql);
    SchemaEditor(*db_).set_default_sql("mig \"pet\"", "age", "(2 + 3)").apply();
    db_->execute_sql("INSERT INTO \"mig \"\"pet\"\"\" (id, \"na\"\"me\") VALUES (7, 'seven')");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5},
                         value("SELECT age FROM \"mig \"\"pet\"\"\" WHERE id = 7").as<std::int64_t>());
    // The CHECK on another column survived every rebuild.
    expect_throw<IntegrityError>(
        [&] { db_->execute_sql("INSERT INTO \"mig \"\"pet\"\"\" (id, \"na\"\"me\") VALUES (8, '')"); },
        "the CHECK constraint is kept");
  }

  void testAlterColumnTypeConvertsTheValues() {
    SchemaEditor(*db_).alter_column_type("mig \"pet\"", "age", TextField{}).apply();
    const auto age = *column_named(db_->get_columns("mig \"pet\""), "age");
    LINGO_ASSERT_CONTAINS(age.data_type, kBackend == Backend::sqlite ? "TEXT" : "text");
    CPPUNIT_ASSERT(age.nullable);
    CPPUNIT_ASSERT_EQUAL(std::string("8"),
                         value("SELECT age FROM \"mig \"\"pet\"\"\" WHERE id = 4").as<std::string>());
    SchemaEditor(*db_).alter_column_type("mig \"pet\"", "age", BigIntegerField{}).apply();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{8},
                         value("SELECT age FROM \"mig \"\"pet\"\"\" WHERE id = 4").as<std::int64_t>());
    check_rows_kept({"id", "\"na\"\"me\"", "age", "\"owner id\""});
  }

  void testIndexesAndForeignKeys() {
    SchemaEditor(*db_)
        .add_index("mig \"pet\"", {"na\"me", "age"}, {.name = "mig_pet_name_age", .unique = true})
        .add_foreign_key("mig \"pet\"", "owner id", "mig_owner", "id", ReferentialAction::cascade)
        .apply();
    bool found = false;
    for (const auto& index : db_->get_indexes("mig \"pet\""))
      found = found || (index.name == "mig_pet_name_age" && index.unique && index.columns.size() == 2);
    CPPUNIT_ASSERT(found);
    const auto keys = db_->get_foreign_keys("mig \"pet\"");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, keys.size());
    CPPUNIT_ASSERT_EQUAL(std::string("owner id"), keys[0].column);
    CPPUNIT_ASSERT_EQUAL(std::string("CASCADE"), keys[0].on_delete);
    expect_throw<IntegrityError>(
        [&] { db_->execute_sql("UPDATE \"mig \"\"pet\"\"\" SET \"owner id\" = 99 WHERE id = 1"); },
        "the key is enforced");
    db_->execute_sql("DELETE FROM mig_owner WHERE id = 1");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3},
                         value("SELECT count(*) FROM \"mig \"\"pet\"\"\"").as<std::int64_t>());
    SchemaEditor(*db_).drop_index("mig \"pet\"", "mig_pet_name_age").apply();
    for (const auto& index : db_->get_indexes("mig \"pet\""))
      CPPUNIT_ASSERT(index.name != "mig_pet_name_age");
  }

  void testForeignKeyOverDanglingRowsIsRefused() {
    db_->execute_sql("UPDATE \"mig \"\"pet\"\"\" SET \"owner id\" = 99 WHERE id = 2");
    const std::string before = describe(*db_);
    expect_throw<IntegrityError>(
        [&] { SchemaEditor(*db_).add_foreign_key("mig \"pet\"", "owner id", "mig_owner", "id").apply(); },
        "pet 2's owner does not exist");
    CPPUNIT_ASSERT_EQUAL(before, describe(*db_));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5},
                         value("SELECT count(*) FROM \"mig \"\"pet\"\"\"").as<std::int64_t>());
  }

  void testUpThenDownReturnsTheSchema() {
    const std::string before = describe(*db_);
    SchemaEditor(*db_)
        .add_column("mig_owner", "email", CharField{80}.null())
        .add_index("mig_owner", {"email"}, {.name = "mig_owner_email"})
        .alter_column_type("mig \"pet\"", "age", BigIntegerField{})
        .set_default("mig \"pet\"", "age", 3)
        .rename_column("mig \"pet\"", "owner id", "keeper")
        .apply();
    CPPUNIT_ASSERT(describe(*db_) != before);
    SchemaEditor(*db_)
        .rename_column("mig \"pet\"", "keeper", "owner id")
        .drop_default("mig \"pet\"", "age")
        .alter_column_type("mig \"pet\"", "age", IntegerField{})
        .drop_index("mig_owner", "mig_owner_email")
        .drop_column("mig_owner", "email")
        .apply();
    const std::string after = describe(*db_);
    CPPUNIT_ASSERT_MESSAGE(unified_diff("before", before, "after up and down", after), before == after);
    check_rows_kept({"id", "\"na\"\"me\"", "age", "\"owner id\""});
  }

  void testBatchFailingHalfway() {
    const std::string before = describe(*db_);
    SchemaEditor editor(*db_);
    editor.add_column("mig_owner", "email", TextField{}.null()).add_not_null("mig \"pet\"", "age");
    expect_throw<IntegrityError>([&] { editor.apply(); }, "age holds a NULL");
    if constexpr (kBackend == Backend::crdb) {
      // One change per transaction: the first is in place, and applied() says so.
      CPPUNIT_ASSERT_EQUAL(std::size_t{1}, editor.applied());
      CPPUNIT_ASSERT(column_named(db_->get_columns("mig_owner"), "email"));
    } else {
      CPPUNIT_ASSERT_EQUAL(std::size_t{0}, editor.applied());
      CPPUNIT_ASSERT_EQUAL(before, describe(*db_));
    }
    check_rows_kept({"id", "\"na\"\"me\"", "age", "\"owner id\""});
    // The session goes on, outside any transaction.
    CPPUNIT_ASSERT(!db_->in_transaction());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, value("SELECT count(*) FROM mig_owner").as<std::int64_t>());
  }

  void testMistakesAreRefusedBeforeAnythingIsSent() {
    SchemaEditor editor(*db_);
    expect_throw<InterfaceError>([&] { editor.rename_column("mig_owner", "name", ""); }, "no new name");
    expect_throw<InterfaceError>([&] { editor.add_index("mig_owner", {}); }, "an index needs columns");
    expect_throw<InterfaceError>([&] { editor.drop_column("", "name"); }, "no table");
    if constexpr (kBackend != Backend::postgres) {
      expect_throw<NotSupportedError>(
          [&] { editor.add_column("mig_owner", "xs", ArrayField(ValueType::int32, 2)); },
          "a kind the dialect cannot store");
    }
    CPPUNIT_ASSERT(editor.changes().empty());
    const auto error = expect_throw<DatabaseError>(
        [&] { SchemaEditor(*db_).drop_not_null("mig_owner", "no_such_column").apply(); }, "no such column");
    LINGO_ASSERT_CONTAINS(error.what(), "no_such_column");
  }

  void testApplyInsideATransactionIsRefused() {
    auto txn = db_->atomic();
    db_->execute_sql("SELECT 1");
    const auto error = expect_throw<InterfaceError>(
        [&] { SchemaEditor(*db_).add_column("mig_owner", "email", TextField{}.null()).apply(); },
        "inside atomic");
    LINGO_ASSERT_CONTAINS(error.what(), "schema changes run in transactions of their own");
    txn.rollback();
    CPPUNIT_ASSERT(!column_named(db_->get_columns("mig_owner"), "email"));
  }

  // SQLite's rebuild edits one definition of a hand-written CREATE TABLE and
  // keeps the rest: comments, a blob default, a SET DEFAULT action, an ON
  // CONFLICT clause, a generated column, a view over the table, and an
  // AUTOINCREMENT counter. (Other dialects: nothing to rebuild.)
  void testSqliteRebuildKeepsWhatItDoesNotTouch() {
    if constexpr (kBackend != Backend::sqlite) return;
    db_->execute_sql("DROP VIEW IF EXISTS mig_view");
    db_->execute_sql("DROP TABLE IF EXISTS mig_hand");
    db_->execute_sql(
        "CREATE TABLE mig_hand (\n"
        "  id INTEGER PRIMARY KEY AUTOINCREMENT, -- the key, (really)\n"
        "  owner_id INTEGER REFERENCES mig_owner (id) ON DELETE SET DEFAULT DEFAULT 1,\n"
        "  b BLOB DEFAULT X'00' /* a blob, with a comma */,\n"
        "  code TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 'none',\n"
        "  note TEXT,\n"
        "  twice INTEGER GENERATED ALWAYS AS (id * 2))");
    db_->execute_sql("CREATE VIEW mig_view AS SELECT id, note FROM mig_hand");
    for (int i = 1; i <= 10; ++i) {
      const std::string number = std::to_string(i);
      db_->execute_sql("INSERT INTO mig_hand (owner_id, note) VALUES (1, $1)", {Value("n" + number)});
    }
    db_->execute_sql("DELETE FROM mig_hand WHERE id > 5");

    SchemaEditor(*db_)
        .drop_default("mig_hand", "owner_id")
        .add_not_null("mig_hand", "code")
        .drop_default("mig_hand", "b")
        .add_not_null("mig_hand", "note")
        .apply();

    const auto columns = db_->get_columns("mig_hand");
    CPPUNIT_ASSERT_EQUAL(std::string("BLOB"), column_named(columns, "b")->data_type);
    CPPUNIT_ASSERT(!column_named(columns, "b")->default_sql);
    CPPUNIT_ASSERT(!column_named(columns, "owner_id")->default_sql);
    CPPUNIT_ASSERT(!column_named(columns, "note")->nullable);
    const auto keys = db_->get_foreign_keys("mig_hand");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, keys.size());
    CPPUNIT_ASSERT_EQUAL(std::string("SET DEFAULT"), keys[0].on_delete);
    const std::string sql = value("SELECT sql FROM sqlite_master WHERE name = 'mig_hand'").as<std::string>();
    LINGO_ASSERT_CONTAINS(sql, "NOT NULL ON CONFLICT REPLACE");
    LINGO_ASSERT_CONTAINS(sql, "GENERATED ALWAYS AS (id * 2)");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, value("SELECT count(*) FROM mig_view").as<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{8},
                         value("SELECT twice FROM mig_hand WHERE id = 4").as<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::string("n4"),
                         value("SELECT note FROM mig_hand WHERE id = 4").as<std::string>());
    // The AUTOINCREMENT counter is where it was: deleted keys do not come back.
    db_->execute_sql("INSERT INTO mig_hand (owner_id, note) VALUES (1, 'new')");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{11}, value("SELECT max(id) FROM mig_hand").as<std::int64_t>());
    db_->execute_sql("DROP VIEW mig_view");
    db_->execute_sql("DROP TABLE mig_hand");
  }

 private:
  Value value(const std::string& sql) {
    const Result result = db_->execute_sql(sql);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, result.size());
    return result[0].get<Value>(0);
  }
  // The five pets' rows read back as they were written (as text, so that a
  // column whose type changed compares too).
  void check_rows_kept(const std::vector<std::string>& columns) {
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c;
    const Result rows =
        db_->execute_sql("SELECT " + list + " FROM \"mig \"\"pet\"\"\" WHERE id <= 5 ORDER BY id");
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::int64_t id = static_cast<std::int64_t>(i) + 1;
      CPPUNIT_ASSERT_EQUAL(id, rows[i].get<std::int64_t>(0));
      CPPUNIT_ASSERT_EQUAL("pet " + std::to_string(id), rows[i].get<std::string>(1));
      for (std::size_t k = 2; k < columns.size(); ++k) {
        const Value v = rows[i].get<Value>(k);
        if (columns[k] == "age") {
          if (id == 3)
            CPPUNIT_ASSERT(v.is_null() || v.to_string() == "0");
          else
            CPPUNIT_ASSERT_EQUAL(std::to_string(id * 2), v.to_string());
        } else if (columns[k] == "\"owner id\"") {
          CPPUNIT_ASSERT_EQUAL(std::to_string(id % 2 + 1), v.to_string());
        }
      }
    }
  }
  void drop_all() {
    db_->execute_sql("DROP TABLE IF EXISTS \"mig \"\"pet\"\"\"");
    db_->execute_sql("DROP TABLE IF EXISTS mig_animal");
    db_->execute_sql("DROP TABLE IF EXISTS mig_owner");
  }

  std::string dir_;
  std::optional<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MigrateSuite);
