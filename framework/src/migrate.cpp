// SchemaEditor: records schema changes, checks them, and has the dialect make
// them in the transactions the dialect allows.
#include "lingo/migrate.h"

#include "lingo/compiler.h"
#include "lingo/database.h"
#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/table.h"
#include "schema_batch.h"

namespace lingo {

std::string_view to_string(SchemaChange::Kind kind) noexcept {
  using Kind = SchemaChange::Kind;
  switch (kind) {
    case Kind::add_column:
      return "add_column";
    case Kind::drop_column:
      return "drop_column";
    case Kind::rename_column:
      return "rename_column";
    case Kind::rename_table:
      return "rename_table";
    case Kind::alter_type:
      return "alter_column_type";
    case Kind::add_not_null:
      return "add_not_null";
    case Kind::drop_not_null:
      return "drop_not_null";
    case Kind::set_default:
      return "set_default";
    case Kind::drop_default:
      return "drop_default";
    case Kind::add_index:
      return "add_index";
    case Kind::drop_index:
      return "drop_index";
    case Kind::add_foreign_key:
      return "add_foreign_key";
  }
  return "schema change";
}

void Dialect::alter(Connection& conn, const SchemaChange& change) const {
  std::vector<std::string> statements;
  compiler().alter(change, statements);
  for (const auto& sql : statements) conn.execute(sql, {});
}

namespace {

[[noreturn]] void refuse(const SchemaChange& change, const std::string& why) {
  throw_error<InterfaceError>(std::string(to_string(change.kind)) + " on table \"" + change.table +
                              "\": " + why);
}

}  // namespace

SchemaEditor& SchemaEditor::add(SchemaChange change) {
  using Kind = SchemaChange::Kind;
  if (change.table.empty()) refuse(change, "no table named");
  const bool needs_column =
      change.kind != Kind::rename_table && change.kind != Kind::add_index && change.kind != Kind::drop_index;
  if (needs_column && change.column.empty()) refuse(change, "no column named");
  if ((change.kind == Kind::rename_column || change.kind == Kind::rename_table) && change.new_name.empty())
    refuse(change, "no new name given");
  if (change.kind == Kind::add_index && change.columns.empty()) refuse(change, "an index needs columns");
  if (change.kind == Kind::drop_index && change.name.empty()) refuse(change, "no index named");
  if (change.kind == Kind::set_default && !change.default_value && change.default_sql.empty())
    refuse(change, "no default given");
  if (change.kind == Kind::add_index && change.name.empty())
    change.name = Compiler::default_index_name(change.table, change.columns);
  // A kind the dialect cannot store is refused now, before anything is sent.
  if (change.field) (void)db_->compiler().column_type(*change.field);
  record(std::move(change));
  return *this;
}

SchemaEditor& SchemaEditor::add_column(std::string table, std::string column, Field field) {
  return add({.kind = SchemaChange::Kind::add_column,
              .table = std::move(table),
              .column = std::move(column),
              .field = std::move(field)});
}

SchemaEditor& SchemaEditor::add_column(const ColumnBase& column) {
  return add_column(column.table().name(), column.name(), column.field());
}

SchemaEditor& SchemaEditor::drop_column(std::string table, std::string column) {
  return add(
      {.kind = SchemaChange::Kind::drop_column, .table = std::move(table), .column = std::move(column)});
}

SchemaEditor& SchemaEditor::rename_column(std::string table, std::string column, std::string new_name) {
  return add({.kind = SchemaChange::Kind::rename_column,
              .table = std::move(table),
              .column = std::move(column),
              .new_name = std::move(new_name)});
}

SchemaEditor& SchemaEditor::rename_table(std::string table, std::string new_name) {
  return add(
      {.kind = SchemaChange::Kind::rename_table, .table = std::move(table), .new_name = std::move(new_name)});
}

SchemaEditor& SchemaEditor::alter_column_type(std::string table, std::string column, Field field) {
  return add({.kind = SchemaChange::Kind::alter_type,
              .table = std::move(table),
              .column = std::move(column),
              .field = std::move(field)});
}

SchemaEditor& SchemaEditor::add_not_null(std::string table, std::string column) {
  return add(
      {.kind = SchemaChange::Kind::add_not_null, .table = std::move(table), .column = std::move(column)});
}

SchemaEditor& SchemaEditor::drop_not_null(std::string table, std::string column) {
  return add(
      {.kind = SchemaChange::Kind::drop_not_null, .table = std::move(table), .column = std::move(column)});
}

SchemaEditor& SchemaEditor::set_default(std::string table, std::string column, Value value) {
  return add({.kind = SchemaChange::Kind::set_default,
              .table = std::move(table),
              .column = std::move(column),
              .default_value = std::move(value)});
}

SchemaEditor& SchemaEditor::set_default_sql(std::string table, std::string column, std::string sql) {
  return add({.kind = SchemaChange::Kind::set_default,
              .table = std::move(table),
              .column = std::move(column),
              .default_sql = std::move(sql)});
}

SchemaEditor& SchemaEditor::drop_default(std::string table, std::string column) {
  return add(
      {.kind = SchemaChange::Kind::drop_default, .table = std::move(table), .column = std::move(column)});
}

SchemaEditor& SchemaEditor::add_index(std::string table, std::vector<std::string> columns,
                                      IndexOptions options) {
  return add({.kind = SchemaChange::Kind::add_index,
              .table = std::move(table),
              .name = std::move(options.name),
              .columns = std::move(columns),
              .unique = options.unique,
              .method = std::move(options.method),
              .where = std::move(options.where)});
}

SchemaEditor& SchemaEditor::drop_index(std::string table, std::string name) {
  return add({.kind = SchemaChange::Kind::drop_index, .table = std::move(table), .name = std::move(name)});
}

SchemaEditor& SchemaEditor::add_foreign_key(std::string table, std::string column, std::string dest_table,
                                            std::string dest_column, ReferentialAction on_delete,
                                            ReferentialAction on_update, std::string name) {
  return add({.kind = SchemaChange::Kind::add_foreign_key,
              .table = std::move(table),
              .column = std::move(column),
              .name = std::move(name),
              .references = {std::move(dest_table), std::move(dest_column), on_delete, on_update}});
}

void SchemaEditor::apply() {
  applied_ = 0;
  if (db_->in_transaction()) {
    throw_error<InterfaceError>(
        "SchemaEditor::apply() inside a transaction: schema changes run in transactions of their own (all "
        "together where the dialect's DDL is transactional, one by one on CockroachDB); apply them outside "
        "atomic() and transaction()");
  }
  if (changes_.empty()) return;
  const Dialect& dialect = db_->dialect();
  around_schema_changes(*db_, [&] {
    if (dialect.transactional_ddl()) {
      in_schema_transaction(*db_, [&] {
        for (const auto& change : changes_) dialect.alter(db_->connection(), change);
      });
      applied_ = changes_.size();
    } else {
      for (const auto& change : changes_) {
        dialect.alter(db_->connection(), change);
        ++applied_;
      }
    }
  });
}

void around_schema_changes(Database& db, const std::function<void()>& batch) {
  const Dialect& dialect = db.dialect();
  dialect.before_schema_changes(db.connection());
  try {
    batch();
  } catch (...) {
    dialect.after_schema_changes(db.connection());
    throw;
  }
  dialect.after_schema_changes(db.connection());
}

void in_schema_transaction(Database& db, const std::function<void()>& changes) {
  db.atomic([&] {
    changes();
    db.dialect().check_schema_changes(db.connection());
  });
}

}  // namespace lingo
