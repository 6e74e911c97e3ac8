// Text forms of values: the ISO 8601 / SQL spellings that PostgreSQL prints
// with DateStyle=ISO and that SQLite stores, parsed and formatted without
// locale or time-zone database dependence.
#include <boost/json/parse.hpp>

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "lingo/errors.h"
#include "lingo/value.h"

namespace lingo::text {
namespace {

using namespace std::chrono;

[[noreturn]] void bad(std::string_view what, std::string_view s) {
  throw_error<DataError>("cannot read '" + std::string(s.substr(0, 80)) + "' as " + std::string(what),
                         {.sqlstate = "22007"});
}

[[noreturn]] void out_of_range(std::string_view what, std::string_view s) {
  throw_error<DataError>(
      "'" + std::string(s.substr(0, 80)) + "' is " + std::string(what) +
          " beyond the range Lingo's values hold (microseconds since 1970 in 64 bits: about "
          "292 000 years either way)",
      {.sqlstate = "22008"});  // datetime_field_overflow
}

// Reads exactly n digits at s[pos], advancing pos. n is at most 9, so the
// value always fits.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (n > 9 || pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// The proleptic Gregorian calendar over 64-bit years (std::chrono::year
// holds only -32767..32767). Howard Hinnant's days_from_civil and
// civil_from_days; day 0 is 1970-01-01, year 0 is 1 BC.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap(std::int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

unsigned last_day(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// A date's year: 4 to 9 digits, or with a leading '-' the astronomical year
// of ISO 8601's expanded form (-0043 is 44 BC). `bc` turns the year into
// PostgreSQL's era count (0044 BC is astronomical -43) once the caller has
// seen the marker.
bool parse_date_at(std::string_view s, std::size_t& pos, std::int64_t& out_days, bool bc = false) {
  const bool negative = expect(s, pos, '-');
  const std::size_t start = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  const std::size_t year_len = pos - start;
  pos = start;
  int y = 0, m = 0, d = 0;
  if (year_len < 4 || !digits(s, pos, year_len, y) || !expect(s, pos, '-') || !digits(s, pos, 2, m) ||
      !expect(s, pos, '-') || !digits(s, pos, 2, d))
    return false;
  if (negative && bc) return false;
  if (bc && y == 0) return false;  // there is no year 0 BC
  const std::int64_t year = negative ? -std::int64_t{y} : bc ? 1 - std::int64_t{y} : y;
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > last_day(year, static_cast<unsigned>(m)))
    return false;
  out_days = days_from_civil(year, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// Whether the text ends with PostgreSQL's " BC"; then it is parsed without it.
bool strip_bc(std::string_view& s) {
  if (!s.ends_with(" BC")) return false;
  s.remove_suffix(3);
  return true;
}

// Days plus a time of day as microseconds since 1970, when they fit in the
// 64 bits Lingo's timestamps hold (about 292 000 years either way).
bool to_micros(std::int64_t days, microseconds t, std::int64_t& out) {
  std::int64_t day_micros = 0;
  return !__builtin_mul_overflow(days, std::int64_t{86'400'000'000}, &day_micros) &&
         !__builtin_add_overflow(day_micros, t.count(), &out);
}

bool parse_time_at(std::string_view s, std::size_t& pos, microseconds& out) {
  int h = 0, m = 0, sec = 0;
  if (!digits(s, pos, 2, h) || !expect(s, pos, ':') || !digits(s, pos, 2, m)) return false;
  if (expect(s, pos, ':') && !digits(s, pos, 2, sec)) return false;
  long long micros = 0;
  if (expect(s, pos, '.')) {
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 6) micros = micros * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return false;
    for (; n < 6; ++n) micros *= 10;
  }
  if (h > 24 || m > 59 || sec > 60 || (h == 24 && (m != 0 || sec != 0 || micros != 0))) return false;
  out = hours{h} + minutes{m} + seconds{sec} + microseconds{micros};
  return true;
}

std::string two(unsigned v) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02u", v % 100);
  return buf;
}

std::string format_clock(microseconds t) {
  const auto h = duration_cast<hours>(t);
  const auto m = duration_cast<minutes>(t - h);
  const auto s = duration_cast<seconds>(t - h - m);
  const auto us = (t - h - m - s).count();
  std::string out = two(static_cast<unsigned>(h.count())) + ":" + two(static_cast<unsigned>(m.count())) +
                    ":" + two(static_cast<unsigned>(s.count()));
  if (us != 0) {
    char buf[24];
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(us));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  return out;
}

}  // namespace

namespace {

// "YYYY-MM-DD", and whether the year is before 1 AD (PostgreSQL's " BC"
// then goes at the end of the whole value).
std::string date_part(std::int64_t days, bool& bc) {
  const Civil c = civil_from_days(days);
  bc = c.year <= 0;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(bc ? 1 - c.year : c.year),
                c.month, c.day);
  return buf;
}

}  // namespace

std::string format_date(Date d) {
  bool bc = false;
  std::string out = date_part(d.days.time_since_epoch().count(), bc);
  return bc ? out + " BC" : out;
}

std::string format_time(Time t) {
  return format_clock(t.since_midnight);
}

std::string format_timestamp(Timestamp ts) {
  const auto day = floor<days>(ts.value);
  bool bc = false;
  std::string out = date_part(day.time_since_epoch().count(), bc) + " " +
                    format_clock(duration_cast<microseconds>(ts.value - day));
  return bc ? out + " BC" : out;
}

std::string format_timestamptz(TimestampTz ts) {
  const auto day = floor<days>(ts.value);
  bool bc = false;
  std::string out = date_part(day.time_since_epoch().count(), bc) + " " +
                    format_clock(duration_cast<microseconds>(ts.value - day)) + "+00:00";
  return bc ? out + " BC" : out;
}

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, r.ptr};
}

