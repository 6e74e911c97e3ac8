// The query builders: SELECT, INSERT, UPDATE, DELETE as data, compiled by the
// database's dialect and run with every value bound.
//
//     auto rows = db.select(account.id, account.balance)
//                   .from(account)
//                   .where(account.balance > lingo::Decimal("100") && account.owner.like("h%"))
//                   .order_by(account.balance.desc())
//                   .limit(10)
//                   .all();
//     for (const lingo::Row row : rows) use(row[account.id], row[account.balance]);
//
// Builders are values: each call changes the builder and returns it, and a
// copy is independent of the original.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lingo/expr.h"
#include "lingo/result.h"
#include "lingo/table.h"

namespace lingo {

class Database;
class Compiler;

struct CompiledQuery {
  std::string sql;
  std::vector<Value> params;
};

struct FromItem {
  std::string table;  // a table name, or the alias of a subquery
  std::string alias;
  std::shared_ptr<const SelectData> subquery;
};

enum class JoinType : std::uint8_t { inner, left, cross };

struct JoinItem {
  JoinType type;
  FromItem target;
  ast::NodePtr on;
};

struct CommonTable {
  std::string name;
  std::shared_ptr<const SelectData> query;
};

struct SelectData {
  std::vector<CommonTable> ctes;
  bool distinct = false;
  std::vector<ast::NodePtr> columns;  // empty: *
  std::optional<FromItem> from;
  std::vector<JoinItem> joins;
  ast::NodePtr where;
  std::vector<ast::NodePtr> group_by;
  ast::NodePtr having;
  std::vector<Ordering> order_by;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  bool for_update = false;
  std::vector<std::pair<bool, std::shared_ptr<const SelectData>>> unions;  // (ALL?, query)
};

enum class ConflictAction : std::uint8_t { none, ignore, update, replace };

struct Assignment {
  const ColumnBase* column;
  ast::NodePtr value;
};

struct InsertData {
  const Table* table = nullptr;
  std::vector<const ColumnBase*> columns;
  std::vector<std::vector<ast::NodePtr>> rows;
  std::shared_ptr<const SelectData> from_select;
  ConflictAction on_conflict = ConflictAction::none;
  std::vector<const ColumnBase*> conflict_target;
  std::vector<Assignment> conflict_updates;
  ast::NodePtr conflict_where;
  std::vector<ast::NodePtr> returning;
};

struct UpdateData {
  const Table* table = nullptr;
  std::vector<Assignment> assignments;
  ast::NodePtr where;
  std::vector<ast::NodePtr> returning;
};

struct DeleteData {
  const Table* table = nullptr;
  ast::NodePtr where;
  std::vector<ast::NodePtr> returning;
};

// What the four builders share: the database they run on and the running of it.
class QueryBase {
 public:
  explicit QueryBase(Database* db) noexcept : db_(db) {}
  // Runs the statement and returns every row (RETURNING rows for writes).
  [[nodiscard]] Result all() const;
  Result execute() const { return all(); }
  // The result, checked to hold exactly one row: DoesNotExist on none,
  // MultipleRowsReturned on several.
  [[nodiscard]] Row one_row() const;
  [[nodiscard]] CompiledQuery compile() const;
  virtual ~QueryBase() = default;

 protected:
  virtual void compile_into(const Compiler& c, CompiledQuery& out) const = 0;
  [[nodiscard]] Database& database() const;
  Database* db_;
};

class Select : public QueryBase {
 public:
  explicit Select(Database* db, std::vector<ast::NodePtr> columns = {});
  template <class... E>
  Select& columns(const E&... exprs) {
    mut().columns = {exprs.node()...};
    return *this;
  }
  Select& distinct(bool on = true) { mut().distinct = on; return *this; }
  Select& from(const Table& table, std::string alias = {});
  Select& from(const Select& subquery, std::string alias);
  Select& join(const Table& table, const TypedExpr<bool>& on, JoinType type = JoinType::inner);
  Select& left_join(const Table& table, const TypedExpr<bool>& on) { return join(table, on, JoinType::left); }
  Select& cross_join(const Table& table);
  // Combined with AND when called again.
  Select& where(const TypedExpr<bool>& condition);
  template <class... E>
  Select& group_by(const E&... exprs) {
    (mut().group_by.push_back(exprs.node()), ...);
    return *this;
  }
  Select& having(const TypedExpr<bool>& condition);
  Select& order_by(std::initializer_list<Ordering> orderings);
  Select& order_by(const Ordering& ordering) { mut().order_by.push_back(ordering); return *this; }
  Select& limit(std::int64_t n) { mut().limit = n; return *this; }
  Select& offset(std::int64_t n) { mut().offset = n; return *this; }
  Select& for_update(bool on = true) { mut().for_update = on; return *this; }
  Select& union_(const Select& other) { mut().unions.emplace_back(false, other.data_); return *this; }
  Select& union_all(const Select& other) { mut().unions.emplace_back(true, other.data_); return *this; }
  Select& with(std::string name, const Select& query);

