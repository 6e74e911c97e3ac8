#include "binder.h"

#include <Poco/Data/DataException.h>
#include <Poco/UnicodeConverter.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "conversions.h"

namespace lingo::poco::detail {

void Binder::start(std::size_t expected) {
  values_.assign(expected, lingo::Value());
  columns_.clear();
  bound_ = 0;
  rows_ = 0;
}

void Binder::check_direction(std::size_t pos, Direction dir) {
  // Output parameters belong to stored procedures, which execute_sql has no
  // way to return through a parameter; a SELECT returns rows instead.
  if (dir != PD_IN) {
    throw Poco::Data::BindingException("parameter " + std::to_string(pos + 1) +
                                       ": the Lingo connector binds input parameters only (out() and io() "
                                       "are not supported); select the value instead");
  }
}

void Binder::put(std::size_t pos, lingo::Value value, Direction dir) {
  check_direction(pos, dir);
  if (pos >= values_.size()) values_.resize(pos + 1);
  values_[pos] = std::move(value);
  ++bound_;
}

void Binder::put_column(std::size_t pos, std::vector<lingo::Value> column) {
  // StatementImpl compares the bindings' lengths first; this guards the
  // binder's own invariant, that every row has every column.
  if (rows_ != 0 && column.size() != rows_) {
    throw Poco::Data::BindingException("parameter " + std::to_string(pos + 1) + " binds " +
                                       std::to_string(column.size()) + " rows but an earlier one binds " +
                                       std::to_string(rows_) +
                                       ": give every use(..., bulk) as many elements");
  }
  rows_ = column.size();
  if (pos >= values_.size()) values_.resize(pos + 1);
  if (pos >= columns_.size()) columns_.resize(pos + 1);
  columns_[pos] = std::move(column);
  ++bound_;
}

std::vector<lingo::Value> Binder::row(std::size_t row) const {
  std::vector<lingo::Value> out = values_;
  for (std::size_t pos = 0; pos < columns_.size(); ++pos)
    if (!columns_[pos].empty()) out[pos] = columns_[pos][row];
  return out;
}

// SQL integers are signed: the small unsigned types widen to the next signed
// type, and a 64-bit one binds only when it fits an int64.
lingo::Value Binder::convert(std::size_t, const Poco::Int8& val) {
  return std::int16_t{val};
}
lingo::Value Binder::convert(std::size_t, const Poco::UInt8& val) {
  return std::int16_t{val};
}
lingo::Value Binder::convert(std::size_t, const Poco::Int16& val) {
  return std::int16_t{val};
}
lingo::Value Binder::convert(std::size_t, const Poco::UInt16& val) {
  return std::int32_t{val};
}
lingo::Value Binder::convert(std::size_t, const Poco::Int32& val) {
  return std::int32_t{val};
}
lingo::Value Binder::convert(std::size_t, const Poco::UInt32& val) {
  return std::int64_t{val};
}
lingo::Value Binder::convert(std::size_t, const Poco::Int64& val) {
  return std::int64_t{val};
}
lingo::Value Binder::convert(std::size_t pos, const Poco::UInt64& val) {
  if (val > static_cast<Poco::UInt64>(std::numeric_limits<std::int64_t>::max())) {
    throw Poco::Data::BindingException("parameter " + std::to_string(pos + 1) + ": the UInt64 " +
                                       std::to_string(val) +
                                       " does not fit a SQL BIGINT (at most 9223372036854775807); bind it "
                                       "as a std::string for a NUMERIC column");
  }
  return static_cast<std::int64_t>(val);
}
#ifndef POCO_INT64_IS_LONG
lingo::Value Binder::convert(std::size_t pos, const long& val) {
  return convert(pos, static_cast<Poco::Int64>(val));
}
lingo::Value Binder::convert(std::size_t pos, const unsigned long& val) {
  return convert(pos, static_cast<Poco::UInt64>(val));
}
#endif
lingo::Value Binder::convert(std::size_t, const bool& val) {
  return val;
}
lingo::Value Binder::convert(std::size_t, const float& val) {
  return val;
}
lingo::Value Binder::convert(std::size_t, const double& val) {
  return val;
}
lingo::Value Binder::convert(std::size_t, const char& val) {
  return std::string(1, val);
}
lingo::Value Binder::convert(std::size_t, const char* const& val) {
  if (val == nullptr) return nullptr;
  return std::string(val);
}
lingo::Value Binder::convert(std::size_t, const std::string& val) {
  return val;
}
lingo::Value Binder::convert(std::size_t, const Poco::UTF16String& val) {
  std::string utf8;
  Poco::UnicodeConverter::convert(val, utf8);
  return utf8;
}
lingo::Value Binder::convert(std::size_t, const Poco::Data::BLOB& val) {
  lingo::Bytes bytes;
  if (val.size() != 0) {
    bytes.data.assign(reinterpret_cast<const char*>(val.rawContent()),  // NOLINT(*-reinterpret-cast)
                      val.size());
  }
  return bytes;
}
lingo::Value Binder::convert(std::size_t, const Poco::Data::CLOB& val) {
  return val.size() == 0 ? std::string() : std::string(val.rawContent(), val.size());
}
lingo::Value Binder::convert(std::size_t, const Poco::DateTime& val) {
  return to_lingo(val);
}
lingo::Value Binder::convert(std::size_t, const Poco::Data::Date& val) {
  return to_lingo(val);
}
lingo::Value Binder::convert(std::size_t, const Poco::Data::Time& val) {
  return to_lingo(val);
}
lingo::Value Binder::convert(std::size_t, const Poco::UUID& val) {
  return to_lingo(val);
}
lingo::Value Binder::convert(std::size_t, const Poco::Data::NullData&) {
  return nullptr;
}

// The scalar overrides: one value, one conversion.
void Binder::bind(std::size_t pos, const Poco::Int8& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::UInt8& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Int16& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::UInt16& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Int32& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::UInt32& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Int64& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::UInt64& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
#ifndef POCO_INT64_IS_LONG
void Binder::bind(std::size_t pos, const long& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const unsigned long& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
#endif
void Binder::bind(std::size_t pos, const bool& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const float& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const double& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const char& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const char* const& pVal, Direction dir) {
  put(pos, convert(pos, pVal), dir);
}
void Binder::bind(std::size_t pos, const std::string& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::UTF16String& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::BLOB& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::CLOB& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::DateTime& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::Date& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::Time& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::UUID& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::NullData& val, Direction dir) {
  put(pos, convert(pos, val), dir);
}

}  // namespace lingo::poco::detail
