#include "lingo/connection.h"

#include <deque>
#include <exception>

#include "lingo/errors.h"

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

}  // namespace detail

Connection::~Connection() {
  // Drivers close in their own destructors, after which the stream must not
  // touch them; the core settles or abandons streams before that happens.
  if (open_stream_ != nullptr) open_stream_->abandon("its connection was destroyed");
}

void Connection::settle() {
  if (open_stream_ != nullptr) open_stream_->settle();
}

void Connection::abandon_stream(std::string_view why) noexcept {
  if (open_stream_ != nullptr) open_stream_->abandon(why);
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
  if (trace_->show_params()) event.params = params;
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

Result Connection::execute(std::string_view sql, std::span<const Value> params) {
  return traced(sql, params, [&] { return do_execute(sql, params); });
}

std::unique_ptr<RowStream> Connection::stream(std::string_view sql, std::span<const Value> params,
                                              std::shared_ptr<const SelectedColumns> selected) {
  std::unique_ptr<RowStream> driver = traced(sql, params, [&] { return do_stream(sql, params); });
  return std::make_unique<detail::GuardedStream>(*this, std::move(driver), std::move(selected));
}

void Connection::begin(std::string_view statement) {
  traced(statement, {}, [&] {
    do_begin(statement);
    return 0;
  });
}

void Connection::commit() {
  traced("COMMIT", {}, [&] {
    do_commit();
    return 0;
  });
}

void Connection::rollback(std::string_view note) {
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
  if (trace_ == nullptr || !trace_->active()) {
    do_pipeline(statements, on_result);
    return;
  }
  // Each statement is traced when its answer arrives, timed from the start.
  const auto started = std::chrono::steady_clock::now();
  do_pipeline(statements, [&](std::size_t index, Result result) {
    TraceEvent event;
    event.dialect = trace_dialect_;
    event.sql = statements[index].sql;
    event.param_count = statements[index].params.size();
    if (trace_->show_params()) event.params = statements[index].params;
    event.duration = std::chrono::steady_clock::now() - started;
    trace_->emit(event);
    on_result(index, std::move(result));
  });
}

std::optional<std::int64_t> Connection::copy_rows(std::string_view target, std::size_t columns,
                                                  std::span<const Value* const> cells) {
  if (columns == 0 || cells.size() % columns != 0)
    throw InterfaceError("copy_rows: " + std::to_string(cells.size()) + " values do not make rows of " +
                         std::to_string(columns));
  const std::string statement = "COPY " + std::string(target) + " FROM STDIN";
  return traced(statement, {}, [&] { return do_copy_rows(target, columns, cells); });
}

std::optional<std::int64_t> Connection::do_copy_rows(std::string_view, std::size_t,
                                                     std::span<const Value* const>) {
  return std::nullopt;
}

void Connection::do_pipeline(std::span<const PipelineStatement> statements,
                             const PipelineCallback& on_result) {
  for (std::size_t i = 0; i < statements.size(); ++i) {
    on_result(i, do_execute(statements[i].sql, statements[i].params));
  }
}

void Connection::ping() {
  settle();
  do_ping();
}

std::unique_ptr<RowStream> Connection::do_stream(std::string_view sql, std::span<const Value> params) {
  return std::make_unique<BufferedStream>(do_execute(sql, params));
}

void Connection::do_ping() {
  (void)execute("SELECT 1");
}

}  // namespace lingo
