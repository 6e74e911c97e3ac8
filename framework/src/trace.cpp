#include "lingo/trace.h"

#include <Poco/Logger.h>

#include <boost/core/demangle.hpp>

#include <cstdio>
#include <typeinfo>

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
  std::shared_ptr<const std::function<std::string()>> traceparent;
  if (options.traceparent)
    traceparent = std::make_shared<const std::function<std::string()>>(std::move(options.traceparent));
  std::unique_lock lock(mutex_);  // waits for the calls of the tracer being replaced
  show_params_.store(options.show_params, std::memory_order_relaxed);
  active_.store(installed != nullptr, std::memory_order_release);
  commenting_.store(traceparent != nullptr, std::memory_order_release);
  tracer_ = std::move(installed);
  traceparent_ = std::move(traceparent);
}

std::string TraceSink::comment() const noexcept {
  std::shared_lock lock(mutex_);
  if (traceparent_ == nullptr) return {};
  try {
    std::string value = (*traceparent_)();
    if (!is_traceparent(value)) return {};
    return "/*traceparent='" + value + "'*/";
  } catch (...) {  // a failing source must not fail the statement: it goes without a comment
    return {};
  }
}

bool is_traceparent(std::string_view text) noexcept {
  // 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>
  if (text.size() != 55 || !text.starts_with("00-") || text[35] != '-' || text[52] != '-') return false;
  auto hex = [&](std::size_t from, std::size_t count) {
    bool nonzero = false;
    for (std::size_t i = from; i < from + count; ++i) {
      const char c = text[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
      nonzero = nonzero || c != '0';
    }
    return nonzero || count == 2;
  };
  return hex(3, 32) && hex(36, 16) && hex(53, 2);
}

std::vector<TraceAttribute> otel_attributes(const TraceEvent& event) {
  std::vector<TraceAttribute> out;
  out.reserve(12);
  auto text = [&](std::string_view key, std::string_view value) {
    if (!value.empty()) out.push_back({key, std::string(value)});
  };
  auto number = [&](std::string_view key, std::int64_t value) { out.push_back({key, {}, value, true}); };
  if (event.target != nullptr) {
    text("db.system.name", event.target->system);
    text("db.namespace", event.target->database);
  } else {
    text("db.system.name", event.dialect);
  }
  text("db.operation.name", event.operation);
  text("db.collection.name", event.collection);
  text("db.query.text", event.sql);
  text("db.query.summary", event.summary);
  if (event.error != nullptr) {
    text("db.response.status_code", event.error->sqlstate());
    // The SQLSTATE when the server gave one, as the conventions advise;
    // otherwise the error's class.
    text("error.type", event.error->sqlstate().empty() ? boost::core::demangle(typeid(*event.error).name())
                                                       : event.error->sqlstate());
  }
  if (event.target != nullptr) {
    text("server.address", event.target->address);
    if (event.target->port > 0) number("server.port", event.target->port);
  }
  if (event.batch_size > 1) number("db.operation.batch.size", static_cast<std::int64_t>(event.batch_size));
  if (event.attempt > 0) number("lingo.transaction.attempt", event.attempt);
  return out;
}

void TraceSink::emit(const TraceEvent& event) const noexcept {
  std::shared_lock lock(mutex_);
  if (tracer_ == nullptr) return;
  try {
    // The values go only to a tracer installed with show_params, even when
    // the tracer changed while the statement ran.
    if (!event.params.empty() && !show_params_.load(std::memory_order_relaxed)) {
      TraceEvent redacted = event;
      redacted.params = {};
      (*tracer_)(redacted);
    } else {
      (*tracer_)(event);
    }
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
