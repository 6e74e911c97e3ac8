#include "extractor.h"

#include <Poco/Data/Constants.h>
#include <Poco/Data/DataException.h>
#include <Poco/Data/LOB.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/UnicodeConverter.h>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "conversions.h"
#include "lingo/errors.h"

namespace lingo::poco::detail {

namespace {

// A decimal with no fraction (SUM() and COUNT() on PostgreSQL give NUMERIC),
// as an integer; nullopt when it has a fraction or does not fit.
std::optional<std::int64_t> integral_decimal(const lingo::Decimal& d) {
  std::string_view text = d.to_string();
  if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    if (text.find_first_not_of('0', dot + 1) != std::string_view::npos) return std::nullopt;
    text = text.substr(0, dot);
  }
  std::int64_t out = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

// Any value as text: text itself, bytes as they are, the rest in the form
// psql prints (an exact decimal keeps every digit).
std::string as_text(const lingo::Value& v) {
  switch (v.type()) {
    case lingo::ValueType::text:
      return v.as<std::string>();
    case lingo::ValueType::bytes:
      return v.as<lingo::Bytes>().data;
    case lingo::ValueType::decimal:
      return v.as<lingo::Decimal>().to_string();
    case lingo::ValueType::json:
      return boost::json::serialize(v.as<boost::json::value>());
    default:
      return v.to_string();
  }
}

[[noreturn]] void refuse(const std::string& why) {
  throw Poco::Data::ExtractException(why);
}

}  // namespace

lingo::Value Extractor::value(std::size_t pos) const {
  if (result_ == nullptr || row_ >= result_->size()) {
    throw Poco::Data::ExtractException("no current row to extract column " + std::to_string(pos) + " from");
  }
  if (pos >= result_->column_count()) {
    throw Poco::Data::ExtractException("column " + std::to_string(pos) + " does not exist: the result has " +
                                       std::to_string(result_->column_count()) + " columns");
  }
  return (*result_)[row_][pos];
}

template <class T, class Read>
bool Extractor::read(std::size_t pos, T& out, const char* target, Read&& read_value) {
  const lingo::Value v = value(pos);
  if (v.is_null()) return false;
  try {
    out = std::forward<Read>(read_value)(v);
  } catch (const Poco::Data::ExtractException&) {
    throw;
  } catch (const std::exception& e) {  // lingo::DataError from a checked read, a parse failure
    refuse("column " + std::to_string(pos) + " (\"" + std::string(result_->column_name(pos)) + "\", " +
           std::string(lingo::to_string(v.type())) + " " + v.to_string() + ") cannot be extracted as " +
           target + ": " + e.what());
  }
  return true;
}

template <class T>
bool Extractor::read_integer(std::size_t pos, T& out, const char* target) {
  return read(pos, out, target, [&](const lingo::Value& v) -> T {
    std::int64_t wide = 0;
    if (v.type() == lingo::ValueType::decimal) {
      const auto integral = integral_decimal(v.as<lingo::Decimal>());
      if (!integral) throw lingo::DataError("a decimal with a fraction or beyond 64 bits is not an integer");
      wide = *integral;
    } else if (v.type() == lingo::ValueType::boolean) {
      wide = v.as<bool>() ? 1 : 0;
    } else {
      wide = v.as<std::int64_t>();
    }
    if constexpr (std::is_signed_v<T>) {
      if (wide < std::numeric_limits<T>::min() || wide > std::numeric_limits<T>::max())
        throw lingo::DataError("out of range for " + std::string(target));
    } else {
      if (wide < 0 || static_cast<std::uint64_t>(wide) > std::numeric_limits<T>::max())
        throw lingo::DataError("out of range for " + std::string(target));
    }
    return static_cast<T>(wide);
  });
}

bool Extractor::extract(std::size_t pos, Poco::Int8& val) {
  return read_integer(pos, val, "Int8");
}
bool Extractor::extract(std::size_t pos, Poco::UInt8& val) {
  return read_integer(pos, val, "UInt8");
}
bool Extractor::extract(std::size_t pos, Poco::Int16& val) {
  return read_integer(pos, val, "Int16");
}
bool Extractor::extract(std::size_t pos, Poco::UInt16& val) {
  return read_integer(pos, val, "UInt16");
}
bool Extractor::extract(std::size_t pos, Poco::Int32& val) {
  return read_integer(pos, val, "Int32");
}
bool Extractor::extract(std::size_t pos, Poco::UInt32& val) {
  return read_integer(pos, val, "UInt32");
}
bool Extractor::extract(std::size_t pos, Poco::Int64& val) {
  return read_integer(pos, val, "Int64");
}
bool Extractor::extract(std::size_t pos, Poco::UInt64& val) {
  return read_integer(pos, val, "UInt64");
}
#ifndef POCO_INT64_IS_LONG
bool Extractor::extract(std::size_t pos, long& val) {
  return read_integer(pos, val, "long");
}
bool Extractor::extract(std::size_t pos, unsigned long& val) {
  return read_integer(pos, val, "unsigned long");
}
#endif

bool Extractor::extract(std::size_t pos, bool& val) {
  return read(pos, val, "bool", [](const lingo::Value& v) { return v.as<bool>(); });
}

bool Extractor::extract(std::size_t pos, float& val) {
  return read(pos, val, "float", [](const lingo::Value& v) { return v.as<float>(); });
}

// A decimal reads as a double only when the double holds it exactly (19.99
// does, as far as printing it back goes; 12345678901234567890.5 does not):
// a lossy read is refused, and std::string keeps every digit.
bool Extractor::extract(std::size_t pos, double& val) {
  return read(pos, val, "double", [](const lingo::Value& v) {
    const double d = v.as<double>();
    if (v.type() == lingo::ValueType::decimal &&
        lingo::Decimal(lingo::text::format_double(d)) != v.as<lingo::Decimal>()) {
      throw lingo::DataError("a double would round it to " + lingo::text::format_double(d) +
                             "; extract it as std::string to keep every digit");
    }
    // An integer past 2^53 may have no double of its own (9007199254740993
    // would read as ...992): refused, as a rounded decimal is. long double
    // holds every int64 exactly here (x86-64's 64-bit mantissa).
    if ((v.type() == lingo::ValueType::int64 || v.type() == lingo::ValueType::int32) &&
        static_cast<long double>(d) != static_cast<long double>(v.as<std::int64_t>())) {
      throw lingo::DataError("a double would round it to " + lingo::text::format_double(d) +
                             "; extract it as Int64 to keep it exact");
    }
    return d;
  });
}

bool Extractor::extract(std::size_t pos, char& val) {
  return read(pos, val, "char", [](const lingo::Value& v) {
    const auto text = v.as<std::string>();
    if (text.size() != 1) throw lingo::DataError("a char holds exactly one byte");
    return text[0];
  });
}

bool Extractor::extract(std::size_t pos, std::string& val) {
  return read(pos, val, "std::string", [](const lingo::Value& v) { return as_text(v); });
}

bool Extractor::extract(std::size_t pos, Poco::UTF16String& val) {
  return read(pos, val, "UTF16String", [](const lingo::Value& v) {
    Poco::UTF16String out;
    Poco::UnicodeConverter::convert(as_text(v), out);
    return out;
  });
}

bool Extractor::extract(std::size_t pos, Poco::Data::BLOB& val) {
  return read(pos, val, "BLOB", [](const lingo::Value& v) {
    // SQLite may hand back text where a BLOB was expected; its bytes are the same.
    const std::string bytes =
        v.type() == lingo::ValueType::text ? v.as<std::string>() : v.as<lingo::Bytes>().data;
    Poco::Data::BLOB out;
    if (!bytes.empty())
      out.assignRaw(reinterpret_cast<const unsigned char*>(bytes.data()),  // NOLINT(*-reinterpret-cast)
                    bytes.size());
    return out;
  });
}

bool Extractor::extract(std::size_t pos, Poco::Data::CLOB& val) {
  return read(pos, val, "CLOB", [](const lingo::Value& v) {
    const std::string text =
        v.type() == lingo::ValueType::bytes ? v.as<lingo::Bytes>().data : v.as<std::string>();
    Poco::Data::CLOB out;
    if (!text.empty()) out.assignRaw(text.data(), text.size());
    return out;
  });
}

bool Extractor::extract(std::size_t pos, Poco::DateTime& val) {
  return read(pos, val, "Poco::DateTime", [](const lingo::Value& v) {
    switch (v.type()) {
      case lingo::ValueType::timestamptz:
        return to_poco(v.as<lingo::TimestampTz>());
      case lingo::ValueType::date:  // midnight of that day: nothing is lost
        return to_poco(
            lingo::Timestamp{std::chrono::local_days(v.as<lingo::Date>().days.time_since_epoch())});
      case lingo::ValueType::text: {
        // SQLite keeps dates as text; one with an offset is an instant.
        const auto text = v.as<std::string>();
        const auto time_part = text.find_first_of("Tt ");
        if (time_part != std::string::npos && text.find_first_of("+-Zz", time_part) != std::string::npos)
          return to_poco(lingo::text::parse_timestamptz(text));
        return to_poco(lingo::text::parse_timestamp(text));
      }
      default:
        return to_poco(v.as<lingo::Timestamp>());
    }
  });
}

bool Extractor::extract(std::size_t pos, Poco::Data::Date& val) {
  return read(pos, val, "Poco::Data::Date", [](const lingo::Value& v) {
    if (v.type() == lingo::ValueType::text) return to_poco(lingo::text::parse_date(v.as<std::string>()));
    return to_poco(v.as<lingo::Date>());
  });
}

bool Extractor::extract(std::size_t pos, Poco::Data::Time& val) {
  return read(pos, val, "Poco::Data::Time", [](const lingo::Value& v) {
    if (v.type() == lingo::ValueType::text) return to_poco(lingo::text::parse_time(v.as<std::string>()));
    return to_poco(v.as<lingo::Time>());
  });
}

bool Extractor::extract(std::size_t pos, Poco::UUID& val) {
  return read(pos, val, "Poco::UUID", [](const lingo::Value& v) { return to_poco(v.as<lingo::Uuid>()); });
}

namespace {

// The Poco type a value holds when the caller has not said which it wants.
template <class Holder>
Holder held(const lingo::Value& v) {
  switch (v.type()) {
    case lingo::ValueType::boolean:
      return Holder(v.as<bool>());
    case lingo::ValueType::int16:
      return Holder(static_cast<Poco::Int16>(v.as<std::int16_t>()));
    case lingo::ValueType::int32:
      return Holder(static_cast<Poco::Int32>(v.as<std::int32_t>()));
    case lingo::ValueType::int64:
      return Holder(static_cast<Poco::Int64>(v.as<std::int64_t>()));
    case lingo::ValueType::float32:
      return Holder(v.as<float>());
    case lingo::ValueType::float64:
      return Holder(v.as<double>());
    case lingo::ValueType::bytes: {
      const auto bytes = v.as<lingo::Bytes>().data;
      Poco::Data::BLOB blob;
      if (!bytes.empty())
        blob.assignRaw(reinterpret_cast<const unsigned char*>(bytes.data()),  // NOLINT(*-reinterpret-cast)
                       bytes.size());
      return Holder(blob);
    }
    case lingo::ValueType::date:
      return Holder(to_poco(v.as<lingo::Date>()));
    case lingo::ValueType::time:
      return Holder(to_poco(v.as<lingo::Time>()));
    case lingo::ValueType::timestamp:
      return Holder(to_poco(v.as<lingo::Timestamp>()));
    case lingo::ValueType::timestamptz:
      return Holder(to_poco(v.as<lingo::TimestampTz>()));
    case lingo::ValueType::uuid:
      return Holder(to_poco(v.as<lingo::Uuid>()));
    default:  // text, exact decimals, JSON, arrays
      return Holder(as_text(v));
  }
}

}  // namespace

bool Extractor::extract(std::size_t pos, Poco::Any& val) {
  return read(pos, val, "Poco::Any", [](const lingo::Value& v) { return held<Poco::Any>(v); });
}

bool Extractor::extract(std::size_t pos, Poco::Dynamic::Var& val) {
  return read(pos, val, "Poco::Dynamic::Var",
              [](const lingo::Value& v) { return held<Poco::Dynamic::Var>(v); });
}

bool Extractor::isNull(std::size_t col, std::size_t row) {
  if (row == Poco::Data::POCO_DATA_INVALID_ROW) return value(col).is_null();
  if (row >= count_) {
    throw Poco::RangeException("row " + std::to_string(row) + " is past the chunk of " +
                               std::to_string(count_) + " rows being extracted");
  }
  const std::size_t current = row_;
  row_ = first_ + row;
  const bool null = value(col).is_null();
  row_ = current;
  return null;
}

}  // namespace lingo::poco::detail
