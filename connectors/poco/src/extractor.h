// Extractor: reads one row of a lingo::Result into the types Poco asks for (private).
//
// Every read is checked (lingo::Value::as and the conversions in
// conversions.h): a text "abc" into an Int32, a 300 into a UInt8, a
// 12345678901234567890.5 decimal into a double, 00:00:00.5 into a
// Poco::Data::Time all throw Poco::Data::ExtractException naming the column
// and the value. A NULL returns false and leaves the target alone, which is
// how Poco's extractions give the default value or a null Nullable.
#pragma once

#include <Poco/Data/AbstractExtractor.h>

#include <cstddef>
#include <string>

#include "lingo/result.h"

namespace lingo::poco::detail {

class Extractor final : public Poco::Data::AbstractExtractor {
 public:
  // The row that extract() reads; `result` must outlive the reads.
  void set_row(const lingo::Result* result, std::size_t row) noexcept {
    result_ = result;
    row_ = row;
  }

  bool extract(std::size_t pos, Poco::Int8& val) override;
  bool extract(std::size_t pos, Poco::UInt8& val) override;
  bool extract(std::size_t pos, Poco::Int16& val) override;
  bool extract(std::size_t pos, Poco::UInt16& val) override;
  bool extract(std::size_t pos, Poco::Int32& val) override;
  bool extract(std::size_t pos, Poco::UInt32& val) override;
  bool extract(std::size_t pos, Poco::Int64& val) override;
  bool extract(std::size_t pos, Poco::UInt64& val) override;
#ifndef POCO_INT64_IS_LONG
  bool extract(std::size_t pos, long& val) override;
  bool extract(std::size_t pos, unsigned long& val) override;
#endif
  bool extract(std::size_t pos, bool& val) override;
  bool extract(std::size_t pos, float& val) override;
  bool extract(std::size_t pos, double& val) override;
  bool extract(std::size_t pos, char& val) override;
  bool extract(std::size_t pos, std::string& val) override;
  bool extract(std::size_t pos, Poco::UTF16String& val) override;
  bool extract(std::size_t pos, Poco::Data::BLOB& val) override;
  bool extract(std::size_t pos, Poco::Data::CLOB& val) override;
  bool extract(std::size_t pos, Poco::DateTime& val) override;
  bool extract(std::size_t pos, Poco::Data::Date& val) override;
  bool extract(std::size_t pos, Poco::Data::Time& val) override;
  bool extract(std::size_t pos, Poco::UUID& val) override;
  bool extract(std::size_t pos, Poco::Any& val) override;
  bool extract(std::size_t pos, Poco::Dynamic::Var& val) override;
  using Poco::Data::AbstractExtractor::extract;

  // Whether column `col` of the current row is NULL (`row` is ignored: the
  // statement extracts one row at a time).
  bool isNull(std::size_t col, std::size_t row) override;

 private:
  [[nodiscard]] lingo::Value value(std::size_t pos) const;
  // Runs read(value) for a non-null value, turning a refused conversion into
  // an ExtractException that names the column, the value and the target type.
  template <class T, class Read>
  bool read(std::size_t pos, T& out, const char* target, Read&& read_value);
  template <class T>
  bool read_integer(std::size_t pos, T& out, const char* target);

  const lingo::Result* result_ = nullptr;
  std::size_t row_ = 0;
};

}  // namespace lingo::poco::detail
