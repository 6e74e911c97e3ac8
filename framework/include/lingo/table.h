// Tables and typed columns: a model is defined once and runs on every dialect.
//
//     struct Account : lingo::Table {
//       lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
//       lingo::Column<std::string> owner = column("owner", lingo::TextField{}.unique());
//       lingo::Column<lingo::Decimal> balance = column("balance", lingo::DecimalField{14, 2});
//       lingo::Column<std::optional<lingo::TimestampTz>> closed = column("closed",
//       lingo::TimestampTzField{}.null()); Account() : Table("account") { index({&owner, &balance}); }
//     };
//     inline const Account account;
//
// A Column<T> is an expression whose value reads back as T. A nullable column
// must be declared Column<std::optional<T>>, and a NOT NULL one must not be:
// the mismatch is reported when the table is defined, not when a NULL shows up.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "lingo/expr.h"
#include "lingo/field.h"

namespace lingo {

class Table;

// What a column is, apart from its C++ type.
class ColumnBase {
 public:
  ColumnBase(const Table& table, std::string name, Field field);
  ColumnBase(const ColumnBase&) = delete;
  ColumnBase& operator=(const ColumnBase&) = delete;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const Field& field() const noexcept { return field_; }
  [[nodiscard]] const Table& table() const noexcept { return *table_; }

 protected:
  // Checks that the C++ type fits the field and registers the column.
  void attach(ValueType cpp_type, bool cpp_optional);

 private:
  const Table* table_;
  std::string name_;
  Field field_;
};

// Returned by Table::column(); becomes a Column<T> in the member declaration.
struct ColumnDef {
  Table* table;
  std::string name;
  Field field;
};

template <class T>
class Column : public TypedExpr<T>, public ColumnBase {
 public:
  Column(ColumnDef def)  // NOLINT(google-explicit-constructor): the declaration syntax above
      : TypedExpr<T>(std::make_shared<ast::Column>(table_name(*def.table), def.name, def.field.custom())),
        ColumnBase(*def.table, std::move(def.name), std::move(def.field)) {
    using Base = typename detail::strip_optional<T>::type;
    attach(detail::element_type_of<Base>(), detail::optional_traits<T>::is_optional);
  }

 private:
  static const std::string& table_name(const Table& t);
};

// Every member has a default, so designated initializers may name only what
// they need: index({&a, &b}, {.name = "a_b", .where = "deleted IS NULL"}).
struct IndexDef {
  std::string name{};  // generated when empty: <table>_<col>_<col>
  std::vector<const ColumnBase*> columns{};
  bool unique = false;
  std::string method{};  // "GIN"; empty for the dialect's default
  std::string where{};   // a partial index's condition, SQL from the program
};

class Table {
 public:
  explicit Table(std::string name);
  virtual ~Table() = default;
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::vector<const ColumnBase*>& columns() const noexcept { return columns_; }
  // The primary key columns: a composite key, or the column marked primary_key().
  [[nodiscard]] std::vector<const ColumnBase*> primary_key() const;
  [[nodiscard]] const std::vector<IndexDef>& indexes() const noexcept { return indexes_; }
  // "table".* for select lists.
  [[nodiscard]] Expr all_columns() const;
  // Throws InterfaceError naming the columns that exist.
  [[nodiscard]] const ColumnBase& column_named(std::string_view name) const;

 protected:
  ColumnDef column(std::string name, Field field) { return {this, std::move(name), std::move(field)}; }
  // A primary key over several columns.
  void primary_key(std::initializer_list<const ColumnBase*> columns);
  void index(std::initializer_list<const ColumnBase*> columns, IndexDef options = {});
  void unique_index(std::initializer_list<const ColumnBase*> columns, IndexDef options = {});

 private:
  friend class ColumnBase;
  std::string name_;
  std::vector<const ColumnBase*> columns_;
  std::vector<const ColumnBase*> composite_key_;
  std::vector<IndexDef> indexes_;
};

template <class T>
const std::string& Column<T>::table_name(const Table& t) {
  return t.name();
}

}  // namespace lingo
