#include "lingo/result.h"

#include "lingo/errors.h"

namespace lingo {
namespace {

[[noreturn]] void interface_error(std::string message) {
  throw_error<InterfaceError>(std::move(message));
}

}  // namespace
[[noreturn]] void interface_error_out_of_range(std::size_t row, std::size_t size);
namespace {

std::string column_list(const ResultSource& source) {
  std::string names;
  for (std::size_t i = 0; i < source.column_count(); ++i) {
    if (i) names += ", ";
    names += source.column_name(i);
  }
  return names.empty() ? "(none)" : names;
}

std::size_t find_column(const ResultSource* source, std::string_view name) {
  if (source != nullptr)
    if (const std::size_t i = source->find_column(name); i != ResultSource::npos) return i;
  interface_error("no column named '" + std::string(name) +
                  "' in the result; its columns are: " + (source ? column_list(*source) : "(none)"));
}

void check_column(const ResultSource& source, std::size_t column) {
  if (column >= source.column_count())
    interface_error("column index " + std::to_string(column) + " is out of range; the result has " +
                    std::to_string(source.column_count()) + " columns");
}

}  // namespace

std::size_t ResultSource::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < column_count(); ++i)
    if (column_name(i) == name) return i;
  return npos;
}

void Result::set_selected(std::shared_ptr<const SelectedColumns> columns) {
  if (source_ && columns && columns->size() == source_->column_count()) selected_ = std::move(columns);
}

Row Row::with_selected(const std::shared_ptr<const SelectedColumns>& selected) && {
  if (!selected || selected->size() != source_->column_count()) return std::move(*this);
  selected_ = selected.get();
  // A shared count, not an allocation: a streamed row costs what it did when
  // the selection was stored in the driver's source.
  if (owner_) selected_owner_ = selected;
  return std::move(*this);
}

void interface_error_out_of_range(std::size_t row, std::size_t size) {
  interface_error("row " + std::to_string(row) + " is out of range; the result has " + std::to_string(size) +
                  " rows");
}

Value Row::operator[](std::size_t column) const {
  check_column(*source_, column);
  return source_->value(row_, column);
}

Value Row::operator[](std::string_view column) const {
  return source_->value(row_, find_column(source_, column));
}

bool Row::is_null(std::size_t column) const {
  check_column(*source_, column);
  return source_->is_null(row_, column);
}

std::string_view Result::column_name(std::size_t column) const {
  if (!source_) interface_error("the result has no columns");
  check_column(*source_, column);
  return source_->column_name(column);
}

ValueType Result::column_type(std::size_t column) const {
  if (!source_) interface_error("the result has no columns");
  check_column(*source_, column);
  return source_->column_type(column);
}

std::size_t Result::column_index(std::string_view name) const {
  return find_column(source_.get(), name);
}

Row Result::operator[](std::size_t row) const& {
  if (row >= size()) interface_error_out_of_range(row, size());
  return {source_.get(), row, selected_.get()};
}

Value Result::scalar_value() const {
  if (size() != 1 || column_count() != 1)
    interface_error("scalar() needs exactly one row of one column; the result has " + std::to_string(size()) +
                    " rows of " + std::to_string(column_count()) + " columns");
  return source_->value(0, 0);
}

}  // namespace lingo

namespace lingo {

Row Result::owned_row(std::size_t row) const& {
  if (row >= size()) interface_error_out_of_range(row, size());
  return Row(source_, row).with_selected(selected_);
}

Row Result::owned_row(std::size_t row) && {
  if (row >= size()) interface_error_out_of_range(row, size());
  return Row(std::move(source_), row).with_selected(selected_);
}

}  // namespace lingo
