#include "lingo/connection.h"

#include <algorithm>
#include <deque>
#include <exception>

#include "lingo/errors.h"
#include "statement_label.h"

namespace lingo {
namespace {

// The fallback stream: the whole result, handed out row by row.
class BufferedStream final : public RowStream {
 public:
  explicit BufferedStream(Result result) : result_(std::move(result)) {}
  bool next() override { return ++position_ <= result_.size(); }
  [[nodiscard]] Row row() const override { return result_.owned_row(position_ - 1); }

 private:
  Result result_;
  std::size_t position_ = 0;
};

}  // namespace

namespace detail {

// What Connection::stream() hands out: the driver's stream, registered with
// its connection while rows are still arriving. When the connection is
// needed for something else, settle() moves the remaining rows into memory
// (the driver's rows own their data) and the reader carries on from there;
// a failure met while doing so is thrown where the reader reaches it.
class GuardedStream final : public RowStream {
 public:
  GuardedStream(Connection& conn, std::unique_ptr<RowStream> driver,
                std::shared_ptr<const SelectedColumns> selected)
      : conn_(&conn), driver_(std::move(driver)), selected_(std::move(selected)) {
    conn_->open_stream_ = this;
  }
  GuardedStream(const GuardedStream&) = delete;
  GuardedStream& operator=(const GuardedStream&) = delete;
  ~GuardedStream() override { detach(); }

  bool next() override {
    if (driver_ != nullptr) {
      bool more = false;
      try {
        more = driver_->next();
      } catch (...) {
        detach();
        throw;
      }
      if (!more) detach();
      return more;
    }
    if (!buffered_.empty()) {
      current_ = std::move(buffered_.front());
      buffered_.pop_front();
      return true;
    }
    current_.reset();
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    return false;
  }

  [[nodiscard]] Row row() const override {
    if (driver_ == nullptr) return *current_;
    return driver_->row().with_selected(selected_);
  }

  // Reads every remaining row into memory and lets the connection go.
  void settle() noexcept {
    try {
      while (driver_->next()) buffered_.push_back(row());
    } catch (...) {
      failure_ = std::current_exception();
    }
    detach();
  }

  // Lets the connection go without reading further.
  void abandon(std::string_view why) noexcept {
    detach();
    try {
      failure_ = std::make_exception_ptr(InterfaceError(
          "the rows of this query can no longer be read: " + std::string(why) + " while it was open"));
    } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory; the stream just ends
    }
  }

 private:
  void detach() noexcept {
    driver_.reset();  // a driver leaving early cancels or drains (its own rule)
    if (conn_ != nullptr && conn_->open_stream_ == this) conn_->open_stream_ = nullptr;
    conn_ = nullptr;
  }

  Connection* conn_;
  std::unique_ptr<RowStream> driver_;  // null once finished, settled or abandoned
  std::shared_ptr<const SelectedColumns> selected_;
  std::deque<Row> buffered_;
  std::optional<Row> current_;
  std::exception_ptr failure_;
};

// What Connection::bulk_load() hands out: the driver's load, with the
// connection marked busy while it is open and the load traced when it ends.
class GuardedLoad final : public BulkLoad {
 public:
  GuardedLoad(Connection& conn, std::unique_ptr<BulkLoad> driver, std::string statement)
      : conn_(&conn), driver_(std::move(driver)), statement_(std::move(statement)),
        started_(std::chrono::steady_clock::now()) {
    conn_->loading_ = true;
  }
  ~GuardedLoad() override {
    driver_.reset();  // unfinished: the driver abandons the load
    conn_->loading_ = false;
  }
  void add(std::span<const Value* const> row) override {
    if (driver_ == nullptr) throw InterfaceError("this bulk load has ended");
    try {
      driver_->add(row);
    } catch (const Error& e) {
      end(&e);
      throw;
    }
  }
  std::int64_t finish() override {
    if (driver_ == nullptr) throw InterfaceError("this bulk load has ended");
    try {
      const std::int64_t loaded = driver_->finish();
      end(nullptr);
      return loaded;
    } catch (const Error& e) {
      end(&e);
      throw;
    }
  }

