// `lingo gen`: models written from a live schema. Built for every dialect
// (gen_sqlite, gen_postgres, gen_crdb). The round trip creates a schema with
// every field kind the dialect has, generates headers from it, compiles them
// into a program with the real compiler, lets that program create its tables
// in a fresh database, and compares what the two databases report. The CLI's
// --check is run as a real process.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dialect_suite.h"
#include "lingo/codegen.h"
#include "lingo/lingo.h"

using namespace lingo;
using lingo_test::Backend;
using lingo_test::kBackend;

namespace {

// Every field kind the dialect provides, with the constraints and indexes a
// model can declare, under names a C++ identifier cannot be.
struct Author : Table {
  Column<std::int64_t> id = column("id", BigAutoField{});
  Column<std::string> name = column("name", CharField{80}.unique());
  Column<std::optional<std::string>> bio = column("bio", TextField{}.null().default_value("n/a"));
  Author() : Table("gen_author") {}
};
inline const Author author;

struct Everything : Table {
  Column<std::int64_t> id = column("id", BigAutoField{});
  Column<std::int16_t> small = column("small", SmallIntegerField{});
  Column<std::int32_t> regular = column("regular", IntegerField{}.default_value(7));
  Column<std::int64_t> big = column("big", BigIntegerField{});
  Column<double> dbl = column("dbl", DoubleField{});
  Column<lingo::Decimal> money = column("money", DecimalField{14, 2});
  Column<bool> flag = column("flag", BooleanField{}.default_value(false));
  Column<std::string> code = column("code", CharField{12});
  Column<std::optional<std::string>> notes = column("notes", TextField{}.null());
  Column<std::optional<Bytes>> blob = column("blob", BlobField{}.null());
  Column<std::optional<Date>> day = column("day", DateField{}.null());
  Column<std::optional<Time>> at = column("at", TimeField{}.null());
  Column<std::optional<Timestamp>> stamp = column("stamp", DateTimeField{}.null());
  Column<TimestampTz> created = column("created", TimestampTzField{}.default_sql("CURRENT_TIMESTAMP"));
  Column<std::optional<Uuid>> ref = column("ref", UUIDField{}.null());
  Column<std::optional<boost::json::value>> doc = column("doc", JSONField{}.null());
  Column<std::int64_t> author_id =
      column("author_id", ForeignKeyField{author.id}.on_delete(ReferentialAction::cascade));
  Column<std::optional<std::int64_t>> parent = column("parent", ForeignKeyField{id}.null());
  Everything() : Table("gen_everything") {
    index({&code, &small}, {.name = "gen_everything_code_small"});
    unique_index({&big}, {.name = "gen_everything_big_unique"});
    index({&regular}, {.name = "gen_everything_live", .where = "notes IS NOT NULL"});
  }
};
inline const Everything everything;

// A name with a quote, a backslash, a space and a question mark; columns
// named after a keyword, a number and a member Table has.
struct Hostile : Table {
  Column<std::int64_t> a = column("a", BigIntegerField{});
  Column<std::int64_t> b = column("b", BigIntegerField{});
  Column<std::optional<std::string>> kw = column("class", TextField{}.null());
  Column<std::optional<std::int32_t>> num = column("1st", IntegerField{}.null());
  Column<std::optional<std::string>> idx = column("index", TextField{}.null());
  Column<std::optional<std::string>> table_word = column("Table", TextField{}.null());
  Column<std::optional<std::string>> macro = column("linux", TextField{}.null());
  Hostile() : Table("gen \"odd\\ name?") { primary_key({&a, &b}); }
};
inline const Hostile hostile;

// The PostgreSQL family's own kinds.
struct PgKinds : Table {
  Column<std::int32_t> id = column("id", AutoField{});
  Column<float> real = column("real", FloatField{});
  Column<std::optional<boost::json::value>> doc = column("doc", BinaryJSONField{}.null());
  Column<std::vector<std::int32_t>> scores = column("scores", ArrayField(ValueType::int32));
  Column<std::optional<std::vector<std::string>>> grid =
      column("grid", ArrayField(ValueType::text, 2).null());
  PgKinds() : Table("gen_pg_kinds") { index({&doc}, {.name = "gen_pg_kinds_doc", .method = "GIN"}); }
};
inline const PgKinds pg_kinds;

struct CrdbUuidKey : Table {
  Column<Uuid> id = column("id", UUIDKeyField{});
  Column<std::vector<std::string>> tags = column("tags", ArrayField(ValueType::text));
  Column<std::optional<boost::json::value>> doc = column("doc", JSONField{}.null());
  CrdbUuidKey() : Table("gen_crdb_uuid") {}
};
inline const CrdbUuidKey crdb_uuid;

struct CrdbRowId : Table {
  Column<std::int64_t> id = column("id", RowIDField{});
  Column<std::optional<Uuid>> other = column("other", ForeignKeyField{crdb_uuid.id}.null());
  CrdbRowId() : Table("gen_crdb_rowid") {}
};
inline const CrdbRowId crdb_rowid;

std::vector<const Table*> schema_tables() {
  std::vector<const Table*> tables{&author, &everything, &hostile};
  if constexpr (kBackend == Backend::postgres) tables.push_back(&pg_kinds);
  if constexpr (kBackend == Backend::crdb) tables.insert(tables.end(), {&crdb_uuid, &crdb_rowid});
  return tables;
}

// What the database reports of its tables, one line per fact, for comparison.
std::string describe_schema(Database& db) {
  std::ostringstream out;
  for (const auto& table : db.get_tables()) {
    if (table.rfind("gen", 0) != 0) continue;
    out << "table " << table << "\n";
    for (const auto& c : db.get_columns(table)) {
      out << "  column " << c.name << " | " << c.data_type << " | null " << c.nullable << " | pk "
          << c.primary_key << " | default " << c.default_sql.value_or("-") << " | " << c.length << " "
          << c.precision << " " << c.scale << " " << c.dimensions << "\n";
    }
    for (const auto& i : db.get_indexes(table)) {
      out << "  index " << i.name << " | " << i.sql << " | unique " << i.unique << " | " << i.method << " |";
      for (const auto& c : i.columns) out << " " << c;
      out << "\n";
    }
    out << "  primary key";
    for (const auto& k : db.get_primary_keys(table)) out << " " << k;
    out << "\n";
    for (const auto& k : db.get_foreign_keys(table)) {
      out << "  foreign key " << k.name << " | " << k.column << " -> " << k.dest_table << "." << k.dest_column
          << " | " << k.on_delete << " " << k.on_update << "\n";
    }
  }
  return out.str();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_models(const GeneratedModels& models, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& file : models.files) std::ofstream(dir / file.name, std::ios::binary) << file.text;
}

using lingo_test::shell_quote;

struct Run {
  int status;
  std::string out;  // stdout and stderr together
};

Run run_shell(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  CPPUNIT_ASSERT(pipe != nullptr);
  Run run{};
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) run.out.append(buf, n);
  const int raw = ::pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return run;
}

