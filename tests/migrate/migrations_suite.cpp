// Versioned migrations on every dialect (migrations_sqlite, _postgres,
// _crdb): up, status and down; a migration that fails halfway; two runners
// at once; the lock; diff; and `lingo migrate` run as a real process over a
// library of migrations.
#include <sys/wait.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "dialect_suite.h"
#include "lingo/codegen.h"
#include "lingo/lingo.h"
#include "lingo/migrations.h"

using namespace lingo;
using lingo_test::Backend;
using lingo_test::expect_throw;
using lingo_test::kBackend;

namespace {

struct Shelf : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::string> label = column("label", TextField{});
  Shelf() : Table("migv_shelf") {}
};
inline const Shelf shelf;

std::string describe(Database& db) {
  std::ostringstream out;
  for (const auto& table : db.get_tables()) {
    if (table.rfind("migv", 0) != 0) continue;
    out << "table " << table << "\n";
    for (const auto& c : db.get_columns(table))
      out << "  column " << c.name << " | " << c.data_type << " | null " << c.nullable << "\n";
    for (const auto& i : db.get_indexes(table)) out << "  index " << i.name << "\n";
  }
  return out.str();
}

bool has_column(Database& db, const std::string& table, const std::string& column) {
  for (const auto& c : db.get_columns(table))
    if (c.name == column) return true;
  return false;
}

Migrations three_migrations() {
  Migrations m;
  m.add({"0001_shelf", [](MigrationPlan& p) { p.create_table(shelf); },
         [](MigrationPlan& p) { p.drop_table("migv_shelf"); }});
  m.add({"0002_color",
         [](MigrationPlan& p) {
           p.schema().add_column("migv_shelf", "color", TextField{}.null());
           p.sql("INSERT INTO migv_shelf (id, label, color) VALUES (1, 'top', 'red')");
         },
         [](MigrationPlan& p) {
           p.sql("DELETE FROM migv_shelf WHERE id = 1");
           p.schema().drop_column("migv_shelf", "color");
         }});
  m.add({"0003_index",
         [](MigrationPlan& p) { p.schema().add_index("migv_shelf", {"label"}, {.name = "migv_label"}); },
         [](MigrationPlan& p) { p.schema().drop_index("migv_shelf", "migv_label"); }});
  return m;
}

