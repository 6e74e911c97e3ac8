#include "pg_params.h"

#include <boost/algorithm/hex.hpp>
#include <cstdint>
#include <iterator>

#include "lingo/errors.h"
#include "pg_oids.h"

namespace lingo::postgres {
namespace {

ValueType innermost_element(const Array& a) {
  if (a.element_type != ValueType::array) return a.element_type;
  for (const auto& item : a.items)
    if (item.type() == ValueType::array) return innermost_element(std::get<Array>(item.storage()));
  return ValueType::text;
}

Oid scalar_oid(ValueType t) {
  switch (t) {
    case ValueType::boolean:
      return oid::boolean;
    case ValueType::int16:
      return oid::int2;
    case ValueType::int32:
      return oid::int4;
    case ValueType::int64:
      return oid::int8;
    case ValueType::float32:
      return oid::float4;
    case ValueType::float64:
      return oid::float8;
    case ValueType::decimal:
      return oid::numeric;
    case ValueType::bytes:
      return oid::bytea;
    case ValueType::date:
      return oid::date;
    case ValueType::time:
      return oid::time;
    case ValueType::timestamp:
      return oid::timestamp;
    case ValueType::timestamptz:
      return oid::timestamptz;
    case ValueType::uuid:
      return oid::uuid;
    case ValueType::json:
      return oid::jsonb;
    default:
      return oid::unknown;  // text and NULL: the server infers from context
  }
}

Oid array_oid(ValueType element) {
  switch (element) {
    case ValueType::boolean:
      return oid::bool_array;
    case ValueType::int16:
      return oid::int2_array;
    case ValueType::int32:
      return oid::int4_array;
    case ValueType::int64:
      return oid::int8_array;
    case ValueType::float32:
      return oid::float4_array;
    case ValueType::float64:
      return oid::float8_array;
    case ValueType::decimal:
      return oid::numeric_array;
    case ValueType::bytes:
      return oid::bytea_array;
    case ValueType::date:
      return oid::date_array;
    case ValueType::time:
      return oid::time_array;
    case ValueType::timestamp:
      return oid::timestamp_array;
    case ValueType::timestamptz:
      return oid::timestamptz_array;
    case ValueType::uuid:
      return oid::uuid_array;
    case ValueType::json:
      return oid::jsonb_array;
    default:
      return oid::text_array;
  }
}

void check_no_nul(const std::string& s) {
  if (s.find('\0') != std::string::npos) {
    throw_error<DataError>("PostgreSQL text cannot hold a NUL byte (found one in a text parameter of " +
                               std::to_string(s.size()) + " bytes); send binary data as lingo::Bytes",
                           {.sqlstate = "22021", .dialect = "postgres"});
  }
}

void check_array_text(const Array& a) {
  for (const auto& item : a.items) {
    if (auto s = std::get_if<std::string>(&item.storage())) check_no_nul(*s);
    if (auto nested = std::get_if<Array>(&item.storage())) check_array_text(*nested);
  }
}

// Decimal digits written backwards: a few instructions a digit, and far less
// code on a statement's hot path than std::to_chars and its tables.
void append_integer(std::int64_t i, std::string& out) {
  char buf[21];  // 20 digits of 2^64 and a sign
  char* const end = buf + sizeof buf;
  char* p = end;
  std::uint64_t u = i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (i < 0) *--p = '-';
  out.append(p, end);
}

}  // namespace

Oid type_oid_of(const Value& v) {
  if (v.type() == ValueType::array) return array_oid(innermost_element(std::get<Array>(v.storage())));
  return scalar_oid(v.type());
}

void append_text(const Value& v, std::string& out) {
  const auto& s = v.storage();
  switch (v.type()) {
    case ValueType::boolean:
      out += *std::get_if<bool>(&s) ? 't' : 'f';
      return;
    case ValueType::int16:
      return append_integer(*std::get_if<std::int16_t>(&s), out);
    case ValueType::int32:
      return append_integer(*std::get_if<std::int32_t>(&s), out);
    case ValueType::int64:
      return append_integer(*std::get_if<std::int64_t>(&s), out);
    default:
      out += v.to_string();
  }
}

void append_copy_field(const Value& v, std::string& out) {
  if (v.is_null()) {
    out += "\\N";
    return;
  }
  const auto& s = v.storage();
  if (auto bytes = std::get_if<Bytes>(&s)) {
    out += "\\\\x";  // bytea's \x, its backslash escaped for COPY
    boost::algorithm::hex_lower(bytes->data.begin(), bytes->data.end(), std::back_inserter(out));
    return;
  }
  thread_local std::string scratch;
  std::string_view text;
  if (auto t = std::get_if<std::string>(&s)) {
    check_no_nul(*t);
    text = *t;
  } else {
    if (auto array = std::get_if<Array>(&s)) check_array_text(*array);
    scratch.clear();
    append_text(v, scratch);
    text = scratch;
  }
  // Runs without a character COPY treats specially go in whole.
  while (!text.empty()) {
    const std::size_t special = text.find_first_of("\\\t\n\r");
    out.append(text.substr(0, special));
    if (special == std::string_view::npos) break;
    out += '\\';
    switch (text[special]) {
      case '\t':
        out += 't';
        break;
      case '\n':
        out += 'n';
        break;
      case '\r':
        out += 'r';
        break;
      default:
        out += '\\';
    }
    text.remove_prefix(special + 1);
  }
}

void ParamEncoder::encode(std::span<const Value> params) {
  // Sized once, filled by index: a statement run again and again reuses the
  // same arrays without growing or clearing them.
  const std::size_t n = params.size();
  if (types_.size() != n) {
    types_.resize(n);
    values_.resize(n);
    lengths_.resize(n);
    formats_.resize(n);
    arena_offsets_.resize(n);
  }
  arena_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const Value& v = params[i];
    const auto& s = v.storage();
    types_[i] = type_oid_of(v);
    formats_[i] = 0;
    arena_offsets_[i] = -1;
    if (v.is_null()) {
      values_[i] = nullptr;
      lengths_[i] = 0;
    } else if (auto text = std::get_if<std::string>(&s)) {
      // Point at the caller's string: no copy for the commonest parameter.
      check_no_nul(*text);
      values_[i] = text->c_str();
      lengths_[i] = static_cast<int>(text->size());
    } else if (auto bytes = std::get_if<Bytes>(&s)) {
      values_[i] = bytes->data.data();
      lengths_[i] = static_cast<int>(bytes->data.size());
      formats_[i] = 1;  // binary: the bytes as they are
    } else {
      if (auto array = std::get_if<Array>(&s)) check_array_text(*array);
      const std::size_t start = arena_.size();
      append_text(v, arena_);
      arena_.push_back('\0');
      lengths_[i] = static_cast<int>(arena_.size() - start - 1);
      arena_offsets_[i] = static_cast<long>(start);
    }
  }
  // The arena has stopped growing: its addresses are final now.
  for (std::size_t i = 0; i < n; ++i)
    if (arena_offsets_[i] >= 0) values_[i] = arena_.data() + arena_offsets_[i];
}

}  // namespace lingo::postgres