// `lingo` with args; stdout and stderr together, as the assertions read them.
Run run_lingo(const std::vector<std::string>& args) {
  const auto run = lingo_test::run_command(LINGO_CLI, args);
  return {run.status, run.out + run.err};
}

}  // namespace

class GenSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(GenSuite);
  CPPUNIT_TEST(testEveryFieldKindRoundTripsThroughTheCompiler);
  CPPUNIT_TEST(testHostileNamesAreQuotedByteForByte);
  CPPUNIT_TEST(testColumnOfAnUnknownTypeIsLeftOutWithANote);
  CPPUNIT_TEST(testForeignKeyCycleIsBrokenWithANote);
  CPPUNIT_TEST(testCheckExitsOneAndPrintsTheDrift);
  CPPUNIT_TEST(testUnknownTableAndBadNamespaceAreRefused);
  CPPUNIT_TEST(testUnifiedDiff);
  CPPUNIT_TEST(testPartialIndexAndUnconstrainedNumeric);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    dir_ = lingo_test::temp_dir();
    uri_ = lingo_test::backend_uri(dir_, "gen.db");
    db_.emplace(connect(uri_));
    drop_all(*db_);
  }
  void tearDown() override {
    if (db_) drop_all(*db_);
    db_.reset();
  }

  void testEveryFieldKindRoundTripsThroughTheCompiler() {
    db_->create_tables(schema_tables());
    const std::string before = describe_schema(*db_);
    const auto models = generate_models(*db_, {.tables = suite_tables(*db_)});
    CPPUNIT_ASSERT_MESSAGE(join(models.notes), models.notes.empty());
    const auto gen_dir = std::filesystem::path(dir_) / "models";
    write_models(models, gen_dir);

    std::ofstream(gen_dir / "main.cpp") << "#include \"lingo/lingo.h\"\n#include \"models.h\"\n"
                                           "int main(int, char** argv) {\n"
                                           "  auto db = lingo::connect(argv[1]);\n"
                                           "  db.create_tables(models::all_tables);\n"
                                           "}\n";
    const std::string program = (gen_dir / "create_tables").string();
    // gnu++20, CMake's default for C++20, under which `linux` and `unix` are macros.
    const std::string compile = std::string(LINGO_CXX) + " -std=gnu++20 " + LINGO_GEN_FLAGS +
                                " -Wall -Wextra -Wpedantic -Wshadow -Werror -I" +
                                shell_quote(gen_dir.string()) + " -I" + shell_quote(LINGO_INCLUDE) + " " +
                                shell_quote((gen_dir / "main.cpp").string()) + " -o " + shell_quote(program) +
                                " " + shell_quote(LINGO_LIB) + " " + shell_quote(LINGO_BOOST_JSON_LIB) +
                                " -Wl,-rpath," + std::filesystem::path(LINGO_LIB).parent_path().string();
    const Run compiled = run_shell(compile);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("the generated headers do not compile:\n" + compiled.out, 0,
                                 compiled.status);

    // On the simulator, the same database with the tables dropped: the
    // simulator installs CockroachDB's functions (unique_rowid) in the
    // database it serves, which a new one would lack.
    if constexpr (kBackend == Backend::crdb) drop_all(*db_);
    lingo_test::FreshDatabase fresh(dir_);
    const std::string fresh_uri = kBackend == Backend::crdb ? uri_ : fresh.uri();
    const Run created = run_shell(shell_quote(program) + " " + shell_quote(fresh_uri));
    CPPUNIT_ASSERT_EQUAL_MESSAGE("the generated program failed:\n" + created.out, 0, created.status);
    auto again = connect(fresh_uri);
    const std::string after = describe_schema(again);
    CPPUNIT_ASSERT_MESSAGE("the schema the generated models create differs:\n" +
                               unified_diff("original", before, "from generated models", after),
                           before == after);
    CPPUNIT_ASSERT(before.find("table gen_everything") != std::string::npos);
    if constexpr (kBackend == Backend::crdb) drop_all(again);
  }

  void testHostileNamesAreQuotedByteForByte() {
    db_->create_tables({&hostile});
    const auto models = generate_models(*db_, {.tables = suite_tables(*db_)});
    const std::string& text = file_named(models, "gen_odd_name.h").text;
    LINGO_ASSERT_CONTAINS(text, "struct GenOddName : lingo::Table {");
    LINGO_ASSERT_CONTAINS(text, "GenOddName() : Table(\"gen \\\"odd\\\\ name\\077\")");
    LINGO_ASSERT_CONTAINS(text, "lingo::Column<std::optional<std::string>> class_ = column(\"class\"");
    // CockroachDB's INTEGER is 64-bit, and the model says so.
    LINGO_ASSERT_CONTAINS(text,
                          kBackend == Backend::crdb
                              ? "lingo::Column<std::optional<std::int64_t>> column_1st = column(\"1st\", "
                                "lingo::BigIntegerField{}"
                              : "lingo::Column<std::optional<std::int32_t>> column_1st = column(\"1st\", "
                                "lingo::IntegerField{}");
    LINGO_ASSERT_CONTAINS(text, "lingo::Column<std::optional<std::string>> index_ = column(\"index\"");
    LINGO_ASSERT_CONTAINS(text, "lingo::Column<std::optional<std::string>> Table_ = column(\"Table\"");
    LINGO_ASSERT_CONTAINS(text, "lingo::Column<std::optional<std::string>> linux_ = column(\"linux\"");
    LINGO_ASSERT_CONTAINS(text, "primary_key({&a, &b});");
    LINGO_ASSERT_CONTAINS(file_named(models, "models.h").text, "all_tables{&gen_odd_name}");
  }

  void testColumnOfAnUnknownTypeIsLeftOutWithANote() {
    const std::string type = kBackend == Backend::sqlite ? "GEOMETRY" : "inet";
    db_->execute_sql("CREATE TABLE gen_unknown (id BIGINT PRIMARY KEY, addr " + type + ")");
    const auto models = generate_models(*db_, {.tables = {"gen_unknown"}});
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, models.notes.size());
    LINGO_ASSERT_CONTAINS(models.notes[0], "column \"addr\" (" + type + ") left out: no field kind of the");
    const std::string& text = file_named(models, "gen_unknown.h").text;
    LINGO_ASSERT_CONTAINS(text, "// column \"addr\" (" + type + ") left out");
    CPPUNIT_ASSERT(text.find("column(\"addr\"") == std::string::npos);
    // SQLite lets a key other than the rowid hold NULL unless NOT NULL is declared, and says so.
    LINGO_ASSERT_CONTAINS(text,
                          kBackend == Backend::sqlite
                              ? "<std::optional<std::int64_t>> id = column(\"id\", "
                                "lingo::BigIntegerField{}.primary_key().null())"
                              : "<std::int64_t> id = column(\"id\", lingo::BigIntegerField{}.primary_key())");
  }

  void testForeignKeyCycleIsBrokenWithANote() {
    db_->execute_sql("CREATE TABLE gen_cycle_a (id BIGINT PRIMARY KEY, b_id BIGINT)");
    db_->execute_sql(
        "CREATE TABLE gen_cycle_b (id BIGINT PRIMARY KEY, a_id BIGINT REFERENCES gen_cycle_a (id))");
    if constexpr (kBackend == Backend::sqlite) {
      // SQLite adds a foreign key only by rebuilding the table.
      db_->execute_sql("DROP TABLE gen_cycle_a");
      db_->execute_sql(
          "CREATE TABLE gen_cycle_a (id BIGINT PRIMARY KEY, b_id BIGINT REFERENCES gen_cycle_b (id))");
    } else {
      db_->execute_sql("ALTER TABLE gen_cycle_a ADD FOREIGN KEY (b_id) REFERENCES gen_cycle_b (id)");
    }
    const auto models = generate_models(*db_, {.tables = {"gen_cycle_a", "gen_cycle_b"}});
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, models.notes.size());
    LINGO_ASSERT_CONTAINS(models.notes[0],
                          "table \"gen_cycle_a\": column \"b_id\" references \"gen_cycle_b\"");
    LINGO_ASSERT_CONTAINS(models.notes[0], "form a cycle");
    LINGO_ASSERT_CONTAINS(file_named(models, "gen_cycle_b.h").text,
                          "lingo::ForeignKeyField{::models::gen_cycle_a.id}");
    LINGO_ASSERT_CONTAINS(file_named(models, "gen_cycle_b.h").text, "#include \"gen_cycle_a.h\"");
    LINGO_ASSERT_CONTAINS(file_named(models, "models.h").text, "all_tables{&gen_cycle_a, &gen_cycle_b}");
  }

  void testCheckExitsOneAndPrintsTheDrift() {
    db_->create_tables({&author});
    const std::string out = dir_ + "/checked";
    const Run wrote = run_lingo({"gen", uri_, "-o", out});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(wrote.out, 0, wrote.status);
    LINGO_ASSERT_CONTAINS(wrote.out, "wrote " + out + "/gen_author.h");
    const Run same = run_lingo({"gen", uri_, "--check", out});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(same.out, 0, same.status);
    LINGO_ASSERT_CONTAINS(same.out, "match the schema");

    db_->execute_sql("ALTER TABLE gen_author ADD COLUMN born DATE");
    const Run drift = run_lingo({"gen", uri_, "--check", out});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(drift.out, 1, drift.status);
    LINGO_ASSERT_CONTAINS(drift.out, "--- " + out + "/gen_author.h\n+++ schema\n@@ ");
    LINGO_ASSERT_CONTAINS(drift.out,
                          "\n+  lingo::Column<std::optional<lingo::Date>> born = column(\"born\", "
                          "lingo::DateField{}.null());\n");
    LINGO_ASSERT_CONTAINS(drift.out, "differ from the schema; run `lingo gen URI -o " + out + "`");
    const auto written = read_file(out + "/gen_author.h");
    CPPUNIT_ASSERT(written.find("born") == std::string::npos);  // --check writes nothing

    db_->drop_tables({&author});
    const Run gone = run_lingo({"gen", uri_, "--check", out});
    CPPUNIT_ASSERT_EQUAL(1, gone.status);
    LINGO_ASSERT_CONTAINS(gone.out, out + "/gen_author.h: its table is no longer in the schema");
    std::filesystem::remove(out + "/gen_author.h");
    db_->create_tables({&author});
    const Run missing = run_lingo({"gen", uri_, "--check", out});
    CPPUNIT_ASSERT_EQUAL(1, missing.status);
    LINGO_ASSERT_CONTAINS(missing.out, out + "/gen_author.h: missing; the schema has it");
  }

  void testUnknownTableAndBadNamespaceAreRefused() {
    db_->create_tables({&author});
    const Run unknown = run_lingo({"gen", uri_, "--tables", "gen_author,gen_nosuch"});
    CPPUNIT_ASSERT_EQUAL(1, unknown.status);
    LINGO_ASSERT_CONTAINS(unknown.out, "lingo gen: no table \"gen_nosuch\" in the default schema");
    const Run bad_ns = run_lingo({"gen", uri_, "--namespace", "my-models"});
    CPPUNIT_ASSERT_EQUAL(1, bad_ns.status);
    LINGO_ASSERT_CONTAINS(bad_ns.out, "the namespace \"my-models\" is not a C++ namespace name");
    const Run usage = run_lingo({"gen", uri_, "-o", "a", "--check", "b"});
    CPPUNIT_ASSERT_EQUAL(2, usage.status);
    const Run nested = run_lingo({"gen", uri_, "--namespace", "app::db"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(nested.out, 0, nested.status);
    LINGO_ASSERT_CONTAINS(nested.out, "namespace app::db {");
  }

  void testUnifiedDiff() {
    CPPUNIT_ASSERT_EQUAL(std::string(), unified_diff("a", "x\ny\n", "b", "x\ny\n"));
    CPPUNIT_ASSERT_EQUAL(std::string("--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3\n"),
                         unified_diff("a", "1\n2\n3\n", "b", "1\ntwo\n3\n"));
    // Changes far apart make two hunks, each with three lines of context.
    std::string from;
    for (int i = 1; i <= 20; ++i) from += std::to_string(i) + "\n";
    std::string to = from;
    to.replace(0, 2, "one\n");
    to.replace(to.find("\n20\n") + 1, 3, "twenty\n");
    CPPUNIT_ASSERT_EQUAL(std::string("--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n"
                                     "@@ -17,4 +17,4 @@\n 17\n 18\n 19\n-20\n+twenty\n"),
                         unified_diff("a", from, "b", to));
  }

  // A partial index's condition however the CREATE INDEX spells it, and a
  // NUMERIC without precision (PostgreSQL family).
  void testPartialIndexAndUnconstrainedNumeric() {
    const std::string numeric = kBackend == Backend::sqlite ? "REAL" : "NUMERIC";
    db_->execute_sql("CREATE TABLE gen_part (id BIGINT PRIMARY KEY, a BIGINT, b BIGINT, n " + numeric + ")");
    db_->execute_sql("CREATE INDEX gen_part_a ON gen_part (a)\n  where(b IS NULL)");
    const auto models = generate_models(*db_, {.tables = {"gen_part"}});
    const std::string& text = file_named(models, "gen_part.h").text;
    LINGO_ASSERT_CONTAINS(text, "index({&a}, {.name = \"gen_part_a\", .where = \"");
    LINGO_ASSERT_CONTAINS(text, "b IS NULL");
    if constexpr (kBackend != Backend::sqlite) {
      LINGO_ASSERT_CONTAINS(text, "column(\"n\", lingo::DecimalField{0, 0}.null())");
      CPPUNIT_ASSERT_EQUAL(std::string("NUMERIC"), db_->compiler().column_type(DecimalField{0, 0}));
    }
  }

 private:
  static std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
  }
  static const GeneratedFile& file_named(const GeneratedModels& models, const std::string& name) {
    for (const auto& file : models.files)
      if (file.name == name) return file;
    CPPUNIT_FAIL("no generated file " + name);
    throw;
  }
  // The suite's tables: those whose names start with "gen" (the test
  // PostgreSQL is shared with other suites).
  static std::vector<std::string> suite_tables(Database& db) {
    auto tables = db.get_tables();
    std::erase_if(tables, [](const std::string& t) { return t.rfind("gen", 0) != 0; });
    return tables;
  }
  static void drop_all(Database& db) {
    for (const auto& table : suite_tables(db)) {
      std::string quoted = "\"";
      for (const char c : table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      db.execute_sql("DROP TABLE IF EXISTS " + quoted + "\"" +
                     (kBackend == Backend::sqlite ? "" : " CASCADE"));
    }
  }

  std::string dir_;
  std::string uri_;
  std::optional<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(GenSuite);
