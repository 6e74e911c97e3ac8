// Binder: turns the values Poco binds into lingo::Values (private).
//
// A statement binds one set of parameters at a time; the binder collects it
// by position (0-based), and the statement hands values() to execute_sql.
// Every bind copies: the Value owns its data, so a bound std::string may
// change or go away before the statement runs. Bulk (container) binding is
// refused before it gets here (SessionImpl's "bulk" feature).
#pragma once

#include <Poco/Data/AbstractBinder.h>

#include <cstddef>
#include <span>
#include <vector>

#include "lingo/value.h"

namespace lingo::poco::detail {

class Binder final : public Poco::Data::AbstractBinder {
 public:
  // Forgets the previous set; `expected` values are about to be bound.
  void start(std::size_t expected);
  [[nodiscard]] std::span<const lingo::Value> values() const noexcept { return values_; }
  [[nodiscard]] std::size_t bound() const noexcept { return bound_; }

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

 private:
  void put(std::size_t pos, lingo::Value value, Direction dir);

  std::vector<lingo::Value> values_;
  std::size_t bound_ = 0;
};

}  // namespace lingo::poco::detail
