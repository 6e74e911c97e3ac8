// Extractor: reads one row of a lingo::Result into the types Poco asks for (private).
//
// Every read is checked (lingo::Value::as and the conversions in
// conversions.h): a text "abc" into an Int32, a 300 into a UInt8, a
// 12345678901234567890.5 decimal into a double, 00:00:00.5 into a
// Poco::Data::Time all throw Poco::Data::ExtractException naming the column
// and the value. A NULL returns false and leaves the target alone, which is
// how Poco's extractions give the default value or a null Nullable.
//
// Bulk extraction (into(vector, bulk(n))) reads a chunk of rows into a whole
// container at once: each element goes through the same checked read as a
// single value, a NULL leaves the element value-initialized (0, "", ...) and
// isNull(col, row) reports it, row counted from the chunk's first row.
#pragma once

#include <Poco/Data/AbstractExtractor.h>
#include <Poco/Data/DataException.h>

#include <cstddef>
#include <deque>
#include <list>
#include <string>
#include <vector>

#include "lingo/result.h"

namespace lingo::poco::detail {

class Extractor final : public Poco::Data::AbstractExtractor {
 public:
  // The row that extract() reads; `result` must outlive the reads.
  void set_row(const lingo::Result* result, std::size_t row) noexcept { set_rows(result, row, 1); }
  // The chunk that the container overloads read: `count` rows from `first`.
  void set_rows(const lingo::Result* result, std::size_t first, std::size_t count) noexcept {
    result_ = result;
    row_ = first;
    first_ = first;
    count_ = count;
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

  // The container overloads Poco's BulkExtraction calls, one column at a time.
  // NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define LINGO_POCO_EXTRACT_COLUMN(T)                            \
  bool extract(std::size_t pos, std::vector<T>& val) override { \
    return extract_column(pos, val);                            \
  }                                                             \
  bool extract(std::size_t pos, std::deque<T>& val) override {  \
    return extract_column(pos, val);                            \
  }                                                             \
  bool extract(std::size_t pos, std::list<T>& val) override {   \
    return extract_column(pos, val);                            \
  }
  LINGO_POCO_EXTRACT_COLUMN(Poco::Int8)
  LINGO_POCO_EXTRACT_COLUMN(Poco::UInt8)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Int16)
  LINGO_POCO_EXTRACT_COLUMN(Poco::UInt16)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Int32)
  LINGO_POCO_EXTRACT_COLUMN(Poco::UInt32)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Int64)
  LINGO_POCO_EXTRACT_COLUMN(Poco::UInt64)
#ifndef POCO_INT64_IS_LONG
  LINGO_POCO_EXTRACT_COLUMN(long)
#endif
  LINGO_POCO_EXTRACT_COLUMN(bool)
  LINGO_POCO_EXTRACT_COLUMN(float)
  LINGO_POCO_EXTRACT_COLUMN(double)
  LINGO_POCO_EXTRACT_COLUMN(char)
  LINGO_POCO_EXTRACT_COLUMN(std::string)
  LINGO_POCO_EXTRACT_COLUMN(Poco::UTF16String)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Data::BLOB)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Data::CLOB)
  LINGO_POCO_EXTRACT_COLUMN(Poco::DateTime)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Data::Date)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Data::Time)
  LINGO_POCO_EXTRACT_COLUMN(Poco::UUID)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Any)
  LINGO_POCO_EXTRACT_COLUMN(Poco::Dynamic::Var)
#undef LINGO_POCO_EXTRACT_COLUMN
  // NOLINTEND(cppcoreguidelines-macro-usage)

  // Whether column `col` is NULL: in the current row when `row` is
  // POCO_DATA_INVALID_ROW (one row at a time), else in row `row` of the chunk.
  bool isNull(std::size_t col, std::size_t row) override;

 private:
  [[nodiscard]] lingo::Value value(std::size_t pos) const;
  // Runs read(value) for a non-null value, turning a refused conversion into
  // an ExtractException that names the column, the value and the target type.
  template <class T, class Read>
  bool read(std::size_t pos, T& out, const char* target, Read&& read_value);
  template <class T>
  bool read_integer(std::size_t pos, T& out, const char* target);

  // Fills `out` with the chunk's rows of column `pos`, each read by the
  // single-value extract() above.
  template <class Container>
  bool extract_column(std::size_t pos, Container& out) {
    out.resize(count_);
    std::size_t row = first_;
    for (auto&& element : out) {  // a proxy, for std::vector<bool>
      typename Container::value_type one{};
      row_ = row++;
      try {
        if (!extract(pos, one)) one = typename Container::value_type{};
      } catch (const Poco::Data::ExtractException& e) {
        throw Poco::Data::ExtractException("row " + std::to_string(row_ + 1) +
                                           " of the result: " + e.message());
      }
      element = std::move(one);
    }
    row_ = first_;
    return true;
  }

  const lingo::Result* result_ = nullptr;
  std::size_t row_ = 0;    // the row extract() reads
  std::size_t first_ = 0;  // the chunk: count_ rows from first_
  std::size_t count_ = 1;
};

}  // namespace lingo::poco::detail
