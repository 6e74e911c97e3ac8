// The value model: every value that travels between an application and a
// database, whatever the dialect.
//
// A Value is null or holds exactly one of the types below. Drivers decode
// server values into it and bind it back as a parameter, never as SQL text.
// Reading a value as a C++ type is checked: a NULL read as anything but
// std::optional, or a text read as an integer, is a DataError, never a
// silent zero.
#pragma once

#include <array>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "lingo/decimal.h"
#include "lingo/export.h"

namespace lingo {

enum class ValueType : std::uint8_t {
  null,
  boolean,
  int16,
  int32,
  int64,
  float32,
  float64,
  decimal,
  text,
  bytes,
  date,
  time,
  timestamp,    // without time zone
  timestamptz,  // an instant, held in UTC
  uuid,
  json,
  array,
};

[[nodiscard]] LINGO_API std::string_view to_string(ValueType type) noexcept;

// Binary data; may hold NUL bytes anywhere.
struct LINGO_API Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

// A calendar date.
struct LINGO_API Date {
  std::chrono::sys_days days{};
  friend bool operator==(const Date&, const Date&) = default;
  friend auto operator<=>(const Date&, const Date&) = default;
};

// A time of day, microsecond precision, 00:00:00 to 24:00:00 inclusive.
struct LINGO_API Time {
  std::chrono::microseconds since_midnight{};
  friend bool operator==(const Time&, const Time&) = default;
  friend auto operator<=>(const Time&, const Time&) = default;
};

// A date and time of day with no time zone (SQL TIMESTAMP).
struct LINGO_API Timestamp {
  std::chrono::local_time<std::chrono::microseconds> value{};
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// An instant (SQL TIMESTAMP WITH TIME ZONE), held in UTC.
struct LINGO_API TimestampTz {
  std::chrono::sys_time<std::chrono::microseconds> value{};
  friend bool operator==(const TimestampTz&, const TimestampTz&) = default;
  friend auto operator<=>(const TimestampTz&, const TimestampTz&) = default;
};

struct LINGO_API Uuid {
  std::array<std::uint8_t, 16> bytes{};
  // Accepts the canonical 8-4-4-4-12 form, with or without hyphens or braces,
  // in either case; throws DataError otherwise.
  static Uuid parse(std::string_view text);
  [[nodiscard]] std::string to_string() const;  // lower case, 8-4-4-4-12
  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

class Value;

// A SQL array. `element_type` names the element kind even when the array is
// empty, so a driver can bind it with the right server type. A
// multi-dimensional array holds arrays as its items.
struct LINGO_API Array {
  ValueType element_type = ValueType::text;
  std::vector<Value> items;
  friend LINGO_API bool operator==(const Array&, const Array&);
};

class LINGO_API Value {
 public:
  using Storage =
      std::variant<std::monostate, bool, std::int16_t, std::int32_t, std::int64_t, float, double, Decimal,
                   std::string, Bytes, Date, Time, Timestamp, TimestampTz, Uuid, boost::json::value, Array>;

  Value() = default;
  Value(std::nullptr_t) {}                           // NOLINT(google-explicit-constructor)
  Value(std::nullopt_t) {}                           // NOLINT(google-explicit-constructor)
  Value(bool v) : v_(v) {}                           // NOLINT(google-explicit-constructor)
  Value(std::int16_t v) : v_(v) {}                   // NOLINT(google-explicit-constructor)
  Value(std::int32_t v) : v_(v) {}                   // NOLINT(google-explicit-constructor)
  Value(std::int64_t v) : v_(v) {}                   // NOLINT(google-explicit-constructor)
  Value(long long v) : v_(std::int64_t{v}) {}        // NOLINT
  Value(std::uint32_t v) : v_(std::int64_t{v}) {}    // NOLINT(google-explicit-constructor)
  Value(float v) : v_(v) {}                          // NOLINT(google-explicit-constructor)
  Value(double v) : v_(v) {}                         // NOLINT(google-explicit-constructor)
  Value(Decimal v) : v_(std::move(v)) {}             // NOLINT(google-explicit-constructor)
  Value(std::string v) : v_(std::move(v)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view v) : v_(std::string(v)) {}  // NOLINT(google-explicit-constructor)
  Value(const char* v) : v_(std::string(v)) {}       // NOLINT(google-explicit-constructor)
  Value(Bytes v) : v_(std::move(v)) {}               // NOLINT(google-explicit-constructor)
  Value(Date v) : v_(v) {}                           // NOLINT(google-explicit-constructor)
  Value(Time v) : v_(v) {}                           // NOLINT(google-explicit-constructor)
  Value(Timestamp v) : v_(v) {}                      // NOLINT(google-explicit-constructor)
  Value(TimestampTz v) : v_(v) {}                    // NOLINT(google-explicit-constructor)
  Value(Uuid v) : v_(v) {}                           // NOLINT(google-explicit-constructor)
  Value(boost::json::value v) : v_(std::move(v)) {}  // NOLINT(google-explicit-constructor)
  Value(Array v) : v_(std::move(v)) {}               // NOLINT(google-explicit-constructor)

