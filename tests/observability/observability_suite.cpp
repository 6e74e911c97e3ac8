// Traces and metrics in OpenTelemetry's terms: the attributes each kind of
// statement and each failure carries, the sqlcommenter traceparent, and the
// client and pool metrics after a known workload, with their Prometheus
// text. Written once and built for SQLite (observability_sqlite), the test
// PostgreSQL (observability_postgres) and the CockroachDB simulator in front
// of it (observability_crdb).
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "dialect_suite.h"
#include "lingo/lingo.h"
#include "lingo/metrics.h"

using namespace lingo;
using lingo_test::Backend;
using lingo_test::expect_throw;
using lingo_test::kBackend;
using namespace std::chrono_literals;

namespace {

struct Author : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::string> full_name = column("name", TextField{});
  explicit Author(std::string table) : Table(std::move(table)) {}
};

struct Book : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::int64_t> author_id = column("author_id", BigIntegerField{});
  Column<std::string> title = column("title", TextField{});
  explicit Book(std::string table) : Table(std::move(table)) {}
};

// One traced statement's attributes, copied while the event was alive.
using Attributes = std::map<std::string, std::string>;

class Recorder {
 public:
  Tracer tracer() {
    return [this](const TraceEvent& e) {
      Attributes a;
      for (const TraceAttribute& attribute : otel_attributes(e))
        a[std::string(attribute.key)] =
            attribute.is_number ? std::to_string(attribute.number) : attribute.text;
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(a));
    };
  }
  std::vector<Attributes> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(events_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<Attributes> events_;
};

std::string expected_system() {
  if constexpr (kBackend == Backend::sqlite) return "sqlite";
  if constexpr (kBackend == Backend::postgres) return "postgresql";
  return "cockroachdb";
}

// The single event with this operation name; fails the test otherwise.
Attributes only(const std::vector<Attributes>& events, const std::string& operation) {
  std::vector<Attributes> found;
  for (const auto& e : events)
    if (e.count("db.operation.name") != 0 && e.at("db.operation.name") == operation) found.push_back(e);
  CPPUNIT_ASSERT_EQUAL_MESSAGE("events with db.operation.name " + operation, std::size_t{1}, found.size());
  return found.front();
}

std::string get(const Attributes& a, const std::string& key) {
  const auto it = a.find(key);
  return it == a.end() ? std::string("<absent>") : it->second;
}

class ObservabilitySuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ObservabilitySuite);
  CPPUNIT_TEST(testBuiltQueriesSayTheirOperationAndTables);
  CPPUNIT_TEST(testSqlTextGivesItsFirstKeyword);
  CPPUNIT_TEST(testConnectionAttributes);
  CPPUNIT_TEST(testValuesNeverReachTheAttributes);
  CPPUNIT_TEST(testErrorsCarryTheirStatusCode);
  CPPUNIT_TEST(testRunTransactionNumbersItsAttempts);
  CPPUNIT_TEST(testPipelineIsABatch);
  CPPUNIT_TEST(testTraceparentComment);
  CPPUNIT_TEST(testHostileTraceparentIsLeftOut);
  CPPUNIT_TEST(testClientMetricsAfterAKnownWorkload);
  CPPUNIT_TEST(testPoolMetrics);
  CPPUNIT_TEST(testRemovingATracerWaitsForItsCalls);
  CPPUNIT_TEST(testPrometheusLabelsAreEscaped);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    authors_ = std::make_unique<Author>(lingo_test::unique_name("o_author"));
    books_ = std::make_unique<Book>(lingo_test::unique_name("o_book"));
    if constexpr (kBackend == Backend::sqlite) dir_ = lingo_test::temp_dir();
    uri_ = lingo_test::backend_uri(dir_, "observability.db");
    db_ = std::make_unique<Database>(uri_);
    db_->create_tables({authors_.get(), books_.get()});
    db_->insert(*authors_).set(authors_->id, std::int64_t{1}).set(authors_->full_name, "Ursula").execute();
    db_->insert(*books_)
        .set(books_->id, std::int64_t{1})
        .set(books_->author_id, std::int64_t{1})
        .set(books_->title, "The Dispossessed")
        .execute();
  }

  void tearDown() override {
    if (db_ != nullptr) {
      db_->set_tracer(nullptr);
      try {
        if (db_->in_transaction()) db_->rollback();
        db_->drop_tables({authors_.get(), books_.get()}, /*safe=*/true);
      } catch (const std::exception&) {  // a failing test already reported its cause
      }
      db_.reset();
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void testBuiltQueriesSayTheirOperationAndTables() {
    Recorder recorder;
    db_->set_tracer(recorder.tracer());
    const Author& a = *authors_;
    const Book& b = *books_;
    (void)db_->select(b.title, a.full_name)
        .from(b)
        .join(a, a.id == b.author_id)
        .where(b.id == std::int64_t{1})
        .all();
    auto select = only(recorder.take(), "SELECT");
    CPPUNIT_ASSERT_EQUAL(b.name(), get(select, "db.collection.name"));
    CPPUNIT_ASSERT_EQUAL("SELECT " + b.name() + " " + a.name(), get(select, "db.query.summary"));

    db_->insert(a).set(a.id, std::int64_t{2}).set(a.full_name, "Octavia").execute();
    auto insert = only(recorder.take(), "INSERT");
    CPPUNIT_ASSERT_EQUAL(a.name(), get(insert, "db.collection.name"));
    CPPUNIT_ASSERT_EQUAL("INSERT " + a.name(), get(insert, "db.query.summary"));

    db_->update(a).set(a.full_name, "Octavia E.").where(a.id == std::int64_t{2}).execute();
    auto update = only(recorder.take(), "UPDATE");
    CPPUNIT_ASSERT_EQUAL(a.name(), get(update, "db.collection.name"));

    db_->delete_from(a).where(a.id == std::int64_t{2}).execute();
    auto remove = only(recorder.take(), "DELETE");
    CPPUNIT_ASSERT_EQUAL(a.name(), get(remove, "db.collection.name"));
    CPPUNIT_ASSERT_EQUAL("DELETE " + a.name(), get(remove, "db.query.summary"));

    // A prepared query and a streamed one say the same.
    auto by_id = db_->select(a.full_name).from(a).where(a.id == lingo::arg<std::int64_t>(0)).prepare();
    (void)by_id.all({std::int64_t{1}});
    CPPUNIT_ASSERT_EQUAL(a.name(), get(only(recorder.take(), "SELECT"), "db.collection.name"));
    std::size_t rows = 0;
    for (const Row row : db_->select(a.full_name).from(a)) rows += row[a.full_name].empty() ? 0 : 1;
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, rows);
    CPPUNIT_ASSERT_EQUAL(a.name(), get(only(recorder.take(), "SELECT"), "db.collection.name"));
  }

  void testSqlTextGivesItsFirstKeyword() {
    Recorder recorder;
    db_->set_tracer(recorder.tracer());
    (void)db_->execute_sql("  /* a comment */ select 1");
    const auto events = recorder.take();
    const auto select = only(events, "SELECT");
    CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), get(select, "db.collection.name"));
    CPPUNIT_ASSERT_EQUAL(std::string("SELECT"), get(select, "db.query.summary"));
    CPPUNIT_ASSERT_EQUAL(std::string("  /* a comment */ select 1"), get(select, "db.query.text"));
    db_->atomic([&] { (void)db_->execute_sql("SELECT 2"); });
    const auto block = recorder.take();
    CPPUNIT_ASSERT_EQUAL(std::string("SELECT 2"), get(only(block, "SELECT"), "db.query.text"));
    (void)only(block, "COMMIT");
  }

  void testConnectionAttributes() {
    Recorder recorder;
    db_->set_tracer(recorder.tracer());
    (void)db_->execute_sql("SELECT 1");
    const auto e = only(recorder.take(), "SELECT");
    CPPUNIT_ASSERT_EQUAL(expected_system(), get(e, "db.system.name"));
    const Uri uri = Uri::parse(uri_);
    CPPUNIT_ASSERT_EQUAL(uri.path(), get(e, "db.namespace"));
    if constexpr (kBackend == Backend::sqlite) {
      CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), get(e, "server.address"));
      CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), get(e, "server.port"));
    } else {
      CPPUNIT_ASSERT_EQUAL(uri.hosts().front().name, get(e, "server.address"));
      CPPUNIT_ASSERT_EQUAL(std::to_string(*uri.hosts().front().port), get(e, "server.port"));
    }
    CPPUNIT_ASSERT_EQUAL(std::string("1"),
                         get(e, "lingo.transaction.attempt"));  // a lone statement's first try
  }

  void testValuesNeverReachTheAttributes() {
    Recorder recorder;
    db_->set_tracer(recorder.tracer(), {.show_params = true});
    const std::string secret = "hunter2-' OR 1=1 --";
    db_->insert(*authors_).set(authors_->id, std::int64_t{3}).set(authors_->full_name, secret).execute();
    (void)db_->select(authors_->id).from(*authors_).where(authors_->full_name == secret).all();
    const auto events = recorder.take();
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, events.size());
    for (const auto& e : events) {
      for (const auto& [key, value] : e)
        CPPUNIT_ASSERT_MESSAGE(key + " holds a bound value: " + value,
                               value.find("hunter2") == std::string::npos);
    }
  }

  void testErrorsCarryTheirStatusCode() {
    Recorder recorder;
    db_->set_tracer(recorder.tracer());
    expect_throw<IntegrityError>(
        [&] {
          db_->insert(*authors_)
              .set(authors_->id, std::int64_t{1})
              .set(authors_->full_name, "again")
              .execute();
        },
        "a duplicate key");
    auto failed = only(recorder.take(), "INSERT");
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), get(failed, "db.response.status_code"));
    CPPUNIT_ASSERT_EQUAL(std::string("23505"), get(failed, "error.type"));
    expect_throw<ProgrammingError>([&] { (void)db_->execute_sql("SELECT * FROM o_no_such_table"); },
                                   "a missing table");
    auto missing = only(recorder.take(), "SELECT");
    CPPUNIT_ASSERT_EQUAL(std::string("42P01"), get(missing, "db.response.status_code"));
    CPPUNIT_ASSERT_EQUAL(std::string("42P01"), get(missing, "error.type"));
    // A succeeding statement carries neither.
    (void)db_->execute_sql("SELECT 1");
    auto fine = only(recorder.take(), "SELECT");
    CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), get(fine, "error.type"));
    CPPUNIT_ASSERT_EQUAL(std::string("<absent>"), get(fine, "db.response.status_code"));
  }

  void testRunTransactionNumbersItsAttempts() {
    Recorder recorder;
    db_->set_tracer(recorder.tracer());
    int calls = 0;
    db_->run_transaction(
        [&](Database& tx) {
          ++calls;
          (void)tx.select(authors_->full_name).from(*authors_).where(authors_->id == std::int64_t{1}).all();
          if (calls == 1)
            throw SerializationFailure(
                ErrorInfo{.message = "forced", .sqlstate = "40001", .retryable = true});
        },
        {.initial_backoff = 0us, .sleep = [](std::chrono::microseconds) {}});
    CPPUNIT_ASSERT_EQUAL(2, calls);
    std::vector<std::string> attempts;
    for (const auto& e : recorder.take())
      if (get(e, "db.operation.name") == "SELECT") attempts.push_back(get(e, "lingo.transaction.attempt"));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, attempts.size());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), attempts[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("2"), attempts[1]);
    // Inside a block of one's own, statements belong to no attempt.
    db_->atomic([&] { (void)db_->execute_sql("SELECT 1"); });
    CPPUNIT_ASSERT_EQUAL(std::string("<absent>"),
                         get(only(recorder.take(), "SELECT"), "lingo.transaction.attempt"));
  }

  void testPipelineIsABatch() {
    Recorder recorder;
    db_->set_tracer(recorder.tracer());
    std::vector<PipelineStatement> statements{{"SELECT 1"}, {"SELECT 2"}, {"SELECT 3"}};
    const auto results = db_->pipeline(statements);
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, results.size());
    std::size_t batched = 0;
    for (const auto& e : recorder.take())
      if (get(e, "db.operation.name") == "SELECT" && get(e, "db.operation.batch.size") == "3") ++batched;
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, batched);
  }

  // What the server saw as this session's statement (PostgreSQL and the
  // simulator in front of it); SQLite has no server to ask.
  std::string seen_by_server(Database& db) {
    const Result r = db.execute_sql("SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()");
    return r[0][0].as<std::string>();
  }

  void testTraceparentComment() {
    const std::string parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    CPPUNIT_ASSERT(is_traceparent(parent));
    Recorder recorder;
    db_->set_tracer(recorder.tracer(), {.traceparent = [&] { return parent; }});
    if constexpr (kBackend != Backend::sqlite) {
      const std::string seen = seen_by_server(*db_);
      CPPUNIT_ASSERT_MESSAGE(seen, seen.ends_with(" /*traceparent='" + parent + "'*/"));
    } else {
      CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->select().from(*authors_).count());
    }
    // The trace shows the statement as built: the comment is for the server.
    for (const auto& e : recorder.take())
      CPPUNIT_ASSERT(get(e, "db.query.text").find("traceparent") == std::string::npos);
    // Transaction control goes without one (CockroachDB's restart savepoint
    // is matched by name), and still works.
    db_->atomic([&] { (void)db_->execute_sql("SELECT 1"); });
    // Off by default.
    db_->set_tracer(recorder.tracer());
    if constexpr (kBackend != Backend::sqlite) {
      CPPUNIT_ASSERT(seen_by_server(*db_).find("traceparent") == std::string::npos);
    }
  }

  void testHostileTraceparentIsLeftOut() {
    for (const std::string& hostile :
         {std::string("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/; DROP TABLE x; --"),
          std::string("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01"),  // upper case
          std::string("00-00000000000000000000000000000000-b7ad6b7169203331-01"),  // zero trace id
          std::string("*/ DROP TABLE o; /*"), std::string()}) {
      CPPUNIT_ASSERT_MESSAGE(hostile, !is_traceparent(hostile));
      db_->set_tracer(nullptr, {.traceparent = [&] { return hostile; }});
      if constexpr (kBackend != Backend::sqlite) {
        CPPUNIT_ASSERT(seen_by_server(*db_).find("/*") == std::string::npos);
      }
      CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->select().from(*authors_).count());
    }
    // A source that throws costs the statement nothing but its comment.
    db_->set_tracer(nullptr, {.traceparent = []() -> std::string { throw std::runtime_error("no span"); }});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db_->select().from(*authors_).count());
  }

  void testClientMetricsAfterAKnownWorkload() {
    ClientMetrics metrics;
    db_->set_tracer(metrics.tracer());
    for (std::int64_t id = 10; id < 13; ++id)
      db_->insert(*authors_).set(authors_->id, id).set(authors_->full_name, "n").execute();
    for (int i = 0; i < 2; ++i) (void)db_->select(authors_->full_name).from(*authors_).all();
    expect_throw<IntegrityError>(
        [&] {
          db_->insert(*authors_).set(authors_->id, std::int64_t{10}).set(authors_->full_name, "n").execute();
        },
        "a duplicate key");
    db_->set_tracer(nullptr);
    std::map<std::string, std::uint64_t> counts;
    for (const OperationSeries& s : metrics.operations()) {
      CPPUNIT_ASSERT_EQUAL(expected_system(), s.system);
      std::uint64_t bucketed = 0;
      for (const std::uint64_t c : s.duration.counts) bucketed += c;
      CPPUNIT_ASSERT_EQUAL(s.duration.count, bucketed);
      CPPUNIT_ASSERT(s.duration.sum >= 0);
      if (s.collection == authors_->name()) counts[s.operation + " " + s.error_type] += s.duration.count;
    }
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{3}, counts["INSERT "]);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, counts["SELECT "]);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, counts["INSERT 23505"]);
    const std::string text = to_prometheus(&metrics);
    const std::string labels = "db_system_name=\"" + expected_system() + "\"";
    CPPUNIT_ASSERT(text.find("# TYPE db_client_operation_duration_seconds histogram\n") != std::string::npos);
    const std::string inserts =
        "db_operation_name=\"INSERT\",db_collection_name=\"" + authors_->name() + "\",le=\"+Inf\"} 3\n";
    CPPUNIT_ASSERT_MESSAGE(text, text.find(inserts) != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(text, text.find("error_type=\"23505\",le=\"+Inf\"} 1\n") != std::string::npos);
    CPPUNIT_ASSERT(text.find(labels) != std::string::npos);
  }

  void testPoolMetrics() {
    Database pooled(
        lingo_test::backend_uri(dir_, "observability.db", "+pool", "max_connections=1&timeout=0.2"));
    (void)pooled.execute_sql("SELECT 1");
    pooled.close();  // back to the pool: it now holds one idle connection
    std::atomic<bool> holding{false};
    std::atomic<bool> release{false};
    std::thread holder([&] {
      pooled.begin();
      (void)pooled.execute_sql("SELECT 1");
      holding = true;
      while (!release) std::this_thread::sleep_for(1ms);
      pooled.rollback();
      pooled.close();
    });
    while (!holding) std::this_thread::sleep_for(1ms);
    std::atomic<bool> waited{false};
    std::thread waiter([&] {
      expect_throw<MaxConnectionsExceeded>([&] { (void)pooled.execute_sql("SELECT 1"); }, "a full pool");
      pooled.close();
      waited = true;
    });
    // The waiter is seen waiting (for the pool's 0.2 s), then times out.
    std::size_t most_pending = 0;
    while (!waited) {
      most_pending = std::max(most_pending, pooled.pool_stats().pending_requests);
      std::this_thread::sleep_for(1ms);
    }
    waiter.join();
    release = true;
    holder.join();
    const PoolStats stats = pooled.pool_stats();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, most_pending);
    CPPUNIT_ASSERT_EQUAL(std::size_t{0}, stats.pending_requests);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, stats.timeouts);
    CPPUNIT_ASSERT_EQUAL(1, stats.max_connections);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, stats.create_time.count);  // one connection, lent three times
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, stats.wait_time.count);    // the timed-out wait is no checkout
    CPPUNIT_ASSERT(stats.wait_time.sum < 0.2);
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{2}, stats.use_time.count);
    CPPUNIT_ASSERT(stats.use_time.sum > 0);
    const std::string text = to_prometheus(nullptr, std::vector<NamedPoolStats>{{"main", stats}});
    for (const std::string line :
         {"db_client_connection_count{db_client_connection_pool_name=\"main\",db_client_connection_state="
          "\"idle\"} 1\n",
          "db_client_connection_count{db_client_connection_pool_name=\"main\",db_client_connection_state="
          "\"used\"} 0\n",
          "db_client_connection_max{db_client_connection_pool_name=\"main\"} 1\n",
          "db_client_connection_timeouts_total{db_client_connection_pool_name=\"main\"} 1\n",
          "db_client_connection_use_time_seconds_count{db_client_connection_pool_name=\"main\"} 2\n"})
      CPPUNIT_ASSERT_MESSAGE(text, text.find(line) != std::string::npos);
  }

  // set_tracer returns only once the tracer it replaces has finished every
  // call: what that tracer used may be destroyed at once.
  void testRemovingATracerWaitsForItsCalls() {
    std::atomic<bool> inside{false};
    std::atomic<bool> finished{false};
    db_->set_tracer([&](const TraceEvent&) {
      inside = true;
      std::this_thread::sleep_for(100ms);
      finished = true;
    });
    std::thread statement([&] {
      (void)db_->execute_sql("SELECT 1");
      db_->close();
    });
    while (!inside) std::this_thread::sleep_for(1ms);
    db_->set_tracer(nullptr);
    CPPUNIT_ASSERT_MESSAGE("set_tracer returned while the old tracer still ran", finished.load());
    statement.join();
  }

  void testPrometheusLabelsAreEscaped() {
    const std::string text = to_prometheus(nullptr, std::vector<NamedPoolStats>{{"a\"b\\c\nd", PoolStats{}}});
    CPPUNIT_ASSERT_MESSAGE(
        text, text.find("db_client_connection_max{db_client_connection_pool_name=\"a\\\"b\\\\c\\nd\"} 0\n") !=
                  std::string::npos);
  }

 private:
  std::unique_ptr<Author> authors_;
  std::unique_ptr<Book> books_;
  std::string dir_;
  std::string uri_;
  std::unique_ptr<Database> db_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ObservabilitySuite);

}  // namespace
