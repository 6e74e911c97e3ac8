// Sessions, streams and threads: the idioms that must never lose a row or a
// connection. Written once and built three times: against SQLite
// (sessions_sqlite), the test PostgreSQL (sessions_postgres) and the
// CockroachDB simulator in front of it (sessions_crdb).
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "dialect_suite.h"
#include "lingo/lingo.h"

using namespace lingo;
using lingo_test::Backend;
using lingo_test::expect_throw;
using lingo_test::kBackend;

namespace {

struct Item : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::string> label = column("label", TextField{});
  explicit Item(std::string name) : Table(std::move(name)) {}
};

struct Owner : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::int64_t> item_id = column("item_id", BigIntegerField{});
  explicit Owner(std::string name) : Table(std::move(name)) {}
};

class SessionSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionSuite);
  CPPUNIT_TEST(testStatementInsideAStreamLoopSeesEveryRow);
  CPPUNIT_TEST(testStatementInsideAStreamLoopInATransaction);
  CPPUNIT_TEST(testStreamInsideAStream);
  CPPUNIT_TEST(testHeldRowSurvivesANestedStatement);
  CPPUNIT_TEST(testStreamedRowsReadColumnsByTheirExpression);
  CPPUNIT_TEST(testCloseInTheMiddleOfALoopKeepsTheRows);
  CPPUNIT_TEST(testCommitAndRollbackOnAClosedDatabaseOpenNothing);
  CPPUNIT_TEST(testThreadsThatEndGiveTheirConnectionsBack);
  CPPUNIT_TEST(testExplicitSessionMovesBetweenThreads);
  CPPUNIT_TEST(testDestroyedSessionRollsBackAndSaysSo);
  CPPUNIT_TEST(testSessionOutlivesItsDatabase);
  CPPUNIT_TEST(testPoolLendsARecentConnectionWithoutARoundTrip);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    items_ = std::make_unique<Item>(lingo_test::unique_name("s_item"));
    owners_ = std::make_unique<Owner>(lingo_test::unique_name("s_owner"));
    if constexpr (kBackend == Backend::sqlite) dir_ = lingo_test::temp_dir();
    uri_ = lingo_test::backend_uri(dir_, "sessions.db");
    db_ = std::make_unique<Database>(uri_);
    db_->create_tables({items_.get(), owners_.get()});
    for (std::int64_t i = 1; i <= 10; ++i)
      db_->insert(*items_).set(items_->id, i).set(items_->label, "item " + std::to_string(i)).execute();
  }

  void tearDown() override {
    if (db_ != nullptr) {
      db_->set_tracer(nullptr);
      try {
        if (db_->in_transaction()) db_->rollback();
        db_->drop_tables({items_.get(), owners_.get()}, /*safe=*/true);
      } catch (const std::exception&) {  // a failing test already reported its cause
      }
      db_.reset();
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // The pooled form of this backend's URI.
  [[nodiscard]] std::string pooled(const std::string& options) const {
    return lingo_test::backend_uri(dir_, "sessions.db", "+pool", options);
  }

  void add_owner(Database& db, std::int64_t id) const {
    db.insert(*owners_).set(owners_->id, id).set(owners_->item_id, id).execute();
  }
  [[nodiscard]] std::int64_t owner_count(Database& db) const {
    return db.execute_sql("SELECT count(*) FROM " + owners_->name()).scalar<std::int64_t>();
  }

  [[nodiscard]] std::int64_t count(Database& db) const {
    return db.execute_sql("SELECT count(*) FROM " + items_->name()).scalar<std::int64_t>();
  }

  void testStatementInsideAStreamLoopSeesEveryRow() {
    // The loop: on PostgreSQL the nested statement used to drain the
    // stream, so the loop saw 1 row of 10 and said nothing.
    std::vector<std::int64_t> seen;
    for (const Row row : db_->select(items_->id).from(*items_).order_by(items_->id.asc())) {
      CPPUNIT_ASSERT_EQUAL(std::int64_t{10}, count(*db_));
      seen.push_back(row[items_->id]);
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{10}, seen.size());
    for (std::size_t i = 0; i < seen.size(); ++i) CPPUNIT_ASSERT_EQUAL(std::int64_t(i + 1), seen[i]);
    // And a write inside the loop, to another table: every row, every write.
    for (const Row row : db_->select(items_->id).from(*items_))
      db_->insert(*owners_)
          .set(owners_->id, row[items_->id])
          .set(owners_->item_id, row[items_->id])
          .execute();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{10}, owner_count(*db_));
  }

  void testStatementInsideAStreamLoopInATransaction() {
    std::size_t seen = 0;
    db_->atomic([&] {
      for (const Row row : db_->select(items_->id).from(*items_).order_by(items_->id.asc())) {
        db_->update(*items_).set(items_->label, "seen").where(items_->id == row[items_->id]).execute();
        ++seen;
      }
    });
    CPPUNIT_ASSERT_EQUAL(std::size_t{10}, seen);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{10},
                         db_->execute_sql("SELECT count(*) FROM " + items_->name() + " WHERE label = 'seen'")
                             .scalar<std::int64_t>());
  }

  void testStreamInsideAStream() {
    std::size_t pairs = 0;
    for (const Row outer : db_->select(items_->id).from(*items_)) {
      for (const Row inner : db_->select(items_->id).from(*items_).where(items_->id <= std::int64_t{3})) {
        (void)outer;
        (void)inner;
        ++pairs;
      }
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{30}, pairs);
  }

  void testHeldRowSurvivesANestedStatement() {
    // A row read before the nested statement still holds its own values after
    // the stream's rest has been moved into memory.
    std::vector<std::string> labels;
    for (const Row row : db_->select(items_->id, items_->label).from(*items_).order_by(items_->id.asc())) {
      (void)count(*db_);
      labels.push_back(row[items_->label]);
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{10}, labels.size());
    CPPUNIT_ASSERT_EQUAL(std::string("item 1"), labels.front());
    CPPUNIT_ASSERT_EQUAL(std::string("item 10"), labels.back());
  }

  void testStreamedRowsReadColumnsByTheirExpression() {
    db_->insert(*owners_)
        .set(owners_->id, std::int64_t{100})
        .set(owners_->item_id, std::int64_t{7})
        .execute();
    auto query =
        db_->select(owners_->id, items_->id).from(*owners_).join(*items_, owners_->item_id == items_->id);
    const Row whole = query.one();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, whole[items_->id]);
    std::size_t rows = 0;
    for (const Row row : query) {
      CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, row[items_->id]);
      CPPUNIT_ASSERT_EQUAL(std::int64_t{100}, row[owners_->id]);
      ++rows;
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, rows);
  }

  void testCloseInTheMiddleOfALoopKeepsTheRows() {
    // Outside a transaction, close() in a loop is allowed (peewee: the rows
    // were fetched already); the loop goes on from memory.
    std::size_t seen = 0;
    for (const Row row : db_->select(items_->id).from(*items_)) {
      (void)row;
      if (++seen == 3) CPPUNIT_ASSERT(db_->close());
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{10}, seen);
    CPPUNIT_ASSERT(db_->is_closed());
    // Inside a transaction begun by hand, close() is refused for the right reason.
    db_->begin();
    seen = 0;
    for (const Row row : db_->select(items_->id).from(*items_)) {
      (void)row;
      if (++seen == 3) {
        const auto e =
            expect_throw<OperationalError>([&] { db_->close(); }, "close() mid-loop in a transaction");
        LINGO_ASSERT_CONTAINS(e.what(), "begun with begin() holds uncommitted work");
      }
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t{10}, seen);
    db_->rollback();
    CPPUNIT_ASSERT(db_->close());
  }

  void testCommitAndRollbackOnAClosedDatabaseOpenNothing() {
    Database fresh(uri_);
    const auto e = expect_throw<InterfaceError>([&] { fresh.commit(); }, "commit() on a closed database");
    LINGO_ASSERT_CONTAINS(e.what(), "Cannot commit, database connection not open");
    CPPUNIT_ASSERT(fresh.is_closed());
    expect_throw<InterfaceError>([&] { fresh.rollback(); }, "rollback() on a closed database");
    CPPUNIT_ASSERT(fresh.is_closed());
    // After close(), the same.
    (void)count(fresh);
    CPPUNIT_ASSERT(fresh.close());
    expect_throw<InterfaceError>([&] { fresh.commit(); }, "commit() after close()");
    CPPUNIT_ASSERT(fresh.is_closed());
  }

  void testThreadsThatEndGiveTheirConnectionsBack() {
    // 1,000 short-lived threads on a pool of 4, four at a time; every other
    // one leaves a transaction open with a row in it. None may leak its
    // connection, none may inherit another's transaction, and no row of an
    // uncommitted transaction may land.
    Database pool(pooled("max_connections=4&timeout=2"));
    std::atomic<int> rolled_back_by_owner{0};
    pool.set_tracer([&](const TraceEvent& e) {
      if (e.sql == "ROLLBACK" &&
          std::string_view(e.note).find("thread that used it ended") != std::string_view::npos)
        ++rolled_back_by_owner;
    });
    std::atomic<int> inherited{0};
    std::atomic<int> failures{0};
    std::mutex failure_mutex;
    std::string first_failure;
    constexpr int kThreads = 1000;
    for (int start = 0; start < kThreads; start += 4) {
      std::vector<std::thread> batch;
      for (int t = start; t < start + 4; ++t) {
        batch.emplace_back([&, t] {
          try {
            if (pool.in_transaction() || pool.connection().transaction_status() != TransactionStatus::idle)
              ++inherited;
            if (t % 2 == 0) {
              pool.begin();
              add_owner(pool, t);
            } else {
              (void)count(pool);
            }
          } catch (const std::exception& e) {
            std::lock_guard lock(failure_mutex);
            if (failures++ == 0) first_failure = e.what();
          }
        });
      }
      for (auto& thread : batch) thread.join();
    }
    CPPUNIT_ASSERT_EQUAL_MESSAGE(first_failure, 0, failures.load());
    CPPUNIT_ASSERT_EQUAL(0, inherited.load());
    CPPUNIT_ASSERT_EQUAL(kThreads / 2, rolled_back_by_owner.load());
    const PoolStats stats = pool.pool_stats();
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, stats.in_use);
    CPPUNIT_ASSERT(stats.idle <= 4);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, owner_count(pool));
  }

  void testExplicitSessionMovesBetweenThreads() {
    Session session = db_->session();
    session.begin();
    add_owner(session, 1);
    CPPUNIT_ASSERT(!db_->in_transaction());
    CPPUNIT_ASSERT(session.connection().transaction_status() == TransactionStatus::in_transaction);
    // The thread's own session does not see the uncommitted row (SQLite's
    // single writer would wait for it, so it is checked elsewhere).
    if constexpr (kBackend != Backend::sqlite) {
      CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, owner_count(*db_));
    }
    std::string failure;
    std::thread([&, s = std::move(session)]() mutable {
      try {
        add_owner(s, 2);
        s.commit();
        CPPUNIT_ASSERT(s.close());
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }).join();
    CPPUNIT_ASSERT_EQUAL(std::string(), failure);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, owner_count(*db_));
    // Blocks opened on a Session work from another thread too.
    Session second = db_->session();
    auto txn = second.atomic();
    add_owner(second, 3);
    std::thread([&] { txn.finish(); }).join();
    CPPUNIT_ASSERT(!second.in_transaction());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, owner_count(*db_));
  }

  void testDestroyedSessionRollsBackAndSaysSo() {
    std::vector<std::string> notes;
    db_->set_tracer([&](const TraceEvent& e) {
      if (!e.note.empty()) notes.emplace_back(e.note);
    });
    {
      Session session = db_->session();
      session.begin();
      add_owner(session, 1);
    }
    db_->set_tracer(nullptr);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, notes.size());
    LINGO_ASSERT_CONTAINS(notes[0], "lingo::Session was destroyed");
    LINGO_ASSERT_CONTAINS(notes[0], "rolled back");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, owner_count(*db_));
  }

  void testSessionOutlivesItsDatabase() {
    std::optional<Database> db(std::in_place, pooled("max_connections=2"));
    Session session = db->session();
    db.reset();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{10}, count(session));
    session.atomic([&] { add_owner(session, 5); });
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, owner_count(session));
  }

  void testPoolLendsARecentConnectionWithoutARoundTrip() {
    // A connection given back moments ago is lent again without a check; one
    // idle past check_after is checked with a round trip first.
    Database pool(pooled("max_connections=2&check_after=0.3"));
    std::vector<std::string> sent;
    std::mutex sent_mutex;
    pool.set_tracer([&](const TraceEvent& e) {
      std::lock_guard lock(sent_mutex);
      sent.emplace_back(e.sql);
    });
    for (int i = 0; i < 5; ++i) {
      (void)count(pool);
      CPPUNIT_ASSERT(pool.close());
    }
    const auto pings = [&] {
      std::lock_guard lock(sent_mutex);
      return std::count(sent.begin(), sent.end(), std::string("SELECT 1"));
    };
    CPPUNIT_ASSERT_EQUAL(std::ptrdiff_t{0}, pings());
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, sent.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    (void)count(pool);
    CPPUNIT_ASSERT_EQUAL(std::ptrdiff_t{1}, pings());
  }

 private:
  std::string uri_;
  std::string dir_;
  std::unique_ptr<Item> items_;
  std::unique_ptr<Owner> owners_;
  std::unique_ptr<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionSuite);

}  // namespace