  template <class T>
  Value(const std::optional<T>& v) {  // NOLINT(google-explicit-constructor)
    if (v) *this = Value(*v);
  }
  template <class T>
  Value(const std::vector<T>& items);  // NOLINT(google-explicit-constructor)

  [[nodiscard]] ValueType type() const noexcept { return static_cast<ValueType>(v_.index()); }
  [[nodiscard]] bool is_null() const noexcept { return v_.index() == 0; }
  [[nodiscard]] const Storage& storage() const noexcept { return v_; }

  // The value as T, checked. Integers widen freely and narrow only when the
  // value fits; float32 widens to double, and a double narrows to float only
  // when exact; the integers 0 and 1 read as bool; a decimal reads as double
  // only on request (as<double>), never implicitly as an integer. A NULL
  // reads as std::optional<T>{} and as nothing else.
  template <class T>
  [[nodiscard]] T as() const&;
  // The same, moving the held string, bytes, JSON or array out when T is
  // exactly what the value holds.
  template <class T>
  [[nodiscard]] T as() &&;

  // A display form: what psql would print (NULL prints as "NULL").
  [[nodiscard]] std::string to_string() const;
  // A JSON form for tools: numbers as numbers, exact decimals and 64-bit
  // values beyond 2^53 as strings, bytes as "\x..." hex, times as ISO 8601.
  [[nodiscard]] boost::json::value to_json() const;

  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

