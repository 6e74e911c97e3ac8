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
// A Column<T> is an expression whose value reads back as T. A field kind whose
// values T cannot hold (a TextField as Column<std::int32_t>) does not compile.
// A nullable column must be declared Column<std::optional<T>>, and a NOT NULL
// one must not be; since null() is chosen at run time, that mismatch is
// reported when the table is first used (a query, create_tables), never
// during static initialization, where nothing could catch it.
//
// lingo::alias(table, "name") is the same table under another name, with
// typed columns of its own, for self-joins:
//     auto boss = lingo::alias(employee, "boss");
//     db.select(employee.name, boss.name).from(employee).join(boss, employee.boss_id == boss.id);
#pragma once

#include <concepts>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include "lingo/export.h"
#include "lingo/expr.h"
#include "lingo/field.h"

namespace lingo {

class Table;

// What a column is, apart from its C++ type.
class LINGO_API ColumnBase {
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
struct LINGO_API ColumnDef {
  Table* table;
  std::string name;
  Field field;
};
// The same, remembering the field's kind (AutoField, TextField, ...) when it
// is still known at compile time: before null(), unique() and the like, which
// return a plain Field.
template <class F>
struct KindedColumnDef : ColumnDef {};

namespace detail {
// Whether values of `stored` read back as the C++ type `cpp` (Value::as's rules).
constexpr bool readable_as(ValueType stored, ValueType cpp) {
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
template <class F>
concept static_kind = std::derived_from<F, Field> && requires {
  F::values;
};
// Whether `cpp` is an integer type narrower than the integer values `stored`.
constexpr bool narrower_integer(ValueType cpp, ValueType stored) {
  auto rank = [](ValueType t) {
    return t == ValueType::int16 ? 1 : t == ValueType::int32 ? 2 : t == ValueType::int64 ? 3 : 0;
  };
  return rank(cpp) != 0 && rank(stored) != 0 && rank(cpp) < rank(stored);
}
}  // namespace detail

template <class T>
class Column : public TypedExpr<T>, public ColumnBase {
 public:
  Column(ColumnDef def)  // NOLINT(google-explicit-constructor): the declaration syntax above
      : TypedExpr<T>(std::make_shared<ast::Column>(qualifier(*def.table), def.name, def.field.custom())),
        ColumnBase(*def.table, std::move(def.name), std::move(def.field)) {
    attach(detail::element_type_of<Base>(), detail::optional_traits<T>::is_optional);
  }
  template <class F>
  Column(KindedColumnDef<F> def)  // NOLINT(google-explicit-constructor)
      : Column(static_cast<ColumnDef&&>(def)) {
    if constexpr (detail::static_kind<F>)
      static_assert(detail::readable_as(F::values, detail::element_type_of<Base>()),
                    "lingo::Column<T>: this field kind's values cannot be read as T (the instantiation names "
                    "T and the kind F): declare the column with the C++ type of the kind's values, e.g. "
                    "Column<std::int64_t> for a BigAutoField, Column<std::string> for a TextField");
    if constexpr (detail::static_kind<F> && requires { F::generates_key; })
      static_assert(!detail::narrower_integer(detail::element_type_of<Base>(), F::values),
                    "lingo::Column<T>: a generated key's C++ type must hold every key the database makes "
                    "(the instantiation names T and the kind F): Column<std::int64_t> for BigAutoField and "
                    "RowIDField");
  }

 private:
  using Base = typename detail::strip_optional<T>::type;
  static const std::string& qualifier(const Table& t);
};

// Every member has a default, so designated initializers may name only what
// they need: index({&a, &b}, {.name = "a_b", .where = "deleted IS NULL"}).
struct LINGO_API IndexDef {
  std::string name{};  // generated when empty: <table>_<col>_<col>
  std::vector<const ColumnBase*> columns{};
  bool unique = false;
  std::string method{};  // "GIN"; empty for the dialect's default
  std::string where{};   // a partial index's condition, SQL from the program
};

class LINGO_API Table {
 public:
  explicit Table(std::string name);
  virtual ~Table() = default;
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // The name this object's columns are qualified by: its alias (see
  // lingo::alias), or else the table's name.
  [[nodiscard]] const std::string& alias() const noexcept { return alias_; }
  [[nodiscard]] const std::string& qualifier() const noexcept { return alias_.empty() ? name_ : alias_; }
  // InterfaceError naming the first mistake in the model's definition (a
  // nullable field on a column that is not std::optional, a column defined
  // twice, ...); every query builder and create_tables call it first.
  void check() const;
  [[nodiscard]] const std::vector<const ColumnBase*>& columns() const noexcept { return columns_; }
  // The primary key columns: a composite key, or the column marked primary_key().
  [[nodiscard]] std::vector<const ColumnBase*> primary_key() const;
  [[nodiscard]] const std::vector<IndexDef>& indexes() const noexcept { return indexes_; }
  // "table".* for select lists.
  [[nodiscard]] Expr all_columns() const;
  // Throws InterfaceError naming the columns that exist.
  [[nodiscard]] const ColumnBase& column_named(std::string_view name) const;

 protected:
  template <std::derived_from<Field> F>
  KindedColumnDef<F> column(std::string name, F field) {
    return {{this, std::move(name), std::move(field)}};
  }
  // A primary key over several columns.
  void primary_key(std::initializer_list<const ColumnBase*> columns);
  void index(std::initializer_list<const ColumnBase*> columns, IndexDef options = {});
  void unique_index(std::initializer_list<const ColumnBase*> columns, IndexDef options = {});

 private:
  friend class ColumnBase;
  void problem(std::string message);
  std::string name_;
  std::string alias_;
  std::string problem_;  // the first definition mistake, reported by check()
  std::vector<const ColumnBase*> columns_;
  std::vector<const ColumnBase*> composite_key_;
  std::vector<IndexDef> indexes_;
};

template <class T>
const std::string& Column<T>::qualifier(const Table& t) {
  return t.qualifier();
}

namespace detail {
// Makes the next Table constructed on this thread an alias; see lingo::alias.
class LINGO_API AliasScope {
 public:
  AliasScope(const Table& of, std::string alias);
  ~AliasScope();
  AliasScope(const AliasScope&) = delete;
  AliasScope& operator=(const AliasScope&) = delete;
};
}  // namespace detail

// The table under another name, as a new object of the model's own type whose
// columns are qualified by the alias: `FROM "employee" AS "boss"`, and
// "boss"."id" wherever boss.id appears. It is for reading (select, join,
// subqueries); inserting, updating or deleting through it is refused.
template <class T>
[[nodiscard]] T alias(const T& table, std::string name) {
  static_assert(std::is_base_of_v<Table, T> && std::is_default_constructible_v<T>,
                "lingo::alias(table, name): the model must derive from lingo::Table and have a default "
                "constructor (it is constructed again, under the alias)");
  const detail::AliasScope scope(table, std::move(name));
  return T();
}

}  // namespace lingo
