// Sessions: who owns a connection, and what happens when the owner goes.
//
// A lingo::Session owns its SessionState outright. A Database used without
// one gives each thread a session of its own, held by a thread_local
// ThreadSessions: nothing is keyed by thread id, so a new thread can never
// inherit a finished thread's connection, and a thread that ends gives its
// connections back (rolling back what it left open) as its thread_local
// storage is destroyed.
#include <algorithm>
#include <utility>

#include "database_impl.h"
#include "lingo/errors.h"

namespace lingo::detail {
namespace {

class ThreadSessions {
 public:
  ThreadSessions() = default;
  ThreadSessions(const ThreadSessions&) = delete;
  ThreadSessions& operator=(const ThreadSessions&) = delete;
  // The thread is ending: each session ends (SessionState's destructor).
  ~ThreadSessions() {
    last_ = {};
    while (!entries_.empty()) entries_.pop_back();
  }

  SessionState* find(std::uint64_t id) noexcept {
    // A loop of queries on one Database finds its session here at once.
    if (last_.id == id) return last_.state;
    for (auto& entry : entries_) {
      if (entry.id == id) {
        last_ = {id, entry.state.get()};
        return last_.state;
      }
    }
    return nullptr;
  }

  SessionState& get(const std::shared_ptr<Database::Impl>& db) {
    if (SessionState* found = find(db->id)) return *found;
    // Sessions of databases destroyed since this thread last looked end now.
    std::erase_if(entries_,
                  [](const Entry& e) { return !e.state->db->alive.load(std::memory_order_acquire); });
    entries_.push_back(Entry{db->id, std::make_unique<SessionState>(db, "the thread that used it ended")});
    last_ = {db->id, entries_.back().state.get()};
    return *last_.state;
  }

  void end(std::uint64_t id) noexcept {
    if (last_.id == id) last_ = {};
    std::unique_ptr<SessionState> ending;
    for (auto& entry : entries_) {
      if (entry.id == id) ending = std::move(entry.state);
    }
    std::erase_if(entries_, [](const Entry& e) { return e.state == nullptr; });
  }

 private:
  struct Entry {
    std::uint64_t id;
    std::unique_ptr<SessionState> state;
  };
  struct Last {
    std::uint64_t id = 0;
    SessionState* state = nullptr;
  };
  std::vector<Entry> entries_;
  Last last_;
};

// The calling thread's sessions. A plain pointer, not an object, so that it
// can still be asked after the thread's thread_local objects are gone: a
// static Database destroyed at exit looks here after the main thread's
// ThreadSessions has ended (thread_local storage is destroyed before static).
thread_local ThreadSessions* thread_sessions = nullptr;

// Ends the thread's sessions when the thread ends.
struct ThreadSessionsReaper {
  bool armed = false;
  ~ThreadSessionsReaper() { delete std::exchange(thread_sessions, nullptr); }
};
thread_local ThreadSessionsReaper reaper;

ThreadSessions& sessions_of_this_thread() {
  if (thread_sessions == nullptr) {
    reaper.armed = true;  // makes the reaper exist on this thread
    thread_sessions = new ThreadSessions;
  }
  return *thread_sessions;
}

}  // namespace

SessionState* find_thread_session(const Database::Impl& db) noexcept {
  return thread_sessions == nullptr ? nullptr : thread_sessions->find(db.id);
}

SessionState& thread_session(const std::shared_ptr<Database::Impl>& db) {
  return sessions_of_this_thread().get(db);
}

void end_thread_session(const Database::Impl& db) noexcept {
  if (thread_sessions != nullptr) thread_sessions->end(db.id);
}

SessionState::~SessionState() {
  if (conn == nullptr) return;
  const std::string why = std::string("the session's owner is gone (") + owner + ")";
  conn->abandon_stream(why);
  const TransactionStatus status = conn->transaction_status();
  if (status == TransactionStatus::in_transaction || status == TransactionStatus::in_error) {
    try {
      conn->rollback(why + " with a transaction open: rolled back");
    } catch (...) {  // NOLINT(bugprone-empty-catch): traced; the connection is then discarded
    }
  }
  release(/*for_real=*/conn->transaction_status() != TransactionStatus::idle);
}

void SessionState::open() {
  if (db->pool != nullptr) {
    conn = db->pool->checkout();
  } else {
    conn = db->dialect->connect(db->uri);
    conn->set_trace_sink(&db->trace, db->dialect->name(), db->uri);
  }
}

Connection& SessionState::connected() {
  if (conn == nullptr) {
    open();
  } else if (stack.empty() && conn->transaction_status() == TransactionStatus::unknown) {
    // The connection broke (a server restart, a terminated backend) and no
    // block depends on it: the failure was already reported; start afresh.
    release(/*for_real=*/true);
    open();
  }
  return *conn;
}

bool SessionState::close(bool for_real) {
  if (conn == nullptr) return false;
  auto refuse = [&](const std::string& why) {
    throw_error<OperationalError>(
        "Attempting to close database while transaction is open: " + why + "; the connection stays open",
        {.dialect = db->dialect_name()});
  };
  if (!stack.empty()) {
    refuse(std::to_string(stack.size()) +
           " transaction or manual_commit block(s) are still open in this session");
  }
  conn->settle();  // a loop still reading goes on from memory
  if (conn->transaction_status() == TransactionStatus::in_transaction) {
    refuse("a transaction begun with begin() holds uncommitted work; commit() or rollback() it first");
  }
  release(for_real);
  return true;
}

void SessionState::release(bool for_real) noexcept {
  std::unique_ptr<Connection> leaving = std::move(conn);
  if (leaving == nullptr) return;
  leaving->abandon_stream("its connection was closed");
  if (db->pool == nullptr) {
    leaving->close();
  } else if (for_real) {
    db->pool->discard(std::move(leaving));
  } else {
    db->pool->checkin(std::move(leaving));
  }
}

}  // namespace lingo::detail
