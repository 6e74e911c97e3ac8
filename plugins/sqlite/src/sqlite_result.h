// A query result stepped out of SQLite in full.
//
// Rows are read eagerly, so the statement can be reset (releasing its read
// lock and returning it to the cache) before execute() returns; a Result may
// then outlive its statement, its connection, or both.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lingo/result.h"

namespace lingo::sqlite {

class SqliteResult final : public ResultSource {
 public:
  // Takes the column names and declared types from a prepared statement.
  explicit SqliteResult(sqlite3_stmt* stmt);

  // Appends the row the statement is positioned on.
  void add_row(sqlite3_stmt* stmt);
  void set_rows_affected(std::int64_t n) noexcept { rows_affected_ = n; }
  // Forgets the rows, keeping the columns: a stream reuses one result per row.
  void clear_rows() noexcept {
    cells_.clear();
    row_count_ = 0;
  }

  [[nodiscard]] std::size_t row_count() const noexcept override { return row_count_; }
  [[nodiscard]] std::size_t column_count() const noexcept override { return names_.size(); }
  [[nodiscard]] std::string_view column_name(std::size_t column) const override;
  [[nodiscard]] ValueType column_type(std::size_t column) const override;
  [[nodiscard]] bool is_null(std::size_t row, std::size_t column) const override;
  [[nodiscard]] Value value(std::size_t row, std::size_t column) const override;
  [[nodiscard]] std::int64_t rows_affected() const noexcept override { return rows_affected_; }

 private:
  [[nodiscard]] const Value& at(std::size_t row, std::size_t column) const;

  std::vector<std::string> names_;
  std::vector<ValueType> declared_;  // ValueType::null: no declaration Lingo knows
  std::vector<int> scales_;          // DECIMAL(p,s) columns: s; otherwise -1
  std::vector<Value> cells_;         // row-major
  std::size_t row_count_ = 0;
  std::int64_t rows_affected_ = -1;
};

}  // namespace lingo::sqlite
