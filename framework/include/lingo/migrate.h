// Changing a live schema: peewee's playhouse.migrate for every dialect.
//
//     lingo::SchemaEditor(db)
//         .add_column("account", "email", lingo::TextField{}.null())
//         .rename_column("account", "owner", "holder")
//         .add_index("account", {"holder"}, {.unique = true})
//         .apply();
//
// Each change is compiled by the database's dialect:
//   - PostgreSQL: ALTER TABLE and CREATE/DROP INDEX, all in one transaction,
//     so a batch that fails anywhere leaves the schema as it was.
//   - SQLite: ALTER TABLE where SQLite has it (add, rename), and otherwise
//     SQLite's documented table rebuild (new table, rows copied, old dropped,
//     new renamed, indexes and triggers made again, foreign keys checked);
//     all in one transaction too, with foreign key enforcement off around it.
//   - CockroachDB: each change in a transaction of its own, never with other
//     statements, since its online schema changes are not transactional the
//     way PostgreSQL's are. A batch that fails at change k leaves changes
//     1..k-1 in place; applied() says how many.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lingo/export.h"
#include "lingo/field.h"
#include "lingo/schema_change.h"
#include "lingo/value.h"

namespace lingo {

class ColumnBase;
class Database;

struct LINGO_API IndexOptions {
  std::string name{};  // empty: <table>_<column>_<column>
  bool unique = false;
  std::string method{};  // "GIN"; empty for the dialect's default
  std::string where{};   // a partial index's condition, SQL from the program
};

class LINGO_API SchemaEditor {
 public:
  explicit SchemaEditor(Database& db) : db_(&db) {}

  // A column as a model declares it (its NOT NULL, default, unique,
  // references), or the model's own column.
  SchemaEditor& add_column(std::string table, std::string column, Field field);
  SchemaEditor& add_column(const ColumnBase& column);
  SchemaEditor& drop_column(std::string table, std::string column);
  SchemaEditor& rename_column(std::string table, std::string column, std::string new_name);
  SchemaEditor& rename_table(std::string table, std::string new_name);
  // The column's type becomes the field's kind (its constraints are not
  // touched: use the calls below for those).
  SchemaEditor& alter_column_type(std::string table, std::string column, Field field);
  SchemaEditor& add_not_null(std::string table, std::string column);
  SchemaEditor& drop_not_null(std::string table, std::string column);
  SchemaEditor& set_default(std::string table, std::string column, Value value);
  // A default SQL expression, written as given (program text, never input).
  SchemaEditor& set_default_sql(std::string table, std::string column, std::string sql);
  SchemaEditor& drop_default(std::string table, std::string column);
  SchemaEditor& add_index(std::string table, std::vector<std::string> columns, IndexOptions options = {});
  SchemaEditor& drop_index(std::string table, std::string name);
  SchemaEditor& add_foreign_key(std::string table, std::string column, std::string dest_table,
                                std::string dest_column,
                                ReferentialAction on_delete = ReferentialAction::no_action,
                                ReferentialAction on_update = ReferentialAction::no_action,
                                std::string name = {});

  virtual ~SchemaEditor() = default;
  SchemaEditor(const SchemaEditor&) = delete;
  SchemaEditor& operator=(const SchemaEditor&) = delete;

  [[nodiscard]] const std::vector<SchemaChange>& changes() const noexcept { return changes_; }
  // Makes the changes, as the dialect does them (above). Outside any
  // transaction only: InterfaceError inside atomic() or transaction().
  // A change the dialect cannot make is refused before anything is sent.
  void apply();
  // How many changes are in place after apply(), whether it threw or not.
  [[nodiscard]] std::size_t applied() const noexcept { return applied_; }

 protected:
  // Where a checked change goes: changes() here; a MigrationPlan's steps there.
  virtual void record(SchemaChange change) { changes_.push_back(std::move(change)); }

 private:
  SchemaEditor& add(SchemaChange change);
  Database* db_;
  std::vector<SchemaChange> changes_;
  std::size_t applied_ = 0;
};

}  // namespace lingo