 private:
  // The load is over: the connection is free again, and the trace hears of it.
  void end(const Error* error) {
    driver_.reset();
    conn_->loading_ = false;
    const TraceSink* trace = conn_->trace_;
    if (trace == nullptr || !trace->active()) return;
    TraceEvent event;
    event.dialect = conn_->trace_dialect_;
    event.sql = statement_;
    event.target = &conn_->trace_target_;
    event.operation = "COPY";
    event.summary = event.operation;
    event.error = error;
    event.duration = std::chrono::steady_clock::now() - started_;
    trace->emit(event);
  }

  Connection* conn_;
  std::unique_ptr<BulkLoad> driver_;
  std::string statement_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace detail

BulkLoad::~BulkLoad() = default;

Connection::~Connection() {
  // Drivers close in their own destructors, after which the stream must not
  // touch them; the core settles or abandons streams before that happens.
  if (open_stream_ != nullptr) open_stream_->abandon("its connection was destroyed");
}

void Connection::settle() {
  if (loading_) {
    throw InterfaceError(
        "a bulk load is open on this connection: finish() it (or destroy it, loading nothing) before "
        "running anything else");
  }
  if (open_stream_ != nullptr) open_stream_->settle();
}

void Connection::abandon_stream(std::string_view why) noexcept {
  if (open_stream_ != nullptr) open_stream_->abandon(why);
}

namespace {

// The OpenTelemetry name of a dialect's system.
std::string_view system_name(std::string_view dialect) {
  return dialect == "postgres" ? std::string_view("postgresql") : dialect;
}

// SQL text's operation: its first keyword, in upper case ("select 1" ->
// "SELECT"), after any leading blanks and comments.
std::string_view first_keyword(std::string_view sql, char (&buffer)[24]) {
  std::size_t at = 0;
  for (;;) {
    while (at < sql.size() &&
           (sql[at] == ' ' || sql[at] == '\t' || sql[at] == '\n' || sql[at] == '\r' || sql[at] == '('))
      ++at;
    if (sql.substr(at, 2) == "--") {
      at = sql.find('\n', at);
      if (at == std::string_view::npos) return {};
    } else if (sql.substr(at, 2) == "/*") {
      at = sql.find("*/", at);
      if (at == std::string_view::npos) return {};
      at += 2;
    } else {
      break;
    }
  }
  std::size_t n = 0;
  while (at + n < sql.size() && n < sizeof buffer) {
    const char c = sql[at + n];
    if (c >= 'a' && c <= 'z') {
      buffer[n] = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      buffer[n] = c;
    } else {
      break;
    }
    ++n;
  }
  return {buffer, n};
}

// Fills in what the event says about the statement beyond its text: the
// built query's operation and tables (labelled by the caller), or the text's
// first keyword; and the run_transaction attempt.
struct Describer {
  char keyword[24];
  // The summary, in place for the usual short one: describing costs no allocation.
  char inline_summary[120];
  std::string long_summary;

  void describe(TraceEvent& event) {
    const CompiledQuery* q = detail::labelled_query;
    if (q != nullptr && q->sql.data() == event.sql.data() && !q->operation.empty()) {
      event.operation = q->operation;
      event.collection = q->collection;
      event.summary = q->collection.empty() ? q->operation : summarize(*q);
    } else {
      event.operation = first_keyword(event.sql, keyword);
      event.summary = event.operation;
    }
    event.attempt = detail::labelled_attempt;
  }

