// The transaction blocks: Database::atomic / transaction / savepoint /
// manual_commit / connection_context and the handles they return.
#include <algorithm>
#include <string>

#include "database_impl.h"
#include "lingo/errors.h"

namespace lingo {
namespace {

// Removes the frame from the stack; false when it was not on top (the blocks
// were not closed innermost first).
bool pop_frame(detail::SessionState& s, std::uint64_t id) {
  if (!s.stack.empty() && s.stack.back().id == id) {
    s.stack.pop_back();
    return true;
  }
  std::erase_if(s.stack, [id](const Frame& f) { return f.id == id; });
  return false;
}

[[noreturn]] void stack_corrupted(const char* block) {
  throw ValueError(std::string("Transaction stack corrupted while exiting ") + block +
                   " block: blocks opened inside it are still open (close blocks innermost first)");
}

}  // namespace

// ---- opening blocks ---------------------------------------------------------

Transaction Database::transaction(const TransactionOptions& options) {
  // Validated first, so a bad option sends nothing, whatever the depth.
  std::string begin_sql = impl_->dialect->begin_statement(options);
  detail::SessionState& s = state();
  Connection& conn = s.connected();
  const bool outermost = s.stack.empty();
  if (outermost) {
    conn.settle();  // a stream still open outside a transaction reads its rest first
    if (conn.transaction_status() != TransactionStatus::idle) {
      throw InterfaceError(
          "a transaction begun with begin() (or by a BEGIN statement) is already open on this connection; "
          "commit or roll it back before opening a block, or open manual_commit() to manage it by hand. "
          "Nothing was sent");
    }
    conn.begin(begin_sql);
  }
  const std::uint64_t id = impl_->next_frame.fetch_add(1, std::memory_order_relaxed);
  s.stack.push_back(Frame{Frame::Kind::transaction, id});
  return Transaction(*this, outermost ? BlockKind::transaction : BlockKind::folded, id, std::move(begin_sql),
                     {});
}

Transaction Database::atomic(const TransactionOptions& options) {
  const detail::SessionState* s = find_state();
  if (s == nullptr || s->stack.empty()) return transaction(options);
  (void)impl_->dialect->begin_statement(options);  // ignored when nested, but never silently wrong
  if (s->stack.back().kind == Frame::Kind::manual) {
    throw ValueError("Cannot enter atomic commit block while in manual commit mode (nothing was sent)");
  }
  return savepoint();
}

Transaction Database::savepoint() {
  detail::SessionState& s = state();
  Connection& conn = s.connected();
  if (auto why = impl_->dialect->savepoint_restriction(impl_->uri, [this] { return server_version(); })) {
    throw_error<NotSupportedError>(
        "savepoints are not available here, so atomic() cannot nest and savepoint() cannot "
        "be used: " +
            *why + " (nothing was sent; nested transaction() blocks fold into the outermost instead)",
        {.sqlstate = "0A000", .dialect = impl_->dialect_name()});
  }
  std::string name = "lingo_sp_" + std::to_string(++s.savepoints);
  conn.execute("SAVEPOINT " + name);
  return Transaction(*this, BlockKind::savepoint, 0, {}, std::move(name));
}

ManualCommit Database::manual_commit() {
  detail::SessionState& s = state();
  if (!s.stack.empty() && s.stack.back().kind != Frame::Kind::manual) {
    throw ValueError("Cannot enter manual commit block while a transaction is active");
  }
  const std::uint64_t id = impl_->next_frame.fetch_add(1, std::memory_order_relaxed);
  s.stack.push_back(Frame{Frame::Kind::manual, id});
  return ManualCommit(*this, id);
}

ConnectionContext Database::connection_context() {
  detail::SessionState& s = state();
  s.connected();
  ++s.contexts;
  return ConnectionContext(*this);
}

bool Database::in_transaction() const {
  const detail::SessionState* s = find_state();
  return s != nullptr && !s->stack.empty();
}

int Database::transaction_depth() const {
  const detail::SessionState* s = find_state();
  return s == nullptr ? 0 : static_cast<int>(s->stack.size());
}

// ---- Transaction --------------------------------------------------------------

Transaction::Transaction(Database& db, BlockKind kind, std::uint64_t frame, std::string begin_sql,
                         std::string savepoint)
    : db_(&db),
      kind_(kind),
      frame_(frame),
      begin_sql_(std::move(begin_sql)),
      savepoint_(std::move(savepoint)),
      owner_(db.is_pinned() ? std::thread::id() : std::this_thread::get_id()) {}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_),
      kind_(other.kind_),
      frame_(other.frame_),
      begin_sql_(std::move(other.begin_sql_)),
      savepoint_(std::move(other.savepoint_)),
      owner_(other.owner_),
      open_(other.open_) {
  other.open_ = false;
}

