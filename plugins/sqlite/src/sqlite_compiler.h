// SQLite's SQL: the standard compiler with SQLite's type names (exact
// decimals in DECIMAL_TEXT columns), INSERT OR REPLACE, and clear refusals of
// what SQLite lacks (FOR UPDATE, ILIKE, JSONB and array operators, index
// methods, arrays).
#pragma once

#include "lingo/compiler.h"

namespace lingo::sqlite {

class SqliteCompiler final : public Compiler {
 public:
  SqliteCompiler();

  void insert(const InsertData& q, SqlWriter& w) const override;
  void create_index(const Table& t, const IndexDef& index, bool safe, SqlWriter& w) const override;
  void drop_table(const Table& t, bool safe, bool cascade, SqlWriter& w) const override;
  void locking(const SelectData& q, SqlWriter& w) const override;
  [[nodiscard]] std::string_view binary_operator(ast::BinaryOp op) const override;
  // strftime('%Y', x) and friends; datetime(x, 'unixepoch').
  void date(const ast::Date& node, SqlWriter& w) const override;
  [[nodiscard]] bool parenthesize_compound() const noexcept override { return false; }
  // `"name" TYPE NOT NULL ...`: a column as CREATE TABLE declares it, for the
  // table rebuild (sqlite_alter.cpp).
  [[nodiscard]] std::string column_sql(std::string_view name, const Field& field) const;
};

}  // namespace lingo::sqlite
