#include "lingo/connection.h"

#include "lingo/errors.h"

namespace lingo {
namespace {

// The fallback stream: the whole result, handed out row by row.
class BufferedStream final : public RowStream {
 public:
  explicit BufferedStream(Result result) : result_(std::move(result)) {}
  bool next() override { return ++position_ <= result_.size(); }
  [[nodiscard]] Row row() const override { return result_[position_ - 1]; }

 private:
  Result result_;
  std::size_t position_ = 0;
};

}  // namespace

template <class F>
decltype(auto) Connection::traced(std::string_view sql, std::span<const Value> params, F&& run) {
  if (trace_ == nullptr || !trace_->active()) return run();
  TraceEvent event;
  event.dialect = trace_dialect_;
  event.sql = sql;
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

std::unique_ptr<RowStream> Connection::stream(std::string_view sql, std::span<const Value> params) {
  return traced(sql, params, [&] { return do_stream(sql, params); });
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

void Connection::rollback() {
  traced("ROLLBACK", {}, [&] {
    do_rollback();
    return 0;
  });
}

void Connection::pipeline(std::span<const PipelineStatement> statements, const PipelineCallback& on_result) {
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
  do_ping();
}

std::unique_ptr<RowStream> Connection::do_stream(std::string_view sql, std::span<const Value> params) {
  return std::make_unique<BufferedStream>(do_execute(sql, params));
}

void Connection::do_ping() {
  (void)execute("SELECT 1");
}

}  // namespace lingo
