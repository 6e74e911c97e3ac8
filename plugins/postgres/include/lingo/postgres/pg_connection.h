// One libpq session.
//
// Statements with parameters are prepared once per connection and cached by
// their SQL text and parameter types; later calls only bind and execute.
// Results come back in text format and are decoded by type OID when read.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lingo/connection.h"
#include "lingo/errors.h"
#include "lingo/postgres/export.h"

namespace lingo::postgres {

class ParamEncoder;

class LINGO_POSTGRES_API PgConnection : public Connection {
 public:
  // Takes ownership of an open connection. `dialect` names the dialect in errors.
  PgConnection(PGconn* conn, std::string dialect);
  ~PgConnection() override;

  [[nodiscard]] TransactionStatus transaction_status() const noexcept override;
  [[nodiscard]] bool is_usable() const noexcept override;
  [[nodiscard]] int server_version() override;
  void close() noexcept override;
  // libpq's PQhost and PQport: the host this connection reached.
  [[nodiscard]] std::string server_address() const override;
  [[nodiscard]] int server_port() const noexcept override;

  [[nodiscard]] PGconn* native_handle() const noexcept { return conn_; }
  // The longest a statement waits for the server's next answer (the URI's
  // query_timeout); none by default. Past it the statement is cancelled and
  // fails with 57014, the connection still usable; when the server does not
  // answer the cancel either within a second, the connection is closed and
  // the statement fails with ConnectionError (08006).
  void set_query_timeout(std::optional<std::chrono::milliseconds> timeout) noexcept {
    query_timeout_ = timeout;
  }
  // Prepared statements currently cached on this connection.
  [[nodiscard]] std::size_t cached_statements() const noexcept { return cached_count_; }
  // Whether BEGIN waits for the transaction's first statement and goes to
  // the server with it, in one round trip (on by default). A transaction
  // ended before any statement then costs none. The block behaves as if
  // BEGIN had been sent at once: when it fails, or never runs (a first
  // statement the server cannot parse), the transaction is in error until
  // rolled back, as PostgreSQL's own would be.
  void set_deferred_begin(bool deferred) noexcept { defer_begin_ = deferred; }
  // Whether statements deferred to the COMMIT (Connection::defer) go in one
  // pipeline with it, behind one sync (on by default); otherwise they go as
  // a pipeline of their own and COMMIT after it, in two round trips.
  void set_pipelined_commit(bool pipelined) noexcept { pipelined_commit_ = pipelined; }
  // Keeps `token` until the connection closes (a count of the connections
  // open on its host, for spreading new ones).
  void hold_while_open(std::shared_ptr<void> token) noexcept { host_token_ = std::move(token); }

 protected:
  Result do_execute(std::string_view sql, std::span<const Value> params) override;
  // Streams in libpq's single-row mode: one PGresult per row.
  std::unique_ptr<RowStream> do_stream(std::string_view sql, std::span<const Value> params) override;
  void do_begin(std::string_view statement) override;
  void do_commit() override;
  void do_rollback() override;
  // Reads what the server sent meanwhile, without waiting: a backend that was
  // terminated (57P01) or a server that went away shows here.
  bool do_probe() noexcept override;
  // libpq's pipeline mode (a deferred BEGIN first in the first batch), in
  // batches of kPipelineBatch statements (the next sent before the answers
  // to the last are read), each
  // batch sent with one sync (outside a transaction block, one implicit
  // transaction) and its answers read in order. A statement new to the
  // connection is prepared in the pipeline, once, as for execute.
  void do_pipeline(std::span<const PipelineStatement> statements, const PipelineCallback& on_result) override;
  // COPY target FROM STDIN in text format, sent in 64 KiB pieces. A value
  // that cannot be sent ends the COPY with an error: nothing is loaded.
  std::optional<std::int64_t> do_copy_rows(std::string_view target, std::size_t columns,
                                           std::span<const Value* const> cells) override;
  // The same COPY, sent as rows are added.
  std::unique_ptr<BulkLoad> do_bulk_load(std::string_view target, std::size_t columns) override;
  // A deferred BEGIN, the statements and COMMIT in one pipeline behind one
  // sync: one round trip (past kPipelineBatch statements, the earlier ones go
  // first by do_pipeline). A failing statement aborts the transaction, so the
  // COMMIT behind it is skipped and its error is the one thrown; a
  // connection lost or a timeout with COMMIT sent is an AmbiguousCommitError.
  void do_commit_with(std::span<const PipelineStatement> statements,
                      const PipelineCallback& on_result) override;

  // Runs a statement with no parameters through the simple protocol and
  // throws on failure; returns the (checked) result.
  PGresult* run_simple(std::string_view sql);
  // Sends a COPY ... FROM STDIN and checks that the server waits for rows.
  PGresult* run_copy_start(const std::string& statement);
  [[noreturn]] void fail(const PGresult* res, std::string_view sql);
  // Throws the error `info` describes, as fail() does.
  [[noreturn]] void throw_failure(ErrorInfo info);
  // PQexec, bounded by the query timeout.
  PGresult* exec_text(const std::string& sql);
  // The next result of what was sent (PQgetResult), waiting no longer than
  // the query timeout.
  PGresult* next_result(std::string_view sql);
  // Before a statement: the connection is open and no deferred BEGIN was
  // lost (then the statement fails as in an aborted transaction); after a
  // pause outside a transaction, the server has not ended the session
  // meanwhile (then ConnectionError, with the server's farewell, 57P01 from
  // a draining node, and nothing sent).
  void start_statement(std::string_view sql);
  // Sends a deferred BEGIN on its own, for what cannot carry it (streams,
  // COPY).
  void flush_begin();

