// Text forms of values: the ISO 8601 / SQL spellings that PostgreSQL prints
// with DateStyle=ISO and that SQLite stores, parsed and formatted without
// locale or time-zone database dependence.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "lingo/errors.h"
#include "lingo/value.h"

namespace lingo::text {
namespace {

using namespace std::chrono;

[[noreturn]] void bad(std::string_view what, std::string_view s) {
  ErrorInfo info;
  info.message = "cannot read '" + std::string(s.substr(0, 80)) + "' as " + std::string(what);
  info.sqlstate = "22007";
  throw DataError(std::move(info));
}

// Reads exactly n digits at s[pos], advancing pos.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
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

bool parse_date_at(std::string_view s, std::size_t& pos, sys_days& out) {
  std::size_t start = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  const std::size_t year_len = pos - start;
  pos = start;
  int y = 0, m = 0, d = 0;
  if (year_len < 4 || !digits(s, pos, year_len, y) || !expect(s, pos, '-') || !digits(s, pos, 2, m) ||
      !expect(s, pos, '-') || !digits(s, pos, 2, d))
    return false;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  out = sys_days{ymd};
  return true;
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

std::string format_date(Date d) {
  const year_month_day ymd{d.days};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_time(Time t) {
  return format_clock(t.since_midnight);
}

std::string format_timestamp(Timestamp ts) {
  const auto day = floor<days>(ts.value);
  return format_date(Date{sys_days{day.time_since_epoch()}}) + " " +
         format_clock(duration_cast<microseconds>(ts.value - day));
}

std::string format_timestamptz(TimestampTz ts) {
  const auto day = floor<days>(ts.value);
  return format_date(Date{day}) + " " + format_clock(duration_cast<microseconds>(ts.value - day)) + "+00:00";
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

Date parse_date(std::string_view s) {
  std::size_t pos = 0;
  sys_days d;
  if (!parse_date_at(s, pos, d) || pos != s.size()) bad("a date (YYYY-MM-DD)", s);
  return Date{d};
}

Time parse_time(std::string_view s) {
  std::size_t pos = 0;
  microseconds t{};
  if (!parse_time_at(s, pos, t) || pos != s.size()) bad("a time (HH:MM:SS[.ffffff])", s);
  return Time{t};
}

Timestamp parse_timestamp(std::string_view s) {
  std::size_t pos = 0;
  sys_days d;
  microseconds t{};
  if (!parse_date_at(s, pos, d) || !(expect(s, pos, ' ') || expect(s, pos, 'T')) ||
      !parse_time_at(s, pos, t) || pos != s.size())
    bad("a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])", s);
  return Timestamp{local_time<microseconds>{d.time_since_epoch() + t}};
}

TimestampTz parse_timestamptz(std::string_view s) {
  std::size_t pos = 0;
  sys_days d;
  microseconds t{};
  if (!parse_date_at(s, pos, d) || !(expect(s, pos, ' ') || expect(s, pos, 'T')) || !parse_time_at(s, pos, t))
    bad("a timestamp with time zone", s);
  seconds offset{0};
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int h = 0, m = 0, sec = 0;
      if (!digits(s, pos, 2, h)) bad("a timestamp with time zone", s);
      if (expect(s, pos, ':') && !digits(s, pos, 2, m)) bad("a timestamp with time zone", s);
      if (expect(s, pos, ':') && !digits(s, pos, 2, sec)) bad("a timestamp with time zone", s);
      offset = sign * (hours{h} + minutes{m} + seconds{sec});
    }
  }
  if (pos != s.size()) bad("a timestamp with time zone", s);
  return TimestampTz{sys_time<microseconds>{d.time_since_epoch() + t - offset}};
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
