// The `lingo` command, run as a real process: output, exit status (0 / 1 / 2)
// and messages on stderr.
#include <sys/wait.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

namespace {

lingo_test::CommandRun run_lingo(const std::vector<std::string>& args) {
  return lingo_test::run_command(LINGO_CLI, args);
}

}  // namespace

class CliTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CliTest);
  CPPUNIT_TEST(testPluginsListsBothDialectsWithTheirSchemes);
  CPPUNIT_TEST(testSqlOnInMemorySqlitePrintsATable);
  CPPUNIT_TEST(testSqlOnPostgresBindsParameters);
  CPPUNIT_TEST(testJsonOutputIsParseable);
  CPPUNIT_TEST(testStatementWithoutRowsReportsCount);
  CPPUNIT_TEST(testPingReportsTheServer);
  CPPUNIT_TEST(testUnknownSchemeExitsOneListingKnownSchemes);
  CPPUNIT_TEST(testDatabaseErrorExitsOneWithMessage);
  CPPUNIT_TEST(testUsageErrorsExitTwo);
  CPPUNIT_TEST(testPasswordNeverPrinted);
  CPPUNIT_TEST(testTablesAndDescribeOnASqliteFile);
  CPPUNIT_TEST(testDescribeOnPostgres);
  CPPUNIT_TEST(testDescribeOfAMissingTableExitsOne);
  CPPUNIT_TEST(testUsageErrorsOfTablesAndDescribe);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testPluginsListsBothDialectsWithTheirSchemes() {
    const auto r = run_lingo({"plugins"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    LINGO_ASSERT_CONTAINS(r.out, "postgres\n  schemes:  postgres, postgresql\n");
    LINGO_ASSERT_CONTAINS(r.out, "sqlite\n  schemes:  sqlite\n");
    LINGO_ASSERT_CONTAINS(r.out, "liblingo-postgres.so");
  }

  void testSqlOnInMemorySqlitePrintsATable() {
    const auto r = run_lingo({"sql", "sqlite://", "select 1 as one, 'x' as letter"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(" one | letter\n-----+--------\n   1 | x     \n(1 row)\n"), r.out);
  }

  void testSqlOnPostgresBindsParameters() {
    const auto r = run_lingo({"sql", lingo_test::pg_uri(), "select $1::int + 1 as n, $2 as s", "41", "it's"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    LINGO_ASSERT_CONTAINS(r.out, " 42 | it's");
  }

  void testJsonOutputIsParseable() {
    const auto r =
        run_lingo({"sql", "--json", lingo_test::pg_uri(),
                   "select 42 as n, 1.50::numeric as d, null::text as z, '{\"a\":[1]}'::jsonb as j"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    const auto rows = boost::json::parse(r.out).as_array();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, rows.size());
    const auto& row = rows[0].as_object();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{42}, row.at("n").as_int64());
    CPPUNIT_ASSERT(row.at("d").as_string() == "1.50");
    CPPUNIT_ASSERT(row.at("z").is_null());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, row.at("j").at("a").as_array()[0].as_int64());
  }

  void testStatementWithoutRowsReportsCount() {
    const auto r = run_lingo({"sql", "sqlite://", "create table t(x int); insert into t values (1), (2)"});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("OK, 2 rows affected\n"), r.out);
  }

  void testPingReportsTheServer() {
    const auto r = run_lingo({"ping", lingo_test::pg_uri()});
    CPPUNIT_ASSERT_EQUAL(0, r.status);
    LINGO_ASSERT_CONTAINS(r.out, "ok: postgres server version 15");
  }

  void testUnknownSchemeExitsOneListingKnownSchemes() {
    const auto r = run_lingo({"sql", "nosuch://x", "select 1"});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    CPPUNIT_ASSERT(r.out.empty());
    LINGO_ASSERT_CONTAINS(r.err, "no plugin serves the scheme 'nosuch'");
    LINGO_ASSERT_CONTAINS(r.err, "known schemes: cockroachdb, crdb, postgres, postgresql, sqlite");
  }

  void testDatabaseErrorExitsOneWithMessage() {
    const auto r = run_lingo({"sql", "sqlite://", "select * from missing_table"});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    LINGO_ASSERT_CONTAINS(r.err, "missing_table");
    LINGO_ASSERT_CONTAINS(r.err, "42P01");
    const auto pg = run_lingo({"sql", lingo_test::pg_uri(), "select * from missing_table"});
    CPPUNIT_ASSERT_EQUAL(1, pg.status);
    LINGO_ASSERT_CONTAINS(pg.err, "relation \"missing_table\" does not exist (SQLSTATE 42P01)");
  }

  void testUsageErrorsExitTwo() {
    CPPUNIT_ASSERT_EQUAL(2, run_lingo({}).status);
    CPPUNIT_ASSERT_EQUAL(2, run_lingo({"frobnicate"}).status);
    CPPUNIT_ASSERT_EQUAL(2, run_lingo({"sql", "sqlite://"}).status);
    CPPUNIT_ASSERT_EQUAL(2, run_lingo({"ping"}).status);
    const auto r = run_lingo({"sql"});
    LINGO_ASSERT_CONTAINS(r.err, "usage: lingo plugins");
    CPPUNIT_ASSERT_EQUAL(0, run_lingo({"--help"}).status);
  }

  void testPasswordNeverPrinted() {
    const auto r = run_lingo({"ping", "postgresql://lingo:hunter2@127.0.0.1:1/nowhere?connect_timeout=2"});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    LINGO_ASSERT_CONTAINS(r.err, "cannot connect to postgresql://lingo:****@127.0.0.1:1/nowhere");
    CPPUNIT_ASSERT(r.err.find("hunter2") == std::string::npos);
  }

  // An in-memory database lives only as long as one process, so the tables
  // go into a file that the three commands share.
  void testTablesAndDescribeOnASqliteFile() {
    const std::string dir = lingo_test::temp_dir();
    const std::string uri = "sqlite:///" + dir + "/x.db";  // dir is absolute: sqlite:////tmp/...
    const auto created = run_lingo(
        {"sql", uri,
         "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x');"
         "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id) "
         "  ON DELETE CASCADE, code VARCHAR(8) UNIQUE, created TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
         "CREATE INDEX child_parent_code ON child (parent_id, code);"
         "CREATE VIEW parent_names AS SELECT name FROM parent"});
    CPPUNIT_ASSERT_EQUAL(0, created.status);

    const auto tables = run_lingo({"tables", uri});
    CPPUNIT_ASSERT_EQUAL(0, tables.status);
    CPPUNIT_ASSERT_EQUAL(std::string("child\nparent\n"), tables.out);
    const auto views = run_lingo({"tables", "--views", uri});
    CPPUNIT_ASSERT_EQUAL(0, views.status);
    CPPUNIT_ASSERT_EQUAL(std::string("parent_names\n"), views.out);

    const auto described = run_lingo({"describe", uri, "child"});
    std::filesystem::remove_all(dir);
    CPPUNIT_ASSERT_EQUAL(0, described.status);
    CPPUNIT_ASSERT_EQUAL(std::string("Table \"child\"\n"
                                     " column    | type       | nullable | default           | primary key\n"
                                     "-----------+------------+----------+-------------------+-------------\n"
                                     " id        | INTEGER    | yes      |                   | yes        \n"
                                     " parent_id | INTEGER    | no       |                   | no         \n"
                                     " code      | VARCHAR(8) | yes      |                   | no         \n"
                                     " created   | TIMESTAMP  | yes      | CURRENT_TIMESTAMP | no         \n"
                                     "(4 rows)\n"
                                     "Indexes:\n"
                                     "    \"sqlite_autoindex_child_1\" UNIQUE, btree (code)\n"
                                     "    \"child_parent_code\" btree (parent_id, code)\n"
                                     "Foreign keys:\n"
                                     "    FOREIGN KEY (parent_id) REFERENCES parent (id) "
                                     "ON DELETE CASCADE\n"),
                         described.out);
  }

  void testDescribeOnPostgres() {
    const std::string p = lingo_test::unique_name("cli_parent");
    const std::string c = lingo_test::unique_name("cli_child");
    const auto created = run_lingo({"sql", lingo_test::pg_uri(),
                                    "CREATE TABLE " + p +
                                        " (a int, b text, PRIMARY KEY (a, b));"
                                        "CREATE TABLE " +
                                        c +
                                        " (id serial PRIMARY KEY, pa int, pb text, data jsonb DEFAULT '{}', "
                                        "  FOREIGN KEY (pa, pb) REFERENCES " +
                                        p +
                                        " ON DELETE CASCADE ON UPDATE SET NULL);"
                                        "CREATE INDEX " +
                                        c + "_gin ON " + c + " USING gin (data)"});
    CPPUNIT_ASSERT_EQUAL(0, created.status);
    const auto tables = run_lingo({"tables", lingo_test::pg_uri()});
    const auto described = run_lingo({"describe", lingo_test::pg_uri(), c});
    run_lingo({"sql", lingo_test::pg_uri(), "DROP TABLE " + c + ", " + p});
    CPPUNIT_ASSERT_EQUAL(0, tables.status);
    LINGO_ASSERT_CONTAINS("\n" + tables.out, "\n" + c + "\n");
    LINGO_ASSERT_CONTAINS("\n" + tables.out, "\n" + p + "\n");
    CPPUNIT_ASSERT_EQUAL(0, described.status);
    LINGO_ASSERT_CONTAINS(described.out, "Table \"" + c + "\"\n");
    LINGO_ASSERT_CONTAINS(described.out, " data   | jsonb   | yes      | '{}'::jsonb ");
    LINGO_ASSERT_CONTAINS(described.out, " pa     | integer | yes      |");
    LINGO_ASSERT_CONTAINS(described.out, "Indexes:\n    \"" + c + "_pkey\" PRIMARY KEY, btree (id)\n");
    LINGO_ASSERT_CONTAINS(described.out, "    \"" + c + "_gin\" gin (data)\n");
    const std::string fk = "\"" + c + "_pa_pb_fkey\" FOREIGN KEY (pa, pb) REFERENCES " + p + " (a, b)";
    LINGO_ASSERT_CONTAINS(described.out,
                          "Foreign keys:\n    " + fk + " ON DELETE CASCADE ON UPDATE SET NULL\n");
  }

  void testDescribeOfAMissingTableExitsOne() {
    const auto r = run_lingo({"describe", "sqlite://", "no_such_table"});
    CPPUNIT_ASSERT_EQUAL(1, r.status);
    CPPUNIT_ASSERT(r.out.empty());
    LINGO_ASSERT_CONTAINS(r.err, "no table \"no_such_table\" at sqlite://");
    const auto empty = run_lingo({"tables", "sqlite://"});
    CPPUNIT_ASSERT_EQUAL(0, empty.status);
    CPPUNIT_ASSERT(empty.out.empty());
  }

  void testUsageErrorsOfTablesAndDescribe() {
    for (const auto& args : std::vector<std::vector<std::string>>{{"tables"},
                                                                  {"tables", "sqlite://", "extra"},
                                                                  {"tables", "--views"},
                                                                  {"tables", "sqlite://", "--views"},
                                                                  {"describe"},
                                                                  {"describe", "sqlite://"},
                                                                  {"describe", "sqlite://", "t", "extra"}}) {
      const auto r = run_lingo(args);
      CPPUNIT_ASSERT_EQUAL(2, r.status);
      LINGO_ASSERT_CONTAINS(r.err, "lingo describe URI TABLE");
    }
    LINGO_ASSERT_CONTAINS(run_lingo({"--help"}).out, "lingo tables [--views] URI\n");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CliTest);
