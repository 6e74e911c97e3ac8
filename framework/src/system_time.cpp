#include "lingo/system_time.h"

#include <cctype>
#include <regex>

#include "lingo/errors.h"

namespace lingo {
namespace {

using std::chrono::microseconds;

constexpr std::string_view kForms =
    "expected a negative interval such as -10s or -1h30m (units h, m, s, ms, us, ns), a timestamp, "
    "nanoseconds since the epoch, an HLC decimal, follower_read_timestamp(), "
    "with_min_timestamp('<timestamp>') "
    "or with_max_staleness('<interval>')";

[[noreturn]] void invalid(std::string_view text, std::string_view why) {
  throw ValueError("'" + std::string(text) + "' is not a valid AS OF SYSTEM TIME: " + std::string(why));
}

std::string lower_trimmed(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// "10s", "1h30m", "250ms": a sum of numbers with units; the total in
// nanoseconds, or -1 when the text is not of that form.
long double interval_nanos(std::string_view text) {
  static const std::regex part(R"((\d+(?:\.\d+)?)(h|ms|m|s|us|ns))");
  if (text.empty()) return -1;
  long double total = 0;
  std::string rest(text);
  std::smatch m;
  while (!rest.empty()) {
    if (!std::regex_search(rest, m, part, std::regex_constants::match_continuous)) return -1;
    const long double n = std::stold(m[1].str());
    const std::string unit = m[2].str();
    const long double scale = unit == "h"    ? 3600e9L
                              : unit == "m"  ? 60e9L
                              : unit == "s"  ? 1e9L
                              : unit == "ms" ? 1e6L
                              : unit == "us" ? 1e3L
                                             : 1.0L;
    total += n * scale;
    rest = m.suffix().str();
  }
  return total;
}

std::string compact(microseconds d) {
  using namespace std::chrono;
  const auto us = d.count();
  if (us % 3'600'000'000LL == 0) return std::to_string(us / 3'600'000'000LL) + "h";
  if (us % 60'000'000LL == 0) return std::to_string(us / 60'000'000LL) + "m";
  if (us % 1'000'000LL == 0) return std::to_string(us / 1'000'000LL) + "s";
  if (us % 1'000LL == 0) return std::to_string(us / 1'000LL) + "ms";
  return std::to_string(us) + "us";
}

std::string quoted_timestamp(std::string_view text, std::string_view original) {
  try {
    return "'" + text::format_timestamptz(text::parse_timestamptz(text)) + "'";
  } catch (const Error&) {
  }
  try {
    // No offset: a UTC wall-clock time, as CockroachDB reads it.
    const Timestamp local = text::parse_timestamp(text);
    return "'" +
           text::format_timestamptz(TimestampTz{
               std::chrono::sys_time<std::chrono::microseconds>(local.value.time_since_epoch())}) +
           "'";
  } catch (const Error&) {
    invalid(original, kForms);
  }
}

}  // namespace

SystemTime SystemTime::at(TimestampTz instant) {
  if (instant.value.time_since_epoch().count() <= 0) {
    throw ValueError("AS OF SYSTEM TIME needs a time after 1970-01-01 00:00:00 UTC");
  }
  return SystemTime("'" + text::format_timestamptz(instant) + "'", false);
}

SystemTime SystemTime::ago(microseconds age) {
  if (age.count() < 1) {
    throw ValueError(
        "AS OF SYSTEM TIME needs a time in the past: ago() takes a positive age of at least 1us (got " +
        std::to_string(age.count()) + "us)");
  }
  return SystemTime("'-" + compact(age) + "'", false);
}

SystemTime SystemTime::follower_read() {
  return SystemTime("follower_read_timestamp()", false);
}

SystemTime SystemTime::with_min_timestamp(TimestampTz instant, bool nearest_only) {
  return SystemTime("with_min_timestamp(" + at(instant).sql() + (nearest_only ? ", true)" : ")"), true);
}

SystemTime SystemTime::with_max_staleness(microseconds staleness, bool nearest_only) {
  if (staleness.count() < 1) throw ValueError("with_max_staleness needs a staleness of at least 1us");
  return SystemTime("with_max_staleness('" + compact(staleness) + "'" + (nearest_only ? ", true)" : ")"),
                    true);
}

SystemTime SystemTime::parse(std::string_view text) {
  const std::string word = lower_trimmed(text);
  if (word == "follower_read_timestamp()" || word == "experimental_follower_read_timestamp()") {
    return follower_read();
  }
  // A quoted form, as it would be written in SQL, is read without its quotes.
  std::string_view body = text;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
  if (body.size() >= 2 && body.front() == '\'' && body.back() == '\'') body = body.substr(1, body.size() - 2);

  static const std::regex bounded(
      R"(^(with_min_timestamp|with_max_staleness)\('([^']*)'(?:,(true|false))?\)$)");
  std::smatch m;
  const std::string squeezed = lower_trimmed(body);
  // Bounded staleness keeps its argument's case and spacing; match on the squeezed form.
  if (std::regex_match(squeezed, m, bounded)) {
    const bool nearest = m[3].matched && m[3].str() == "true";
    const std::string arg = m[2].str();
    if (m[1].str() == "with_min_timestamp") {
      const auto start = std::string(body).find('\'') + 1;
      const auto end = std::string(body).find('\'', start);
      const std::string ts(body.substr(start, end - start));
      return SystemTime("with_min_timestamp(" + quoted_timestamp(ts, text) + (nearest ? ", true)" : ")"),
                        true);
    }
    const long double ns = interval_nanos(arg);
    if (ns < 1000)
      invalid(text, "with_max_staleness takes a positive interval of at least 1us, such as '10s'");
    return SystemTime("with_max_staleness('" + arg + "'" + (nearest ? ", true)" : ")"), true);
  }

  if (!squeezed.empty() && squeezed.front() == '-') {
    const long double ns = interval_nanos(std::string_view(squeezed).substr(1));
    if (ns < 0) invalid(text, kForms);
    if (ns == 0) invalid(text, "zero timestamp is invalid");
    if (ns < 1000) invalid(text, "the interval is too small: its absolute value must be at least 1us");
    return SystemTime("'" + squeezed + "'", false);
  }
  if (!squeezed.empty() &&
      (std::isdigit(static_cast<unsigned char>(squeezed.front())) || squeezed.front() == '+')) {
    static const std::regex nanos(R"(^\d{1,19}$)");
    static const std::regex hlc(R"(^\d{1,19}\.\d{10}$)");
    if (std::regex_match(squeezed, nanos) || std::regex_match(squeezed, hlc)) {
      if (squeezed.find_first_not_of("0.") == std::string::npos) invalid(text, "zero timestamp is invalid");
      return SystemTime(squeezed, false);
    }
    if (interval_nanos(squeezed) >= 0) {
      invalid(text,
              "cannot specify timestamp in the future: an interval must be negative, such as -" + squeezed);
    }
    return SystemTime(quoted_timestamp(body, text), false);
  }
  invalid(text, kForms);
}

}  // namespace lingo
