// The interface every driver implements: one live session with one server (or
// one open SQLite file).
//
// A Connection is used by one thread at a time; Database gives each thread its
// own. Every failure is thrown as a lingo::Error subclass carrying the
// SQLSTATE, including failures of BEGIN, COMMIT and ROLLBACK.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lingo/export.h"
#include "lingo/result.h"
#include "lingo/trace.h"
#include "lingo/uri.h"
#include "lingo/value.h"

namespace lingo {

enum class TransactionStatus {
  idle,            // no transaction open
  in_transaction,  // a transaction is open and healthy
  in_error,        // a transaction is open and a statement in it failed
  unknown,         // the connection is broken or closed
};

// A forward-only stream of rows, for results too large to hold at once.
//
// A driver's stream holds its connection busy until its last row is read.
// The core never lets that cut a stream short: Connection::stream() wraps
// the driver's stream, and any other use of the connection while it is open
// (a statement inside the loop, a transaction command, close()) first reads
// the stream's remaining rows into memory, so the loop goes on from there
// (docs/sessions.md). For that, the Row a driver's row() returns must stay
// valid after next() and after the stream is gone: it owns its data.
class LINGO_API RowStream {
 public:
  virtual ~RowStream() = default;
  // Moves to the next row; false once the rows are exhausted. Throws the
  // statement's error if it fails part-way.
  virtual bool next() = 0;
  [[nodiscard]] virtual Row row() const = 0;
};

namespace detail {
class GuardedStream;
class GuardedLoad;
}

// Drivers implement the protected do_* functions; the public ones around them
// report each statement to the Database's trace sink (lingo/trace.h), so that
// every statement is traced however it was reached: a query, a transaction
// block, an introspector, a pool's health check.
// Whether running a statement twice does no more than running it once: a
// read, an UPSERT of fixed values, an UPDATE that sets fixed values.
// Database::execute_sql retries such a statement outside a transaction when
// its connection is lost mid-way; others are then reported as ambiguous.
enum class Idempotence : unsigned char { unknown, idempotent };
inline constexpr Idempotence idempotent = Idempotence::idempotent;

// One statement of a pipeline (Connection::pipeline, Database::pipeline).
struct LINGO_API PipelineStatement {
  std::string sql;
  std::vector<Value> params{};
};

// Called with each pipelined statement's result as it arrives, in order.
using PipelineCallback = std::function<void(std::size_t index, Result result)>;

// Called with a deferred statement's result (Connection::defer).
using DeferredCallback = std::function<void(Result result)>;

// A bulk load in progress (Connection::bulk_load): rows go to the server as
// the driver's buffer fills, so the server loads while the caller is still
// producing rows. All rows or none: a load destroyed before finish(), or one
// a row could not be sent for, loads nothing.
class LINGO_API BulkLoad {
 public:
  virtual ~BulkLoad();
  BulkLoad() = default;
  BulkLoad(const BulkLoad&) = delete;
  BulkLoad& operator=(const BulkLoad&) = delete;
  // One row: a value per column, null pointers never. A value the driver
  // cannot send ends the load (nothing is loaded) and throws.
  virtual void add(std::span<const Value* const> row) = 0;
  // Sends the rest and ends the load; the number of rows loaded. Throws the
  // server's error when it refused them (nothing was loaded).
  virtual std::int64_t finish() = 0;
};

class LINGO_API Connection {
 public:
  virtual ~Connection();
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement; `params` are bound to the dialect's placeholders
  // ($1..$n on both built-in dialects), never spliced into the text. Without
  // parameters the text may hold several statements; the last one's result
  // is returned.
  Result execute(std::string_view sql, std::span<const Value> params);
  Result execute(std::string_view sql) { return execute(sql, {}); }

  // Runs one statement and hands its rows over one at a time. The trace
  // reports the time to the first response, not to the last row. `selected`
  // is what a query-builder query selected (SelectedColumns), so that
  // streamed rows read their columns exactly as a Result's do; null for SQL.
  std::unique_ptr<RowStream> stream(std::string_view sql, std::span<const Value> params,
                                    std::shared_ptr<const SelectedColumns> selected = nullptr);

  // Reads the rest of the open stream, if any, into memory, so that the
  // connection is free for another statement and the stream's reader loses
  // nothing. Every statement sent through this class does this first.
  void settle();
  // Ends the open stream, if any, without reading further: its reader's next
  // call throws InterfaceError saying why. For a session whose owner is gone.
  void abandon_stream(std::string_view why) noexcept;
  [[nodiscard]] bool has_open_stream() const noexcept { return open_stream_ != nullptr; }

  // Transaction control. `statement` is the dialect's BEGIN with its options
  // (Dialect::begin_statement). commit() throws when the server did not
  // commit (a COMMIT answered with ROLLBACK, for one), and throws
  // AmbiguousCommitError when the outcome cannot be known. `note`, when
  // given, tells the trace why the rollback happened.
  void begin(std::string_view statement = "BEGIN");
  void commit();
  void rollback(std::string_view note = {});

  // Sends many independent statements without waiting for each answer (on
  // PostgreSQL, libpq's pipeline mode), handing each result to on_result as
  // it arrives. PostgreSQL runs a pipeline outside a transaction block as
  // one implicit transaction per batch (of 256): a failure rolls back the
  // batch's earlier statements and skips its later ones; inside a block it
  // aborts the transaction, as always. The first failure is thrown once all
  // answers are in. The default runs the statements one by one.
  void pipeline(std::span<const PipelineStatement> statements, const PipelineCallback& on_result);

