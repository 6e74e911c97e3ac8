#include "lingo/value.h"

#include <algorithm>
#include <boost/algorithm/hex.hpp>
#include <boost/json/serialize.hpp>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>

#include "lingo/errors.h"

namespace lingo {
namespace {

constexpr std::int64_t exact_limit = std::int64_t{1} << 53;

[[noreturn]] void wrong_type(const Value& v, std::string_view wanted) {
  if (v.is_null())
    throw_error<DataError>("the value is NULL and cannot be read as " + std::string(wanted) +
                           "; read it as std::optional<...> or check is_null() first");
  throw_error<DataError>("a " + std::string(to_string(v.type())) + " value cannot be read as " +
                         std::string(wanted));
}

// Any stored integer, widened; nullopt when the value is not an integer.
std::optional<std::int64_t> stored_integer(const Value::Storage& s) {
  if (auto p = std::get_if<std::int16_t>(&s)) return *p;
  if (auto p = std::get_if<std::int32_t>(&s)) return *p;
  if (auto p = std::get_if<std::int64_t>(&s)) return *p;
  return std::nullopt;
}

template <class Int>
Int checked_integer(const Value& v, std::string_view name) {
  const auto i = stored_integer(v.storage());
  if (!i) wrong_type(v, name);
  if (*i < std::numeric_limits<Int>::min() || *i > std::numeric_limits<Int>::max()) {
    throw_error<DataError>("the integer " + std::to_string(*i) + " does not fit in " + std::string(name),
                           {.sqlstate = "22003"});
  }
  return static_cast<Int>(*i);
}

template <class T>
const T& exact(const Value& v, std::string_view name) {
  if (auto p = std::get_if<T>(&v.storage())) return *p;
  wrong_type(v, name);
}

std::string hex_bytes(const std::string& data) {
  std::string out = "\\x";
  out.reserve(2 + data.size() * 2);
  boost::algorithm::hex_lower(data.begin(), data.end(), std::back_inserter(out));
  return out;
}

// An array element as it appears inside PostgreSQL's {...} literal.
std::string array_element_text(const Value& v) {
  if (v.is_null()) return "NULL";
  if (v.type() == ValueType::array) return v.to_string();
  std::string s = v.to_string();
  const bool plain =
      !s.empty() && s.find_first_of("{}\",\\ \t\n\r\v\f") == std::string::npos && s != "NULL" && s != "null";
  if (plain) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string_view to_string(ValueType type) noexcept {
  switch (type) {
    case ValueType::null:
      return "null";
    case ValueType::boolean:
      return "boolean";
    case ValueType::int16:
      return "int16";
    case ValueType::int32:
      return "int32";
    case ValueType::int64:
      return "int64";
    case ValueType::float32:
      return "float32";
    case ValueType::float64:
      return "float64";
    case ValueType::decimal:
      return "decimal";
    case ValueType::text:
      return "text";
    case ValueType::bytes:
      return "bytes";
    case ValueType::date:
      return "date";
    case ValueType::time:
      return "time";
    case ValueType::timestamp:
      return "timestamp";
    case ValueType::timestamptz:
      return "timestamptz";
    case ValueType::uuid:
      return "uuid";
    case ValueType::json:
      return "json";
    case ValueType::array:
      return "array";
  }
  return "unknown";
}

bool operator==(const Array& a, const Array& b) {
  return a.element_type == b.element_type && a.items == b.items;
}

template <>
bool Value::as<bool>() const& {
  // Engines without a boolean type (SQLite) hand back 0 and 1.
  if (auto i = stored_integer(v_); i && (*i == 0 || *i == 1)) return *i == 1;
  return exact<bool>(*this, "bool");
}
template <>
std::int16_t Value::as<std::int16_t>() const& {
  return checked_integer<std::int16_t>(*this, "int16");
}
template <>
std::int32_t Value::as<std::int32_t>() const& {
  return checked_integer<std::int32_t>(*this, "int32");
}
template <>
std::int64_t Value::as<std::int64_t>() const& {
  return checked_integer<std::int64_t>(*this, "int64");
}
template <>
float Value::as<float>() const& {
  // A double that a float holds exactly (SQLite keeps only doubles) narrows.
  if (auto d = std::get_if<double>(&v_);
      d && (std::isnan(*d) || static_cast<double>(static_cast<float>(*d)) == *d))
    return static_cast<float>(*d);
  return exact<float>(*this, "float");
}

template <>
double Value::as<double>() const& {
  if (auto p = std::get_if<double>(&v_)) return *p;
  if (auto p = std::get_if<float>(&v_)) return *p;
  if (auto p = std::get_if<Decimal>(&v_)) return p->to_double();
  if (auto i = stored_integer(v_)) return static_cast<double>(*i);
  wrong_type(*this, "double");
}

template <>
Decimal Value::as<Decimal>() const& {
  if (auto p = std::get_if<Decimal>(&v_)) return *p;
  // A double (SQLite's sum() of decimal text) reads as the decimal of its
  // shortest round-trip text: exactly the double, no invented digits.
  if (auto d = std::get_if<double>(&v_)) return Decimal(text::format_double(*d));
  if (auto i = stored_integer(v_)) return Decimal(*i);
  wrong_type(*this, "Decimal");
}

template <>
std::string Value::as<std::string>() const& {
  return exact<std::string>(*this, "std::string");
}
template <>
Bytes Value::as<Bytes>() const& {
  return exact<Bytes>(*this, "Bytes");
}
template <>
Date Value::as<Date>() const& {
  return exact<Date>(*this, "Date");
}
template <>
Time Value::as<Time>() const& {
  return exact<Time>(*this, "Time");
}
template <>
Timestamp Value::as<Timestamp>() const& {
  return exact<Timestamp>(*this, "Timestamp");
}
template <>
TimestampTz Value::as<TimestampTz>() const& {
  return exact<TimestampTz>(*this, "TimestampTz");
}

template <>
Uuid Value::as<Uuid>() const& {
  // A UUID stored as text (SQLite has no UUID type) reads as a Uuid too.
  if (auto p = std::get_if<std::string>(&v_)) return Uuid::parse(*p);
  return exact<Uuid>(*this, "Uuid");
}

template <>
boost::json::value Value::as<boost::json::value>() const& {
  return exact<boost::json::value>(*this, "boost::json::value");
}
template <>
Array Value::as<Array>() const& {
  return exact<Array>(*this, "Array");
}
template <>
Value Value::as<Value>() const& {
  return *this;
}

std::string Value::to_string() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return "NULL"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int16_t i) const { return std::to_string(i); }
    std::string operator()(std::int32_t i) const { return std::to_string(i); }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(float f) const { return text::format_float(f); }
    std::string operator()(double d) const { return text::format_double(d); }
    std::string operator()(const Decimal& d) const { return d.to_string(); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const Bytes& b) const { return hex_bytes(b.data); }
    std::string operator()(Date d) const { return text::format_date(d); }
    std::string operator()(Time t) const { return text::format_time(t); }
    std::string operator()(Timestamp t) const { return text::format_timestamp(t); }
    std::string operator()(TimestampTz t) const { return text::format_timestamptz(t); }
    std::string operator()(const Uuid& u) const { return u.to_string(); }
    std::string operator()(const boost::json::value& j) const { return boost::json::serialize(j); }
    std::string operator()(const Array& a) const {
      std::string out = "{";
      for (std::size_t i = 0; i < a.items.size(); ++i) {
        if (i) out += ',';
        out += array_element_text(a.items[i]);
      }
      return out + "}";
    }
  };
  return std::visit(Visitor{}, v_);
}

