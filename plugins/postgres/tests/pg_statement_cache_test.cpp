// The statement cache, counted in round trips (round_trips.h).
#include "lingo/lingo.h"
#include "lingo/postgres/pg_connection.h"
#include "round_trips.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::RoundTrips;

namespace {

class PgStatementCacheTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgStatementCacheTest);
  CPPUNIT_TEST(testEveryNewStatementCostsOneRoundTrip);
  CPPUNIT_TEST(testEvictionInsideATransactionWaitsAndCostsNothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEveryNewStatementCostsOneRoundTrip() {
    Database db(lingo_test::pg_uri());
    auto& conn = dynamic_cast<postgres::PgConnection&>(db.connection());
    RoundTrips trips(conn.native_handle());
    // 2,000 distinct texts: twice the cache's size. Past 1,024 each runs
    // unnamed (it has not repeated), still in one round trip.
    for (int i = 0; i < 2000; ++i) {
      const auto sum = db.execute_sql("SELECT $1::int + " + std::to_string(i), {1}).scalar<std::int64_t>();
      CPPUNIT_ASSERT_EQUAL(std::int64_t{i + 1}, sum);
      CPPUNIT_ASSERT_EQUAL_MESSAGE("text " + std::to_string(i), 1, trips.since_last());
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{1024}, conn.cached_statements());
    // The server holds no more than the cache (evicted ones were deallocated
    // along with later statements).
    const auto on_server =
        db.execute_sql("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE $1", {"lingo_%"})
            .scalar<std::int64_t>();
    trips.since_last();
    CPPUNIT_ASSERT(on_server <= 1025);
    // A recent text runs from the cache; the first, evicted long ago, is
    // prepared again: one round trip each.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2000},
                         db.execute_sql("SELECT $1::int + 1999", {1}).scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(1, trips.since_last());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db.execute_sql("SELECT $1::int + 0", {1}).scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(1, trips.since_last());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db.execute_sql("SELECT $1::int + 0", {1}).scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(1, trips.since_last());
    // A text that repeats earns its place back in the full cache.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1},
                         db.execute_sql("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
                                        {"SELECT $1::int + 0"})
                             .scalar<std::int64_t>());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1024}, conn.cached_statements());
  }

  void testEvictionInsideATransactionWaitsAndCostsNothing() {
    Database db(lingo_test::pg_uri());
    auto& conn = dynamic_cast<postgres::PgConnection&>(db.connection());
    RoundTrips trips(conn.native_handle());
    for (int i = 0; i < 1024; ++i) (void)db.execute_sql("SELECT $1::int - " + std::to_string(i), {1});
    trips.since_last();
    db.atomic([&] {
      (void)trips.since_last();  // BEGIN
      for (int i = 0; i < 100; ++i) {
        (void)db.execute_sql("SELECT $1::int * " + std::to_string(i), {1});
        CPPUNIT_ASSERT_EQUAL(1, trips.since_last());
      }
    });
    CPPUNIT_ASSERT_EQUAL(std::size_t{1024}, conn.cached_statements());
    // Back outside, the next new statement takes the deferred DEALLOCATEs
    // along in its own round trip.
    (void)trips.since_last();
    (void)db.execute_sql("SELECT $1::int / 7", {7});
    CPPUNIT_ASSERT_EQUAL(1, trips.since_last());
    const auto on_server =
        db.execute_sql("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE $1", {"lingo_%"})
            .scalar<std::int64_t>();
    CPPUNIT_ASSERT(on_server <= 1025);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgStatementCacheTest);

}  // namespace
