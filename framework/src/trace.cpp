#include "lingo/trace.h"

#include <Poco/Logger.h>

#include <cstdio>

#include "lingo/errors.h"

namespace lingo {
namespace {

std::string shown(const Value& v) {
  if (v.type() == ValueType::text) {
    const std::string text = v.to_string();
    return "'" + text + "'";
  }
  return v.to_string();
}

}  // namespace

void TraceSink::set(Tracer tracer, TraceOptions options) {
  std::shared_ptr<const Tracer> installed;
  if (tracer) installed = std::make_shared<const Tracer>(std::move(tracer));
  std::lock_guard lock(mutex_);
  show_params_.store(options.show_params, std::memory_order_relaxed);
  active_.store(installed != nullptr, std::memory_order_release);
  tracer_ = std::move(installed);
}

void TraceSink::emit(const TraceEvent& event) const noexcept {
  std::shared_ptr<const Tracer> tracer;
  {
    std::lock_guard lock(mutex_);
    tracer = tracer_;
  }
  if (tracer == nullptr) return;
  try {
    (*tracer)(event);
  } catch (...) {  // NOLINT(bugprone-empty-catch): a tracer must never change what a statement does
  }
}

std::string to_string(const TraceEvent& event) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f ms  ",
                std::chrono::duration<double, std::milli>(event.duration).count());
  std::string out = ms;
  out += event.sql;
  if (event.param_count > 0) {
    out += "  -- ";
    if (event.params.empty()) {
      out += std::to_string(event.param_count) +
             (event.param_count == 1 ? " parameter (redacted)" : " parameters (redacted)");
    } else {
      for (std::size_t i = 0; i < event.params.size(); ++i) {
        if (i > 0) out += ", ";
        out += '$';
        out += std::to_string(i + 1);
        out += '=';
        out += shown(event.params[i]);
      }
    }
  }
  if (!event.note.empty()) out += "  -- " + std::string(event.note);
  if (event.error != nullptr) out += "  -- failed: " + std::string(event.error->what());
  return out;
}

Tracer poco_logger_tracer(const std::string& logger_name) {
  Poco::Logger& logger = Poco::Logger::get(logger_name);
  return [&logger](const TraceEvent& event) {
    if (event.error != nullptr) {
      if (logger.warning()) logger.warning(to_string(event));
    } else if (logger.information()) {
      logger.information(to_string(event));
    }
  };
}

}  // namespace lingo