namespace {

struct JsonVisitor {
  boost::json::value operator()(std::monostate) const { return nullptr; }
  boost::json::value operator()(bool b) const { return b; }
  boost::json::value operator()(std::int16_t i) const { return i; }
  boost::json::value operator()(std::int32_t i) const { return i; }
  boost::json::value operator()(std::int64_t i) const {
    // JSON readers hold numbers as doubles; beyond 2^53 only a string is exact.
    if (i > exact_limit || i < -exact_limit) return boost::json::string(std::to_string(i));
    return i;
  }
  boost::json::value operator()(float f) const { return (*this)(static_cast<double>(f)); }
  boost::json::value operator()(double d) const {
    if (std::isfinite(d)) return d;
    return boost::json::string(text::format_double(d));
  }
  boost::json::value operator()(const boost::json::value& j) const { return j; }
  boost::json::value operator()(const Array& a) const {
    boost::json::array out;
    out.reserve(a.items.size());
    for (const auto& item : a.items) out.push_back(item.to_json());
    return out;
  }
  boost::json::value operator()(const std::string& s) const { return boost::json::string(s); }
  template <class T>
  boost::json::value operator()(const T&) const {
    return boost::json::string(self->to_string());
  }
  const Value* self;
};

}  // namespace

boost::json::value Value::to_json() const {
  return std::visit(JsonVisitor{this}, v_);
}

// By hand: PostgreSQL allows a hyphen after any 4 digits; boost's string_generator does not, and is slower.
Uuid Uuid::parse(std::string_view text) {
  std::string_view s = text;
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  Uuid u;
  std::size_t n = 0;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int pending = -1;
  for (char c : s) {
    if (c == '-') continue;
    const int v = nibble(c);
    if (v < 0 || n >= 16) {
      n = 99;
      break;
    }
    if (pending < 0) {
      pending = v;
    } else {
      u.bytes[n++] = static_cast<std::uint8_t>(pending * 16 + v);
      pending = -1;
    }
  }
  if (n != 16 || pending >= 0) {
    throw_error<DataError>(
        "not a UUID: '" + std::string(text.substr(0, 64)) + "' (expected 32 hex digits, as 8-4-4-4-12)",
        {.sqlstate = "22P02"});
  }
  return u;
}

std::string Uuid::to_string() const {
  boost::uuids::uuid u;
  std::copy(bytes.begin(), bytes.end(), u.begin());
  return boost::uuids::to_string(u);
}

}  // namespace lingo
