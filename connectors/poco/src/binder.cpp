#include "binder.h"

#include <Poco/Data/DataException.h>
#include <Poco/UnicodeConverter.h>

#include <cstdint>
#include <limits>
#include <string>

#include "conversions.h"

namespace lingo::poco::detail {

void Binder::start(std::size_t expected) {
  values_.assign(expected, lingo::Value());
  bound_ = 0;
}

void Binder::put(std::size_t pos, lingo::Value value, Direction dir) {
  // Output parameters belong to stored procedures, which execute_sql has no
  // way to return through a parameter; a SELECT returns rows instead.
  if (dir != PD_IN) {
    throw Poco::Data::BindingException("parameter " + std::to_string(pos + 1) +
                                       ": the Lingo connector binds input parameters only (out() and io() "
                                       "are not supported); select the value instead");
  }
  if (pos >= values_.size()) values_.resize(pos + 1);
  values_[pos] = std::move(value);
  ++bound_;
}

// SQL integers are signed: the small unsigned types widen to the next signed
// type, and a 64-bit one binds only when it fits an int64.
void Binder::bind(std::size_t pos, const Poco::Int8& val, Direction dir) {
  put(pos, std::int16_t{val}, dir);
}
void Binder::bind(std::size_t pos, const Poco::UInt8& val, Direction dir) {
  put(pos, std::int16_t{val}, dir);
}
void Binder::bind(std::size_t pos, const Poco::Int16& val, Direction dir) {
  put(pos, std::int16_t{val}, dir);
}
void Binder::bind(std::size_t pos, const Poco::UInt16& val, Direction dir) {
  put(pos, std::int32_t{val}, dir);
}
void Binder::bind(std::size_t pos, const Poco::Int32& val, Direction dir) {
  put(pos, std::int32_t{val}, dir);
}
void Binder::bind(std::size_t pos, const Poco::UInt32& val, Direction dir) {
  put(pos, std::int64_t{val}, dir);
}
void Binder::bind(std::size_t pos, const Poco::Int64& val, Direction dir) {
  put(pos, std::int64_t{val}, dir);
}
void Binder::bind(std::size_t pos, const Poco::UInt64& val, Direction dir) {
  if (val > static_cast<Poco::UInt64>(std::numeric_limits<std::int64_t>::max())) {
    throw Poco::Data::BindingException("parameter " + std::to_string(pos + 1) + ": the UInt64 " +
                                       std::to_string(val) +
                                       " does not fit a SQL BIGINT (at most 9223372036854775807); bind it "
                                       "as a std::string for a NUMERIC column");
  }
  put(pos, static_cast<std::int64_t>(val), dir);
}
#ifndef POCO_INT64_IS_LONG
void Binder::bind(std::size_t pos, const long& val, Direction dir) {
  bind(pos, static_cast<Poco::Int64>(val), dir);
}
void Binder::bind(std::size_t pos, const unsigned long& val, Direction dir) {
  bind(pos, static_cast<Poco::UInt64>(val), dir);
}
#endif
void Binder::bind(std::size_t pos, const bool& val, Direction dir) {
  put(pos, val, dir);
}
void Binder::bind(std::size_t pos, const float& val, Direction dir) {
  put(pos, val, dir);
}
void Binder::bind(std::size_t pos, const double& val, Direction dir) {
  put(pos, val, dir);
}
void Binder::bind(std::size_t pos, const char& val, Direction dir) {
  put(pos, std::string(1, val), dir);
}
void Binder::bind(std::size_t pos, const char* const& pVal, Direction dir) {
  if (pVal == nullptr) {
    put(pos, nullptr, dir);
  } else {
    put(pos, std::string(pVal), dir);
  }
}
void Binder::bind(std::size_t pos, const std::string& val, Direction dir) {
  put(pos, val, dir);
}
void Binder::bind(std::size_t pos, const Poco::UTF16String& val, Direction dir) {
  std::string utf8;
  Poco::UnicodeConverter::convert(val, utf8);
  put(pos, std::move(utf8), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::BLOB& val, Direction dir) {
  lingo::Bytes bytes;
  if (val.size() != 0) {
    bytes.data.assign(reinterpret_cast<const char*>(val.rawContent()),  // NOLINT(*-reinterpret-cast)
                      val.size());
  }
  put(pos, std::move(bytes), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::CLOB& val, Direction dir) {
  put(pos, val.size() == 0 ? std::string() : std::string(val.rawContent(), val.size()), dir);
}
void Binder::bind(std::size_t pos, const Poco::DateTime& val, Direction dir) {
  put(pos, to_lingo(val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::Date& val, Direction dir) {
  put(pos, to_lingo(val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::Time& val, Direction dir) {
  put(pos, to_lingo(val), dir);
}
void Binder::bind(std::size_t pos, const Poco::UUID& val, Direction dir) {
  put(pos, to_lingo(val), dir);
}
void Binder::bind(std::size_t pos, const Poco::Data::NullData&, Direction dir) {
  put(pos, nullptr, dir);
}

}  // namespace lingo::poco::detail
