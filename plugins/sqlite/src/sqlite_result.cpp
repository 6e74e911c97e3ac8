#include "sqlite_result.h"

#include <string>

#include "lingo/errors.h"
#include "sqlite_values.h"

namespace lingo::sqlite {

SqliteResult::SqliteResult(sqlite3_stmt* stmt) {
  const int count = sqlite3_column_count(stmt);
  names_.reserve(static_cast<std::size_t>(count));
  declared_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const char* name = sqlite3_column_name(stmt, i);
    const char* decl = sqlite3_column_decltype(stmt, i);
    names_.emplace_back(name != nullptr ? name : "");
    declared_.push_back(decl != nullptr ? declared_type(decl) : ValueType::null);
    scales_.push_back(decl != nullptr && declared_.back() == ValueType::decimal ? declared_scale(decl) : -1);
  }
}

void SqliteResult::add_row(sqlite3_stmt* stmt) {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    cells_.push_back(read_column(stmt, static_cast<int>(i), declared_[i]));
    // SQLite keeps a DECIMAL(p,s) value as a double and forgets its scale;
    // the declaration gives it back (1.5 in DECIMAL(10,2) reads as 1.50).
    if (scales_[i] >= 0 && cells_.back().type() == ValueType::decimal)
      cells_.back() = Value(cells_.back().as<Decimal>().rescaled(scales_[i]));
  }
  ++row_count_;
}

std::string_view SqliteResult::column_name(std::size_t column) const {
  if (column >= names_.size()) {
    throw InterfaceError("column " + std::to_string(column) + " is out of range: the result has " +
                         std::to_string(names_.size()) + " columns");
  }
  return names_[column];
}

// SQLite types values, not columns, so the first value present is the best
// witness of what the column reads as; the declaration speaks for an empty or
// all-NULL column, and text is the answer when neither can tell.
ValueType SqliteResult::column_type(std::size_t column) const {
  (void)column_name(column);
  for (std::size_t row = 0; row < row_count_; ++row) {
    const Value& v = at(row, column);
    if (!v.is_null()) return v.type();
  }
  return declared_[column] != ValueType::null ? declared_[column] : ValueType::text;
}

bool SqliteResult::is_null(std::size_t row, std::size_t column) const {
  return at(row, column).is_null();
}

Value SqliteResult::value(std::size_t row, std::size_t column) const {
  return at(row, column);
}

const Value& SqliteResult::at(std::size_t row, std::size_t column) const {
  if (row >= row_count_ || column >= names_.size()) {
    throw InterfaceError("cell (" + std::to_string(row) + ", " + std::to_string(column) +
                         ") is out of range: the result has " + std::to_string(row_count_) + " rows of " +
                         std::to_string(names_.size()) + " columns");
  }
  return cells_[row * names_.size() + column];
}

}  // namespace lingo::sqlite
