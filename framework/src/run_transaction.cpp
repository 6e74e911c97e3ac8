// run_transaction: the retry loop. Each attempt is a whole transaction (BEGIN,
// the callback, COMMIT); a retryable failure anywhere in it rolls back, starts
// again at once the first time(s), and later after a jittered exponential
// back-off.
#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "database_impl.h"
#include "lingo/errors.h"
#include "statement_label.h"

namespace lingo {
namespace {

using std::chrono::microseconds;
using Clock = std::chrono::steady_clock;

}  // namespace

microseconds detail::backoff_for(int failures, const RunOptions& options) {
  const int paused = failures - options.immediate_retries;
  if (paused < 1) return microseconds(0);
  thread_local std::mt19937_64 random{std::random_device{}()};
  const double ceiling = std::min<double>(
      static_cast<double>(options.max_backoff.count()),
      static_cast<double>(options.initial_backoff.count()) * std::pow(2.0, std::min(paused - 1, 40)));
  if (ceiling <= 0) return microseconds(0);
  std::uniform_real_distribution<double> pick(0.0, ceiling);
  return microseconds(static_cast<microseconds::rep>(pick(random)));
}

namespace {

[[noreturn]] void give_up(const Error& last, int attempts, const std::string& why,
                          const std::string& dialect) {
  ErrorInfo info;
  info.message = "unable to commit transaction: run_transaction gave up after " + std::to_string(attempts) +
                 (attempts == 1 ? " attempt" : " attempts") + " (" + why +
                 "); the last failed with: " + last.what();
  info.sqlstate = last.sqlstate();
  info.dialect = dialect;
  info.statement = last.statement();
  info.retryable = false;
  throw ExceededMaxAttempts(std::move(info), attempts, std::current_exception());
}

}  // namespace

void Database::run_transaction_erased(const std::function<void(Database&)>& fn, const RunOptions& options) {
  if (options.max_attempts < 0) {
    throw ValueError("max_attempts must be 0 (no limit) or more, not " +
                     std::to_string(options.max_attempts));
  }
  if (options.initial_backoff.count() < 0 || options.max_backoff.count() < 0) {
    throw ValueError("the back-off durations of run_transaction cannot be negative");
  }
  if (options.immediate_retries < 0) {
    throw ValueError("immediate_retries must be 0 or more, not " + std::to_string(options.immediate_retries));
  }
  const TransactionOptions transaction_options = options.transaction_options();
  (void)impl_->dialect->begin_statement(transaction_options);  // a bad option fails before anything is sent

  if (detail::SessionState* s = find_state()) {
    if (s->conn != nullptr) s->conn->settle();  // an open stream reads its rest; it is no transaction
    const bool raw_open =
        s->conn != nullptr && (s->conn->transaction_status() == TransactionStatus::in_transaction ||
                               s->conn->transaction_status() == TransactionStatus::in_error);
    if (!s->stack.empty() || raw_open) {
      throw_error<InterfaceError>(
          "run_transaction() cannot run inside an open transaction: it must own the whole transaction to "
          "retry it from the start. Call it outside atomic()/transaction()/manual_commit() blocks; nothing "
          "was sent",
          {.dialect = impl_->dialect_name()});
    }
  }

  // Every statement of the call reports which attempt it belongs to.
  detail::AttemptLabel attempt_label(1);
  RunStats scratch;
  RunStats& stats = options.stats != nullptr ? *options.stats : scratch;
  stats = RunStats{};
  const auto started = Clock::now();
  const auto deadline = options.deadline ? started + *options.deadline : Clock::time_point::max();
  const std::optional<std::string> restart =
      options.full_restart ? std::nullopt : impl_->dialect->restart_savepoint(impl_->uri);

  // After a retryable failure: give up, or pause (when `may_pause`) and let
  // the caller go again.
  auto decide = [&](const Error& e, int attempt, bool may_pause) {
    if (options.max_attempts > 0 && attempt >= options.max_attempts) {
      give_up(e, attempt, "max_attempts is " + std::to_string(options.max_attempts), impl_->dialect_name());
    }
    const microseconds pause = may_pause ? detail::backoff_for(attempt, options) : microseconds(0);
    if (Clock::now() + pause >= deadline) {
      give_up(e, attempt, "its deadline of " + std::to_string(options.deadline->count()) + " ms has passed",
              impl_->dialect_name());
    }
    if (options.on_retry) {
      try {
        options.on_retry(RetryEvent{attempt, &e, pause});
      } catch (...) {  // NOLINT(bugprone-empty-catch): a metrics hook must not change the outcome
      }
    }
    if (pause.count() > 0) {
      if (options.sleep) {
        options.sleep(pause);
      } else {
        std::this_thread::sleep_for(pause);
      }
    }
    stats.backoff += pause;
    attempt_label.set(attempt + 1);
  };
  // A full restart has rolled back and holds nothing: it may wait. Rolled
  // back to the restart savepoint, a CockroachDB transaction keeps its locks
  // and its place in line, so waiting there would only hold up the
  // transactions queued behind those locks: it goes again at once (as
  // cockroach-go's ExecuteInTx does), bounded by max_attempts and deadline.
  auto next_attempt = [&](const Error& e, int attempt) { decide(e, attempt, true); };
  // A connection lost before the commit (a node killed or drained, a
  // network cut) lost the transaction with it: the server rolls back what
  // it never saw committed, so the whole transaction runs again, on a new
  // connection (another node, when the URI names several), after a pause.
  // Lost during the commit it is an AmbiguousCommitError, never retried.
  // A connection that could not be made at all (08001: every host refused
  // or stayed silent) is no lost transaction: it is reported at once rather
  // than waited on again and again.
  auto lost = [](const Error& e) {
    return dynamic_cast<const ConnectionError*>(&e) != nullptr && e.sqlstate() != "08001";
  };

  if (restart) {
    // Attempts before the last restart of the whole transaction.
    int before = 0;
    auto again_at_once = [&](const Error& e, int attempt) { decide(e, before + attempt, false); };
    for (;;) {
      stats.attempts = 0;  // counted from 1 by this run of the transaction
      try {
        run_with_restart_savepoint(fn, transaction_options, *restart, stats, again_at_once);
        stats.attempts += before;
        return;
      } catch (const Error& e) {
        const bool ambiguous = dynamic_cast<const AmbiguousCommitError*>(&e) != nullptr;
        if (ambiguous || !lost(e)) {
          stats.attempts = before + std::max(stats.attempts, 1);  // one that failed to begin counts too
          throw;
        }
        before += std::max(stats.attempts, 1);  // a connect that failed is an attempt too
        stats.attempts = before;
        next_attempt(e, before);
      }
    }
  }
  for (int attempt = 1;; ++attempt) {
    stats.attempts = attempt;
    try {
      Transaction txn = transaction(transaction_options);
      fn(*this);
      txn.finish();
      return;
    } catch (const AmbiguousCommitError&) {
      throw;  // it may have committed: running it again could apply it twice
    } catch (const Error& e) {
      // The block has rolled back already, as the exception left it.
      if (!e.is_retryable() && !lost(e)) throw;
      next_attempt(e, attempt);
    }
  }
}

// One transaction; each attempt runs between SAVEPOINT <name> and RELEASE
// SAVEPOINT <name>, which is what commits on CockroachDB. A retryable failure
// (at RELEASE too) rolls back to the savepoint, which restarts the
// transaction while keeping its place in line.
void Database::run_with_restart_savepoint(const std::function<void(Database&)>& fn,
                                          const TransactionOptions& transaction_options,
                                          const std::string& name, RunStats& stats,
                                          const std::function<void(const Error&, int)>& next_attempt) {
  Transaction txn = transaction(transaction_options);
  Connection& conn = connection();
  conn.execute("SAVEPOINT " + name);
  for (int attempt = 1;; ++attempt) {
    stats.attempts = attempt;
    try {
      fn(*this);
    } catch (const AmbiguousCommitError&) {
      throw;
    } catch (const Error& e) {
      // Not retryable, or the connection is gone (the caller restarts the
      // whole transaction): txn rolls back as the exception leaves.
      if (!e.is_retryable() || conn.transaction_status() == TransactionStatus::unknown) throw;
      conn.discard_deferred();                        // the attempt's own, never sent
      conn.execute("ROLLBACK TO SAVEPOINT " + name);  // the locks stay: the next attempt starts at once
      next_attempt(e, attempt);
      continue;
    }
    try {
      conn.execute("RELEASE SAVEPOINT " + name);
    } catch (const AmbiguousCommitError&) {
      throw;
    } catch (const Error& e) {
      if (conn.transaction_status() == TransactionStatus::unknown) {
        ErrorInfo details = e.info();
        details.retryable = false;
        throw_error<AmbiguousCommitError>(
            "the connection was lost during RELEASE SAVEPOINT " + name +
                ", which commits the transaction, so whether it committed is unknown: " + details.message,
            details);
      }
      if (!e.is_retryable()) throw;
      conn.discard_deferred();  // the attempt's own, never sent
      conn.execute("ROLLBACK TO SAVEPOINT " + name);
      next_attempt(e, attempt);
      continue;
    }
    // RELEASE committed; COMMIT only ends the session's transaction state.
    txn.finish();
    return;
  }
}

}  // namespace lingo
