// The SQL compiler: turns query data into SQL text and a parameter list.
//
// The base class writes standard SQL with $n placeholders; a dialect derives
// from it and overrides only what it spells differently (an operator it lacks,
// an upsert form, its type names). A Compiler holds no per-query state, so one
// object per dialect serves every thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lingo/ast.h"
#include "lingo/export.h"
#include "lingo/query.h"
#include "lingo/schema_change.h"
#include "lingo/table.h"

namespace lingo {

class Compiler;

// Where a statement is written while it is compiled.
struct LINGO_API SqlWriter {
  std::string& sql;
  std::vector<Value>& params;
  std::vector<ArgumentSlot>* arguments = nullptr;  // null: lingo::arg is refused
};

// Field kind -> column type DDL, filled by each dialect.
class LINGO_API FieldTypes {
 public:
  using Spell = std::function<std::string(const Field&)>;
  void add(std::string kind, Spell spell) { spells_[std::move(kind)] = std::move(spell); }
  void add(std::string kind, std::string type) {
    spells_[std::move(kind)] = [type = std::move(type)](const Field&) { return type; };
  }
  [[nodiscard]] const Spell* find(const std::string& kind) const {
    auto it = spells_.find(kind);
    return it == spells_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] std::string kinds() const;  // "AutoField, BigAutoField, ..."

 private:
  std::map<std::string, Spell> spells_;
};

struct LINGO_API CreateTableOptions {
  bool safe = false;  // IF NOT EXISTS
};

class LINGO_API Compiler {
 public:
  explicit Compiler(std::string dialect) : dialect_(std::move(dialect)) {}
  virtual ~Compiler() = default;
  Compiler(const Compiler&) = delete;
  Compiler& operator=(const Compiler&) = delete;

  [[nodiscard]] const std::string& dialect() const noexcept { return dialect_; }
  [[nodiscard]] const FieldTypes& field_types() const noexcept { return field_types_; }

  // Statements.
  virtual void select(const SelectData& q, SqlWriter& w) const;
  virtual void insert(const InsertData& q, SqlWriter& w) const;
  // `"table" ("column", ...)`: what INSERT INTO and a bulk COPY name.
  void insert_target(const InsertData& q, std::string& out) const;
  virtual void update(const UpdateData& q, SqlWriter& w) const;
  virtual void remove(const DeleteData& q, SqlWriter& w) const;
  virtual void create_table(const Table& t, const CreateTableOptions& options, SqlWriter& w) const;
  virtual void create_index(const Table& t, const IndexDef& index, bool safe, SqlWriter& w) const;
  virtual void drop_table(const Table& t, bool safe, bool cascade, SqlWriter& w) const;
  // The statements that make one schema change (lingo/schema_change.h), in
  // standard SQL: ALTER TABLE ... ADD COLUMN, RENAME COLUMN, ALTER COLUMN ...
  // TYPE / SET NOT NULL / SET DEFAULT, ADD CONSTRAINT ... FOREIGN KEY, CREATE
  // and DROP INDEX. A dialect respells what differs.
  virtual void alter(const SchemaChange& change, std::vector<std::string>& statements) const;

  // Pieces a dialect may respell.
  virtual void identifier(std::string_view name, std::string& out) const;  // "name"
  virtual void placeholder(std::size_t index, std::string& out) const;     // $1, $2, ...
  virtual void expr(const ast::Node& node, SqlWriter& w) const;
  virtual void binary(const ast::Binary& node, SqlWriter& w) const;
  virtual void function(const ast::Function& node, SqlWriter& w) const;
  virtual void cast(const ast::Cast& node, SqlWriter& w) const;
  // fn::extract and fn::from_timestamp: EXTRACT(PART FROM x), to_timestamp(x).
  virtual void date(const ast::Date& node, SqlWriter& w) const;
  virtual void limit_offset(const SelectData& q, SqlWriter& w) const;
  virtual void on_conflict(const InsertData& q, SqlWriter& w) const;
  virtual void returning(const std::vector<ast::NodePtr>& columns, SqlWriter& w) const;
  // " FOR UPDATE" / " FOR SHARE" for a locking read (q.lock is not none).
  virtual void locking(const SelectData& q, SqlWriter& w) const;
  // " AS OF SYSTEM TIME <time>"; the default is NotSupportedError.
  virtual void as_of_system_time(const SystemTime& time, SqlWriter& w) const;
  // The operator's SQL spelling; empty when the dialect has no such operator.
  [[nodiscard]] virtual std::string_view binary_operator(ast::BinaryOp op) const;
  // The type CAST uses for a value type.
  [[nodiscard]] virtual std::string cast_type(ValueType type) const;
  // The column type DDL for a field; NotSupportedError naming the kind, the
  // dialect and the kinds it provides when the dialect lacks it.
  [[nodiscard]] virtual std::string column_type(const Field& field) const;
  // A literal for DDL defaults, where parameters cannot go: quoted safely.
  virtual void literal(const Value& v, std::string& out) const;
  // A string literal in SQL text, safe under every server setting. The
  // default writes standard SQL ('it''s'); a dialect whose server may treat
  // backslashes as escapes overrides it (PostgreSQL: E'...').
  virtual void string_literal(std::string_view s, std::string& out) const;
  [[nodiscard]] virtual bool supports_returning() const noexcept { return true; }
  // Whether the members of a UNION are written in parentheses (SQLite forbids them).
  [[nodiscard]] virtual bool parenthesize_compound() const noexcept { return true; }

  // "CASCADE", "SET NULL", ...
  [[nodiscard]] static std::string_view action_sql(ReferentialAction a);
  // An index's name when none is given: <table>_<column>_<column>.
  [[nodiscard]] static std::string default_index_name(std::string_view table,
                                                      const std::vector<std::string>& columns);

  // Throws NotSupportedError naming the construct and this dialect.
  [[noreturn]] void not_supported(std::string_view construct, std::string_view advice = {}) const;

 protected:
  void param(const Value& v, SqlWriter& w) const;
  // A Param node: its value, or the slot of a prepared query's argument.
  void param_node(const ast::Param& p, const FieldKind* kind, SqlWriter& w) const;
  // Writes `value`, converting a bound value to the stored form when it meets
  // a column of an application-defined kind.
  void value_for(const ast::Node& value, const FieldKind* kind, SqlWriter& w) const;
  [[nodiscard]] static const FieldKind* kind_of(const ast::Node& node) noexcept;
  void expr_list(const std::vector<ast::NodePtr>& items, SqlWriter& w) const;
  void qualified(const ColumnBase& c, SqlWriter& w) const;
  void column_definition(const ColumnBase& c, bool inline_pk, SqlWriter& w) const;
  void column_definition(std::string_view name, const Field& f, bool inline_pk, SqlWriter& w) const;
  // CREATE [UNIQUE] INDEX name ON table [USING method] (columns) [WHERE ...].
  void index_statement(std::string_view table, std::string_view name, const std::vector<std::string>& columns,
                       bool unique, std::string_view method, std::string_view where, bool safe,
                       std::string& out) const;
  // The type an ALTER COLUMN ... TYPE clause names; the default is
  // column_type(field). PostgreSQL adds USING, for conversions without a cast.
  virtual void alter_type_clause(const SchemaChange& change, std::string& out) const;
  FieldTypes field_types_;

 private:
  std::string dialect_;
};

}  // namespace lingo
