#include "lingo/decimal.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <system_error>

#include "lingo/errors.h"

namespace lingo {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

[[noreturn]] void bad_decimal(std::string_view text) {
  throw_error<DataError>("not a decimal number: '" + std::string(text.substr(0, 64)) +
                             (text.size() > 64 ? "...'" : "'") +
                             " (expected digits with an optional sign, point and exponent, or NaN/Infinity)",
                         {.sqlstate = "22P02"});
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Splits a finite canonical text into sign, integer digits and fraction digits.
struct Parts {
  bool negative;
  std::string_view integer;
  std::string_view fraction;
};

Parts split(const std::string& text) {
  std::string_view s = text;
  Parts p{false, {}, {}};
  if (!s.empty() && s[0] == '-') {
    p.negative = true;
    s.remove_prefix(1);
  }
  auto dot = s.find('.');
  p.integer = s.substr(0, dot);
  if (dot != std::string_view::npos) p.fraction = s.substr(dot + 1);
  return p;
}

// Compares magnitudes of two finite values.
std::strong_ordering compare_magnitude(const Parts& a, const Parts& b) {
  if (a.integer.size() != b.integer.size()) return a.integer.size() <=> b.integer.size();
  if (auto c = a.integer.compare(b.integer); c != 0) return c <=> 0;
  const std::size_t n = std::max(a.fraction.size(), b.fraction.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char x = i < a.fraction.size() ? a.fraction[i] : '0';
    const char y = i < b.fraction.size() ? b.fraction[i] : '0';
    if (x != y) return x <=> y;
  }
  return std::strong_ordering::equal;
}

// Rank of the special values in PostgreSQL's order: -Inf < finite < +Inf < NaN.
int rank(const Decimal& d) {
  if (d.is_nan()) return 3;
  if (d.to_string() == "Infinity") return 2;
  if (d.to_string() == "-Infinity") return 0;
  return 1;
}

}  // namespace

Decimal::Decimal(std::int64_t value) : text_(std::to_string(value)) {}

namespace {
// True for text already in canonical form ("-12.50", "0.5", "7"): what
// PostgreSQL sends, so reading a numeric column costs one copy.
bool is_canonical(std::string_view s) {
  std::size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0;
  const std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  const std::size_t int_len = i - int_start;
  if (int_len == 0 || (int_len > 1 && s[int_start] == '0')) return false;
  if (i < s.size()) {
    if (s[i] != '.' || i + 1 == s.size()) return false;
    for (++i; i < s.size(); ++i)
      if (!is_digit(s[i])) return false;
  }
  // "-0" and "-0.00" are not canonical: zero has no sign.
  return s[0] != '-' || s.find_first_not_of("0.", 1) != std::string_view::npos;
}
}  // namespace

Decimal::Decimal(std::string_view text) {
  if (is_canonical(text)) {
    text_ = text;
    return;
  }
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (iequals(s, "nan")) {
    text_ = "NaN";
    return;
  }
  bool negative = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (iequals(body, "infinity") || iequals(body, "inf")) {
    text_ = negative ? "-Infinity" : "Infinity";
    return;
  }

  // digits [. digits] [e [sign] digits]
  std::string digits;
  std::size_t i = 0;
  long point = -1;  // number of digits before the point
  for (; i < body.size() && (is_digit(body[i]) || body[i] == '.'); ++i) {
    if (body[i] == '.') {
      if (point >= 0) bad_decimal(text);
      point = static_cast<long>(digits.size());
    } else {
      digits.push_back(body[i]);
    }
  }
  if (digits.empty()) bad_decimal(text);
  if (point < 0) point = static_cast<long>(digits.size());
  if (i < body.size()) {
    if (body[i] != 'e' && body[i] != 'E') bad_decimal(text);
    std::string_view exp = body.substr(i + 1);
    if (exp.empty()) bad_decimal(text);
    bool exp_negative = false;
    if (exp[0] == '-' || exp[0] == '+') {
      exp_negative = exp[0] == '-';
      exp.remove_prefix(1);
    }
    if (exp.empty() || exp.size() > 6 ||
        !std::all_of(exp.begin(), exp.end(), [](char c) { return is_digit(c); }))
      bad_decimal(text);
    const long e = std::strtol(std::string(exp).c_str(), nullptr, 10);
    point += exp_negative ? -e : e;
  }
  // Place the point: pad with zeros on whichever side it fell outside the digits.
  std::string integer;
  std::string fraction;
  if (point <= 0) {
    integer = "0";
    fraction = std::string(static_cast<std::size_t>(-point), '0') + digits;
  } else if (point >= static_cast<long>(digits.size())) {
    integer = digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    integer = digits.substr(0, static_cast<std::size_t>(point));
    fraction = digits.substr(static_cast<std::size_t>(point));
  }
  const auto first = integer.find_first_not_of('0');
  integer = first == std::string::npos ? "0" : integer.substr(first);
  const bool zero = integer == "0" && fraction.find_first_not_of('0') == std::string::npos;
  text_ = (negative && !zero ? "-" : "") + integer + (fraction.empty() ? "" : "." + fraction);
}

bool Decimal::is_infinite() const noexcept {
  return text_ == "Infinity" || text_ == "-Infinity";
}

int Decimal::scale() const noexcept {
  const auto dot = text_.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(text_.size() - dot - 1);
}

Decimal Decimal::rescaled(int target) const {
  if (is_nan() || is_infinite() || target < 0) return *this;
  const Parts p = split(text_);
  std::string digits(p.integer);
  std::string fraction(p.fraction);
  const auto keep = static_cast<std::size_t>(target);
  bool round_up = false;
  if (fraction.size() > keep) {
    round_up = fraction[keep] >= '5';
    fraction.resize(keep);
  }
  fraction.append(keep - fraction.size(), '0');
  digits += fraction;
  if (round_up) {  // add one unit in the last place, carrying leftwards
    std::size_t i = digits.size();
    while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
    if (i == 0)
      digits.insert(digits.begin(), '1');
    else
      ++digits[i - 1];
  }
  const std::size_t int_len = digits.size() - keep;
  std::string text = p.negative ? "-" : "";
  text.append(digits, 0, int_len);
  if (keep > 0) {
    text += '.';
    text.append(digits, int_len);
  }
  return Decimal(text);  // normalises "-0.00" to "0.00"
}

double Decimal::to_double() const {
  // The canonical text is exactly what from_chars reads ("NaN", "-Infinity"
  // included), correctly rounded and several times faster than strtod.
  double v = 0;
  const auto r = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (r.ec == std::errc::result_out_of_range) return std::strtod(text_.c_str(), nullptr);  // 1e-400: 0, or ±HUGE_VAL
  return v;
}

bool operator==(const Decimal& a, const Decimal& b) noexcept {
  return std::is_eq(a <=> b);
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
  const int ra = rank(a);
  const int rb = rank(b);
  if (ra != 1 || rb != 1) return ra <=> rb;
  const Parts pa = split(a.to_string());
  const Parts pb = split(b.to_string());
  if (pa.negative != pb.negative)
    return pa.negative ? std::strong_ordering::less : std::strong_ordering::greater;
  const auto magnitude = compare_magnitude(pa, pb);
  if (!pa.negative) return magnitude;
  // Both negative: the larger magnitude is the smaller number.
  if (std::is_lt(magnitude)) return std::strong_ordering::greater;
  return std::is_gt(magnitude) ? std::strong_ordering::less : std::strong_ordering::equal;
}

}  // namespace lingo