  // Queues a statement of the open transaction to be sent later, without
  // waiting for its answer: with the COMMIT, in one round trip with it (on
  // PostgreSQL, libpq's pipeline mode), or, when another statement comes
  // first, as one pipeline ahead of that statement. on_result, when given,
  // gets the statement's result once it arrives. rollback() drops what is
  // queued, unsent; so does discard_deferred(), which the core calls before
  // a ROLLBACK TO SAVEPOINT (every other statement sends the queue first, so
  // it holds only statements of the innermost savepoint). The caller checks
  // that a transaction is open (Database::defer).
  void defer(PipelineStatement statement, DeferredCallback on_result = {});
  [[nodiscard]] std::size_t deferred_count() const noexcept { return deferred_.size(); }
  void discard_deferred() noexcept;

  // Loads many rows into one table as a single statement, by the driver's
  // bulk path (PostgreSQL: COPY ... FROM STDIN). `target` is the compiled
  // `"table" ("column", ...)`; `cells` holds the rows one after another,
  // `columns` values each, null pointers never. Returns the number of rows
  // loaded, or nullopt when the driver has no bulk path (the default), and
  // the caller then inserts with INSERT statements. All rows or none.
  std::optional<std::int64_t> copy_rows(std::string_view target, std::size_t columns,
                                        std::span<const Value* const> cells);
  // The same bulk path, fed a row at a time (BulkLoad), or null when the
  // driver has none. While it is open the connection runs nothing else: any
  // statement is an InterfaceError. Traced as one statement when it ends.
  std::unique_ptr<BulkLoad> bulk_load(std::string_view target, std::size_t columns);

  // A round trip proving the connection works (a pool's check of a
  // connection that sat idle).
  void ping();
  // Whether the connection still looks alive without asking the server:
  // reads whatever the server already sent (a notice that it is shutting
  // down, the end of the connection) and never waits. A pool's check of a
  // connection used moments ago. The default answers is_usable().
  [[nodiscard]] bool probe() noexcept { return do_probe(); }

  [[nodiscard]] virtual TransactionStatus transaction_status() const noexcept = 0;
  // Alive and not inside a failed transaction.
  [[nodiscard]] virtual bool is_usable() const noexcept = 0;
  // The server's version as an integer: 150004 for PostgreSQL 15.4, 3040001
  // for SQLite 3.40.1.
  [[nodiscard]] virtual int server_version() = 0;
  virtual void close() noexcept = 0;

  // The host and port this connection reached (a URI may name several), for
  // traces; empty and 0 where there is no server (SQLite).
  [[nodiscard]] virtual std::string server_address() const { return {}; }
  [[nodiscard]] virtual int server_port() const noexcept { return 0; }

  // Set by the Database that opened the connection; null means untraced.
  // `uri` gives the trace's db.namespace, and the server when the driver
  // does not say which host it reached.
  void set_trace_sink(const TraceSink* sink, std::string_view dialect, const Uri& uri);

 protected:
  virtual Result do_execute(std::string_view sql, std::span<const Value> params) = 0;
  // The default buffers the whole result, for drivers that cannot stream;
  // both built-in drivers stream.
  virtual std::unique_ptr<RowStream> do_stream(std::string_view sql, std::span<const Value> params);
  virtual void do_begin(std::string_view statement) = 0;
  virtual void do_commit() = 0;
  virtual void do_rollback() = 0;
  virtual void do_pipeline(std::span<const PipelineStatement> statements, const PipelineCallback& on_result);
  virtual std::optional<std::int64_t> do_copy_rows(std::string_view target, std::size_t columns,
                                                   std::span<const Value* const> cells);
  // The default has no bulk path (null).
  virtual std::unique_ptr<BulkLoad> do_bulk_load(std::string_view target, std::size_t columns);
  // The open transaction's last statements and its COMMIT, sent together
  // (commit() with deferred statements). The first failure is thrown once
  // every answer is in: a statement's (the transaction is then in error and
  // nothing was committed), or COMMIT's, as do_commit() reports it. The
  // default is do_pipeline, then do_commit.
  virtual void do_commit_with(std::span<const PipelineStatement> statements,
                              const PipelineCallback& on_result);
  // The default runs SELECT 1.
  virtual void do_ping();
  virtual bool do_probe() noexcept { return is_usable(); }

 private:
  friend class detail::GuardedStream;
  template <class F>
  decltype(auto) traced(std::string_view sql, std::span<const Value> params, F&& run,
                        std::string_view note = {});
  [[nodiscard]] std::string commented(std::string_view sql) const;

  const TraceSink* trace_ = nullptr;
  std::string_view trace_dialect_;
  TraceTarget trace_target_;
  // Sends the deferred statements, if any, as one pipeline.
  void send_deferred();
  // on_result for a driver's pipeline: each statement traced as its answer
  // arrives (timed from `started`), then handed on; the first exception
  // on_result throws is kept in `failure` and the rest skipped, for the
  // driver must read every answer before the caller may see it.
  [[nodiscard]] PipelineCallback traced_results(std::span<const PipelineStatement> statements,
                                                const PipelineCallback& on_result,
                                                std::chrono::steady_clock::time_point started,
                                                std::exception_ptr& failure) const;

  friend class detail::GuardedLoad;
  detail::GuardedStream* open_stream_ = nullptr;  // the stream whose rows are still arriving
  bool loading_ = false;                          // a bulk_load() is open
  std::vector<PipelineStatement> deferred_;       // defer(): sent with the next statement or COMMIT
  std::vector<DeferredCallback> deferred_results_;
};

}  // namespace lingo
