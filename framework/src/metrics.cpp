#include "lingo/metrics.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <typeinfo>

#include <boost/core/demangle.hpp>

#include "lingo/errors.h"
#include "lingo/value.h"

namespace lingo {

void Histogram::record(double seconds) noexcept {
  const auto at =
      std::lower_bound(bounds.begin(), bounds.end(), seconds);  // le: a value on a bound counts there
  const auto bucket = static_cast<std::size_t>(at - bounds.begin());
  if (bucket < counts.size()) ++counts[bucket];
  ++count;
  sum += seconds;
}

void ClientMetrics::record(const TraceEvent& event) noexcept {
  try {
    // Looked up by views: a series that exists already costs no allocation.
    std::string error_class;
    std::string_view error_type;
    if (event.error != nullptr) {
      error_type = event.error->sqlstate();
      if (error_type.empty()) error_type = error_class = boost::core::demangle(typeid(*event.error).name());
    }
    const TraceTarget* target = event.target;
    const KeyView view{target != nullptr ? std::string_view(target->system) : event.dialect,
                       target != nullptr ? std::string_view(target->database) : std::string_view(),
                       event.operation, event.collection, error_type};
    const double seconds = std::chrono::duration<double>(event.duration).count();
    std::lock_guard lock(mutex_);
    auto it = series_.find(view);
    if (it == series_.end()) {
      it = series_
               .emplace(Key{std::string(std::get<0>(view)), std::string(std::get<1>(view)),
                            std::string(std::get<2>(view)), std::string(std::get<3>(view)),
                            std::string(std::get<4>(view))},
                        Histogram{})
               .first;
    }
    it->second.record(seconds);
  } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory; the statement goes unrecorded
  }
}

Tracer ClientMetrics::tracer() {
  return [this](const TraceEvent& event) { record(event); };
}

std::vector<OperationSeries> ClientMetrics::operations() const {
  std::lock_guard lock(mutex_);
  std::vector<OperationSeries> out;
  out.reserve(series_.size());
  for (const auto& [key, histogram] : series_) {
    const auto& [system, database, operation, collection, error_type] = key;
    out.push_back({system, database, operation, collection, error_type, histogram});
  }
  return out;
}

namespace {

// A label value as the text format wants it: backslash, quote and newline escaped.
std::string escaped(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The shortest text that reads back as the same double (0.005, not
// 0.0050000000000000001), with the exposition format's spelling of infinities.
std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return text::format_double(value);
}

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

std::string label_text(const Labels& labels, std::string_view extra_name = {}, std::string_view extra = {}) {
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out.append(name).append("=\"").append(escaped(value)).append("\"");
  };
  for (const auto& [name, value] : labels)
    if (!value.empty()) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra);
  out += '}';
  return out == "{}" ? std::string() : out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void histogram(std::string& out, std::string_view name, const Labels& labels, const Histogram& h) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    const std::string le = i < h.bounds.size() ? number(h.bounds[i]) : "+Inf";
    out.append(name).append("_bucket").append(label_text(labels, "le", le)).append(" ");
    out.append(std::to_string(cumulative)).append("\n");
  }
  out.append(name).append("_sum").append(label_text(labels)).append(" ").append(number(h.sum)).append("\n");
  out.append(name).append("_count").append(label_text(labels)).append(" ");
  out.append(std::to_string(h.count)).append("\n");
}

}  // namespace

std::string to_prometheus(const ClientMetrics* client, std::span<const NamedPoolStats> pools) {
  std::string out;
  if (client != nullptr) {
    const std::vector<OperationSeries> series = client->operations();
    if (!series.empty()) {
      family(out, "db_client_operation_duration_seconds", "histogram",
             "Duration of database client operations.");
      for (const OperationSeries& s : series) {
        histogram(out, "db_client_operation_duration_seconds",
                  {{"db_system_name", s.system},
                   {"db_namespace", s.database},
                   {"db_operation_name", s.operation},
                   {"db_collection_name", s.collection},
                   {"error_type", s.error_type}},
                  s.duration);
      }
    }
  }
  if (pools.empty()) return out;
  constexpr std::string_view pool_label = "db_client_connection_pool_name";
  family(out, "db_client_connection_count", "gauge",
         "The number of connections that are currently in state described by the state attribute.");
  for (const NamedPoolStats& p : pools) {
    for (const auto& [state, value] : {std::pair{"idle", p.stats.idle}, std::pair{"used", p.stats.in_use}}) {
      out.append("db_client_connection_count")
          .append(label_text({{pool_label, p.name}}, "db_client_connection_state", state));
      out.append(" ").append(std::to_string(value)).append("\n");
    }
  }
  family(out, "db_client_connection_max", "gauge",
         "The maximum number of open connections allowed (0: no limit).");
  for (const NamedPoolStats& p : pools) {
    out.append("db_client_connection_max").append(label_text({{pool_label, p.name}})).append(" ");
    out.append(std::to_string(p.stats.max_connections)).append("\n");
  }
  family(out, "db_client_connection_pending_requests", "gauge",
         "The number of current pending requests for an open connection.");
  for (const NamedPoolStats& p : pools) {
    out.append("db_client_connection_pending_requests")
        .append(label_text({{pool_label, p.name}}))
        .append(" ");
    out.append(std::to_string(p.stats.pending_requests)).append("\n");
  }
  family(out, "db_client_connection_timeouts_total", "counter",
         "The number of connection timeouts that have occurred trying to obtain a connection from the pool.");
  for (const NamedPoolStats& p : pools) {
    out.append("db_client_connection_timeouts_total").append(label_text({{pool_label, p.name}})).append(" ");
    out.append(std::to_string(p.stats.timeouts)).append("\n");
  }
  const std::pair<std::string_view, Histogram PoolStats::*> times[] = {
      {"db_client_connection_create_time_seconds", &PoolStats::create_time},
      {"db_client_connection_wait_time_seconds", &PoolStats::wait_time},
      {"db_client_connection_use_time_seconds", &PoolStats::use_time}};
  const std::string_view helps[] = {"The time it took to create a new connection.",
                                    "The time it took to obtain an open connection from the pool.",
                                    "The time between borrowing a connection and returning it to the pool."};
  for (std::size_t i = 0; i < std::size(times); ++i) {
    family(out, times[i].first, "histogram", helps[i]);
    for (const NamedPoolStats& p : pools)
      histogram(out, times[i].first, {{pool_label, p.name}}, p.stats.*times[i].second);
  }
  return out;
}

}  // namespace lingo