  // The only row; DoesNotExist on none, MultipleRowsReturned on several.
  [[nodiscard]] Row one() const;
  // The first row, if any. Rows from one() and first() keep their result alive.
  [[nodiscard]] std::optional<Row> first() const;
  template <class T>
  [[nodiscard]] T scalar() const {
    return all().template scalar<T>();
  }
  // SELECT count(*) over this query.
  [[nodiscard]] std::int64_t count() const;
  [[nodiscard]] bool exists() const;

  [[nodiscard]] const std::shared_ptr<const SelectData>& data() const noexcept { return cdata_; }

 private:
  void compile_into(const Compiler& c, CompiledQuery& out) const override;
  SelectData& mut();
  std::shared_ptr<SelectData> data_;
  std::shared_ptr<const SelectData> cdata_;  // the same object, for readers
};

class Insert : public QueryBase {
 public:
  Insert(Database* db, const Table& table);
  // One row, column by column.
  template <class T, class V>
  Insert& set(const Column<T>& column, const V& value) {
    add_value(column, detail::operand(value));
    return *this;
  }
  // A value for a column given only as a ColumnBase (mappings use this).
  Insert& set_value(const ColumnBase& column, Value value) {
    add_value(column, std::make_shared<ast::Param>(std::move(value)));
    return *this;
  }
  // Several rows: name the columns, then give each row's values in that order.
  Insert& columns(std::initializer_list<const ColumnBase*> columns);
  Insert& row(std::vector<Value> values);
  Insert& from_select(std::initializer_list<const ColumnBase*> columns, const Select& query);
  Insert& on_conflict_ignore(std::initializer_list<const ColumnBase*> target = {});
  Insert& on_conflict_replace();
  // ON CONFLICT (target) DO UPDATE SET ...; use excluded(column) for the proposed row's value.
  Insert& on_conflict_update(std::initializer_list<const ColumnBase*> target);
  template <class T, class V>
  Insert& update_set(const Column<T>& column, const V& value) {
    data_.conflict_updates.push_back({&column, detail::operand(value)});
    return *this;
  }
  template <class... E>
  Insert& returning(const E&... exprs) {
    data_.returning = {exprs.node()...};
    return *this;
  }
  [[nodiscard]] Row one() const;
  // The generated key of a one-row insert (RETURNING the primary key), if a row was inserted.
  [[nodiscard]] std::optional<Value> execute_returning_key();
  [[nodiscard]] const InsertData& data() const noexcept { return data_; }

 private:
  void add_value(const ColumnBase& column, ast::NodePtr value);
  void compile_into(const Compiler& c, CompiledQuery& out) const override;
  InsertData data_;
};

// EXCLUDED.column: the value a conflicting insert proposed.
template <class T>
[[nodiscard]] TypedExpr<T> excluded(const Column<T>& column) {
  return TypedExpr<T>(std::make_shared<ast::Excluded>(column.name()));
}

class Update : public QueryBase {
 public:
  Update(Database* db, const Table& table);
  template <class T, class V>
  Update& set(const Column<T>& column, const V& value) {
    data_.assignments.push_back({&column, detail::operand(value)});
    return *this;
  }
  Update& set_value(const ColumnBase& column, Value value) {
    data_.assignments.push_back({&column, std::make_shared<ast::Param>(std::move(value))});
    return *this;
  }
  Update& where(const TypedExpr<bool>& condition);
  template <class... E>
  Update& returning(const E&... exprs) {
    data_.returning = {exprs.node()...};
    return *this;
  }
  [[nodiscard]] Row one() const;
  [[nodiscard]] const UpdateData& data() const noexcept { return data_; }

 private:
  void compile_into(const Compiler& c, CompiledQuery& out) const override;
  UpdateData data_;
};

class Delete : public QueryBase {
 public:
  Delete(Database* db, const Table& table);
  Delete& where(const TypedExpr<bool>& condition);
  template <class... E>
  Delete& returning(const E&... exprs) {
    data_.returning = {exprs.node()...};
    return *this;
  }
  [[nodiscard]] Row one() const;
  [[nodiscard]] const DeleteData& data() const noexcept { return data_; }

 private:
  void compile_into(const Compiler& c, CompiledQuery& out) const override;
  DeleteData data_;
};

template <class T>
TypedExpr<bool> TypedExpr<T>::in(const Select& query) const {
  return TypedExpr<bool>(std::make_shared<ast::InSelect>(node_, query.data(), false));
}
template <class T>
TypedExpr<bool> TypedExpr<T>::not_in(const Select& query) const {
  return TypedExpr<bool>(std::make_shared<ast::InSelect>(node_, query.data(), true));
}
template <class T>
TypedExpr<T> subquery(const Select& query) {
  return TypedExpr<T>(std::make_shared<ast::Subquery>(query.data()));
}

}  // namespace lingo
