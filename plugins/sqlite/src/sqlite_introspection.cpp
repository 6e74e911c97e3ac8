#include "sqlite_introspection.h"

#include <array>
#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <cstdio>
#include <cstdint>
#include <locale>
#include <map>
#include <optional>
#include <utility>

#include "lingo/connection.h"
#include "lingo/errors.h"
#include "lingo/value.h"

namespace lingo::sqlite {
namespace {

// The schema's name as SQLite spells it. SQLite compares schema names without
// regard to case, as this does; "temp" exists even before pragma_database_list
// shows it (the temporary database is created on first use).
std::string known_schema(Connection& conn, std::string_view schema) {
  const std::array<Value, 1> params{Value(schema)};
  const Result found =
      conn.execute("SELECT name FROM pragma_database_list WHERE name = $1 COLLATE NOCASE", params);
  if (!found.empty()) return found[0].get<std::string>(0);
  if (boost::algorithm::iequals(schema, "temp", std::locale::classic())) return "temp";
  std::string known;  // temp (always seq 1) is named once, below, whether made yet or not
  for (const Row row :
       conn.execute("SELECT name FROM pragma_database_list WHERE seq <> 1 ORDER BY seq", {})) {
    known += (known.empty() ? "" : ", ") + row.get<std::string>(0);
  }
  throw_error<DatabaseError>("no schema \"" + std::string(schema) +
                                 "\" in this sqlite database; its schemas are " + known + " (and temp)",
                             {.sqlstate = "3F000",  // invalid_schema_name
                              .dialect = "sqlite"});
}

// "name" with its double quotes doubled: an identifier SQLite reads back as
// exactly `name`. Only ever applied to a schema known_schema() returned.
std::string quote_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (const char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

Result run(Connection& conn, std::string_view sql, std::string_view name, std::string_view schema) {
  const std::array<Value, 2> params{Value(name), Value(schema)};
  return conn.execute(sql, params);
}

std::vector<std::string> primary_key_of(Connection& conn, std::string_view table, std::string_view schema) {
  std::vector<std::string> keys;
  for (const Row row :
       run(conn, "SELECT name FROM pragma_table_info($1, $2) WHERE pk > 0 ORDER BY pk", table, schema)) {
    keys.push_back(row.get<std::string>(0));
  }
  return keys;
}

// "VARCHAR(20)" -> name VARCHAR, length 20; "DECIMAL(14,2)" -> precision 14,
// scale 2: the parameters SqliteCompiler writes. Anything else keeps 0s.
void read_type_parameters(ColumnMetadata& column) {
  const std::string& type = column.data_type;
  const auto open = type.find('(');
  if (open == std::string::npos || type.back() != ')') return;
  int first = 0;
  int second = 0;
  if (std::sscanf(type.c_str() + open, "(%d,%d)", &first, &second) == 2 ||
      std::sscanf(type.c_str() + open, "( %d , %d )", &first, &second) == 2) {
    column.precision = first;
    column.scale = second;
  } else if (std::sscanf(type.c_str() + open, "(%d)", &first) == 1) {
    column.length = first;
  }
}

}  // namespace

FieldSpec SqliteIntrospector::field_spec(const ColumnMetadata& column, bool sole_key) const {
  struct Kind {
    std::string_view name;
    ValueType values;
  };
  static const std::map<std::string, Kind, std::less<>> kinds{
      {"SMALLINT", {"SmallIntegerField", ValueType::int16}},
      {"INTEGER", {"IntegerField", ValueType::int32}},
      {"BIGINT", {"BigIntegerField", ValueType::int64}},
      {"REAL", {"DoubleField", ValueType::float64}},
      {"DECIMAL", {"DecimalField", ValueType::decimal}},
      {"BOOLEAN", {"BooleanField", ValueType::boolean}},
      {"VARCHAR", {"CharField", ValueType::text}},
      {"TEXT", {"TextField", ValueType::text}},
      {"BLOB", {"BlobField", ValueType::bytes}},
      {"DATE", {"DateField", ValueType::date}},
      {"TIME", {"TimeField", ValueType::time}},
      {"DATETIME", {"DateTimeField", ValueType::timestamp}},
      {"TIMESTAMPTZ", {"TimestampTzField", ValueType::timestamptz}},
      {"UUID", {"UUIDField", ValueType::uuid}},
      {"JSON", {"JSONField", ValueType::json}},
  };
  std::string name = column.data_type.substr(0, column.data_type.find('('));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  boost::algorithm::to_upper(name, std::locale::classic());
  FieldSpec spec;
  const auto found = kinds.find(name);
  if (found == kinds.end()) return spec;
  spec.kind = std::string(found->second.name);
  spec.values = found->second.values;
  if (name == "INTEGER" && sole_key) {
    spec.kind = "BigAutoField";  // the rowid: 64-bit, made by SQLite
    spec.values = ValueType::int64;
    spec.default_implied = true;
  } else if (name == "VARCHAR") {
    if (column.length <= 0) spec.kind = "TextField";
    spec.length = column.length;
  } else if (name == "DECIMAL") {
    spec.precision = column.precision;
    spec.scale = column.scale;
  }
  return spec;
}

std::vector<std::string> SqliteIntrospector::get_tables(Connection& conn, std::string_view schema) const {
  const std::string name = known_schema(conn, schema_or_default(schema));
  // Names starting "sqlite_" are reserved to SQLite itself (sqlite_sequence,
  // sqlite_stat1), in any case, which LIKE matches.
  const std::string sql = "SELECT name FROM " + quote_identifier(name) +
                          ".sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                          "ORDER BY name";
  const Result result = conn.execute(sql, {});
  std::vector<std::string> tables;
  tables.reserve(result.size());
  for (const Row row : result) tables.push_back(row.get<std::string>(0));
  return tables;
}

std::vector<ViewMetadata> SqliteIntrospector::get_views(Connection& conn, std::string_view schema) const {
  const std::string name = known_schema(conn, schema_or_default(schema));
  const Result result = conn.execute(
      "SELECT name, sql FROM " + quote_identifier(name) + ".sqlite_master WHERE type = 'view' ORDER BY name", {});
  std::vector<ViewMetadata> views;
  views.reserve(result.size());
  for (const Row row : result) views.push_back({row.get<std::string>(0), row.get<std::string>(1)});
  return views;
}

std::vector<ColumnMetadata> SqliteIntrospector::get_columns(Connection& conn, std::string_view table,
                                                            std::string_view schema) const {
  const std::string name = known_schema(conn, schema_or_default(schema));
  const Result result =
      run(conn, R"(SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info($1, $2) ORDER BY cid)",
          table, name);
  std::vector<ColumnMetadata> columns;
  columns.reserve(result.size());
  for (const Row row : result) {
    ColumnMetadata& column = columns.emplace_back();
    column.name = row.get<std::string>(0);
    column.data_type = row.get<std::string>(1);
    column.nullable = !row.get<bool>(2);
    column.default_sql = row.get<std::optional<std::string>>(3);
    column.primary_key = row.get<std::int64_t>(4) > 0;
    column.table = std::string(table);
    read_type_parameters(column);
  }
  return columns;
}

std::vector<IndexMetadata> SqliteIntrospector::get_indexes(Connection& conn, std::string_view table,
                                                           std::string_view schema) const {
  const std::string name = known_schema(conn, schema_or_default(schema));
  // sqlite_master holds the CREATE INDEX text; SQLite's own indexes have none.
  const std::string sql =
      R"(SELECT il.name, il."unique", il.origin, m.sql FROM pragma_index_list($1, $2) il LEFT JOIN )" +
      quote_identifier(name) +
      R"(.sqlite_master m ON m.type = 'index' AND m.name = il.name ORDER BY il."unique" DESC, il.name)";
  const Result result = run(conn, sql, table, name);
  std::vector<IndexMetadata> indexes;
  indexes.reserve(result.size());
  for (const Row row : result) {
    IndexMetadata& index = indexes.emplace_back();
    index.name = row.get<std::string>(0);
    index.unique = row.get<bool>(1);
    index.primary = row.get<std::string>(2) == "pk";
    index.sql = row.get<std::optional<std::string>>(3).value_or("");
    index.method = "btree";
    index.table = std::string(table);
    // An expression key has no name; SQLite reports only that it is one.
    for (const Row key :
         run(conn, "SELECT name FROM pragma_index_info($1, $2) ORDER BY seqno", index.name, name)) {
      index.columns.push_back(key.get<std::optional<std::string>>(0).value_or(""));
    }
  }
  return indexes;
}

std::vector<std::string> SqliteIntrospector::get_primary_keys(Connection& conn, std::string_view table,
                                                              std::string_view schema) const {
  return primary_key_of(conn, table, known_schema(conn, schema_or_default(schema)));
}

std::vector<ForeignKeyMetadata> SqliteIntrospector::get_foreign_keys(Connection& conn, std::string_view table,
                                                                     std::string_view schema) const {
  const std::string name = known_schema(conn, schema_or_default(schema));
  // SQLite numbers a table's keys from the last declared, so id DESC is
  // declaration order.
  const Result result = run(conn,
                            R"(SELECT seq, "table", "from", "to", on_update, on_delete )"
                            "FROM pragma_foreign_key_list($1, $2) ORDER BY id DESC, seq",
                            table, name);
  std::map<std::string, std::vector<std::string>> parent_keys;  // looked up once per parent
  std::vector<ForeignKeyMetadata> keys;
  keys.reserve(result.size());
  for (const Row row : result) {
    ForeignKeyMetadata& key = keys.emplace_back();
    key.dest_table = row.get<std::string>(1);
    key.column = row.get<std::string>(2);
    if (auto dest = row.get<std::optional<std::string>>(3)) {
      key.dest_column = std::move(*dest);
    } else {
      // "REFERENCES parent" alone: the parent's primary key, column by column.
      auto it = parent_keys.find(key.dest_table);
      if (it == parent_keys.end()) {
        it = parent_keys.emplace(key.dest_table, primary_key_of(conn, key.dest_table, name)).first;
      }
      const auto position = static_cast<std::size_t>(row.get<std::int64_t>(0));
      if (position < it->second.size()) key.dest_column = it->second[position];
    }
    key.on_update = row.get<std::string>(4);
    key.on_delete = row.get<std::string>(5);
    key.table = std::string(table);
  }
  return keys;
}

}  // namespace lingo::sqlite
