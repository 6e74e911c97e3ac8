// Query results: a Result is a table of rows; a Row gives typed values.
//
// A driver implements ResultSource over whatever its engine hands back (a
// PGresult, rows stepped out of SQLite); values are decoded only when read, so
// a row nobody looks at costs nothing. A Result is cheap to copy (it shares its
// source). A Row refers into its Result and must not outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lingo/export.h"
#include "lingo/value.h"

namespace lingo {

class Expr;
template <class T>
class TypedExpr;
class Result;
class QueryBase;
class PreparedQuery;
namespace ast {
struct Node;
}
namespace detail {
class GuardedStream;
}

// The expressions a query-builder query selected, one per column, in order.
// The core keeps them beside a result (never in the driver's ResultSource):
// a typed read (row[account.id]) finds its column by the expression itself,
// which is exact even where two columns share a name (a.id and b.id in a join).
using SelectedColumns = std::vector<std::shared_ptr<const ast::Node>>;

class LINGO_API ResultSource {
 public:
  virtual ~ResultSource() = default;
  [[nodiscard]] virtual std::size_t row_count() const noexcept = 0;
  [[nodiscard]] virtual std::size_t column_count() const noexcept = 0;
  [[nodiscard]] virtual std::string_view column_name(std::size_t column) const = 0;
  // The type values of this column decode to (text when the driver cannot tell).
  [[nodiscard]] virtual ValueType column_type(std::size_t column) const = 0;
  [[nodiscard]] virtual bool is_null(std::size_t row, std::size_t column) const = 0;
  [[nodiscard]] virtual Value value(std::size_t row, std::size_t column) const = 0;
  // Rows inserted, updated or deleted; -1 when the statement reports none.
  [[nodiscard]] virtual std::int64_t rows_affected() const noexcept = 0;
  // The first column named `name`, or npos. Reads by name ask this, and
  // typed reads (row[account.balance]) where the selected expressions cannot
  // answer; the default compares column_name() one by one, and a driver with
  // the names at hand can do without the calls.
  [[nodiscard]] virtual std::size_t find_column(std::string_view name) const;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

class LINGO_API Row {
 public:
  // A row of `source`, which must outlive it; `selected` (see
  // SelectedColumns) is the core's, null for raw SQL.
  Row(const ResultSource* source, std::size_t row, const SelectedColumns* selected = nullptr) noexcept
      : source_(source), row_(row), selected_(selected) {}
  // A row that keeps its result alive (what one() and first() return, and
  // what a driver's stream hands out).
  Row(std::shared_ptr<const ResultSource> owner, std::size_t row) noexcept
      : source_(owner.get()), row_(row), owner_(std::move(owner)) {}

  [[nodiscard]] std::size_t size() const noexcept { return source_->column_count(); }
  [[nodiscard]] Value operator[](std::size_t column) const;
  // By column name; throws InterfaceError naming the columns that exist.
  [[nodiscard]] Value operator[](std::string_view column) const;
  [[nodiscard]] bool is_null(std::size_t column) const;
  // The value of a selected column or aliased expression, as the column's
  // C++ type: row[account.balance] is a Decimal (defined in expr.h).
  template <class T>
  [[nodiscard]] T operator[](const TypedExpr<T>& column) const;
  // The same value as a Value: the column the query selected with this very
  // expression (see SelectedColumns), else the first column of its
  // name or alias; converted by the column's field (its from_db), if it has one.
  [[nodiscard]] Value read(const Expr& column) const;

  // The column's value read as T (see Value::as): get<std::optional<T>> for
  // nullable columns; get<T> on a NULL throws DataError.
  template <class T>
  [[nodiscard]] T get(std::size_t column) const {
    return (*this)[column].template as<T>();
  }
  template <class T>
  [[nodiscard]] T get(std::string_view column) const {
    return (*this)[column].template as<T>();
  }
  [[nodiscard]] std::size_t index() const noexcept { return row_; }
  [[nodiscard]] const ResultSource& source() const noexcept { return *source_; }

 private:
  friend class Result;
  friend class detail::GuardedStream;
  // This row with the expressions its query selected, when they name every
  // column; an owning row then keeps them alive too.
  [[nodiscard]] Row with_selected(const std::shared_ptr<const SelectedColumns>& selected) &&;

  const ResultSource* source_;
  std::size_t row_;
  const SelectedColumns* selected_ = nullptr;
  std::shared_ptr<const ResultSource> owner_;  // empty for rows iterated from a Result
  // An owning row's share of selected_ (a Result's rows use the Result's).
  std::shared_ptr<const SelectedColumns> selected_owner_;
};

class LINGO_API Result {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Row;
    iterator(const ResultSource* s, std::size_t r, const SelectedColumns* selected = nullptr) noexcept
        : s_(s), r_(r), selected_(selected) {}
    Row operator*() const noexcept { return {s_, r_, selected_}; }
    iterator& operator++() noexcept {
      ++r_;
      return *this;
    }
    iterator operator++(int) noexcept {
      auto t = *this;
      ++r_;
      return t;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.r_ == b.r_; }

   private:
    const ResultSource* s_;
    std::size_t r_;
    const SelectedColumns* selected_;
  };

  Result() = default;
  explicit Result(std::shared_ptr<const ResultSource> source) noexcept : source_(std::move(source)) {}

  [[nodiscard]] std::size_t size() const noexcept { return source_ ? source_->row_count() : 0; }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] std::size_t column_count() const noexcept { return source_ ? source_->column_count() : 0; }
  [[nodiscard]] std::string_view column_name(std::size_t column) const;
  [[nodiscard]] ValueType column_type(std::size_t column) const;
  // Throws InterfaceError naming the columns that exist.
  [[nodiscard]] std::size_t column_index(std::string_view name) const;
  [[nodiscard]] std::int64_t rows_affected() const noexcept {
    return source_ ? source_->rows_affected() : -1;
  }

  // Throws InterfaceError when the row is out of range. Not on a temporary
  // Result: the Row would outlive the rows it points into.
  [[nodiscard]] Row operator[](std::size_t row) const&;
  Row operator[](std::size_t row) const&& = delete;
  // A row that shares ownership of the rows, safe to keep after the Result is gone.
  [[nodiscard]] Row owned_row(std::size_t row) const&;
  [[nodiscard]] Row owned_row(std::size_t row) &&;  // hands its share of the rows to the Row
  [[nodiscard]] iterator begin() const noexcept { return {source_.get(), 0, selected_.get()}; }
  [[nodiscard]] iterator end() const noexcept { return {source_.get(), size()}; }

  // The only value of a one-row, one-column result; throws InterfaceError
  // when the result has another shape.
  template <class T>
  [[nodiscard]] T scalar() const {
    return scalar_value().template as<T>();
  }
  [[nodiscard]] Value scalar_value() const;

 private:
  friend class QueryBase;
  friend class PreparedQuery;
  // Records what the query selected (see SelectedColumns), when it names
  // every column of the result.
  void set_selected(std::shared_ptr<const SelectedColumns> columns);

  std::shared_ptr<const ResultSource> source_;
  std::shared_ptr<const SelectedColumns> selected_;  // null for raw SQL
};

}  // namespace lingo
