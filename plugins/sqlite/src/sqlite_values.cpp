#include "sqlite_values.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

#include "lingo/errors.h"

namespace lingo::sqlite {

// How Lingo types are stored, and how they come back.
//
//   Lingo type      bound as              read back as that type when the column is declared
//   bool            INTEGER 0/1           BOOLEAN, BOOL (only 0 and 1; other values stay int64)
//   int16/32/64     INTEGER               SMALLINT, INT2 -> int16; INT4 -> int32; any other
//                                         integer declaration -> int64 (an SQLite INTEGER is
//                                         64-bit whatever it is called, and INTEGER PRIMARY
//                                         KEY is the rowid). Values that do not fit stay int64.
//   float, double   REAL                  double always: SQLite keeps only 8-byte floats.
//                                         NaN is stored as NULL by SQLite itself.
//   Decimal         TEXT (canonical)      a declaration starting DECIMAL or NUMERIC
//   text            TEXT, byte length     (anything) - embedded NULs survive
//   Bytes           BLOB (empty = zeroblob, never NULL)
//   Date            TEXT "YYYY-MM-DD"     DATE
//   Time            TEXT ISO              TIME
//   Timestamp       TEXT ISO              DATETIME, TIMESTAMP
//   TimestampTz     TEXT ISO with offset  TIMESTAMPTZ, TIMESTAMP WITH TIME ZONE
//   Uuid            TEXT 8-4-4-4-12       UUID (a 16-byte BLOB in a UUID column also reads)
//   json            TEXT (serialized)     JSON, JSONB (numbers SQLite converted read back too)
//   Array           refused: NotSupportedError
//
// Declarations are matched on their upper-cased words with any "(p,s)" removed.
// A value that does not parse as its declared type (a typo'd date) is returned
// as SQLite stored it rather than failing the whole query: SQLite never
// enforced the declaration, so such rows exist in real files.
//
// Exact decimals: SQLite gives any declaration containing none of INT, CHAR,
// CLOB, TEXT, BLOB, REAL, FLOA, DOUB "NUMERIC affinity", which turns the text
// '12345678901234567890.1234567890' into the REAL 1.23456789012346e+19 and
// '1.50' into 1.5 before it is stored: digits and scale are gone. So a column
// that must keep exact decimals is declared with a name that starts DECIMAL
// (so Lingo reads a Decimal) and contains TEXT (so SQLite keeps the text):
// DECIMAL_TEXT(38,10). A plain DECIMAL(p,s) column still reads as a Decimal,
// but only holds what a double holds; that loss happens inside SQLite.
namespace {

// SQLITE_TRANSIENT, spelled without the C cast the header macro uses.
const sqlite3_destructor_type transient =
    reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));  // NOLINT(performance-no-int-to-ptr)

std::string normalize_decl(std::string_view decl) {
  std::string out;
  int depth = 0;
  bool pending_space = false;
  for (const char c : decl) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth > 0) --depth;
    } else if (depth > 0) {
      continue;
    } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out += ' ';
      pending_space = false;
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

int bind_text(sqlite3_stmt* stmt, int index, std::string_view text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), transient, SQLITE_UTF8);
}

struct Binder {
  sqlite3_stmt* stmt;
  int index;

  int operator()(std::monostate) const { return sqlite3_bind_null(stmt, index); }
  int operator()(bool v) const { return sqlite3_bind_int64(stmt, index, v ? 1 : 0); }
  int operator()(std::int16_t v) const { return sqlite3_bind_int64(stmt, index, v); }
  int operator()(std::int32_t v) const { return sqlite3_bind_int64(stmt, index, v); }
  int operator()(std::int64_t v) const { return sqlite3_bind_int64(stmt, index, v); }
  int operator()(float v) const { return sqlite3_bind_double(stmt, index, static_cast<double>(v)); }
  int operator()(double v) const { return sqlite3_bind_double(stmt, index, v); }
  int operator()(const Decimal& v) const { return bind_text(stmt, index, v.to_string()); }
  int operator()(const std::string& v) const { return bind_text(stmt, index, v); }
  int operator()(const Bytes& v) const {
    // A null data pointer would bind NULL; an empty blob must stay a blob.
    if (v.data.empty()) return sqlite3_bind_zeroblob(stmt, index, 0);
    return sqlite3_bind_blob64(stmt, index, v.data.data(), v.data.size(), transient);
  }
  int operator()(const Date& v) const { return bind_text(stmt, index, text::format_date(v)); }
  int operator()(const Time& v) const { return bind_text(stmt, index, text::format_time(v)); }
  int operator()(const Timestamp& v) const { return bind_text(stmt, index, text::format_timestamp(v)); }
  int operator()(const TimestampTz& v) const { return bind_text(stmt, index, text::format_timestamptz(v)); }
  int operator()(const Uuid& v) const { return bind_text(stmt, index, v.to_string()); }
  int operator()(const boost::json::value& v) const {
    return bind_text(stmt, index, boost::json::serialize(v));
  }
  int operator()(const Array&) const {
    const char* sql = sqlite3_sql(stmt);
    throw_array_not_supported(sql != nullptr ? sql : "");
  }
};