 private:
  Storage v_;
};

namespace detail {
template <class T>
struct optional_traits {
  static constexpr bool is_optional = false;
};
template <class T>
struct optional_traits<std::optional<T>> {
  static constexpr bool is_optional = true;
  using value_type = T;
};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
constexpr ValueType element_type_of();
}  // namespace detail

// Checked reads of a non-null value; defined in value.cpp for these types.
template <>
bool Value::as<bool>() const&;
template <>
std::int16_t Value::as<std::int16_t>() const&;
template <>
std::int32_t Value::as<std::int32_t>() const&;
template <>
std::int64_t Value::as<std::int64_t>() const&;
template <>
float Value::as<float>() const&;
template <>
double Value::as<double>() const&;
template <>
Decimal Value::as<Decimal>() const&;
template <>
std::string Value::as<std::string>() const&;
template <>
Bytes Value::as<Bytes>() const&;
template <>
Date Value::as<Date>() const&;
template <>
Time Value::as<Time>() const&;
template <>
Timestamp Value::as<Timestamp>() const&;
template <>
TimestampTz Value::as<TimestampTz>() const&;
template <>
Uuid Value::as<Uuid>() const&;
template <>
boost::json::value Value::as<boost::json::value>() const&;
template <>
Array Value::as<Array>() const&;
template <>
Value Value::as<Value>() const&;

template <class T>
T Value::as() && {
  if constexpr (detail::optional_traits<T>::is_optional) {
    if (is_null()) return std::nullopt;
    return std::move(*this).template as<typename detail::optional_traits<T>::value_type>();
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, Bytes> ||
                       std::is_same_v<T, boost::json::value> || std::is_same_v<T, Array> ||
                       std::is_same_v<T, Decimal>) {
    if (auto p = std::get_if<T>(&v_)) return std::move(*p);
  }
  return static_cast<const Value&>(*this).as<T>();
}

template <class T>
T Value::as() const& {
  if constexpr (detail::optional_traits<T>::is_optional) {
    if (is_null()) return std::nullopt;
    return as<typename detail::optional_traits<T>::value_type>();
  } else if constexpr (detail::is_vector<T>::value) {
    // An array reads as a vector of its items, each read as the element type.
    const Array items = as<Array>();
    T out;
    out.reserve(items.items.size());
    for (const auto& item : items.items) out.push_back(item.template as<typename T::value_type>());
    return out;
  } else {
    static_assert(sizeof(T) == 0, "lingo::Value::as<T>: T is not a type a Value can hold");
    return T{};
  }
}

template <class T>
Value::Value(const std::vector<T>& items) {
  Array a;
  a.element_type = detail::element_type_of<T>();
  a.items.reserve(items.size());
  for (const auto& item : items) a.items.emplace_back(item);
  v_ = std::move(a);
}

namespace detail {
template <class T>
constexpr ValueType element_type_of() {
  if constexpr (std::is_same_v<T, bool>)
    return ValueType::boolean;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return ValueType::int16;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return ValueType::int32;
  else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, long long>)
    return ValueType::int64;
  else if constexpr (std::is_same_v<T, float>)
    return ValueType::float32;
  else if constexpr (std::is_same_v<T, double>)
    return ValueType::float64;
  else if constexpr (std::is_same_v<T, Decimal>)
    return ValueType::decimal;
  else if constexpr (std::is_convertible_v<T, std::string_view>)
    return ValueType::text;
  else if constexpr (std::is_same_v<T, Bytes>)
    return ValueType::bytes;
  else if constexpr (std::is_same_v<T, Date>)
    return ValueType::date;
  else if constexpr (std::is_same_v<T, Time>)
    return ValueType::time;
  else if constexpr (std::is_same_v<T, Timestamp>)
    return ValueType::timestamp;
  else if constexpr (std::is_same_v<T, TimestampTz>)
    return ValueType::timestamptz;
  else if constexpr (std::is_same_v<T, Uuid>)
    return ValueType::uuid;
  else if constexpr (std::is_same_v<T, boost::json::value>)
    return ValueType::json;
  else if constexpr (optional_traits<T>::is_optional)
    return element_type_of<typename optional_traits<T>::value_type>();
  else {
    static_assert(is_vector<T>::value, "lingo::Value: this element type cannot be stored in an array");
    return ValueType::array;
  }
}
}  // namespace detail

// Parsing and formatting helpers shared by drivers; ISO 8601 / SQL forms.
namespace text {
[[nodiscard]] LINGO_API std::string format_date(Date d);
[[nodiscard]] LINGO_API std::string format_time(Time t);
[[nodiscard]] LINGO_API std::string format_timestamp(Timestamp ts);
[[nodiscard]] LINGO_API std::string format_timestamptz(TimestampTz ts);  // "...+00:00"
[[nodiscard]] LINGO_API std::string format_double(double v);             // shortest exact round-trip
[[nodiscard]] LINGO_API std::string format_float(float v);
// Throw DataError naming the input on malformed text.
[[nodiscard]] LINGO_API Date parse_date(std::string_view s);
[[nodiscard]] LINGO_API Time parse_time(std::string_view s);
[[nodiscard]] LINGO_API Timestamp parse_timestamp(std::string_view s);
// Accepts an offset ("+05:30", "-08", "Z"); without one the text is taken as UTC.
[[nodiscard]] LINGO_API TimestampTz parse_timestamptz(std::string_view s);
[[nodiscard]] LINGO_API double parse_double(std::string_view s);  // also NaN, Infinity, -Infinity
[[nodiscard]] LINGO_API std::int64_t parse_int64(std::string_view s);
// JSON as the drivers read it: DataError on malformed text, and on nesting
// deeper than json_max_depth() (10 000 by default; Boost.JSON's own default
// of 32 refused documents PostgreSQL stores). The limit guards the stack:
// a parsed document is destroyed recursively.
[[nodiscard]] LINGO_API boost::json::value parse_json(std::string_view s);
[[nodiscard]] LINGO_API std::size_t json_max_depth() noexcept;
LINGO_API void set_json_max_depth(std::size_t depth) noexcept;
}  // namespace text

}  // namespace lingo
