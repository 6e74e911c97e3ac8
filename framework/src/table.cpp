#include "lingo/table.h"

#include <algorithm>
#include <optional>

#include "lingo/errors.h"

namespace lingo {
namespace {

// The alias the next Table constructed on this thread takes (lingo::alias),
// and the name that table must have.
struct PendingAlias {
  std::string alias;
  std::string of;
};
thread_local std::optional<PendingAlias> pending_alias;

}  // namespace

namespace detail {

AliasScope::AliasScope(const Table& of, std::string alias) {
  pending_alias = PendingAlias{std::move(alias), of.name()};
}

AliasScope::~AliasScope() {
  pending_alias.reset();
}

}  // namespace detail

ColumnBase::ColumnBase(const Table& table, std::string name, Field field)
    : table_(&table), name_(std::move(name)), field_(std::move(field)) {}

// A mistake found here is kept, not thrown: columns are built during static
// initialization, where an exception ends the program before main() can
// catch it. Table::check() reports it at the table's first use.
void ColumnBase::attach(ValueType cpp_type, bool cpp_optional) {
  auto& table = const_cast<Table&>(*table_);
  const std::string where = "column " + table_->name() + "." + name_ + " (" + field_.kind() + ")";
  if (!detail::readable_as(field_.type(), cpp_type))
    table.problem(where + " holds " + std::string(to_string(field_.type())) +
                  " values, which cannot be read as the column's C++ type (" + std::string(to_string(cpp_type)) +
                  ")");
  if (field_.is_nullable() && !cpp_optional)
    table.problem(where + " is nullable, so its C++ type must be std::optional<...>");
  if (!field_.is_nullable() && cpp_optional && !field_.is_generated())
    table.problem(where + " is declared std::optional but is NOT NULL; call .null() on the field");
  if (field_.type() == ValueType::array && field_.dimensions < 1)
    table.problem(where + " is an array with fewer than one dimension");
  if (std::any_of(table.columns_.begin(), table.columns_.end(),
                  [&](const ColumnBase* c) { return c->name() == name_; }))
    table.problem(where + " is defined twice");
  table.columns_.push_back(this);
}

Table::Table(std::string name) : name_(std::move(name)) {
  if (pending_alias) {
    PendingAlias pending = std::move(*pending_alias);
    pending_alias.reset();  // a table the model's constructor builds is not the alias
    if (name_ != pending.of)
      problem("lingo::alias(" + pending.of + ", \"" + pending.alias + "\") constructed a table named " + name_ +
              ": the model's default constructor must name the table it was given");
    if (pending.alias.empty()) problem("lingo::alias(" + pending.of + ", ...) needs a name");
    alias_ = std::move(pending.alias);
  }
  if (name_.empty()) problem("a table needs a name");
}

void Table::problem(std::string message) {
  if (problem_.empty()) problem_ = std::move(message);
}

void Table::check() const {
  if (!problem_.empty())
    throw_error<InterfaceError>("the model of table " + name_ + " is wrong: " + problem_);
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
    if (&c->table() != this) problem("the primary key of " + name_ + " names a column of another table");
  composite_key_ = columns;
}

void Table::index(std::initializer_list<const ColumnBase*> columns, IndexDef options) {
  if (columns.size() == 0) problem("an index of " + name_ + " names no columns");
  options.columns = columns;
  indexes_.push_back(std::move(options));
}

void Table::unique_index(std::initializer_list<const ColumnBase*> columns, IndexDef options) {
  options.unique = true;
  index(columns, std::move(options));
}

Expr Table::all_columns() const {
  return Expr(std::make_shared<ast::Star>(qualifier()));
}

const ColumnBase& Table::column_named(std::string_view name) const {
  for (const ColumnBase* c : columns_)
    if (c->name() == name) return *c;
  std::string names;
  for (const ColumnBase* c : columns_) names += (names.empty() ? "" : ", ") + c->name();
  throw_error<InterfaceError>("table " + name_ + " has no column '" + std::string(name) +
                              "'; its columns are: " + names);
}

ForeignKeyField::ForeignKeyField(const ColumnBase& target) : Field("ForeignKeyField", target.field().type()) {
  references(ForeignKeyRef{target.table().name(), target.name()});
}

}  // namespace lingo
