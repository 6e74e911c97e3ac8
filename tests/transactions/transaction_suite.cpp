// peewee's transaction matrix, asserted as statement traces: every block
// form, every allowed and forbidden nesting, and what reached the table.
// Written once and built twice, against SQLite (transactions_sqlite) and the
// test PostgreSQL (transactions_postgres).
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using Trace = std::vector<std::string>;

namespace {

#ifdef LINGO_TRANSACTIONS_SQLITE
constexpr bool kSqlite = true;
#else
constexpr bool kSqlite = false;
#endif

// A Poco channel that keeps what it is sent.
class RecordingChannel : public Poco::Channel {
 public:
  void log(const Poco::Message& message) override { messages.emplace_back(message.getPriority(), message.getText()); }
  std::vector<std::pair<int, std::string>> messages;
};

struct Boom : std::runtime_error {
  Boom() : std::runtime_error("boom") {}
};

std::string joined(const Trace& t) {
  std::string out;
  for (const auto& s : t) out += "\n    " + s;
  return out;
}

class TransactionSuite : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TransactionSuite);
  CPPUNIT_TEST(testNestedAtomicCommits);
  CPPUNIT_TEST(testNestedAtomicRollbackCaughtOutside);
  CPPUNIT_TEST(testOuterAtomicExceptionRollsBackAndPropagates);
  CPPUNIT_TEST(testCallableFormsReturnValuesAndTakeTheHandle);
  CPPUNIT_TEST(testNestedTransactionsFold);
  CPPUNIT_TEST(testInnerExceptionCaughtOutsideKeepsInnerWrites);
  CPPUNIT_TEST(testInnerRollbackActsOnTheWholeTransaction);
  CPPUNIT_TEST(testInnerCommitActsOnTheWholeTransaction);
  CPPUNIT_TEST(testSavepointCommitAndRollbackRestartIt);
  CPPUNIT_TEST(testOutermostHandleCommitAndRollbackBeginAgain);
  CPPUNIT_TEST(testHandleLeftWithoutFinishRollsBack);
  CPPUNIT_TEST(testHandleIsUnusableAfterFinish);
  CPPUNIT_TEST(testDepthCountsTransactionsNotSavepoints);
  CPPUNIT_TEST(testManualCommit);
  CPPUNIT_TEST(testManualCommitForbiddenNestings);
  CPPUNIT_TEST(testCloseWithATransactionOpenIsRefused);
  CPPUNIT_TEST(testSessionsBelongToOneDatabaseOnOneThread);
  CPPUNIT_TEST(testDecoratorForms);
  CPPUNIT_TEST(testOptionsApplyToTheOutermostBlockOnly);
  CPPUNIT_TEST(testUnsupportedOptionsFailBeforeBegin);
  CPPUNIT_TEST(testBlockAfterRawBeginIsRefused);
  CPPUNIT_TEST(testConnectionContext);
  CPPUNIT_TEST(testForbiddenSavepointsFailBeforeAnythingIsSent);
  CPPUNIT_TEST(testTracerRedactsParametersUnlessAsked);
  CPPUNIT_TEST(testBatchedInsertFoldsIntoTheCallersTransaction);
  CPPUNIT_TEST(testPocoLoggerTracer);
  CPPUNIT_TEST(testRetryPolicyPausesOnAFakeClock);
  CPPUNIT_TEST(testDefaultRetryPolicyRetriesOnceAtOnceThenBacksOff);
  CPPUNIT_TEST(testNoImmediateRetriesPausesFromTheFirst);
  CPPUNIT_TEST(testRetryPolicyRefusesBadValuesBeforeAnythingIsSent);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    table_ = lingo_test::unique_name("tx_items");
    if (kSqlite) {
      dir_ = lingo_test::temp_dir();
      uri_ = "sqlite:///" + dir_ + "/tx.db";
    } else {
      uri_ = lingo_test::pg_uri();
    }
    db_ = std::make_unique<Database>(uri_);
    db_->execute_sql("CREATE TABLE " + table_ + " (name VARCHAR(20) PRIMARY KEY)");
    db_->set_tracer([this](const TraceEvent& e) { trace_.emplace_back(e.sql); });
    insert_ = "INSERT INTO " + table_ + " (name) VALUES ($1)";
  }

  void tearDown() override {
    if (db_ != nullptr) {
      db_->set_tracer(nullptr);
      try {
        if (db_->connection().transaction_status() != TransactionStatus::idle) db_->rollback();
        db_->execute_sql("DROP TABLE " + table_);
      } catch (const std::exception&) {  // a failing test already reported its cause
      }
      db_.reset();
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void testNestedAtomicCommits() {
    db_->atomic([&] {
      add("a");
      db_->atomic([&] { add("b"); });
    });
    expect_trace(
        {"BEGIN", insert_, "SAVEPOINT lingo_sp_1", insert_, "RELEASE SAVEPOINT lingo_sp_1", "COMMIT"});
    expect_rows({"a", "b"});
  }

  void testNestedAtomicRollbackCaughtOutside() {
    db_->atomic([&] {
      add("a");
      try {
        db_->atomic([&] {
          add("b");
          throw Boom();
        });
      } catch (const Boom&) {
      }
    });
    expect_trace(
        {"BEGIN", insert_, "SAVEPOINT lingo_sp_1", insert_, "ROLLBACK TO SAVEPOINT lingo_sp_1", "COMMIT"});
    expect_rows({"a"});
  }

  void testOuterAtomicExceptionRollsBackAndPropagates() {
    expect_throw<Boom>(
        [&] {
          db_->atomic([&] {
            add("a");
            throw Boom();
          });
        },
        "the callable's exception");
    expect_trace({"BEGIN", insert_, "ROLLBACK"});
    expect_rows({});
    CPPUNIT_ASSERT(!db_->in_transaction());
  }

  void testCallableFormsReturnValuesAndTakeTheHandle() {
    const int n = db_->atomic([&] { return 42; });
    CPPUNIT_ASSERT_EQUAL(42, n);
    const std::string kind = db_->atomic([&](Transaction& outer) {
      return db_->atomic([&](Transaction& inner) {
        return std::string(outer.kind() == BlockKind::transaction ? "transaction" : "?") + "/" +
               (inner.kind() == BlockKind::savepoint ? inner.savepoint_name() : "?");
      });
    });
    CPPUNIT_ASSERT_EQUAL(std::string("transaction/lingo_sp_1"), kind);
  }

  void testNestedTransactionsFold() {
    db_->transaction([&] {
      add("a");
      db_->transaction([&](Transaction& inner) {
        CPPUNIT_ASSERT(inner.kind() == BlockKind::folded);
        CPPUNIT_ASSERT_EQUAL(2, db_->transaction_depth());
        add("b");
      });
      CPPUNIT_ASSERT_EQUAL(1, db_->transaction_depth());
    });
    expect_trace({"BEGIN", insert_, insert_, "COMMIT"});
    expect_rows({"a", "b"});
  }

  // peewee issue #2767: only the outermost block rolls back.
  void testInnerExceptionCaughtOutsideKeepsInnerWrites() {
    db_->transaction([&] {
      try {
        db_->transaction([&] {
          add("b");
          throw Boom();
        });
      } catch (const Boom&) {
      }
      add("a");
    });
    expect_trace({"BEGIN", insert_, insert_, "COMMIT"});
    expect_rows({"a", "b"});
  }

  void testInnerRollbackActsOnTheWholeTransaction() {
    db_->transaction([&] {
      add("a");
      db_->transaction([&](Transaction& inner) {
        add("b");
        inner.rollback();
        add("c");
      });
    });
    expect_trace({"BEGIN", insert_, insert_, "ROLLBACK", "BEGIN", insert_, "COMMIT"});
    expect_rows({"c"});
  }

  void testInnerCommitActsOnTheWholeTransaction() {
    expect_throw<Boom>(
        [&] {
          db_->transaction([&] {
            add("a");
            db_->transaction([&](Transaction& inner) {
              add("b");
              inner.commit();
              add("c");
            });
            throw Boom();
          });
        },
        "outer failure");
    expect_trace({"BEGIN", insert_, insert_, "COMMIT", "BEGIN", insert_, "ROLLBACK"});
    expect_rows({"a", "b"});
  }

  void testSavepointCommitAndRollbackRestartIt() {
    db_->atomic([&] {
      db_->savepoint([&](Transaction& sp) {
        add("a");
        sp.rollback();
        add("b");
        sp.commit();
        add("c");
      });
    });
    expect_trace({"BEGIN", "SAVEPOINT lingo_sp_1", insert_, "ROLLBACK TO SAVEPOINT lingo_sp_1",
                  "SAVEPOINT lingo_sp_1", insert_, "RELEASE SAVEPOINT lingo_sp_1", "SAVEPOINT lingo_sp_1",
                  insert_, "RELEASE SAVEPOINT lingo_sp_1", "COMMIT"});
    expect_rows({"b", "c"});
  }

  void testOutermostHandleCommitAndRollbackBeginAgain() {
    auto txn = db_->atomic();
    add("a");
    txn.commit();
    add("b");
    txn.rollback();
    add("c");
    txn.finish();
    expect_trace({"BEGIN", insert_, "COMMIT", "BEGIN", insert_, "ROLLBACK", "BEGIN", insert_, "COMMIT"});
    expect_rows({"a", "c"});
  }

  void testHandleLeftWithoutFinishRollsBack() {
    {
      auto txn = db_->atomic();
      add("a");
      {
        auto sp = db_->atomic();
        add("b");
      }  // never committed: rolled back to the savepoint
      add("c");
    }  // never committed: rolled back
    expect_trace({"BEGIN", insert_, "SAVEPOINT lingo_sp_1", insert_, "ROLLBACK TO SAVEPOINT lingo_sp_1",
                  insert_, "ROLLBACK"});
    expect_rows({});
    CPPUNIT_ASSERT(!db_->in_transaction());
  }

  void testHandleIsUnusableAfterFinish() {
    auto txn = db_->transaction();
    txn.finish();
    auto e = expect_throw<InterfaceError>([&] { txn.commit(); }, "commit after finish");
    LINGO_ASSERT_CONTAINS(e.what(), "has ended");
    expect_throw<InterfaceError>([&] { txn.finish(); }, "finish twice");
    // A handle used from another thread is refused, not raced.
    auto other = db_->transaction();
    std::string message;
    std::thread([&] {
      try {
        other.commit();
      } catch (const InterfaceError& err) {
        message = err.what();
      }
    }).join();
    LINGO_ASSERT_CONTAINS(message, "belongs to another thread");
    other.finish();
    expect_trace({"BEGIN", "COMMIT", "BEGIN", "COMMIT"});
  }

  void testDepthCountsTransactionsNotSavepoints() {
    CPPUNIT_ASSERT(!db_->in_transaction());
    CPPUNIT_ASSERT_EQUAL(0, db_->transaction_depth());
    db_->atomic([&] {
      db_->atomic([&] { db_->atomic([&] { CPPUNIT_ASSERT_EQUAL(1, db_->transaction_depth()); }); });
      db_->transaction([&] { db_->transaction([&] { CPPUNIT_ASSERT_EQUAL(3, db_->transaction_depth()); }); });
      CPPUNIT_ASSERT(db_->in_transaction());
    });
    CPPUNIT_ASSERT_EQUAL(0, db_->transaction_depth());
  }

  void testManualCommit() {
    db_->manual_commit([&] {
      CPPUNIT_ASSERT(db_->in_transaction());
      db_->begin();
      add("a");
      db_->commit();
      db_->begin();
      add("b");
      // A savepoint works inside a transaction the application began.
      db_->savepoint([&] { add("c"); });
      db_->rollback();
      // transaction() does nothing at all inside manual_commit.
      db_->transaction([&] { add("d"); });
      // manual_commit may nest inside manual_commit.
      db_->manual_commit([&] { CPPUNIT_ASSERT_EQUAL(2, db_->transaction_depth()); });
    });
    CPPUNIT_ASSERT(!db_->in_transaction());
    expect_trace({"BEGIN", insert_, "COMMIT", "BEGIN", insert_, "SAVEPOINT lingo_sp_1", insert_,
                  "RELEASE SAVEPOINT lingo_sp_1", "ROLLBACK", insert_});
    expect_rows({"a", "d"});
  }

  void testManualCommitForbiddenNestings() {
    db_->manual_commit([&] {
      auto e = expect_throw<ValueError>([&] { (void)db_->atomic(); }, "atomic inside manual_commit");
      LINGO_ASSERT_CONTAINS(e.what(), "Cannot enter atomic commit block while in manual commit mode");
      auto c = expect_throw<OperationalError>([&] { db_->close(); }, "close inside manual_commit");
      LINGO_ASSERT_CONTAINS(c.what(), "Attempting to close database while transaction is open");
    });
    db_->atomic([&] {
      auto e = expect_throw<ValueError>([&] { (void)db_->manual_commit(); }, "manual_commit inside atomic");
      LINGO_ASSERT_CONTAINS(e.what(), "Cannot enter manual commit block while a transaction is active");
    });
    db_->transaction([&] {
      expect_throw<ValueError>([&] { (void)db_->manual_commit(); }, "manual_commit inside transaction");
    });
    expect_trace({"BEGIN", "COMMIT", "BEGIN", "COMMIT"});
  }

  void testCloseWithATransactionOpenIsRefused() {
    {
      auto txn = db_->atomic();
      add("a");
      auto e = expect_throw<OperationalError>([&] { db_->close(); }, "close in atomic");
      LINGO_ASSERT_CONTAINS(e.what(), "Attempting to close database while transaction is open");
      CPPUNIT_ASSERT(!db_->is_closed());
      txn.finish();
    }
    // A transaction begun by hand holds work too.
    db_->begin();
    add("b");
    auto e = expect_throw<OperationalError>([&] { db_->close(); }, "close after begin()");
    LINGO_ASSERT_CONTAINS(e.what(), "commit() or rollback() it first");
    db_->commit();
    CPPUNIT_ASSERT(db_->close());
    CPPUNIT_ASSERT(db_->is_closed());
    expect_rows({"a", "b"});
  }

  void testSessionsBelongToOneDatabaseOnOneThread() {
    // Each Database keeps one session per thread. Going back and forth
    // between two on one thread, closing one, or making a new one never hands
    // one's connection (or its open transaction) to another.
    std::optional<Database> other(std::in_place, uri_);
    auto txn = db_->atomic();
    add("a");
    CPPUNIT_ASSERT(other->is_closed());
    CPPUNIT_ASSERT(!other->in_transaction());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, other->execute_sql("SELECT 1").scalar<std::int64_t>());
    CPPUNIT_ASSERT(!other->is_closed());
    CPPUNIT_ASSERT(!other->in_transaction());
    CPPUNIT_ASSERT(db_->in_transaction());
    CPPUNIT_ASSERT(other->close());
    CPPUNIT_ASSERT(other->is_closed());
    CPPUNIT_ASSERT(!db_->is_closed());
    CPPUNIT_ASSERT(db_->in_transaction());
    // A Database made after another is gone starts with no session at all.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, other->execute_sql("SELECT 2").scalar<std::int64_t>());
    other.reset();
    other.emplace(uri_);
    CPPUNIT_ASSERT(other->is_closed());
    CPPUNIT_ASSERT(!other->in_transaction());
    // Another thread has a session of its own, outside this thread's transaction.
    bool closed_there = false;
    bool in_transaction_there = true;
    std::thread([&] {
      closed_there = db_->is_closed();
      in_transaction_there = db_->in_transaction();
    }).join();
    CPPUNIT_ASSERT(closed_there);
    CPPUNIT_ASSERT(!in_transaction_there);
    CPPUNIT_ASSERT(db_->in_transaction());
    txn.finish();
    CPPUNIT_ASSERT(!db_->in_transaction());
    expect_rows({"a"});
  }

  void testDecoratorForms() {
    auto create = db_->wrap_transaction([&](const std::string& name) {
      add(name);
      return db_->transaction_depth();
    });
    // Alone it is its own transaction; inside another it folds.
    CPPUNIT_ASSERT_EQUAL(1, create("a"));
    db_->transaction([&] { CPPUNIT_ASSERT_EQUAL(2, create("b")); });
    auto nested = db_->wrap_atomic([&](const std::string& name) { add(name); });
    db_->atomic([&] { nested("c"); });
    auto fail = db_->wrap_atomic([&] {
      add("d");
      throw Boom();
    });
    expect_throw<Boom>([&] { fail(); }, "decorated failure");
    expect_trace({"BEGIN", insert_, "COMMIT", "BEGIN", insert_, "COMMIT", "BEGIN", "SAVEPOINT lingo_sp_1",
                  insert_, "RELEASE SAVEPOINT lingo_sp_1", "COMMIT", "BEGIN", insert_, "ROLLBACK"});
    expect_rows({"a", "b", "c"});
  }

  void testOptionsApplyToTheOutermostBlockOnly() {
    const TransactionOptions outer_options =
        kSqlite ? TransactionOptions{.lock_type = LockType::immediate}
                : TransactionOptions{.isolation_level = IsolationLevel::serializable, .read_only = true};
    const TransactionOptions inner_options =
        kSqlite ? TransactionOptions{.lock_type = LockType::exclusive}
                : TransactionOptions{.isolation_level = IsolationLevel::read_committed};
    db_->atomic(outer_options, [&] {
      db_->atomic(inner_options, [&] {});
      db_->transaction(inner_options, [&] {});
    });
    const std::string begin = kSqlite ? "BEGIN IMMEDIATE" : "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY";
    expect_trace({begin, "SAVEPOINT lingo_sp_1", "RELEASE SAVEPOINT lingo_sp_1", "COMMIT"});
    if (!kSqlite) {
      // The read-only transaction is real: a write inside it fails.
      auto e = expect_throw<InternalError>([&] { db_->atomic({.read_only = true}, [&] { add("x"); }); },
                                           "write in READ ONLY");
      CPPUNIT_ASSERT_EQUAL(std::string("25006"), e.sqlstate());
      db_->atomic({.isolation_level = IsolationLevel::repeatable_read, .deferrable = true}, [&] {});
      CPPUNIT_ASSERT_EQUAL(std::string("BEGIN ISOLATION LEVEL REPEATABLE READ DEFERRABLE"),
                           trace_.at(trace_.size() - 2));
    }
  }

  void testUnsupportedOptionsFailBeforeBegin() {
    auto e = expect_throw<NotSupportedError>(
        [&] { db_->atomic({.priority = Priority::high}, [&] { add("a"); }); }, "priority");
    LINGO_ASSERT_CONTAINS(e.what(), "does not support the transaction option 'priority'");
    LINGO_ASSERT_CONTAINS(e.what(), kSqlite ? "the sqlite dialect" : "the postgres dialect");
    CPPUNIT_ASSERT_EQUAL(std::string("0A000"), e.sqlstate());
    if (kSqlite) {
      expect_throw<NotSupportedError>([&] { (void)db_->transaction({.read_only = true}); }, "read_only");
      expect_throw<NotSupportedError>(
          [&] { (void)db_->atomic({.isolation_level = IsolationLevel::read_committed}); }, "isolation");
    } else {
      auto l = expect_throw<NotSupportedError>(
          [&] { (void)db_->transaction({.lock_type = LockType::immediate}); }, "lock_type");
      LINGO_ASSERT_CONTAINS(l.what(), "'lock_type'");
    }
    // Nested blocks validate too, even though they ignore the options.
    db_->atomic([&] {
      expect_throw<NotSupportedError>([&] { (void)db_->atomic({.priority = Priority::low}); },
                                      "nested priority");
    });
    expect_trace({"BEGIN", "COMMIT"});
    expect_rows({});
    // Priorities parse in any case; anything else is a ValueError.
    CPPUNIT_ASSERT(parse_priority("HiGh") == Priority::high);
    auto v = expect_throw<ValueError>([] { (void)parse_priority("urgent"); }, "bad priority");
    LINGO_ASSERT_CONTAINS(v.what(), "expected low, normal or high");
  }

  void testBlockAfterRawBeginIsRefused() {
    db_->begin();
    trace_.clear();
    auto e = expect_throw<InterfaceError>([&] { (void)db_->atomic(); }, "atomic after begin()");
    LINGO_ASSERT_CONTAINS(e.what(), "manual_commit()");
    auto r = expect_throw<InterfaceError>([&] { db_->run_transaction([](Database&) {}); }, "run_transaction");
    LINGO_ASSERT_CONTAINS(r.what(), "cannot run inside an open transaction");
    expect_trace({});
    db_->rollback();
  }

  void testConnectionContext() {
    db_->close();
    db_->connection_context([&] {
      CPPUNIT_ASSERT(!db_->is_closed());
      db_->connection_context([&] { add("a"); });
      CPPUNIT_ASSERT(!db_->is_closed());  // only the outermost context closes
    });
    CPPUNIT_ASSERT(db_->is_closed());
    auto wrapped = db_->wrap_connection_context([&] { return !db_->is_closed(); });
    CPPUNIT_ASSERT(wrapped());
    CPPUNIT_ASSERT(db_->is_closed());
    expect_rows({"a"});
  }

  void testForbiddenSavepointsFailBeforeAnythingIsSent() {
    PluginRegistry::instance().load(std::string(LINGO_BAD_PLUGIN_DIR) + "/liblingo-nosavepoints.so");
    const std::string dir = lingo_test::temp_dir();
    Database db("nosavepoints:///" + dir + "/nosp.db");
    Trace trace;
    db.set_tracer([&](const TraceEvent& e) { trace.emplace_back(e.sql); });
    db.execute_sql("CREATE TABLE t (x INTEGER)");
    db.atomic([&] {
      db.execute_sql("INSERT INTO t VALUES (1)");
      auto e = expect_throw<NotSupportedError>([&] { db.atomic([&] {}); }, "nested atomic");
      LINGO_ASSERT_CONTAINS(e.what(), "atomic() cannot nest");
      LINGO_ASSERT_CONTAINS(e.what(), "the nosavepoints test dialect has no savepoints");
      LINGO_ASSERT_CONTAINS(e.what(), "nothing was sent");
      expect_throw<NotSupportedError>([&] { (void)db.savepoint(); }, "savepoint()");
      // transaction() nesting folds instead, and works.
      db.transaction([&] { db.execute_sql("INSERT INTO t VALUES (2)"); });
    });
    const Trace expected{"CREATE TABLE t (x INTEGER)", "BEGIN", "INSERT INTO t VALUES (1)",
                         "INSERT INTO t VALUES (2)", "COMMIT"};
    CPPUNIT_ASSERT_EQUAL_MESSAGE("trace:" + joined(trace), joined(expected), joined(trace));
    const Result count = db.execute_sql("SELECT count(*) FROM t");
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, count[0][0].as<std::int64_t>());
    db.close();
    std::filesystem::remove_all(dir);
  }

  void testTracerRedactsParametersUnlessAsked() {
    std::vector<std::string> lines;
    db_->set_tracer([&](const TraceEvent& e) { lines.push_back(to_string(e)); });
    add("secret");
    expect_throw<IntegrityError>([&] { add("secret"); }, "duplicate");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, lines.size());
    LINGO_ASSERT_CONTAINS(lines[0], "1 parameter (redacted)");
    CPPUNIT_ASSERT(lines[0].find("secret") == std::string::npos);
    LINGO_ASSERT_CONTAINS(lines[1], "failed:");
    db_->set_tracer([&](const TraceEvent& e) { lines.push_back(to_string(e)); }, {.show_params = true});
    add("shown");
    LINGO_ASSERT_CONTAINS(lines.back(), "$1='shown'");
    // A throwing tracer changes nothing.
    db_->set_tracer([](const TraceEvent&) { throw std::runtime_error("tracer bug"); });
    add("still");
    db_->set_tracer(nullptr);
    expect_rows({"secret", "shown", "still"});
  }

  void testBatchedInsertFoldsIntoTheCallersTransaction() {
    struct Item : Table {
      Column<std::string> name = column("name", CharField{20}.primary_key());
      explicit Item(const std::string& t) : Table(t) {}
    };
    const Item items(table_);
    auto insert = db_->insert(items);
    insert.columns({&items.name}).batch_size(2);
    for (const char* n : {"a", "b", "c"}) insert.row({std::string(n)});
    db_->atomic([&] { (void)insert.all(); });
    CPPUNIT_ASSERT_EQUAL(std::string("BEGIN"), trace_.front());
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, trace_.size());  // BEGIN, two batches, COMMIT
    CPPUNIT_ASSERT_EQUAL(std::string("COMMIT"), trace_.back());
    expect_rows({"a", "b", "c"});
  }

  void testPocoLoggerTracer() {
    Poco::AutoPtr<RecordingChannel> channel(new RecordingChannel);
    Poco::Logger& logger = Poco::Logger::get("lingo.test." + table_);
    logger.setChannel(channel);
    logger.setLevel(Poco::Message::PRIO_INFORMATION);
    db_->set_tracer(poco_logger_tracer("lingo.test." + table_));
    db_->atomic([&] { add("logged"); });
    expect_throw<IntegrityError>([&] { add("logged"); }, "duplicate");
    db_->set_tracer(nullptr);
    const auto& got = channel->messages;
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, got.size());  // BEGIN, INSERT, COMMIT, the failed INSERT
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(Poco::Message::PRIO_INFORMATION), got[0].first);
    LINGO_ASSERT_CONTAINS(got[0].second, "BEGIN");
    LINGO_ASSERT_CONTAINS(got[1].second, "1 parameter (redacted)");
    CPPUNIT_ASSERT(got[1].second.find("logged") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(Poco::Message::PRIO_WARNING), got[3].first);
    LINGO_ASSERT_CONTAINS(got[3].second, "failed:");
  }

  void testRetryPolicyPausesOnAFakeClock() {
    using namespace std::chrono_literals;
    // Pauses of up to minutes: the test ends at once only if the fake clock
    // is the one that "sleeps".
    const auto started = std::chrono::steady_clock::now();
    const Pauses p = run_with_conflicts(
        6, {.max_attempts = 10, .immediate_retries = 2, .initial_backoff = 10s, .max_backoff = 40s});
    CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
    CPPUNIT_ASSERT_EQUAL(7, p.stats.attempts);
    CPPUNIT_ASSERT_EQUAL(std::size_t{6}, p.announced.size());
    // Two immediate retries, then ceilings of 10 s, 20 s, 40 s and 40 s (capped).
    const std::chrono::microseconds ceilings[] = {0s, 0s, 10s, 20s, 40s, 40s};
    std::chrono::microseconds total{};
    std::vector<std::chrono::microseconds> nonzero;
    for (std::size_t i = 0; i < p.announced.size(); ++i) {
      CPPUNIT_ASSERT_MESSAGE("pause " + std::to_string(i + 1), p.announced[i] >= 0s);
      CPPUNIT_ASSERT_MESSAGE("pause " + std::to_string(i + 1), p.announced[i] <= ceilings[i]);
      total += p.announced[i];
      if (p.announced[i] > 0s) nonzero.push_back(p.announced[i]);
    }
    CPPUNIT_ASSERT(p.announced[0] == 0s && p.announced[1] == 0s);
    CPPUNIT_ASSERT(nonzero == p.slept);  // every pause announced is slept, and nothing else
    CPPUNIT_ASSERT(total == p.stats.backoff);
    // Full jitter: four draws from [0, 10 s] ... [0, 40 s] are not all equal.
    CPPUNIT_ASSERT(p.announced[2] != p.announced[3] || p.announced[3] != p.announced[4]);
    const Result r = db_->execute_sql("SELECT count(*) FROM " + table_);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, r[0][0].as<std::int64_t>());
  }

  void testDefaultRetryPolicyRetriesOnceAtOnceThenBacksOff() {
    using namespace std::chrono_literals;
    const RunOptions defaults;
    CPPUNIT_ASSERT_EQUAL(10, defaults.max_attempts);
    CPPUNIT_ASSERT_EQUAL(1, defaults.immediate_retries);
    CPPUNIT_ASSERT(defaults.initial_backoff == 5ms);
    CPPUNIT_ASSERT(defaults.max_backoff == 1s);
    const Pauses p = run_with_conflicts(9, {});
    CPPUNIT_ASSERT_EQUAL(10, p.stats.attempts);
    const std::chrono::microseconds ceilings[] = {0ms, 5ms, 10ms, 20ms, 40ms, 80ms, 160ms, 320ms, 640ms};
    for (std::size_t i = 0; i < p.announced.size(); ++i)
      CPPUNIT_ASSERT_MESSAGE("pause " + std::to_string(i + 1), p.announced[i] <= ceilings[i]);
    CPPUNIT_ASSERT(p.announced[0] == 0ms);
    // One more conflict than the attempts allow: ExceededMaxAttempts, the row never written.
    db_->execute_sql("DELETE FROM " + table_);
    const auto e = expect_throw<ExceededMaxAttempts>(
        [&] { run_with_conflicts(10, {.sleep = [](std::chrono::microseconds) {}}); }, "attempts");
    CPPUNIT_ASSERT_EQUAL(10, e.attempts());
    const Result r = db_->execute_sql("SELECT count(*) FROM " + table_);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, r[0][0].as<std::int64_t>());
  }

  void testNoImmediateRetriesPausesFromTheFirst() {
    using namespace std::chrono_literals;
    const Pauses p = run_with_conflicts(3, {.immediate_retries = 0, .initial_backoff = 10s, .max_backoff = 10s});
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, p.announced.size());
    for (const auto pause : p.announced) CPPUNIT_ASSERT(pause <= 10s);
    CPPUNIT_ASSERT(p.announced[0] > 0s || p.announced[1] > 0s || p.announced[2] > 0s);
  }

  void testRetryPolicyRefusesBadValuesBeforeAnythingIsSent() {
    using namespace std::chrono_literals;
    trace_.clear();
    int runs = 0;
    auto body = [&](Database&) { ++runs; };
    auto e = expect_throw<ValueError>([&] { db_->run_transaction(body, {.immediate_retries = -1}); },
                                      "negative immediate_retries");
    LINGO_ASSERT_CONTAINS(e.what(), "immediate_retries must be 0 or more, not -1");
    expect_throw<ValueError>([&] { db_->run_transaction(body, {.initial_backoff = -1ms}); }, "negative back-off");
    expect_throw<ValueError>([&] { db_->run_transaction(body, {.max_attempts = -2}); }, "negative attempts");
    CPPUNIT_ASSERT_EQUAL(0, runs);
    CPPUNIT_ASSERT_MESSAGE("trace:" + joined(trace_), trace_.empty());
  }

 private:
  // A failure the dialect would call retryable, raised by the callback: the
  // policy alone decides what happens next, on every dialect alike.
  static void conflict() {
    ErrorInfo info;
    info.message = "a conflict made up by the test";
    info.sqlstate = "40001";
    info.retryable = true;
    throw OperationalError(std::move(info));
  }

  // Runs a transaction that conflicts `failures` times, then inserts a row;
  // returns the pauses run_transaction announced and those it slept.
  struct Pauses {
    std::vector<std::chrono::microseconds> announced, slept;
    RunStats stats;
  };
  Pauses run_with_conflicts(int failures, RunOptions options) {
    Pauses p;
    int runs = 0;
    options.stats = &p.stats;
    options.on_retry = [&](const RetryEvent& e) {
      CPPUNIT_ASSERT_EQUAL(static_cast<int>(p.announced.size()) + 1, e.attempt);
      p.announced.push_back(e.backoff);
    };
    options.sleep = [&](std::chrono::microseconds d) { p.slept.push_back(d); };
    db_->run_transaction(
        [&](Database& db) {
          if (runs++ < failures) conflict();
          db.execute_sql(insert_, {std::string("kept")});
        },
        options);
    CPPUNIT_ASSERT_EQUAL(failures + 1, runs);
    return p;
  }

  void add(const std::string& name) { db_->execute_sql(insert_, {name}); }

  void expect_trace(const Trace& expected) {
    CPPUNIT_ASSERT_EQUAL_MESSAGE("statement trace", joined(expected), joined(trace_));
    trace_.clear();
  }

  void expect_rows(const std::vector<std::string>& expected) {
    db_->set_tracer(nullptr);
    std::vector<std::string> rows;
    for (const auto& row : db_->execute_sql("SELECT name FROM " + table_ + " ORDER BY name"))
      rows.push_back(row[0].as<std::string>());
    std::string want, got;
    for (const auto& r : expected) want += r + " ";
    for (const auto& r : rows) got += r + " ";
    CPPUNIT_ASSERT_EQUAL_MESSAGE("rows in the table", want, got);
    db_->set_tracer([this](const TraceEvent& e) { trace_.emplace_back(e.sql); });
  }

  std::string uri_;
  std::string dir_;
  std::string table_;
  std::string insert_;
  std::unique_ptr<Database> db_;
  Trace trace_;

};

CPPUNIT_TEST_SUITE_REGISTRATION(TransactionSuite);

}  // namespace