 private:
  struct Prepared {
    std::string sql;
    std::vector<Oid> types;
    std::string name;
    mutable std::uint64_t used;  // when last run, by clock_: the cache evicts the least recent
  };
  const Prepared* find_prepared(std::string_view sql, std::size_t hash, const std::vector<Oid>& types) const;
  // Names a new statement and records it, evicting the least recently used
  // one when the cache is full.
  const Prepared* remember(std::string_view sql, std::size_t hash, const std::vector<Oid>& types);
  void evict_least_recent();
  // Drops a recorded statement the server never created (its PREPARE failed).
  void discard(std::size_t hash, const std::string& name);
  // A statement new to this connection, prepared and run in one round trip
  // (with any pending DEALLOCATEs); the encoder holds its parameters.
  PGresult* prepare_and_execute(std::string_view sql, std::size_t hash);
  // Whether a statement new to the cache should be prepared into it: always
  // while there is room; once full, on its second run only.
  bool admit(std::size_t hash);
  // Runs a statement without keeping it (PQexecParams): one round trip.
  PGresult* exec_unnamed(std::string_view sql);
  // Records a statement as gone from the cache; the server's copy is
  // deallocated later, with the next statement prepared outside a transaction.
  void forget_prepared(const Prepared* stmt);
  void deallocate_forgotten();
  PGresult* exec_prepared(const Prepared* stmt);
  // A statement of a pipeline that is new to the connection: prepared in the
  // pipeline, just before its execution.
  struct Fresh {
    std::size_t index;
    std::size_t hash;
    std::string name;
  };
  // Queues statements [start, end) in pipeline mode, preparing the new ones
  // (added to `fresh`); false when libpq could not queue one.
  bool send_batch(std::span<const PipelineStatement> statements, std::size_t start, std::size_t end,
                  std::vector<Fresh>& fresh);
  // Reads their answers in order (fresh[fresh_read] is the next new one):
  // each result to on_result, the first failure into first_error.
  void read_batch(std::span<const PipelineStatement> statements, std::size_t start, std::size_t end,
                  const std::vector<Fresh>& fresh, std::size_t& fresh_read, const PipelineCallback& on_result,
                  std::optional<ErrorInfo>& first_error);
  // In non-blocking pipeline mode: sends what libpq holds, taking in the
  // server's answers meanwhile; false when the connection failed.
  bool flush_pipeline();
  // A deferred BEGIN's answer in a pipeline; a failure (the BEGIN stays
  // lost) into first_error.
  void read_begin(const std::string& begin, std::optional<ErrorInfo>& first_error);
  // COMMIT's answer: AmbiguousCommitError when the connection was lost, the
  // server's error, or 40000 when it answered ROLLBACK.
  void check_commit(const PGresult* res);
  // The deferred BEGIN and the statement `send` sends, in pipeline mode
  // behind one sync; returns the statement's result.
  PGresult* begin_and(std::string_view sql, const std::function<int()>& send);
  // The deferred BEGIN and a statement without parameters, as one simple
  // query; returns the statement's (checked) result.
  PGresult* begin_and_simple(std::string_view sql);
  // One statement's answer in pipeline mode: its result, the null after it read.
  PGresult* answer(std::string_view sql);
  // Reads up to the pipeline's sync.
  void await_sync(std::string_view sql);
  // PQexec's way of gathering an answer: the first failure, else the last result.
  PGresult* collect(std::string_view sql);
  // Waits until a whole result can be read; false at the deadline.
  bool wait_for_answer(std::chrono::steady_clock::time_point deadline);
  // Reads and drops every answer still due; false at the deadline.
  bool drain_within(std::chrono::steady_clock::time_point deadline);
  [[noreturn]] void timed_out(std::string_view sql);
  // The cached statement for `sql` and the encoded parameters' types, or null
  // (then `hash` holds the text's hash).
  const Prepared* cached_statement(std::string_view sql, std::size_t& hash);
  // Encodes the parameters and finds (or prepares, a round trip) the
  // statement for them: for streams, which cannot run in pipeline mode.
  const Prepared* statement_for(std::string_view sql, std::span<const Value> params);
  friend class PgRowStream;
  class CopyLoad;
  void ensure_open(std::string_view sql) const;

  PGconn* conn_;
  std::string dialect_;
  std::unique_ptr<ParamEncoder> encoder_;  // reused: binding allocates nothing once warm
  std::unordered_map<std::size_t, std::vector<Prepared>> prepared_;
  // The statement statement_for() found last: a loop runs the same one again
  // and again. Points into prepared_, so every change to prepared_ clears it.
  const Prepared* last_ = nullptr;
  std::size_t cached_count_ = 0;
  std::uint64_t next_statement_ = 0;
  std::uint64_t clock_ = 0;             // counts statement runs, for Prepared::used
  std::vector<std::string> forgotten_;  // invalidated statements still to DEALLOCATE
  std::optional<std::chrono::milliseconds> query_timeout_;
  std::unordered_set<std::size_t> seen_once_;  // texts run once since the cache filled (admit())
  bool defer_begin_ = true;
  bool pipelined_commit_ = true;
  std::string pending_begin_;         // a deferred BEGIN not yet sent
  bool begin_lost_ = false;           // a deferred BEGIN failed or never ran: in error until rolled back
  std::shared_ptr<void> host_token_;  // see hold_while_open
  std::chrono::steady_clock::time_point last_used_;  // when the last statement started
  std::string farewell_;  // a FATAL the server sent unasked (notice receiver), and its SQLSTATE
  std::string farewell_state_;
  static void on_notice(void* self, const PGresult* notice);
};

}  // namespace lingo::postgres