Value read_integer(std::int64_t v, ValueType declared) {
  switch (declared) {
    case ValueType::boolean:
      if (v == 0 || v == 1) return Value(v == 1);
      return Value(v);
    case ValueType::int16:
      if (v >= std::numeric_limits<std::int16_t>::min() && v <= std::numeric_limits<std::int16_t>::max()) {
        return Value(static_cast<std::int16_t>(v));
      }
      return Value(v);
    case ValueType::int32:
      if (v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max()) {
        return Value(static_cast<std::int32_t>(v));
      }
      return Value(v);
    case ValueType::decimal:
      return Value(Decimal(v));
    case ValueType::json:
      return Value(boost::json::value(v));
    default:
      return Value(v);
  }
}

Value read_real(double v, ValueType declared) {
  if (declared == ValueType::decimal) {
    // The shortest text that reads back as this double: the value SQLite
    // holds, not an invented extra precision.
    try {
      return Value(Decimal(text::format_double(v)));
    } catch (const std::exception&) {
      return Value(v);
    }
  }
  if (declared == ValueType::json) return Value(boost::json::value(v));
  return Value(v);
}

Value read_text(std::string s, ValueType declared) {
  try {
    switch (declared) {
      case ValueType::decimal:
        return Value(Decimal(s));
      case ValueType::date:
        return Value(text::parse_date(s));
      case ValueType::time:
        return Value(text::parse_time(s));
      case ValueType::timestamp:
        return Value(text::parse_timestamp(s));
      case ValueType::timestamptz:
        return Value(text::parse_timestamptz(s));
      case ValueType::uuid:
        return Value(Uuid::parse(s));
      case ValueType::json:
        return Value(text::parse_json(s));
      default:
        break;
    }
  } catch (const std::exception&) {
    // Not what the column declares; see the note at the top.
  }
  return Value(std::move(s));
}

Value read_blob(const void* data, int size, ValueType declared) {
  const char* bytes = static_cast<const char*>(data);
  if (declared == ValueType::uuid && size == 16) {
    Uuid uuid;
    std::memcpy(uuid.bytes.data(), bytes, uuid.bytes.size());
    return Value(uuid);
  }
  // sqlite3_column_blob gives a null pointer for a zero-length blob.
  return Value(Bytes{bytes != nullptr ? std::string(bytes, static_cast<std::size_t>(size)) : std::string()});
}

}  // namespace

ValueType declared_type(std::string_view decl) {
  const std::string name = normalize_decl(decl);
  if (name.empty()) return ValueType::null;
  if (name == "BOOLEAN" || name == "BOOL") return ValueType::boolean;
  if (name == "SMALLINT" || name == "INT2") return ValueType::int16;
  if (name == "INT4") return ValueType::int32;
  if (name == "DATE") return ValueType::date;
  if (name == "TIME" || name == "TIME WITHOUT TIME ZONE") return ValueType::time;
  if (name == "DATETIME" || name == "TIMESTAMP" || name == "TIMESTAMP WITHOUT TIME ZONE") {
    return ValueType::timestamp;
  }
  if (name == "TIMESTAMPTZ" || name == "TIMESTAMP WITH TIME ZONE") return ValueType::timestamptz;
  if (name == "UUID") return ValueType::uuid;
  if (name == "JSON" || name == "JSONB") return ValueType::json;
  if (name.starts_with("DECIMAL") || name.starts_with("NUMERIC")) return ValueType::decimal;
  if (name == "BYTEA") return ValueType::bytes;
  // Otherwise SQLite's own affinity rules, in SQLite's order.
  if (has(name, "INT")) return ValueType::int64;
  if (has(name, "CHAR") || has(name, "CLOB") || has(name, "TEXT")) return ValueType::text;
  if (has(name, "BLOB")) return ValueType::bytes;
  if (has(name, "REAL") || has(name, "FLOA") || has(name, "DOUB")) return ValueType::float64;
  return ValueType::null;
}

int bind_value(sqlite3_stmt* stmt, int index, const Value& value) {
  return std::visit(Binder{stmt, index}, value.storage());
}

int declared_scale(std::string_view decl) {
  const auto comma = decl.find(',');
  const auto close = decl.find(')', comma == std::string_view::npos ? 0 : comma);
  if (comma == std::string_view::npos || close == std::string_view::npos) return -1;
  int scale = -1;
  std::string_view digits = decl.substr(comma + 1, close - comma - 1);
  while (!digits.empty() && digits.front() == ' ') digits.remove_prefix(1);
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), scale);
  return r.ec == std::errc{} && scale >= 0 && scale <= 1000 ? scale : -1;
}

Value read_column(sqlite3_stmt* stmt, int column, ValueType declared) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_NULL:
      return {};
    case SQLITE_INTEGER:
      return read_integer(sqlite3_column_int64(stmt, column), declared);
    case SQLITE_FLOAT:
      return read_real(sqlite3_column_double(stmt, column), declared);
    case SQLITE_TEXT: {
      // The pointer first, then the length, as SQLite's documentation asks.
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      const int size = sqlite3_column_bytes(stmt, column);
      if (text == nullptr) return Value(std::string());
      return read_text(std::string(text, static_cast<std::size_t>(size)), declared);
    }
    default: {
      const void* data = sqlite3_column_blob(stmt, column);
      return read_blob(data, sqlite3_column_bytes(stmt, column), declared);
    }
  }
}

void throw_array_not_supported(std::string_view sql) {
  throw_error<NotSupportedError>(
      "sqlite has no array type; store the items in a child table, or as JSON "
      "(bind a boost::json::array)",
      {.sqlstate = "0A000", .dialect = "sqlite", .statement = std::string(sql)});
}

}  // namespace lingo::sqlite