Transaction::~Transaction() {
  abandon();
}

void Transaction::check_usable(const char* action) const {
  if (!open_) throw InterfaceError(std::string("cannot ") + action + ": this transaction block has ended");
  if (!is_owner()) {
    throw InterfaceError(std::string("cannot ") + action +
                         ": this transaction block belongs to another thread's session (each thread has its "
                         "own connection and its own blocks; to hand work to another thread, use a "
                         "lingo::Session)");
  }
}

void Transaction::commit() {
  end_and_begin_again(true);
}

void Transaction::rollback() {
  end_and_begin_again(false);
}

void Transaction::end_and_begin_again(bool commit) {
  check_usable(commit ? "commit" : "roll back");
  Connection& conn = db_->connection();
  if (kind_ == BlockKind::savepoint) {
    if (!commit) conn.discard_deferred();  // statements of the savepoint: never sent
    conn.execute((commit ? "RELEASE SAVEPOINT " : "ROLLBACK TO SAVEPOINT ") + savepoint_);
    conn.execute("SAVEPOINT " + savepoint_);
  } else {
    if (commit) {
      conn.commit();
    } else {
      conn.rollback();
    }
    conn.begin(begin_sql_);
  }
}

void Transaction::finish() {
  check_usable("finish");
  open_ = false;
  detail::SessionState* s = db_->find_state();
  if (s == nullptr || s->conn == nullptr) throw InterfaceError("cannot finish: the connection was closed");
  Connection& conn = *s->conn;
  switch (kind_) {
    case BlockKind::savepoint:
      try {
        conn.execute("RELEASE SAVEPOINT " + savepoint_);
      } catch (...) {
        try {
          conn.discard_deferred();
          conn.execute("ROLLBACK TO SAVEPOINT " + savepoint_);
        } catch (...) {  // NOLINT(bugprone-empty-catch): the RELEASE failure is the one to report
        }
        throw;
      }
      return;
    case BlockKind::folded:
      if (!pop_frame(*s, frame_)) stack_corrupted("transaction");
      return;
    case BlockKind::transaction:
      if (!pop_frame(*s, frame_)) {
        try {
          conn.rollback();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the corruption is the error to report
        }
        stack_corrupted("transaction");
      }
      try {
        conn.commit();
      } catch (const AmbiguousCommitError&) {
        throw;  // the connection is gone: nothing to roll back
      } catch (...) {
        if (conn.transaction_status() != TransactionStatus::idle &&
            conn.transaction_status() != TransactionStatus::unknown) {
          try {
            conn.rollback();
          } catch (...) {  // NOLINT(bugprone-empty-catch): the COMMIT failure is the one to report
          }
        }
        throw;
      }
      return;
  }
}

void Transaction::abandon() noexcept {
  if (!open_ || !is_owner()) return;
  open_ = false;
  detail::SessionState* s = db_->find_state();
  if (s == nullptr) return;
  if (kind_ != BlockKind::savepoint) pop_frame(*s, frame_);
  if (s->conn == nullptr || kind_ == BlockKind::folded) return;
  try {
    if (kind_ == BlockKind::savepoint) {
      s->conn->discard_deferred();
      s->conn->execute("ROLLBACK TO SAVEPOINT " + savepoint_);
    } else {
      s->conn->rollback();
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): the trace shows it; the exception in flight matters
  }
}

// ---- ManualCommit -------------------------------------------------------------

ManualCommit::ManualCommit(Database& db, std::uint64_t frame) : db_(&db), frame_(frame) {}

ManualCommit::ManualCommit(ManualCommit&& other) noexcept
    : db_(other.db_), frame_(other.frame_), open_(other.open_) {
  other.open_ = false;
}

ManualCommit::~ManualCommit() {
  if (!open_) return;
  if (detail::SessionState* s = db_->find_state()) pop_frame(*s, frame_);
}

void ManualCommit::finish() {
  if (!open_) throw InterfaceError("cannot finish: this manual_commit block has ended");
  open_ = false;
  detail::SessionState* s = db_->find_state();
  if (s != nullptr && !pop_frame(*s, frame_)) stack_corrupted("manual commit");
}

// ---- ConnectionContext -----------------------------------------------------

ConnectionContext::ConnectionContext(ConnectionContext&& other) noexcept
    : db_(other.db_), open_(other.open_) {
  other.open_ = false;
}

ConnectionContext::~ConnectionContext() {
  try {
    finish();
  } catch (...) {  // NOLINT(bugprone-empty-catch): documented: a refused close leaves it open
  }
}

void ConnectionContext::finish() {
  if (!open_) return;
  open_ = false;
  detail::SessionState* s = db_->find_state();
  if (s == nullptr) return;
  if (s->contexts > 0) --s->contexts;
  if (s->contexts == 0) db_->close();
}

}  // namespace lingo
