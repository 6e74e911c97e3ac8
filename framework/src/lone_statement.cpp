// A statement outside any transaction: its own (implicit) transaction, so a
// retry repeats all of it. It is retried only where that cannot apply it
// twice:
// - 40001 / 40P01: the server rolled it back (CockroachDB retries implicit
//   transactions itself until results reach the client; past that, the
//   client must);
// - the session ended before the statement ran: the driver found it closed
//   before sending (08003; PostgreSQL's driver looks after a pause, and
//   keeps the server's farewell: 57P01 from a draining node), or the only
//   answer was 57P01 (admin_shutdown). A draining CockroachDB node closes a
//   session outside a transaction at once, before reading what comes next
//   (pkg/sql/pgwire), and a PostgreSQL backend terminated while it ran a
//   lone statement rolls it back (interrupts are held off while committing);
//   a text of several statements is excluded, since an earlier one may have
//   committed;
// - any other loss of the connection, only for reads and statements marked
//   idempotent.
// Otherwise a lost connection leaves the outcome unknown: reported as an
// AmbiguousCommitError, never retried.
#include <thread>

#include "database_impl.h"
#include "lingo/errors.h"
#include "statement_label.h"

namespace lingo::detail {
namespace {

constexpr int kConflictAttempts = 4;    // 40001 / 40P01: three retries
constexpr int kConnectionAttempts = 2;  // a lost connection: one retry

bool several_statements(std::string_view sql) {
  const auto last = sql.find_last_not_of(" \t\r\n;");
  const auto semicolon = sql.find(';');
  return semicolon != std::string_view::npos && last != std::string_view::npos && semicolon < last;
}

[[noreturn]] void ambiguous(const ConnectionError& lost) {
  ErrorInfo details = lost.info();
  details.retryable = false;
  throw_error<AmbiguousCommitError>(
      "the connection was lost while a statement ran outside a transaction, so whether it took effect is "
      "unknown; it was not run again, since it is not known to be safe to repeat (reads are, and statements "
      "marked lingo::idempotent): " +
          lost.info().message,
      details);
}

}  // namespace

Result execute_alone(SessionState& s, std::string_view sql, std::span<const Value> params,
                     Idempotence idempotence) {
  int conflicts = 0;
  int losses = 0;
  detail::AttemptLabel attempt(1);
  for (;;) {
    attempt.set(conflicts + losses + 1);
    Connection& conn = s.connected();
    try {
      return conn.execute(sql, params);
    } catch (const ConnectionError& e) {
      const bool never_ran = e.sqlstate() == "08003" || (e.sqlstate() == "57P01" && !several_statements(sql));
      if (!never_ran && idempotence != Idempotence::idempotent) ambiguous(e);
      if (++losses >= kConnectionAttempts) throw;
      s.release(/*for_real=*/true);  // the next turn opens another (another host, when the URI has several)
    } catch (const OperationalError& e) {
      const bool conflict = e.sqlstate() == "40001" || e.sqlstate() == "40P01";
      if (!conflict || conn.transaction_status() != TransactionStatus::idle ||
          ++conflicts >= kConflictAttempts)
        throw;
      static const RunOptions policy;  // run_transaction's default pauses between conflicts
      const auto pause = backoff_for(conflicts, policy);
      if (pause.count() > 0) std::this_thread::sleep_for(pause);
    }
  }
}

}  // namespace lingo::detail
