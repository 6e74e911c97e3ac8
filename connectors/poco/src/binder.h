// Binder: turns the values Poco binds into lingo::Values (private).
//
// A statement binds one set of parameters at a time; the binder collects it
// by position (0-based), and the statement hands values() to execute_sql.
// Every bind copies: the Value owns its data, so a bound std::string may
// change or go away before the statement runs.
//
// Bulk binding (use(vector, bulk)) hands a whole column at once to the
// container overloads: each element is converted exactly as the scalar bind
// converts it, and the statement then runs once per row (row(i)), every
// column holding as many rows.
#pragma once

#include <Poco/Data/AbstractBinder.h>
#include <Poco/Data/DataException.h>

#include <cstddef>
#include <deque>
#include <list>
#include <span>
#include <string>
#include <vector>

#include "lingo/value.h"

namespace lingo::poco::detail {

class Binder final : public Poco::Data::AbstractBinder {
 public:
  // Forgets the previous set; `expected` values are about to be bound.
  void start(std::size_t expected);
  [[nodiscard]] std::span<const lingo::Value> values() const noexcept { return values_; }
  [[nodiscard]] std::size_t bound() const noexcept { return bound_; }
  // Rows bound by the container (bulk) overloads; 0 when none was used.
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  // The parameters of one bulk row: each column's element `row`, and the
  // scalar value where a position was bound by a scalar.
  [[nodiscard]] std::vector<lingo::Value> row(std::size_t row) const;

  void bind(std::size_t pos, const Poco::Int8& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::UInt8& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::Int16& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::UInt16& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::Int32& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::UInt32& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::Int64& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::UInt64& val, Direction dir) override;
#ifndef POCO_INT64_IS_LONG
  void bind(std::size_t pos, const long& val, Direction dir) override;
  void bind(std::size_t pos, const unsigned long& val, Direction dir) override;
#endif
  void bind(std::size_t pos, const bool& val, Direction dir) override;
  void bind(std::size_t pos, const float& val, Direction dir) override;
  void bind(std::size_t pos, const double& val, Direction dir) override;
  void bind(std::size_t pos, const char& val, Direction dir) override;
  void bind(std::size_t pos, const char* const& pVal, Direction dir) override;
  void bind(std::size_t pos, const std::string& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::UTF16String& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::Data::BLOB& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::Data::CLOB& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::DateTime& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::Data::Date& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::Data::Time& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::UUID& val, Direction dir) override;
  void bind(std::size_t pos, const Poco::Data::NullData& val, Direction dir) override;
  // Any and Dynamic::Var: AbstractBinder dispatches them on the held type.
  using Poco::Data::AbstractBinder::bind;

  // The container overloads Poco's BulkBinding calls, one column at a time.
  // NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define LINGO_POCO_BIND_COLUMN(T)                                                 \
  void bind(std::size_t pos, const std::vector<T>& val, Direction dir) override { \
    bind_column(pos, val, dir);                                                   \
  }                                                                               \
  void bind(std::size_t pos, const std::deque<T>& val, Direction dir) override {  \
    bind_column(pos, val, dir);                                                   \
  }                                                                               \
  void bind(std::size_t pos, const std::list<T>& val, Direction dir) override {   \
    bind_column(pos, val, dir);                                                   \
  }
  LINGO_POCO_BIND_COLUMN(Poco::Int8)
  LINGO_POCO_BIND_COLUMN(Poco::UInt8)
  LINGO_POCO_BIND_COLUMN(Poco::Int16)
  LINGO_POCO_BIND_COLUMN(Poco::UInt16)
  LINGO_POCO_BIND_COLUMN(Poco::Int32)
  LINGO_POCO_BIND_COLUMN(Poco::UInt32)
  LINGO_POCO_BIND_COLUMN(Poco::Int64)
  LINGO_POCO_BIND_COLUMN(Poco::UInt64)
#ifndef POCO_INT64_IS_LONG
  LINGO_POCO_BIND_COLUMN(long)
#endif
  LINGO_POCO_BIND_COLUMN(bool)
  LINGO_POCO_BIND_COLUMN(float)
  LINGO_POCO_BIND_COLUMN(double)
  LINGO_POCO_BIND_COLUMN(char)
  LINGO_POCO_BIND_COLUMN(std::string)
  LINGO_POCO_BIND_COLUMN(Poco::UTF16String)
  LINGO_POCO_BIND_COLUMN(Poco::Data::BLOB)
  LINGO_POCO_BIND_COLUMN(Poco::Data::CLOB)
  LINGO_POCO_BIND_COLUMN(Poco::DateTime)
  LINGO_POCO_BIND_COLUMN(Poco::Data::Date)
  LINGO_POCO_BIND_COLUMN(Poco::Data::Time)
  LINGO_POCO_BIND_COLUMN(Poco::UUID)
  LINGO_POCO_BIND_COLUMN(Poco::Data::NullData)
#undef LINGO_POCO_BIND_COLUMN
  // NOLINTEND(cppcoreguidelines-macro-usage)

