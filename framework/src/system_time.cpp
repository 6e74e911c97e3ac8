#include "lingo/system_time.h"

#include <Poco/String.h>
#include <cctype>
#include <optional>

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
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  }
  Poco::toLowerInPlace(out);
  return out;
}

// Longer texts are refused before any parsing: nothing legitimate comes
// near it, and nothing hostile gets to spend time or stack on it.
constexpr std::size_t kMaxText = 256;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads a run of digits at text[pos]; false when there is none.
bool read_digits(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  return pos > start;
}

// "10s", "1h30m", "250ms": a sum of numbers with units; the total in
// nanoseconds, or -1 when the text is not of that form. A plain scanner,
// never a backtracking regex; the number is accumulated digit by digit, so
// no digit count throws or overflows (a long double only grows large).
long double interval_nanos(std::string_view text) {
  if (text.empty()) return -1;
  long double total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    long double n = 0;
    const std::size_t start = pos;
    if (!read_digits(text, pos)) return -1;
    for (std::size_t i = start; i < pos; ++i) n = n * 10 + (text[i] - '0');
    if (pos < text.size() && text[pos] == '.') {
      const std::size_t fraction = ++pos;
      if (!read_digits(text, pos)) return -1;
      long double scale = 1;
      for (std::size_t i = fraction; i < pos; ++i) n += (text[i] - '0') * (scale /= 10);
    }
    const std::string_view rest = text.substr(pos);
    long double unit = 0;
    for (const auto& [name, nanos] : {std::pair{"h", 3600e9L}, std::pair{"ms", 1e6L}, std::pair{"m", 60e9L},
                                      std::pair{"s", 1e9L}, std::pair{"us", 1e3L}, std::pair{"ns", 1.0L}}) {
      if (rest.starts_with(name)) {
        unit = nanos;
        pos += std::string_view(name).size();
        break;
      }
    }
    if (unit == 0) return -1;
    total += n * unit;
  }
  return total;
}

// 1 to 19 digits (nanoseconds since the epoch), optionally with a fraction
// of exactly 10 digits (an HLC timestamp).
bool is_nanos_or_hlc(std::string_view text) {
  std::size_t pos = 0;
  if (!read_digits(text, pos) || pos > 19) return false;
  if (pos == text.size()) return true;
  if (text[pos] != '.') return false;
  const std::size_t fraction = ++pos;
  return read_digits(text, pos) && pos == text.size() && pos - fraction == 10;
}

// with_min_timestamp('...') / with_max_staleness('...') with an optional
// ", true" / ", false", on the squeezed (lower-cased, space-free) text.
struct Bounded {
  std::string function;
  std::string argument;
  bool nearest_only = false;
};

std::optional<Bounded> bounded_form(std::string_view squeezed) {
  for (const std::string_view function : {"with_min_timestamp", "with_max_staleness"}) {
    if (!squeezed.starts_with(function)) continue;
    std::string_view rest = squeezed.substr(function.size());
    if (!rest.starts_with("('")) return std::nullopt;
    rest.remove_prefix(2);
    const std::size_t quote = rest.find('\'');
    if (quote == std::string_view::npos) return std::nullopt;
    Bounded out{std::string(function), std::string(rest.substr(0, quote)), false};
    rest.remove_prefix(quote + 1);
    if (rest == ",true)") {
      out.nearest_only = true;
    } else if (rest != ")" && rest != ",false)") {
      return std::nullopt;
    }
    return out;
  }
  return std::nullopt;
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
    const std::string formatted = text::format_timestamptz(text::parse_timestamptz(text));
    return "'" + formatted + "'";
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
  const std::string formatted = text::format_timestamptz(instant);
  return SystemTime("'" + formatted + "'", false);
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
  if (text.size() > kMaxText) {
    throw ValueError("a text of " + std::to_string(text.size()) +
                     " characters is not a valid AS OF SYSTEM TIME: " + "the longest accepted is " +
                     std::to_string(kMaxText));
  }
  const std::string word = lower_trimmed(text);
  if (word == "follower_read_timestamp()" || word == "experimental_follower_read_timestamp()") {
    return follower_read();
  }
  // A quoted form, as it would be written in SQL, is read without its quotes.
  std::string_view body = text;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
  if (body.size() >= 2 && body.front() == '\'' && body.back() == '\'') body = body.substr(1, body.size() - 2);

  const std::string squeezed = lower_trimmed(body);
  // Bounded staleness keeps its argument's case and spacing; match on the squeezed form.
  if (const auto bounded = bounded_form(squeezed)) {
    const bool nearest = bounded->nearest_only;
    if (bounded->function == "with_min_timestamp") {
      const auto start = body.find('\'') + 1;
      const auto end = body.find('\'', start);
      const std::string ts(body.substr(start, end - start));
      return SystemTime("with_min_timestamp(" + quoted_timestamp(ts, text) + (nearest ? ", true)" : ")"),
                        true);
    }
    const long double ns = interval_nanos(bounded->argument);
    if (ns < 1000)
      invalid(text, "with_max_staleness takes a positive interval of at least 1us, such as '10s'");
    return SystemTime("with_max_staleness('" + bounded->argument + "'" + (nearest ? ", true)" : ")"), true);
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
    if (is_nanos_or_hlc(squeezed)) {
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