std::string format_float(float v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, r.ptr};
}

Date parse_date(std::string_view text) {
  std::string_view s = text;
  const bool bc = strip_bc(s);
  std::size_t pos = 0;
  std::int64_t d = 0;
  if (!parse_date_at(s, pos, d, bc) || pos != s.size()) bad("a date (YYYY-MM-DD)", text);
  return Date{sys_days{days{d}}};
}

Time parse_time(std::string_view s) {
  std::size_t pos = 0;
  microseconds t{};
  if (!parse_time_at(s, pos, t) || pos != s.size()) bad("a time (HH:MM:SS[.ffffff])", s);
  return Time{t};
}

Timestamp parse_timestamp(std::string_view text) {
  std::string_view s = text;
  const bool bc = strip_bc(s);
  std::size_t pos = 0;
  std::int64_t d = 0;
  microseconds t{};
  if (!parse_date_at(s, pos, d, bc) || !(expect(s, pos, ' ') || expect(s, pos, 'T')) ||
      !parse_time_at(s, pos, t) || pos != s.size())
    bad("a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])", text);
  std::int64_t micros = 0;
  if (!to_micros(d, t, micros)) out_of_range("a timestamp", text);
  return Timestamp{local_time<microseconds>{microseconds{micros}}};
}

TimestampTz parse_timestamptz(std::string_view text) {
  std::string_view s = text;
  const bool bc = strip_bc(s);
  std::size_t pos = 0;
  std::int64_t d = 0;
  microseconds t{};
  if (!parse_date_at(s, pos, d, bc) || !(expect(s, pos, ' ') || expect(s, pos, 'T')) ||
      !parse_time_at(s, pos, t))
    bad("a timestamp with time zone", text);
  seconds offset{0};
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int h = 0, m = 0, sec = 0;
      if (!digits(s, pos, 2, h)) bad("a timestamp with time zone", text);
      if (expect(s, pos, ':') && !digits(s, pos, 2, m)) bad("a timestamp with time zone", text);
      if (expect(s, pos, ':') && !digits(s, pos, 2, sec)) bad("a timestamp with time zone", text);
      offset = sign * (hours{h} + minutes{m} + seconds{sec});
    }
  }
  if (pos != s.size()) bad("a timestamp with time zone", text);
  std::int64_t micros = 0;
  if (!to_micros(d, t - offset, micros)) out_of_range("a timestamp with time zone", text);
  return TimestampTz{sys_time<microseconds>{microseconds{micros}}};
}

namespace {
std::atomic<std::size_t> json_depth_limit{10'000};
}  // namespace

std::size_t json_max_depth() noexcept {
  return json_depth_limit.load(std::memory_order_relaxed);
}

void set_json_max_depth(std::size_t depth) noexcept {
  json_depth_limit.store(depth, std::memory_order_relaxed);
}

boost::json::value parse_json(std::string_view s) {
  boost::json::parse_options options;
  options.max_depth = json_max_depth();
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(s, ec, {}, options);
  if (!ec) return parsed;
  throw_error<DataError>(ec == boost::json::error::too_deep
                             ? "a JSON value nested deeper than " + std::to_string(options.max_depth) +
                                   " levels (lingo::text::set_json_max_depth raises the limit)"
                             : "cannot read '" + std::string(s.substr(0, 80)) + "' as JSON: " + ec.message(),
                         {.sqlstate = "22000"});
}

double parse_double(std::string_view s) {
  if (s == "NaN") return std::nan("");
  if (s == "Infinity") return HUGE_VAL;
  if (s == "-Infinity") return -HUGE_VAL;
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) bad("a floating-point number", s);
  return v;
}

std::int64_t parse_int64(std::string_view s) {
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) bad("an integer", s);
  return v;
}

}  // namespace lingo::text
