// Client and pool metrics under OpenTelemetry's database names, readable in
// the process and as Prometheus text, with no new dependency:
//
//   lingo::ClientMetrics metrics;
//   db.set_tracer(metrics.tracer());                  // db.client.operation.duration
//   ...
//   std::string page = lingo::to_prometheus(&metrics, {{"orders", db.pool_stats()}});
//
// ClientMetrics records each statement's duration by system, namespace,
// operation, table and error type (low cardinality: never the SQL text).
// PoolStats (lingo/pool.h) carries the pool's db.client.connection.* figures.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "lingo/export.h"
#include "lingo/pool.h"
#include "lingo/trace.h"

namespace lingo {

// db.client.operation.duration, for one combination of its attributes.
struct LINGO_API OperationSeries {
  std::string system;      // db.system.name
  std::string database;    // db.namespace
  std::string operation;   // db.operation.name
  std::string collection;  // db.collection.name; empty for SQL text
  std::string error_type;  // error.type; empty when the statements succeeded
  Histogram duration;
};

class LINGO_API ClientMetrics {
 public:
  // Records one finished statement. Thread-safe; never throws.
  void record(const TraceEvent& event) noexcept;
  // A tracer recording into this object, for Database::set_tracer (chain it
  // with another tracer by calling both from one). The object must outlive
  // every Database it is installed on, or be removed first.
  [[nodiscard]] Tracer tracer();
  // A copy of every series recorded so far, ordered by their attributes.
  [[nodiscard]] std::vector<OperationSeries> operations() const;

 private:
  // system, namespace, operation, collection, error type
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  using KeyView =
      std::tuple<std::string_view, std::string_view, std::string_view, std::string_view, std::string_view>;
  // Orders keys and their views alike, so a lookup needs no strings.
  struct KeyLess {
    using is_transparent = void;
    static KeyView view(const KeyView& k) noexcept { return k; }
    static KeyView view(const Key& k) noexcept {
      return {std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), std::get<4>(k)};
    }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      return view(a) < view(b);
    }
  };
  mutable std::mutex mutex_;
  std::map<Key, Histogram, KeyLess> series_;
};

// A pool's figures with the name its metrics carry (db.client.connection.pool.name).
struct LINGO_API NamedPoolStats {
  std::string name;
  PoolStats stats;
};

// The Prometheus text exposition format (version 0.0.4) of the client's
// operation durations and each pool's connection metrics, under the
// OpenTelemetry names with dots as underscores and the unit as a suffix:
// db_client_operation_duration_seconds, db_client_connection_count{state=...},
// db_client_connection_max, db_client_connection_pending_requests,
// db_client_connection_timeouts_total, db_client_connection_{create,wait,use}_time_seconds.
// `client` may be null. Label values are escaped as the format requires.
[[nodiscard]] LINGO_API std::string to_prometheus(const ClientMetrics* client,
                                                  std::span<const NamedPoolStats> pools = {});

}  // namespace lingo