 private:
  // The conversions, one per Poco type; every bind, scalar or bulk, goes
  // through them. `pos` is for the messages only.
  static lingo::Value convert(std::size_t pos, const Poco::Int8& val);
  static lingo::Value convert(std::size_t pos, const Poco::UInt8& val);
  static lingo::Value convert(std::size_t pos, const Poco::Int16& val);
  static lingo::Value convert(std::size_t pos, const Poco::UInt16& val);
  static lingo::Value convert(std::size_t pos, const Poco::Int32& val);
  static lingo::Value convert(std::size_t pos, const Poco::UInt32& val);
  static lingo::Value convert(std::size_t pos, const Poco::Int64& val);
  static lingo::Value convert(std::size_t pos, const Poco::UInt64& val);
#ifndef POCO_INT64_IS_LONG
  static lingo::Value convert(std::size_t pos, const long& val);
  static lingo::Value convert(std::size_t pos, const unsigned long& val);
#endif
  static lingo::Value convert(std::size_t pos, const bool& val);
  static lingo::Value convert(std::size_t pos, const float& val);
  static lingo::Value convert(std::size_t pos, const double& val);
  static lingo::Value convert(std::size_t pos, const char& val);
  static lingo::Value convert(std::size_t pos, const char* const& val);
  static lingo::Value convert(std::size_t pos, const std::string& val);
  static lingo::Value convert(std::size_t pos, const Poco::UTF16String& val);
  static lingo::Value convert(std::size_t pos, const Poco::Data::BLOB& val);
  static lingo::Value convert(std::size_t pos, const Poco::Data::CLOB& val);
  static lingo::Value convert(std::size_t pos, const Poco::DateTime& val);
  static lingo::Value convert(std::size_t pos, const Poco::Data::Date& val);
  static lingo::Value convert(std::size_t pos, const Poco::Data::Time& val);
  static lingo::Value convert(std::size_t pos, const Poco::UUID& val);
  static lingo::Value convert(std::size_t pos, const Poco::Data::NullData& val);

  template <class Container>
  void bind_column(std::size_t pos, const Container& column, Direction dir) {
    check_direction(pos, dir);
    std::vector<lingo::Value> values;
    values.reserve(column.size());
    for (const auto& element : column) {  // a bool, for std::vector<bool>
      try {
        values.push_back(convert(pos, element));
      } catch (const Poco::Data::BindingException& e) {
        throw Poco::Data::BindingException("row " + std::to_string(values.size() + 1) + ": " + e.message());
      }
    }
    put_column(pos, std::move(values));
  }

  static void check_direction(std::size_t pos, Direction dir);
  void put(std::size_t pos, lingo::Value value, Direction dir);
  void put_column(std::size_t pos, std::vector<lingo::Value> column);

  std::vector<lingo::Value> values_;
  std::vector<std::vector<lingo::Value>> columns_;  // by position; empty where a scalar was bound
  std::size_t bound_ = 0;
  std::size_t rows_ = 0;
};

}  // namespace lingo::poco::detail
