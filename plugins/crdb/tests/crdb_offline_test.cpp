// The CockroachDB dialect without a server: its SQL (DDL for its key fields
// and types, upserts, AS OF SYSTEM TIME), its BEGIN statements, its savepoint
// rules and its URI defaults. The behaviour against a server is in crdb_sim_*.
#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using namespace std::chrono_literals;

namespace {

struct Event : Table {
  Column<Uuid> id = column("id", UUIDKeyField{});
  Column<boost::json::value> data = column("data", JSONField{});
  Column<Bytes> blob = column("blob", BlobField{});
  Column<std::vector<std::int32_t>> tags = column("tags", ArrayField{ValueType::int32});
  Event() : Table("event") {}
};
struct Account : Table {
  Column<std::int64_t> id = column("id", RowIDField{});
  Column<Decimal> balance = column("balance", DecimalField{14, 2});
  Account() : Table("account") {}
};
struct Grid : Table {
  Column<std::int64_t> id = column("id", RowIDField{});
  Column<std::vector<std::int32_t>> cells = column("cells", ArrayField{ValueType::int32, 2});
  Grid() : Table("grid") {}
};
struct BadKey : Table {
  Column<Uuid> id = column("id", UUIDKeyField{}.default_sql("uuid_generate_v4()"));
  BadKey() : Table("bad_key") {}
};

std::string ddl(Database& db, const Table& t) {
  std::string sql;
  std::vector<Value> params;
  SqlWriter w{sql, params};
  db.compiler().create_table(t, {}, w);
  return sql;
}

const Dialect& crdb() {
  return PluginRegistry::instance().dialect_for(Uri::parse("cockroachdb://h/db"));
}

}  // namespace

class CrdbOfflineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CrdbOfflineTest);
  CPPUNIT_TEST(testSchemes);
  CPPUNIT_TEST(testFieldTypes);
  CPPUNIT_TEST(testKeyFieldsRefuseConstraints);
  CPPUNIT_TEST(testArraysHaveOneDimension);
  CPPUNIT_TEST(testUpserts);
  CPPUNIT_TEST(testAsOfSystemTimeOnASelect);
  CPPUNIT_TEST(testAutoFieldIsRefusedAtCreateTable);
  CPPUNIT_TEST(testLockingReadsAndHistoricalReads);
  CPPUNIT_TEST(testConflictWhereAndConstraint);
  CPPUNIT_TEST(testDates);
  CPPUNIT_TEST(testBeginStatements);
  CPPUNIT_TEST(testSavepointRules);
  CPPUNIT_TEST(testDefaultPortIs26257);
  CPPUNIT_TEST(testBadUriOptions);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSchemes() {
    for (const char* uri :
         {"cockroachdb://h/db", "crdb://h/db", "cockroachdb+pool://h/db", "crdb+pool://h/db"}) {
      Database db(uri);
      CPPUNIT_ASSERT_EQUAL(std::string("cockroachdb"), std::string(db.dialect_name()));
    }
    CPPUNIT_ASSERT(Database("crdb+pool://h/db").is_pooled());
  }

  void testFieldTypes() {
    Database db("cockroachdb://h/db");
    CPPUNIT_ASSERT_EQUAL(
        std::string("CREATE TABLE \"event\" (\"id\" UUID DEFAULT gen_random_uuid() NOT NULL PRIMARY "
                    "KEY, \"data\" JSONB NOT NULL, \"blob\" BYTES NOT NULL, \"tags\" INTEGER[] NOT "
                    "NULL)"),
        ddl(db, Event{}));
    CPPUNIT_ASSERT_EQUAL(
        std::string("CREATE TABLE \"account\" (\"id\" INT8 DEFAULT unique_rowid() NOT NULL PRIMARY "
                    "KEY, \"balance\" NUMERIC(14, 2) NOT NULL)"),
        ddl(db, Account{}));
    // Other dialects do not have the CockroachDB key fields.
    Database pg("postgresql://h/db");
    auto e = expect_throw<NotSupportedError>([&] { (void)ddl(pg, Account{}); }, "RowIDField on postgres");
    LINGO_ASSERT_CONTAINS(e.what(), "RowIDField");
  }

  void testKeyFieldsRefuseConstraints() {
    Database db("cockroachdb://h/db");
    auto e = expect_throw<ValueError>([&] { (void)ddl(db, BadKey{}); }, "UUIDKeyField with a default");
    LINGO_ASSERT_CONTAINS(e.what(), "UUIDKeyField cannot specify constraints");
    struct NotKey : Table {
      Column<std::int64_t> id = column("id", RowIDField{}.primary_key(false));
      Column<std::int64_t> other = column("other", BigIntegerField{}.primary_key());
      NotKey() : Table("not_key") {}
    };
    auto k = expect_throw<ValueError>([&] { (void)ddl(db, NotKey{}); }, "RowIDField not a primary key");
    LINGO_ASSERT_CONTAINS(k.what(), "RowIDField must always be a primary key");
  }

  void testArraysHaveOneDimension() {
    Database db("cockroachdb://h/db");
    auto e = expect_throw<NotSupportedError>([&] { (void)ddl(db, Grid{}); }, "2-d array");
    LINGO_ASSERT_CONTAINS(e.what(), "CockroachDB arrays have one dimension");
  }

  void testUpserts() {
    Database db("cockroachdb://h/db");
    const Account a;
    auto replace = db.insert(a).set(a.id, std::int64_t{1}).set(a.balance, Decimal("5.00"));
    replace.on_conflict_replace();
    const CompiledQuery r = replace.compile();
    CPPUNIT_ASSERT_EQUAL(std::string("UPSERT INTO \"account\" (\"id\", \"balance\") VALUES ($1, $2)"), r.sql);
    auto ignore = db.insert(a).set(a.id, std::int64_t{1}).set(a.balance, Decimal("5.00"));
    ignore.on_conflict_ignore();
    CPPUNIT_ASSERT_EQUAL(
        std::string("INSERT INTO \"account\" (\"id\", \"balance\") VALUES ($1, $2) ON CONFLICT DO "
                    "NOTHING"),
        ignore.compile().sql);
    auto ignore_cols = db.insert(a).set(a.id, std::int64_t{1}).set(a.balance, Decimal("5.00"));
    ignore_cols.on_conflict_ignore({&a.id});
    LINGO_ASSERT_CONTAINS(ignore_cols.compile().sql, "ON CONFLICT (\"id\") DO NOTHING");
    auto update = db.insert(a).set(a.id, std::int64_t{1}).set(a.balance, Decimal("5.00"));
    update.on_conflict_update({&a.id}).update_set(a.balance, a.balance + excluded(a.balance));
    LINGO_ASSERT_CONTAINS(update.compile().sql,
                          "ON CONFLICT (\"id\") DO UPDATE SET \"balance\" = (\"account\".\"balance\" + "
                          "EXCLUDED.\"balance\")");
  }

  void testAsOfSystemTimeOnASelect() {
    Database db("cockroachdb://h/db");
    const Account a;
    const CompiledQuery q = db.select(a.id)
                                .from(a)
                                .as_of_system_time(SystemTime::ago(10s))
                                .where(a.id == std::int64_t{7})
                                .compile();
    CPPUNIT_ASSERT_EQUAL(
        std::string("SELECT \"account\".\"id\" FROM \"account\" AS OF SYSTEM TIME '-10s' WHERE "
                    "(\"account\".\"id\" = $1)"),
        q.sql);
    // Elsewhere it is refused when compiled, naming the construct.
    Database pg("postgresql://h/db");
    auto e = expect_throw<NotSupportedError>(
        [&] { (void)pg.select(a.id).from(a).as_of_system_time(SystemTime::follower_read()).compile(); },
        "pg AOST");
    LINGO_ASSERT_CONTAINS(e.what(), "AS OF SYSTEM TIME");
  }

  // A 32-bit AutoField would be filled with unique_rowid()'s 64-bit values:
  // refused when the table is created, naming the fix, never at an insert.
  void testAutoFieldIsRefusedAtCreateTable() {
    struct Portable : Table {
      Column<std::int32_t> id = column("id", AutoField{});
      Portable() : Table("portable") {}
    };
    Database db("cockroachdb://h/db");
    const auto e = expect_throw<NotSupportedError>([&] { (void)ddl(db, Portable{}); }, "AutoField");
    LINGO_ASSERT_CONTAINS(e.what(), "AutoField is a 32-bit key");
    LINGO_ASSERT_CONTAINS(e.what(), "Column<std::int64_t> with BigAutoField or RowIDField");
    struct Big : Table {
      Column<std::int64_t> id = column("id", BigAutoField{});
      Big() : Table("big") {}
    };
    CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE \"big\" (\"id\" BIGSERIAL NOT NULL PRIMARY KEY)"), ddl(db, Big{}));
  }

  // FOR UPDATE / FOR SHARE are CockroachDB's too (peewee enabled them in
  // 2023), but not with a historical read.
  void testLockingReadsAndHistoricalReads() {
    Database db("cockroachdb://h/db");
    const Account a;
    CPPUNIT_ASSERT_EQUAL(std::string("SELECT \"account\".\"id\" FROM \"account\" FOR UPDATE"),
                         db.select(a.id).from(a).for_update().compile().sql);
    CPPUNIT_ASSERT_EQUAL(std::string("SELECT \"account\".\"id\" FROM \"account\" FOR SHARE"),
                         db.select(a.id).from(a).for_share().compile().sql);
    auto e = expect_throw<NotSupportedError>(
        [&] { (void)db.select(a.id).from(a).as_of_system_time(SystemTime::ago(10s)).for_update().compile(); },
        "FOR UPDATE with AOST");
    LINGO_ASSERT_CONTAINS(e.what(), "FOR UPDATE with AS OF SYSTEM TIME");
    e = expect_throw<NotSupportedError>(
        [&] { (void)db.select(a.id).from(a).as_of_system_time(SystemTime::ago(10s)).for_share().compile(); },
        "FOR SHARE with AOST");
    LINGO_ASSERT_CONTAINS(e.what(), "FOR SHARE with AS OF SYSTEM TIME");
  }

  void testConflictWhereAndConstraint() {
    Database db("cockroachdb://h/db");
    const Account a;
    auto update = db.insert(a).set(a.id, std::int64_t{1}).set(a.balance, Decimal("5.00"));
    update.on_conflict_update({&a.id})
        .update_set(a.balance, excluded(a.balance))
        .on_conflict_where(a.balance < excluded(a.balance));
    CPPUNIT_ASSERT_EQUAL(
        std::string("INSERT INTO \"account\" (\"id\", \"balance\") VALUES ($1, $2) ON CONFLICT (\"id\") DO UPDATE "
                    "SET \"balance\" = EXCLUDED.\"balance\" WHERE (\"account\".\"balance\" < EXCLUDED.\"balance\")"),
        update.compile().sql);
    auto by_name = db.insert(a).set(a.balance, Decimal("5.00"));
    by_name.on_conflict_update(constraint("account_pkey")).update_set(a.balance, excluded(a.balance));
    LINGO_ASSERT_CONTAINS(by_name.compile().sql, "ON CONFLICT ON CONSTRAINT \"account_pkey\" DO UPDATE");
  }

  void testDates() {
    Database db("cockroachdb://h/db");
    const Account a;
    const CompiledQuery q =
        db.select(fn::extract(DatePart::year, fn::from_timestamp(a.balance)).as("y")).from(a).compile();
    CPPUNIT_ASSERT_EQUAL(
        std::string("SELECT extract($1, CAST(CAST(\"account\".\"balance\" AS INT) AS TIMESTAMPTZ)) AS "
                    "\"y\" FROM \"account\""),
        q.sql);
    CPPUNIT_ASSERT_EQUAL(std::string("year"), q.params.at(0).as<std::string>());
    Database pg("postgresql://h/db");
    CPPUNIT_ASSERT_EQUAL(
        std::string("SELECT EXTRACT(YEAR FROM to_timestamp(\"account\".\"balance\")) AS \"y\" FROM "
                    "\"account\""),
        pg.select(fn::extract(DatePart::year, fn::from_timestamp(a.balance)).as("y")).from(a).compile().sql);
  }

  void testBeginStatements() {
    CPPUNIT_ASSERT_EQUAL(std::string("BEGIN"), crdb().begin_statement({}));
    CPPUNIT_ASSERT_EQUAL(std::string("BEGIN TRANSACTION PRIORITY HIGH"),
                         crdb().begin_statement({.priority = parse_priority("high")}));
    CPPUNIT_ASSERT_EQUAL(
        std::string("BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, PRIORITY LOW, AS OF "
                    "SYSTEM TIME follower_read_timestamp()"),
        crdb().begin_statement({.isolation_level = IsolationLevel::serializable,
                                .read_only = true,
                                .priority = Priority::low,
                                .system_time = SystemTime::follower_read()}));
    expect_throw<NotSupportedError>([] { (void)crdb().begin_statement({.deferrable = true}); }, "deferrable");
    expect_throw<NotSupportedError>([] { (void)crdb().begin_statement({.lock_type = LockType::immediate}); },
                                    "lock_type");
    auto b = expect_throw<ValueError>(
        [] { (void)crdb().begin_statement({.system_time = SystemTime::with_max_staleness(10s)}); },
        "bounded");
    LINGO_ASSERT_CONTAINS(b.what(), "cannot be used in a transaction");
  }

  void testSavepointRules() {
    const auto forbidden =
        crdb().savepoint_restriction(Uri::parse("cockroachdb://h/db"), [] { return 230111; });
    CPPUNIT_ASSERT(forbidden.has_value());
    LINGO_ASSERT_CONTAINS(*forbidden, "use transaction()");
    CPPUNIT_ASSERT(!crdb().savepoint_restriction(Uri::parse("cockroachdb://h/db?savepoints=native"),
                                                 [] { return 200100; }));
    const auto old = crdb().savepoint_restriction(Uri::parse("cockroachdb://h/db?savepoints=native"),
                                                  [] { return 190205; });
    CPPUNIT_ASSERT(old.has_value());
    LINGO_ASSERT_CONTAINS(*old, "needs CockroachDB 20.1 or later");
    CPPUNIT_ASSERT_EQUAL(std::string("cockroach_restart"),
                         crdb().restart_savepoint(Uri::parse("cockroachdb://h/db")).value_or(""));
    CPPUNIT_ASSERT(!crdb().restart_savepoint(Uri::parse("cockroachdb://h/db?retry=restart")));
  }

  void testDefaultPortIs26257() {
    // Nothing listens there; libpq's refusal names the port it tried.
    auto e = expect_throw<ConnectionError>(
        [] { (void)lingo::connect("cockroachdb://127.0.0.1/db?connect_timeout=2"); }, "default port");
    LINGO_ASSERT_CONTAINS(e.what(), "26257");
    auto x = expect_throw<ConnectionError>(
        [] { (void)lingo::connect("crdb://127.0.0.1:1/db?connect_timeout=2&savepoints=native"); },
        "explicit port");
    LINGO_ASSERT_CONTAINS(x.what(), "port 1 ");
  }

  void testBadUriOptions() {
    auto e = expect_throw<UriError>(
        [] { (void)lingo::connect("cockroachdb://127.0.0.1/db?savepoints=maybe"); }, "savepoints=maybe");
    LINGO_ASSERT_CONTAINS(e.what(), "expected native or off");
    auto r = expect_throw<UriError>([] { (void)lingo::connect("cockroachdb://127.0.0.1/db?retry=never"); },
                                    "retry=never");
    LINGO_ASSERT_CONTAINS(r.what(), "expected savepoint or restart");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CrdbOfflineTest);