  // "SELECT book author": the operation, its table and the joined ones.
  std::string_view summarize(const CompiledQuery& q) {
    const std::size_t size =
        q.operation.size() + 1 + q.collection.size() + (q.joined.empty() ? 0 : 1 + q.joined.size());
    char* out = inline_summary;
    if (size > sizeof inline_summary) {
      long_summary.resize(size);
      out = long_summary.data();
    }
    char* at = std::copy(q.operation.begin(), q.operation.end(), out);
    *at++ = ' ';
    at = std::copy(q.collection.begin(), q.collection.end(), at);
    if (!q.joined.empty()) {
      *at++ = ' ';
      at = std::copy(q.joined.begin(), q.joined.end(), at);
    }
    return {out, static_cast<std::size_t>(at - out)};
  }
};

}  // namespace

void Connection::set_trace_sink(const TraceSink* sink, std::string_view dialect, const Uri& uri) {
  trace_ = sink;
  trace_dialect_ = dialect;
  trace_target_.system = system_name(dialect);
  trace_target_.database = uri.path();
  trace_target_.address = server_address();
  trace_target_.port = server_port();
  if (trace_target_.address.empty() && dialect != "sqlite" && !uri.hosts().empty()) {
    trace_target_.address = uri.hosts().front().name;
    trace_target_.port = static_cast<int>(uri.hosts().front().port.value_or(0));
  }
}

template <class F>
decltype(auto) Connection::traced(std::string_view sql, std::span<const Value> params, F&& run,
                                  std::string_view note) {
  settle();
  if (trace_ == nullptr || !trace_->active()) return run();
  TraceEvent event;
  event.dialect = trace_dialect_;
  event.sql = sql;
  event.note = note;
  event.param_count = params.size();
  event.target = &trace_target_;
  if (trace_->show_params()) event.params = params;
  Describer describer;
  describer.describe(event);
  const auto started = std::chrono::steady_clock::now();
  try {
    decltype(auto) result = run();
    event.duration = std::chrono::steady_clock::now() - started;
    trace_->emit(event);
    return result;
  } catch (const Error& e) {
    event.duration = std::chrono::steady_clock::now() - started;
    event.error = &e;
    trace_->emit(event);
    throw;
  }
}

// A statement's text with the sqlcommenter comment at its end, when
// commenting is on, the statement is no transaction control, and the source
// gave a valid traceparent; empty otherwise.
std::string Connection::commented(std::string_view sql) const {
  if (trace_ == nullptr || !trace_->commenting()) return {};
  char buffer[24];
  const std::string_view keyword = first_keyword(sql, buffer);
  for (const std::string_view control :
       {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})
    if (keyword == control) return {};  // transaction control goes as it is
  std::string comment = trace_->comment();
  if (comment.empty()) return {};
  std::string out;
  out.reserve(sql.size() + comment.size() + 1);
  out.append(sql).append(" ").append(comment);
  return out;
}

// The trace shows a query as built, without the comment: the comment
// differs on every trace, the query does not.
Result Connection::execute(std::string_view sql, std::span<const Value> params) {
  send_deferred();
  if (const std::string text = commented(sql); !text.empty())
    return traced(sql, params, [&] { return do_execute(text, params); });
  return traced(sql, params, [&] { return do_execute(sql, params); });
}

std::unique_ptr<RowStream> Connection::stream(std::string_view sql, std::span<const Value> params,
                                              std::shared_ptr<const SelectedColumns> selected) {
  send_deferred();
  const std::string text = commented(sql);
  const std::string_view sent = text.empty() ? sql : std::string_view(text);
  std::unique_ptr<RowStream> driver = traced(sql, params, [&] { return do_stream(sent, params); });
  return std::make_unique<detail::GuardedStream>(*this, std::move(driver), std::move(selected));
}

void Connection::begin(std::string_view statement) {
  send_deferred();
  traced(statement, {}, [&] {
    do_begin(statement);
    return 0;
  });
}

void Connection::commit() {
  if (deferred_.empty()) {
    traced("COMMIT", {}, [&] {
      do_commit();
      return 0;
    });
    return;
  }
  // The deferred statements go with the COMMIT. Taken off the queue first:
  // whatever happens, they have been sent once.
  const std::vector<PipelineStatement> statements = std::exchange(deferred_, {});
  const std::vector<DeferredCallback> callbacks = std::exchange(deferred_results_, {});
  std::exception_ptr failure;
  traced("COMMIT", {}, [&] {
    do_commit_with(statements, traced_results(
                                   statements,
                                   [&](std::size_t index, Result result) {
                                     if (callbacks[index]) callbacks[index](std::move(result));
                                   },
                                   std::chrono::steady_clock::now(), failure));
    return 0;
  });
  if (failure) std::rethrow_exception(failure);
}

void Connection::defer(PipelineStatement statement, DeferredCallback on_result) {
  deferred_.push_back(std::move(statement));
  deferred_results_.push_back(std::move(on_result));
}

void Connection::discard_deferred() noexcept {
  deferred_.clear();
  deferred_results_.clear();
}

void Connection::send_deferred() {
  if (deferred_.empty()) return;
  const std::vector<PipelineStatement> statements = std::exchange(deferred_, {});
  const std::vector<DeferredCallback> callbacks = std::exchange(deferred_results_, {});
  pipeline(statements, [&](std::size_t index, Result result) {
    if (callbacks[index]) callbacks[index](std::move(result));
  });
}

void Connection::rollback(std::string_view note) {
  discard_deferred();
  traced(
      "ROLLBACK", {},
      [&] {
        do_rollback();
        return 0;
      },
      note);
}

void Connection::pipeline(std::span<const PipelineStatement> statements, const PipelineCallback& on_result) {
  settle();
  send_deferred();
  std::exception_ptr failure;
  do_pipeline(statements, traced_results(statements, on_result, std::chrono::steady_clock::now(), failure));
  if (failure) std::rethrow_exception(failure);
}

PipelineCallback Connection::traced_results(std::span<const PipelineStatement> statements,
                                            const PipelineCallback& on_result,
                                            std::chrono::steady_clock::time_point started,
                                            std::exception_ptr& failure) const {
  return [this, statements, &on_result, started, &failure](std::size_t index, Result result) {
    if (trace_ != nullptr && trace_->active()) {
      TraceEvent event;
      event.dialect = trace_dialect_;
      event.sql = statements[index].sql;
      event.param_count = statements[index].params.size();
      event.target = &trace_target_;
      event.batch_size = statements.size();
      if (trace_->show_params()) event.params = statements[index].params;
      Describer describer;
      describer.describe(event);
      event.duration = std::chrono::steady_clock::now() - started;
      trace_->emit(event);
    }
    if (failure) return;
    try {
      on_result(index, std::move(result));
    } catch (...) {
      failure = std::current_exception();
    }
  };
}

std::optional<std::int64_t> Connection::copy_rows(std::string_view target, std::size_t columns,
                                                  std::span<const Value* const> cells) {
  if (columns == 0 || cells.size() % columns != 0)
    throw InterfaceError("copy_rows: " + std::to_string(cells.size()) + " values do not make rows of " +
                         std::to_string(columns));
  send_deferred();
  const std::string statement = "COPY " + std::string(target) + " FROM STDIN";
  return traced(statement, {}, [&] { return do_copy_rows(target, columns, cells); });
}

std::optional<std::int64_t> Connection::do_copy_rows(std::string_view, std::size_t,
                                                     std::span<const Value* const>) {
  return std::nullopt;
}

std::unique_ptr<BulkLoad> Connection::bulk_load(std::string_view target, std::size_t columns) {
  if (columns == 0) throw InterfaceError("bulk_load: a load needs at least one column");
  settle();
  send_deferred();
  std::string statement = "COPY " + std::string(target) + " FROM STDIN";
  std::unique_ptr<BulkLoad> driver = do_bulk_load(target, columns);
  if (driver == nullptr) return nullptr;
  return std::make_unique<detail::GuardedLoad>(*this, std::move(driver), std::move(statement));
}

std::unique_ptr<BulkLoad> Connection::do_bulk_load(std::string_view, std::size_t) {
  return nullptr;
}

void Connection::do_pipeline(std::span<const PipelineStatement> statements,
                             const PipelineCallback& on_result) {
  for (std::size_t i = 0; i < statements.size(); ++i) {
    on_result(i, do_execute(statements[i].sql, statements[i].params));
  }
}

void Connection::do_commit_with(std::span<const PipelineStatement> statements,
                                const PipelineCallback& on_result) {
  do_pipeline(statements, on_result);
  do_commit();
}

void Connection::ping() {
  settle();
  send_deferred();
  do_ping();
}

std::unique_ptr<RowStream> Connection::do_stream(std::string_view sql, std::span<const Value> params) {
  return std::make_unique<BufferedStream>(do_execute(sql, params));
}

void Connection::do_ping() {
  (void)execute("SELECT 1");
}

}  // namespace lingo
