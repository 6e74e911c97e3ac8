#include "lingo/table.h"

#include <algorithm>

#include "lingo/errors.h"

namespace lingo {
namespace {

[[noreturn]] void definition_error(std::string message) {
  ErrorInfo info;
  info.message = std::move(message);
  throw InterfaceError(std::move(info));
}

// Whether values of `stored` read back as the C++ type `cpp` (Value::as rules).
bool readable_as(ValueType stored, ValueType cpp) {
  auto is_int = [](ValueType t) {
    return t == ValueType::int16 || t == ValueType::int32 || t == ValueType::int64;
  };
  if (stored == cpp) return true;
  if (is_int(stored) && is_int(cpp)) return true;  // checked narrowing on read
  if (cpp == ValueType::float64 && (stored == ValueType::float32 || stored == ValueType::decimal))
    return true;
  if (cpp == ValueType::decimal && is_int(stored)) return true;
  return false;
}

}  // namespace

ColumnBase::ColumnBase(const Table& table, std::string name, Field field)
    : table_(&table), name_(std::move(name)), field_(std::move(field)) {}

void ColumnBase::attach(ValueType cpp_type, bool cpp_optional) {
  const std::string where = "column " + table_->name() + "." + name_ + " (" + field_.kind() + ")";
  if (!readable_as(field_.type(), cpp_type))
    definition_error(where + " holds " + std::string(to_string(field_.type())) +
                     " values, which cannot be read as the column's C++ type (" +
                     std::string(to_string(cpp_type)) + ")");
  if (field_.is_nullable() && !cpp_optional)
    definition_error(where + " is nullable, so its C++ type must be std::optional<...>");
  if (!field_.is_nullable() && cpp_optional && !field_.is_generated())
    definition_error(where + " is declared std::optional but is NOT NULL; call .null() on the field");
  if (field_.type() == ValueType::array && field_.dimensions < 1)
    definition_error(where + " is an array with fewer than one dimension");
  auto& columns = const_cast<Table*>(table_)->columns_;
  if (std::any_of(columns.begin(), columns.end(), [&](const ColumnBase* c) { return c->name() == name_; }))
    definition_error(where + " is defined twice");
  columns.push_back(this);
}

Table::Table(std::string name) : name_(std::move(name)) {
  if (name_.empty()) definition_error("a table needs a name");
}

std::vector<const ColumnBase*> Table::primary_key() const {
  if (!composite_key_.empty()) return composite_key_;
  std::vector<const ColumnBase*> key;
  for (const ColumnBase* c : columns_)
    if (c->field().is_primary_key()) key.push_back(c);
  return key;
}

void Table::primary_key(std::initializer_list<const ColumnBase*> columns) {
  for (const ColumnBase* c : columns)
    if (&c->table() != this)
      definition_error("the primary key of " + name_ + " names a column of another table");
  composite_key_ = columns;
}

void Table::index(std::initializer_list<const ColumnBase*> columns, IndexDef options) {
  if (columns.size() == 0) definition_error("an index of " + name_ + " names no columns");
  options.columns = columns;
  indexes_.push_back(std::move(options));
}

void Table::unique_index(std::initializer_list<const ColumnBase*> columns, IndexDef options) {
  options.unique = true;
  index(columns, std::move(options));
}

Expr Table::all_columns() const {
  return Expr(std::make_shared<ast::Star>(name_));
}

const ColumnBase& Table::column_named(std::string_view name) const {
  for (const ColumnBase* c : columns_)
    if (c->name() == name) return *c;
  std::string names;
  for (const ColumnBase* c : columns_) names += (names.empty() ? "" : ", ") + c->name();
  definition_error("table " + name_ + " has no column '" + std::string(name) +
                   "'; its columns are: " + names);
}

ForeignKeyField::ForeignKeyField(const ColumnBase& target) : Field("ForeignKeyField", target.field().type()) {
  references(ForeignKeyRef{target.table().name(), target.name()});
}

}  // namespace lingo
