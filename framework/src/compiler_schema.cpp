// The DDL half of the standard compiler: CREATE TABLE, CREATE INDEX, DROP
// TABLE, column types from the dialect's field registry, and the literals DDL
// defaults need (DDL takes no parameters, so values are quoted here, safely).
#include <boost/json/serialize.hpp>
#include <cmath>

#include "lingo/compiler.h"
#include "lingo/errors.h"

namespace lingo {

std::string Compiler::column_type(const Field& field) const {
  if (const auto* spell = field_types_.find(field.kind())) return (*spell)(field);
  // An application's kind is stored as the dialect's spelling of its storage kind.
  if (const auto& custom = field.custom()) return column_type(custom->storage);
  throw_error<NotSupportedError>("the field kind " + field.kind() + " is not provided by the " + dialect_ +
                                     " dialect; it provides: " + field_types_.kinds(),
                                 {.sqlstate = "0A000", .dialect = dialect_});
}

std::string Compiler::default_index_name(std::string_view table, const std::vector<std::string>& columns) {
  std::string name(table);
  for (const auto& c : columns) name += "_" + c;
  return name;
}

std::string_view Compiler::action_sql(ReferentialAction a) {
  switch (a) {
    case ReferentialAction::no_action:
      return "NO ACTION";
    case ReferentialAction::restrict:
      return "RESTRICT";
    case ReferentialAction::cascade:
      return "CASCADE";
    case ReferentialAction::set_null:
      return "SET NULL";
    case ReferentialAction::set_default:
      return "SET DEFAULT";
  }
  return "NO ACTION";
}

void Compiler::string_literal(std::string_view s, std::string& out) const {
  out += '\'';
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
}

void Compiler::literal(const Value& v, std::string& out) const {
  auto quoted = [&](std::string_view s) {
    if (s.find('\0') != std::string_view::npos) not_supported("a NUL byte in a DDL literal");
    string_literal(s, out);
  };
  switch (v.type()) {
    case ValueType::null:
      out += "NULL";
      return;
    case ValueType::boolean:
      out += std::get<bool>(v.storage()) ? "TRUE" : "FALSE";
      return;
    case ValueType::int16:
    case ValueType::int32:
    case ValueType::int64:
      out += v.to_string();
      return;
    case ValueType::float32:
    case ValueType::float64:
      if (!std::isfinite(v.as<double>())) not_supported("a NaN or infinite default");
      out += v.to_string();
      return;
    case ValueType::decimal:
      if (v.as<Decimal>().is_nan() || v.as<Decimal>().is_infinite())
        not_supported("a NaN or infinite default");
      out += v.to_string();
      return;
    case ValueType::bytes: {
      const std::string hex = v.to_string();  // \x...
      out += "X'";
      out += hex.substr(2);
      out += '\'';
      return;
    }
    case ValueType::json:
      quoted(boost::json::serialize(std::get<boost::json::value>(v.storage())));
      return;
    case ValueType::array:
      not_supported("an array default");
    default:
      quoted(v.to_string());
      return;
  }
}

void Compiler::column_definition(const ColumnBase& c, bool inline_pk, SqlWriter& w) const {
  column_definition(c.name(), c.field(), inline_pk, w);
}

void Compiler::column_definition(std::string_view name, const Field& f, bool inline_pk, SqlWriter& w) const {
  identifier(name, w.sql);
  w.sql += ' ';
  w.sql += column_type(f);
  if (!f.is_nullable()) w.sql += " NOT NULL";
  if (inline_pk && f.is_primary_key()) w.sql += " PRIMARY KEY";
  if (f.is_unique() && !f.is_primary_key()) w.sql += " UNIQUE";
  if (f.default_value()) {
    w.sql += " DEFAULT ";
    const auto& custom = f.custom();
    literal(custom && custom->to_db ? custom->to_db(*f.default_value()) : *f.default_value(), w.sql);
  } else if (!f.default_sql().empty()) {
    w.sql += " DEFAULT ";
    w.sql += f.default_sql();
  }
  if (!f.check().empty()) {
    w.sql += " CHECK (";
    w.sql += f.check();
    w.sql += ')';
  }
  if (const auto& ref = f.references()) {
    w.sql += " REFERENCES ";
    identifier(ref->table, w.sql);
    w.sql += " (";
    identifier(ref->column, w.sql);
    w.sql += ')';
    if (ref->on_delete != ReferentialAction::no_action) {
      w.sql += " ON DELETE ";
      w.sql += action_sql(ref->on_delete);
    }
    if (ref->on_update != ReferentialAction::no_action) {
      w.sql += " ON UPDATE ";
      w.sql += action_sql(ref->on_update);
    }
  }
}

void Compiler::create_table(const Table& t, const CreateTableOptions& options, SqlWriter& w) const {
  const auto key = t.primary_key();
  const bool composite = key.size() > 1;
  w.sql += options.safe ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ";
  identifier(t.name(), w.sql);
  w.sql += " (";
  for (std::size_t i = 0; i < t.columns().size(); ++i) {
    if (i) w.sql += ", ";
    column_definition(*t.columns()[i], !composite, w);
  }
  if (composite) {
    w.sql += ", PRIMARY KEY (";
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (i) w.sql += ", ";
      identifier(key[i]->name(), w.sql);
    }
    w.sql += ')';
  }
  w.sql += ')';
}

