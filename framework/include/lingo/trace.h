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
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "lingo/export.h"
#include "lingo/value.h"

namespace lingo {

class Error;

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
};

// Called on the thread that ran the statement, after it finished. A tracer
// shared by several threads must be thread-safe. It must not throw; whatever
// it throws is discarded, so tracing can never change what a statement does.
using Tracer = std::function<void(const TraceEvent&)>;

struct LINGO_API TraceOptions {
  bool show_params = false;  // hand the bound values to the tracer
};

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
  void set(Tracer tracer, TraceOptions options);
  [[nodiscard]] bool active() const noexcept { return active_.load(std::memory_order_acquire); }
  [[nodiscard]] bool show_params() const noexcept { return show_params_.load(std::memory_order_relaxed); }
  void emit(const TraceEvent& event) const noexcept;

 private:
  std::atomic<bool> active_{false};
  std::atomic<bool> show_params_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<const Tracer> tracer_;
};

}  // namespace lingo