std::vector<std::string> ids_in(const std::vector<MigrationStatus>& rows, MigrationStatus::State state) {
  std::vector<std::string> ids;
  for (const auto& r : rows)
    if (r.state == state) ids.push_back(r.id);
  return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

// Lists of migration ids compare, and print, as lists.
template <>
struct CppUnit::assertion_traits<Ids> {
  static bool equal(const Ids& a, const Ids& b) { return a == b; }
  static std::string toString(const Ids& ids) {
    std::string out = "[";
    for (const auto& id : ids) out += (out.size() > 1 ? ", " : "") + id;
    return out + "]";
  }
};

namespace {

lingo_test::CommandRun run_lingo(const std::vector<std::string>& args) {
  return lingo_test::run_command(LINGO_CLI, args);
}

}  // namespace

class MigrationsSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MigrationsSuite);
  CPPUNIT_TEST(testUpStatusAndDownBackToTheStart);
  CPPUNIT_TEST(testUpToATarget);
  CPPUNIT_TEST(testFailingMigrationLeavesTheHistoryTrue);
  CPPUNIT_TEST(testTwoRunnersApplyEachMigrationOnce);
  CPPUNIT_TEST(testLockHeldByAnotherRunnerFailsClearly);
  CPPUNIT_TEST(testMistakesAreRefused);
  CPPUNIT_TEST(testDiffProposesChangesAndNeverDrops);
  CPPUNIT_TEST(testCommandLineOverALibrary);
  CPPUNIT_TEST(testHistoryFollowsTheSearchPath);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = lingo_test::temp_dir();
    uri_ = lingo_test::backend_uri(dir_, "migrations.db");
    db_.emplace(connect(uri_));
    clean();
  }
  void tearDown() override {
    if (db_) clean();
    db_.reset();
  }

  void testUpStatusAndDownBackToTheStart() {
    const std::string start = describe(*db_);
    const Migrations migrations = three_migrations();
    CPPUNIT_ASSERT_EQUAL((Ids{"0001_shelf", "0002_color", "0003_index"}),
                         ids_in(migrations.status(*db_), MigrationStatus::State::pending));
    CPPUNIT_ASSERT_EQUAL((Ids{"0001_shelf", "0002_color", "0003_index"}), migrations.up(*db_));
    const auto status = migrations.status(*db_);
    CPPUNIT_ASSERT_EQUAL((Ids{"0001_shelf", "0002_color", "0003_index"}),
                         ids_in(status, MigrationStatus::State::applied));
    CPPUNIT_ASSERT(!status[0].applied_at.empty());
    CPPUNIT_ASSERT(has_column(*db_, "migv_shelf", "color"));
    CPPUNIT_ASSERT_EQUAL(std::string("red"),
                         scalar("SELECT color FROM migv_shelf WHERE id = 1").as<std::string>());
    CPPUNIT_ASSERT(migrations.up(*db_).empty());  // nothing twice

    CPPUNIT_ASSERT_EQUAL((Ids{"0003_index"}), migrations.down(*db_));
    CPPUNIT_ASSERT_EQUAL((Ids{"0003_index"}),
                         ids_in(migrations.status(*db_), MigrationStatus::State::pending));
    CPPUNIT_ASSERT_EQUAL((Ids{"0002_color", "0001_shelf"}), migrations.down(*db_, 5));
    CPPUNIT_ASSERT_EQUAL(start, describe(*db_));
    CPPUNIT_ASSERT_EQUAL(std::size_t{3},
                         ids_in(migrations.status(*db_), MigrationStatus::State::pending).size());
  }

  void testUpToATarget() {
    const Migrations migrations = three_migrations();
    CPPUNIT_ASSERT_EQUAL((Ids{"0001_shelf", "0002_color"}), migrations.up(*db_, "0002_color"));
    CPPUNIT_ASSERT_EQUAL((Ids{"0003_index"}),
                         ids_in(migrations.status(*db_), MigrationStatus::State::pending));
    expect_throw<InterfaceError>([&] { (void)migrations.up(*db_, "0009_nothing"); }, "unknown target");
  }

  void testFailingMigrationLeavesTheHistoryTrue() {
    Migrations migrations = three_migrations();
    static std::atomic<bool> broken{true};
    broken = true;
    migrations.add({"0004_rename_then_fail",
                    [](MigrationPlan& p) {
                      p.schema().rename_column("migv_shelf", "label", "name");
                      p.run([](Database& db) {
                        if (broken) db.execute_sql("INSERT INTO migv_shelf (id, name) VALUES (1, 'clash')");
                      });
                      p.schema().add_column("migv_shelf", "width", IntegerField{}.null());
                    },
                    {}});
    const auto error = expect_throw<IntegrityError>([&] { (void)migrations.up(*db_); }, "row 1 exists");
    auto status = migrations.status(*db_);
    CPPUNIT_ASSERT_EQUAL((Ids{"0001_shelf", "0002_color", "0003_index"}),
                         ids_in(status, MigrationStatus::State::applied));
    if constexpr (kBackend == Backend::crdb) {
      // Step by step: the rename is in place, the history says so and why the next step failed.
      CPPUNIT_ASSERT(status[3].state == MigrationStatus::State::partial);
      CPPUNIT_ASSERT_EQUAL(1, status[3].steps_done);
      CPPUNIT_ASSERT_EQUAL(3, status[3].steps_total);
      LINGO_ASSERT_CONTAINS(status[3].error, "step 2 of 3: ");
      CPPUNIT_ASSERT(has_column(*db_, "migv_shelf", "name"));
      expect_throw<InterfaceError>([&] { (void)migrations.down(*db_); },
                                   "a partial migration is not reverted");
      // Its code changed since it stopped: resuming would start at the wrong step.
      Migrations edited = three_migrations();
      edited.add({"0004_rename_then_fail", [](MigrationPlan& p) { p.sql("SELECT 1"); }, {}});
      const auto changed = expect_throw<InterfaceError>([&] { (void)edited.up(*db_); }, "step count changed");
      LINGO_ASSERT_CONTAINS(changed.what(), "stopped after step 1 of 3, but its code now has 1 steps");
    } else {
      // One transaction: nothing of it happened.
      CPPUNIT_ASSERT(status[3].state == MigrationStatus::State::pending);
      CPPUNIT_ASSERT(has_column(*db_, "migv_shelf", "label"));
      CPPUNIT_ASSERT(!has_column(*db_, "migv_shelf", "name"));
    }
    broken = false;
    CPPUNIT_ASSERT_EQUAL((Ids{"0004_rename_then_fail"}), migrations.up(*db_));  // resumes, or runs whole
    CPPUNIT_ASSERT(has_column(*db_, "migv_shelf", "name") && has_column(*db_, "migv_shelf", "width"));
    CPPUNIT_ASSERT(!has_column(*db_, "migv_shelf", "label"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{4},
                         ids_in(migrations.status(*db_), MigrationStatus::State::applied).size());
    // It has no down: refused, nothing reverted.
    const auto refused = expect_throw<InterfaceError>([&] { (void)migrations.down(*db_); }, "no down");
    LINGO_ASSERT_CONTAINS(refused.what(), "cannot be reverted");
  }

  void testTwoRunnersApplyEachMigrationOnce() {
    Migrations migrations = three_migrations();
    migrations.add({"0004_slow",
                    [](MigrationPlan& p) {
                      p.run([](Database&) { std::this_thread::sleep_for(std::chrono::milliseconds(300)); });
                      p.sql("INSERT INTO migv_shelf (id, label) VALUES (2, 'slow')");
                    },
                    {}});
    std::vector<std::string> first;
    std::vector<std::string> second;
    std::string failure;
    auto runner = [&](std::vector<std::string>& out) {
      try {
        auto db = connect(uri_);
        out = migrations.up(db);
      } catch (const std::exception& e) {
        failure = e.what();
      }
    };
    std::thread a(runner, std::ref(first));
    std::thread b(runner, std::ref(second));
    a.join();
    b.join();
    CPPUNIT_ASSERT_EQUAL(std::string(), failure);
    std::set<std::string> all(first.begin(), first.end());
    for (const auto& id : second) CPPUNIT_ASSERT_MESSAGE(id + " applied twice", all.insert(id).second);
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, all.size());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1},
                         scalar("SELECT count(*) FROM migv_shelf WHERE id = 2").as<std::int64_t>());
  }

  void testLockHeldByAnotherRunnerFailsClearly() {
    const Migrations migrations = three_migrations();
    (void)migrations.up(*db_, "0001_shelf");
    db_->execute_sql(
        "INSERT INTO lingo_migrations_lock (id, holder, since) VALUES (1, 'host9 pid 42', 'then')");
    const auto error = expect_throw<OperationalError>(
        [&] { (void)migrations.up(*db_, {}, {.lock_wait = std::chrono::milliseconds(300)}); },
        "the lock is held");
    LINGO_ASSERT_CONTAINS(error.what(), "another migration runner holds the lock (host9 pid 42)");
    LINGO_ASSERT_CONTAINS(error.what(), "`lingo migrate URI unlock`");
    CPPUNIT_ASSERT_EQUAL(std::string("55P03"), error.sqlstate());
    CPPUNIT_ASSERT(Migrations::unlock(*db_));
    CPPUNIT_ASSERT(!Migrations::unlock(*db_));
    CPPUNIT_ASSERT_EQUAL((Ids{"0002_color", "0003_index"}), migrations.up(*db_));
  }

  void testMistakesAreRefused() {
    Migrations migrations;
    migrations.add({"0001", [](MigrationPlan& p) { p.sql("SELECT 1"); }, {}});
    expect_throw<InterfaceError>([&] { migrations.add({"0001", [](MigrationPlan&) {}, {}}); }, "same id");
    expect_throw<InterfaceError>([&] { migrations.add({"", [](MigrationPlan&) {}, {}}); }, "empty id");
    expect_throw<InterfaceError>([&] { migrations.add({"0002", {}, {}}); }, "no up");
    auto txn = db_->atomic();
    db_->execute_sql("SELECT 1");
    expect_throw<InterfaceError>([&] { (void)migrations.up(*db_); }, "inside a transaction");
    txn.rollback();
  }

  void testDiffProposesChangesAndNeverDrops() {
    db_->create_tables({&shelf});
    CPPUNIT_ASSERT(diff_schema(*db_, {&shelf}).code.empty());
    SchemaEditor(*db_)
        .drop_column("migv_shelf", "label")
        .add_column("migv_shelf", "extra", TextField{}.null())
        .apply();
    db_->execute_sql("CREATE TABLE migv_stray (id BIGINT PRIMARY KEY)");
    const auto diff = diff_schema(*db_, {&shelf});
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, diff.code.size());
    CPPUNIT_ASSERT_EQUAL(std::string("m.schema().add_column(\"migv_shelf\", \"label\", lingo::TextField{});"),
                         diff.code[0]);
    std::string warnings;
    for (const auto& w : diff.warnings) warnings += w + "\n";
    LINGO_ASSERT_CONTAINS(warnings,
                          "column \"extra\" of table \"migv_shelf\" is in the database but not in the "
                          "model; it is not dropped");
    LINGO_ASSERT_CONTAINS(warnings,
                          "table \"migv_stray\" is in the database but not in the models; it is not dropped");

    // A foreign key column the database lacks: its stored kind, then the key with its actions.
    struct Box : Table {
      Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
      Column<std::optional<std::int64_t>> shelf_id =
          column("shelf_id", ForeignKeyField{shelf.id}.null().on_delete(ReferentialAction::cascade));
      Box() : Table("migv_box") {}
    } box;
    db_->execute_sql("CREATE TABLE migv_box (id BIGINT PRIMARY KEY)");
    const auto box_diff = diff_schema(*db_, {&box});
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, box_diff.code.size());
    CPPUNIT_ASSERT_EQUAL(
        std::string("m.schema().add_column(\"migv_box\", \"shelf_id\", lingo::BigIntegerField{}.null());"),
        box_diff.code[0]);
    CPPUNIT_ASSERT_EQUAL(
        std::string("m.schema().add_foreign_key(\"migv_box\", \"shelf_id\", \"migv_shelf\", \"id\", "
                    "lingo::ReferentialAction::cascade, lingo::ReferentialAction::no_action);"),
        box_diff.code[1]);
    db_->execute_sql("DROP TABLE migv_box");
  }

  // In a database of its own: `diff` reports every table the models lack,
  // and the shared test database has other suites' tables.
  void testCommandLineOverALibrary() {
    const std::string lib = LINGO_MIGRATIONS_LIB;
    lingo_test::FreshDatabase fresh(dir_);
    const std::string uri = fresh.uri();
    auto r = run_lingo({"migrate", "--from", lib, uri, "status"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 1, r.status);  // pending: a deploy gate
    CPPUNIT_ASSERT_EQUAL(
        std::string("pending  0001_create_book\npending  0002_add_isbn\npending  0003_index_title\n"
                    "3 migration(s) to apply\n"),
        r.out);
    r = run_lingo({"migrate", "--from", lib, uri, "diff"});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    LINGO_ASSERT_CONTAINS(r.out, "m.create_table(libmig_book);  // the model of table \"libmig_book\"");
    r = run_lingo({"migrate", "--from", lib, uri, "up", "0002_add_isbn"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("applied 0001_create_book\napplied 0002_add_isbn\n"), r.out);
    r = run_lingo({"migrate", "--from", lib, uri, "diff"});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("m.schema().add_index(\"libmig_book\", {\"title\"}, {.name = "
                                     "\"libmig_book_title\"});\n"),
                         r.out);
    r = run_lingo({"migrate", "--from", lib, uri, "up"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    r = run_lingo({"migrate", "--from", lib, uri, "status"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out, 0, r.status);
    LINGO_ASSERT_CONTAINS(r.out, "applied  0003_index_title  (");
    r = run_lingo({"migrate", "--from", lib, uri, "diff"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
    LINGO_ASSERT_CONTAINS(r.out, "the models and the schema agree");
    r = run_lingo({"migrate", "--from", lib, uri, "down", "3"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
    CPPUNIT_ASSERT_EQUAL(
        std::string("reverted 0003_index_title\nreverted 0002_add_isbn\nreverted 0001_create_book\n"), r.out);
    CPPUNIT_ASSERT(connect(uri).get_columns("libmig_book").empty());

    // create, usage errors, a library that is not there.
    r = run_lingo({"migrate", "create", "add_shelf_color", "--dir", dir_ + "/migrations"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    LINGO_ASSERT_CONTAINS(r.out, "_add_shelf_color.cpp");
    CPPUNIT_ASSERT_EQUAL(2, run_lingo({"migrate", "create", "Bad-Name"}).status);
    CPPUNIT_ASSERT_EQUAL(2, run_lingo({"migrate", uri, "sideways"}).status);
    CPPUNIT_ASSERT_EQUAL(2, run_lingo({"migrate", uri, "down", "many"}).status);
    r = run_lingo({"migrate", "--from", dir_ + "/nothing.so", uri, "status"});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    LINGO_ASSERT_CONTAINS(r.err, "cannot load the migrations library");
  }

  // The history table is found where the statements using it find it: in
  // the first schema of the search path, not necessarily public.
  void testHistoryFollowsTheSearchPath() {
    if constexpr (kBackend != Backend::postgres) return;
    db_->execute_sql("DROP SCHEMA IF EXISTS migv_app CASCADE");
    db_->execute_sql("CREATE SCHEMA migv_app");
    db_->execute_sql("SET search_path TO migv_app");
    const Migrations migrations = three_migrations();
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, migrations.up(*db_).size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3},
                         ids_in(migrations.status(*db_), MigrationStatus::State::applied).size());
    CPPUNIT_ASSERT(migrations.up(*db_).empty());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, scalar("SELECT count(*) FROM migv_shelf").as<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL((Ids{"0003_index"}), migrations.down(*db_));
    db_->execute_sql("SET search_path TO public");
    db_->execute_sql("DROP SCHEMA migv_app CASCADE");
  }

 private:
  Value scalar(const std::string& sql) {
    const Result result = db_->execute_sql(sql);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, result.size());
    return result[0].get<Value>(0);
  }
  void clean() {
    for (const char* table :
         {"migv_shelf", "migv_stray", "libmig_book", "lingo_migrations", "lingo_migrations_lock"})
      db_->execute_sql(std::string("DROP TABLE IF EXISTS ") + table);
  }

  std::string dir_;
  std::string uri_;
  std::optional<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MigrationsSuite);