void Compiler::create_index(const Table& t, const IndexDef& index, bool safe, SqlWriter& w) const {
  std::vector<std::string> columns;
  for (const ColumnBase* c : index.columns) columns.push_back(c->name());
  const std::string name = index.name.empty() ? default_index_name(t.name(), columns) : index.name;
  index_statement(t.name(), name, columns, index.unique, index.method, index.where, safe, w.sql);
}

void Compiler::index_statement(std::string_view table, std::string_view name,
                               const std::vector<std::string>& columns, bool unique, std::string_view method,
                               std::string_view where, bool safe, std::string& out) const {
  out += unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  if (safe) out += "IF NOT EXISTS ";
  identifier(name, out);
  out += " ON ";
  identifier(table, out);
  if (!method.empty()) {
    out += " USING ";
    out += method;
  }
  out += " (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    identifier(columns[i], out);
  }
  out += ')';
  if (!where.empty()) {
    out += " WHERE ";
    out += where;
  }
}

void Compiler::alter_type_clause(const SchemaChange& change, std::string& out) const {
  out += column_type(*change.field);
}

void Compiler::alter(const SchemaChange& change, std::vector<std::string>& statements) const {
  using Kind = SchemaChange::Kind;
  std::string sql;
  if (change.kind == Kind::add_index) {
    index_statement(change.table, change.name, change.columns, change.unique, change.method, change.where,
                    false, sql);
    statements.push_back(std::move(sql));
    return;
  }
  if (change.kind == Kind::drop_index) {
    sql = "DROP INDEX ";
    identifier(change.name, sql);
    statements.push_back(std::move(sql));
    return;
  }
  sql = "ALTER TABLE ";
  identifier(change.table, sql);
  auto alter_column = [&](std::string_view what) {
    sql += " ALTER COLUMN ";
    identifier(change.column, sql);
    sql += what;
  };
  switch (change.kind) {
    case Kind::add_column: {
      sql += " ADD COLUMN ";
      std::vector<Value> no_params;  // DDL takes no parameters
      SqlWriter w{sql, no_params};
      column_definition(change.column, *change.field, true, w);
      break;
    }
    case Kind::drop_column:
      sql += " DROP COLUMN ";
      identifier(change.column, sql);
      break;
    case Kind::rename_column:
      sql += " RENAME COLUMN ";
      identifier(change.column, sql);
      sql += " TO ";
      identifier(change.new_name, sql);
      break;
    case Kind::rename_table:
      sql += " RENAME TO ";
      identifier(change.new_name, sql);
      break;
    case Kind::alter_type:
      alter_column(" TYPE ");
      alter_type_clause(change, sql);
      break;
    case Kind::add_not_null:
      alter_column(" SET NOT NULL");
      break;
    case Kind::drop_not_null:
      alter_column(" DROP NOT NULL");
      break;
    case Kind::set_default:
      alter_column(" SET DEFAULT ");
      if (change.default_value)
        literal(*change.default_value, sql);
      else
        sql += change.default_sql;
      break;
    case Kind::drop_default:
      alter_column(" DROP DEFAULT");
      break;
    case Kind::add_foreign_key:
      sql += " ADD CONSTRAINT ";
      identifier(change.name.empty() ? change.table + "_" + change.column + "_fkey" : change.name, sql);
      sql += " FOREIGN KEY (";
      identifier(change.column, sql);
      sql += ") REFERENCES ";
      identifier(change.references.table, sql);
      sql += " (";
      identifier(change.references.column, sql);
      sql += ')';
      if (change.references.on_delete != ReferentialAction::no_action) {
        sql += " ON DELETE ";
        sql += action_sql(change.references.on_delete);
      }
      if (change.references.on_update != ReferentialAction::no_action) {
        sql += " ON UPDATE ";
        sql += action_sql(change.references.on_update);
      }
      break;
    default:
      break;
  }
  statements.push_back(std::move(sql));
}

void Compiler::drop_table(const Table& t, bool safe, bool cascade, SqlWriter& w) const {
  w.sql += safe ? "DROP TABLE IF EXISTS " : "DROP TABLE ";
  identifier(t.name(), w.sql);
  if (cascade) w.sql += " CASCADE";
}

}  // namespace lingo
