// Statement tracing: a hook that sees every statement a Database sends, with
// transaction control (BEGIN, SAVEPOINT, COMMIT, ...) and a pool's checks
// included, how long it took, and how it failed.
//
// Bound values are redacted unless the tracer was installed with
// show_params: a statement log must not leak passwords or personal data by
// default.
//
//   db.set_tracer([](const lingo::TraceEvent& e) { std::clog << lingo::to_string(e) << '\n'; });
//   db.set_tracer(lingo::poco_logger_tracer("lingo.sql"));  // through Poco's logging
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lingo/export.h"
#include "lingo/value.h"

namespace lingo {

class Error;

// Where a connection's statements go, in OpenTelemetry's terms: set once
// per connection when it opens.
struct LINGO_API TraceTarget {
  std::string system;    // db.system.name: "postgresql", "cockroachdb", "sqlite", or the dialect's name
  std::string database;  // db.namespace: the database name, or SQLite's file
  std::string address;   // server.address: the host the connection reached; empty for SQLite
  int port = 0;          // server.port; 0 when there is none
};

struct LINGO_API TraceEvent {
  std::string_view dialect;
  std::string_view sql;
  // The bound values; empty unless the tracer was installed with show_params.
  std::span<const Value> params;
  std::size_t param_count = 0;
  std::chrono::nanoseconds duration{};
  const Error* error = nullptr;  // the failure, or nullptr when the statement succeeded
  // Why the core sent this statement itself, when it did (a rollback because
  // the session's owner ended with a transaction open); empty otherwise.
  std::string_view note;
  // db.operation.name: "SELECT", "INSERT", "BEGIN", "SAVEPOINT", ... A
  // built query says its own; for SQL text it is the first keyword, in
  // upper case.
  std::string_view operation;
  // db.collection.name: the table a built query reads or writes (FROM,
  // INSERT INTO, UPDATE, DELETE FROM); empty for SQL text and subqueries.
  std::string_view collection;
  // db.query.summary: the operation and the tables ("SELECT account",
  // "SELECT orders customer" with a join); low cardinality, no values.
  std::string_view summary;
  // db.operation.batch.size: how many statements went together in a
  // pipeline (1 for a pipeline of one); 0 for a statement sent alone.
  // otel_attributes() reports it for batches of two or more.
  std::size_t batch_size = 0;
  // The attempt of run_transaction (or of a lone statement's retry) this
  // statement belongs to, from 1; 0 when it belongs to none.
  int attempt = 0;
  // The connection's system, database and server; null for events built by hand.
  const TraceTarget* target = nullptr;
};

// Called on the thread that ran the statement, after it finished. A tracer
// shared by several threads must be thread-safe. It must not throw; whatever
// it throws is discarded, so tracing can never change what a statement does.
using Tracer = std::function<void(const TraceEvent&)>;

struct LINGO_API TraceOptions {
  bool show_params = false;  // hand the bound values to the tracer
  // sqlcommenter: when set, each query (not transaction control) ends in
  // /*traceparent='00-<trace id>-<span id>-<flags>'*/ with what this returns
  // for the calling thread, so the server's logs and CockroachDB's
  // statement diagnostics can be joined to the application's trace. Off by
  // default. A value that is not a W3C traceparent (lower-case hex, version
  // 00) is left out, never spliced. Each distinct comment makes a distinct
  // statement text, so a connection's prepared statements are not reused
  // across traces.
  std::function<std::string()> traceparent{};
};

// One attribute of OpenTelemetry's database conventions.
struct LINGO_API TraceAttribute {
  std::string_view key;  // "db.system.name", "db.response.status_code", ...
  std::string text;      // the value, unless it is a number
  std::int64_t number = 0;
  bool is_number = false;
};

// The event in OpenTelemetry's database semantic conventions: db.system.name,
// db.namespace, db.operation.name, db.collection.name, db.query.text (the
// statement as sent, with placeholders, never values), db.query.summary,
// db.response.status_code and error.type for a failure, server.address,
// server.port, db.operation.batch.size and lingo.transaction.attempt, each
// present only when known. docs/observability.md lists them.
[[nodiscard]] LINGO_API std::vector<TraceAttribute> otel_attributes(const TraceEvent& event);

// Whether `text` is a W3C traceparent header value that may go into a
// statement's comment: "00-" 32 hex "-" 16 hex "-" 2 hex, lower case, ids
// not all zero.
[[nodiscard]] LINGO_API bool is_traceparent(std::string_view text) noexcept;

// One line: "0.412 ms  SELECT ... WHERE id = $1  -- 1 parameter (redacted)",
// or with the values when the event carries them, and the error when it failed.
[[nodiscard]] LINGO_API std::string to_string(const TraceEvent& event);

// A tracer writing to the Poco::Logger of that name: successful statements at
// the information level, failed ones at warning. Configure the logger's
// channel and level with Poco as usual.
[[nodiscard]] LINGO_API Tracer poco_logger_tracer(const std::string& logger_name = "lingo.sql");

// Where a Database's connections report their statements. Owned by the
// Database; every connection it opens points here. Installing or removing a
// tracer is thread-safe; with none installed, tracing costs one atomic load
// per statement.
class LINGO_API TraceSink {
 public:
  // Replaces the tracer and its options. Returns once no call of the tracer
  // it replaces is still running on any thread, so what that tracer used (a
  // ClientMetrics) may be destroyed right after. A tracer must therefore not
  // install tracers itself.
  void set(Tracer tracer, TraceOptions options);
  [[nodiscard]] bool active() const noexcept { return active_.load(std::memory_order_acquire); }
  [[nodiscard]] bool commenting() const noexcept { return commenting_.load(std::memory_order_acquire); }
  // The comment to end a query with ("/*traceparent='...'*/"), or empty when
  // commenting is off or the source gave no valid traceparent.
  [[nodiscard]] std::string comment() const noexcept;
  [[nodiscard]] bool show_params() const noexcept { return show_params_.load(std::memory_order_relaxed); }
  void emit(const TraceEvent& event) const noexcept;

 private:
  std::atomic<bool> active_{false};
  std::atomic<bool> show_params_{false};
  std::atomic<bool> commenting_{false};
  // Shared while the tracer or the traceparent source runs; exclusive in set().
  mutable std::shared_mutex mutex_;
  std::shared_ptr<const Tracer> tracer_;
  std::shared_ptr<const std::function<std::string()>> traceparent_;
};

}  // namespace lingo
