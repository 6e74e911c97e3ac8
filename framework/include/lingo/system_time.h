// AS OF SYSTEM TIME: CockroachDB's historical reads.
//
// CockroachDB takes no placeholder in AS OF SYSTEM TIME, so the value must be
// written into the SQL. A SystemTime is therefore built only from forms it has
// validated, and renders itself as SQL that cannot carry anything else:
//
//   SystemTime::at(t)                   '2026-11-25 16:00:00.000000+00:00'
//   SystemTime::ago(10s)                '-10s'
//   SystemTime::follower_read()         follower_read_timestamp()
//   SystemTime::parse("-4h")            text from a user or a config file,
//                                       accepted only in the forms below
//
// parse() accepts: a negative interval ("-10s", "-1h30m", "-250ms", units
// h, m, s, ms, us, ns); a timestamp ("2026-11-25 16:00:00", with or without
// an offset); nanoseconds since the epoch ("1700000000000000000"); an HLC
// decimal ("1700000000000000000.0000000000"); follower_read_timestamp();
// with_min_timestamp('<timestamp>'[, true|false]) and
// with_max_staleness('<interval>'[, true|false]). Anything else, a future or
// zero time included, is a ValueError.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "lingo/export.h"
#include "lingo/value.h"

namespace lingo {

class LINGO_API SystemTime {
 public:
  // A fixed instant.
  [[nodiscard]] static SystemTime at(TimestampTz instant);
  // That long before the statement's time; `age` must be at least 1 µs.
  [[nodiscard]] static SystemTime ago(std::chrono::microseconds age);
  // follower_read_timestamp(): a time old enough for any replica to serve.
  [[nodiscard]] static SystemTime follower_read();
  // Bounded staleness (single-statement reads only; not in transactions).
  [[nodiscard]] static SystemTime with_min_timestamp(TimestampTz instant, bool nearest_only = false);
  [[nodiscard]] static SystemTime with_max_staleness(std::chrono::microseconds staleness,
                                                     bool nearest_only = false);
  // Validates text in one of the forms listed above; ValueError otherwise.
  [[nodiscard]] static SystemTime parse(std::string_view text);

  // The SQL to write after AS OF SYSTEM TIME.
  [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
  // True for with_min_timestamp / with_max_staleness.
  [[nodiscard]] bool is_bounded_staleness() const noexcept { return bounded_; }

  friend bool operator==(const SystemTime&, const SystemTime&) = default;

 private:
  SystemTime(std::string sql, bool bounded) : sql_(std::move(sql)), bounded_(bounded) {}
  std::string sql_;
  bool bounded_ = false;
};

}  // namespace lingo
