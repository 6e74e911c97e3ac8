#include "pg_result.h"

#include <strings.h>
#include <boost/algorithm/hex.hpp>
#include <boost/json/parse.hpp>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include "lingo/errors.h"
#include "pg_oids.h"

namespace lingo::postgres {
namespace {

[[noreturn]] void undecodable(std::string_view what, std::string_view text) {
  throw_error<DataError>(
      "cannot decode the server's " + std::string(what) + " value '" + std::string(text.substr(0, 80)) + "'",
      {.sqlstate = "22000", .dialect = "postgres"});
}

template <class Int>
Int parse_int(std::string_view s) {
  Int v{};
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) undecodable("integer", s);
  return v;
}

float parse_float(std::string_view s) {
  if (s == "NaN") return std::nanf("");
  if (s == "Infinity") return HUGE_VALF;
  if (s == "-Infinity") return -HUGE_VALF;
  float v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) undecodable("real", s);
  return v;
}

Bytes parse_bytea(std::string_view s) {
  Bytes out;
  if (s.size() >= 2 && s[0] == '\\' && s[1] == 'x') {
    out.data.resize((s.size() - 2) / 2);
    try {
      boost::algorithm::unhex(s.begin() + 2, s.end(), out.data.begin());
    } catch (const boost::algorithm::hex_decode_error&) {  // a non-hex digit, or an odd count
      undecodable("bytea", s);
    }
    return out;
  }
  // The old "escape" output format (bytea_output = escape).
  std::string copy(s);
  std::size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(copy.c_str()), &n);
  if (raw == nullptr) undecodable("bytea", s);
  out.data.assign(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

Oid element_oid(Oid array) {
  switch (array) {
    case oid::bool_array:
      return oid::boolean;
    case oid::bytea_array:
      return oid::bytea;
    case oid::int2_array:
      return oid::int2;
    case oid::int4_array:
      return oid::int4;
    case oid::int8_array:
      return oid::int8;
    case oid::text_array:
      return oid::text;
    case oid::bpchar_array:
      return oid::bpchar;
    case oid::varchar_array:
      return oid::varchar;
    case oid::float4_array:
      return oid::float4;
    case oid::float8_array:
      return oid::float8;
    case oid::numeric_array:
      return oid::numeric;
    case oid::date_array:
      return oid::date;
    case oid::time_array:
      return oid::time;
    case oid::timestamp_array:
      return oid::timestamp;
    case oid::timestamptz_array:
      return oid::timestamptz;
    case oid::uuid_array:
      return oid::uuid;
    case oid::json_array:
      return oid::json;
    case oid::jsonb_array:
      return oid::jsonb;
    default:
      return oid::unknown;
  }
}

// A parser for PostgreSQL's array literal: {1,2,NULL}, {{"a b","c\"d"},{e,f}}.
class ArrayParser {
 public:
  ArrayParser(Oid element, std::string_view text) : element_(element), text_(text) {}

  Array parse() {
    // "[1:3]={...}" carries explicit bounds; the values are what matter.
    if (!text_.empty() && text_[0] == '[') {
      const auto eq = text_.find('=');
      if (eq == std::string_view::npos) undecodable("array", text_);
      pos_ = eq + 1;
    }
    Array a = parse_level();
    skip_space();
    if (pos_ != text_.size()) undecodable("array", text_);
    return a;
  }

 private:
  Array parse_level() {
    skip_space();
    expect('{');
    Array a;
    a.element_type = value_type_of(element_);
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return a;
    }
    while (true) {
      skip_space();
      if (peek() == '{') {
        a.element_type = ValueType::array;
        a.items.emplace_back(parse_level());
      } else if (peek() == '"') {
        a.items.push_back(decode_text(element_, quoted()));
      } else {
        const std::string_view token = unquoted();
        if (token.size() == 4 && strncasecmp(token.data(), "NULL", 4) == 0)
          a.items.emplace_back();
        else
          a.items.push_back(decode_text(element_, token));
      }
      skip_space();
      const char c = next();
      if (c == '}') return a;
      if (c != ',') undecodable("array", text_);
    }
  }

  std::string quoted() {
    expect('"');
    std::string out;
    while (true) {
      const char c = next();
      if (c == '"') return out;
      out.push_back(c == '\\' ? next() : c);
    }
  }

  std::string_view unquoted() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}') ++pos_;
    std::size_t end = pos_;
    while (end > start && std::isspace(static_cast<unsigned char>(text_[end - 1]))) --end;
    if (end == start) undecodable("array", text_);
    return text_.substr(start, end - start);
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  char next() {
    if (pos_ >= text_.size()) undecodable("array", text_);
    return text_[pos_++];
  }
  void expect(char c) {
    if (next() != c) undecodable("array", text_);
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  Oid element_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

ValueType value_type_of(Oid type) noexcept {
  switch (type) {
    case oid::boolean:
      return ValueType::boolean;
    case oid::int2:
      return ValueType::int16;
    case oid::int4:
      return ValueType::int32;
    case oid::int8:
    case oid::oid:
      return ValueType::int64;
    case oid::float4:
      return ValueType::float32;
    case oid::float8:
      return ValueType::float64;
    case oid::numeric:
      return ValueType::decimal;
    case oid::bytea:
      return ValueType::bytes;
    case oid::date:
      return ValueType::date;
    case oid::time:
      return ValueType::time;
    case oid::timestamp:
      return ValueType::timestamp;
    case oid::timestamptz:
      return ValueType::timestamptz;
    case oid::uuid:
      return ValueType::uuid;
    case oid::json:
    case oid::jsonb:
      return ValueType::json;
    default:
      return element_oid(type) != oid::unknown ? ValueType::array : ValueType::text;
  }
}

Value decode_text(Oid type, std::string_view s) {
  switch (type) {
    case oid::boolean:
      return s == "t";
    case oid::int2:
      return parse_int<std::int16_t>(s);
    case oid::int4:
      return parse_int<std::int32_t>(s);
    case oid::int8:
    case oid::oid:
      return parse_int<std::int64_t>(s);
    case oid::float4:
      return parse_float(s);
    case oid::float8:
      return text::parse_double(s);
    case oid::numeric:
      return Decimal(s);
    case oid::text:
    case oid::varchar:
    case oid::bpchar:
    case oid::name:
      return std::string(s);
    case oid::bytea:
      return parse_bytea(s);
    case oid::date:
      return text::parse_date(s);
    case oid::time:
      return text::parse_time(s);
    case oid::timestamp:
      return text::parse_timestamp(s);
    case oid::timestamptz:
      return text::parse_timestamptz(s);
    case oid::uuid:
      return Uuid::parse(s);
    case oid::json:
    case oid::jsonb:
      return text::parse_json(s);
    default:
      if (const Oid element = element_oid(type); element != oid::unknown)
        return ArrayParser(element, s).parse();
      return std::string(s);
  }
}

std::size_t PgResult::row_count() const noexcept {
  return static_cast<std::size_t>(PQntuples(res_));
}
std::size_t PgResult::column_count() const noexcept {
  return static_cast<std::size_t>(PQnfields(res_));
}

std::string_view PgResult::column_name(std::size_t column) const {
  return PQfname(res_, static_cast<int>(column));
}

std::size_t PgResult::find_column(std::string_view name) const {
  const int columns = PQnfields(res_);
  for (int c = 0; c < columns; ++c) {
    // Compared in place: no strlen of each name, no call per comparison.
    const char* field = PQfname(res_, c);
    std::size_t i = 0;
    while (i < name.size() && field[i] != '\0' && field[i] == name[i]) ++i;
    if (i == name.size() && field[i] == '\0') return static_cast<std::size_t>(c);
  }
  return npos;
}

ValueType PgResult::column_type(std::size_t column) const {
  return value_type_of(PQftype(res_, static_cast<int>(column)));
}

bool PgResult::is_null(std::size_t row, std::size_t column) const {
  return PQgetisnull(res_, static_cast<int>(row), static_cast<int>(column)) != 0;
}

Value PgResult::value(std::size_t row, std::size_t column) const {
  const int r = static_cast<int>(row);
  const int c = static_cast<int>(column);
  // libpq gives NULL as an empty string: only an empty value needs asking.
  const char* text = PQgetvalue(res_, r, c);
  if (text == nullptr || (*text == '\0' && PQgetisnull(res_, r, c))) return {};
  try {
    return decode_text(PQftype(res_, c), {text, static_cast<std::size_t>(PQgetlength(res_, r, c))});
  } catch (const DataError& e) {
    // A value the server stores but Lingo cannot hold (a date of
    // 'infinity', a timestamp past 294 247 AD): say which column.
    throw_error<DataError>("column \"" + std::string(PQfname(res_, c)) + "\": " + e.info().message, e.info());
  }
}

std::int64_t PgResult::rows_affected() const noexcept {
  const char* tuples = PQcmdTuples(res_);
  if (tuples == nullptr || *tuples == '\0') return -1;
  std::int64_t n = -1;
  std::from_chars(tuples, tuples + std::strlen(tuples), n);
  return n;
}

}  // namespace lingo::postgres
