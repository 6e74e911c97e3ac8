#include "lingo/postgres/pg_introspection.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "lingo/connection.h"
#include "lingo/value.h"

namespace lingo::postgres {
namespace {

// Table and schema travel as bound text values; the server reads them as
// `name`, so any spelling (quotes, spaces, semicolons) is only ever compared.
Result run(Connection& conn, std::string_view sql, std::string_view table, std::string_view schema) {
  const std::array<Value, 2> params{Value(table), Value(schema)};
  return conn.execute(sql, params);
}

// Arrays and user-defined types are where information_schema.data_type says
// too little ("ARRAY", "USER-DEFINED"); format_type names them the way psql
// does ("integer[]", "mood"). Everything else keeps the standard's spelling.
constexpr std::string_view columns_sql = R"(
SELECT c.column_name::text, c.is_nullable::text = 'YES', c.column_default::text,
       CASE WHEN c.data_type IN ('ARRAY', 'USER-DEFINED') THEN pg_catalog.format_type(a.atttypid, NULL)
            ELSE c.data_type::text END,
       EXISTS (SELECT 1 FROM pg_catalog.pg_index i
               WHERE i.indrelid = r.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
       coalesce(c.character_maximum_length, 0)::int4,
       CASE WHEN c.data_type = 'numeric' THEN coalesce(c.numeric_precision, 0) ELSE 0 END::int4,
       CASE WHEN c.data_type = 'numeric' THEN coalesce(c.numeric_scale, 0) ELSE 0 END::int4,
       a.attndims::int4
FROM information_schema.columns c
JOIN pg_catalog.pg_namespace n ON n.nspname = c.table_schema
JOIN pg_catalog.pg_class r ON r.relnamespace = n.oid AND r.relname = c.table_name
JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attname = c.column_name
WHERE r.relname = $1 AND n.nspname = $2
ORDER BY c.ordinal_position)";

// Key columns only (indnkeyatts): INCLUDE columns are payload, not part of
// what the index orders or makes unique. A column key is its name as
// get_columns spells it; an expression key (indkey 0) is
// pg_get_indexdef's text for it. indkey is an int2vector, indexed from 0.
constexpr std::string_view indexes_sql = R"(
SELECT ic.relname::text, pg_catalog.pg_get_indexdef(x.indexrelid), x.indisunique, x.indisprimary,
       am.amname::text,
       ARRAY(SELECT CASE WHEN x.indkey[k - 1] = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k, true)
                         ELSE (SELECT a.attname::text FROM pg_catalog.pg_attribute a
                               WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[k - 1]) END
             FROM pg_catalog.generate_series(1, x.indnkeyatts) AS k ORDER BY k)
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE t.relname = $1 AND n.nspname = $2
ORDER BY x.indisunique DESC, ic.relname)";

constexpr std::string_view primary_keys_sql = R"(
SELECT a.attname::text
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
CROSS JOIN LATERAL unnest(x.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, position)
JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE x.indisprimary AND t.relname = $1 AND n.nspname = $2
ORDER BY k.position)";

// From pg_constraint rather than information_schema: conkey and confkey pair
// the columns of a composite key by position (constraint_column_usage does
// not), a key that references a unique index without a constraint is still
// found, and no row is hidden for belonging to a table another role owns.
constexpr std::string_view foreign_keys_sql = R"(
SELECT con.conname::text, a.attname::text, ft.relname::text, fa.attname::text,
       CASE con.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                            WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END,
       CASE con.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                            WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_class ft ON ft.oid = con.confrelid
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, dest_attnum, position)
JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.dest_attnum
WHERE con.contype = 'f' AND t.relname = $1 AND n.nspname = $2
ORDER BY con.conname, k.position)";

// The value type of each PostgreSQL type a field kind creates, by the name
// information_schema and format_type give it.
std::optional<ValueType> scalar_values(std::string_view type) {
  static const std::map<std::string_view, ValueType> types{
      {"boolean", ValueType::boolean},
      {"smallint", ValueType::int16},
      {"integer", ValueType::int32},
      {"bigint", ValueType::int64},
      {"real", ValueType::float32},
      {"double precision", ValueType::float64},
      {"numeric", ValueType::decimal},
      {"character varying", ValueType::text},
      {"text", ValueType::text},
      {"bytea", ValueType::bytes},
      {"date", ValueType::date},
      {"time without time zone", ValueType::time},
      {"timestamp without time zone", ValueType::timestamp},
      {"timestamp with time zone", ValueType::timestamptz},
      {"uuid", ValueType::uuid},
      {"json", ValueType::json},
      {"jsonb", ValueType::json},
  };
  const auto found = types.find(type);
  if (found == types.end()) return std::nullopt;
  return found->second;
}

}  // namespace

FieldSpec PgIntrospector::field_spec(const ColumnMetadata& column, bool sole_key) const {
  FieldSpec spec;
  std::string_view type = column.data_type;
  if (type.ends_with("[]")) {
    while (type.ends_with("[]")) type.remove_suffix(2);
    const auto element = scalar_values(type);
    if (!element || *element == ValueType::json) return spec;
    spec.kind = "ArrayField";
    spec.values = ValueType::array;
    spec.element_type = *element;
    spec.dimensions = std::max(column.dimensions, 1);
    return spec;
  }
  const auto values = scalar_values(type);
  if (!values) return spec;
  spec.values = *values;
  const std::string_view default_sql = column.default_sql ? std::string_view(*column.default_sql) : "";
  const bool sequence = default_sql.starts_with("nextval(");
  switch (*values) {
    case ValueType::int16:
      spec.kind = "SmallIntegerField";
      break;
    case ValueType::int32:
      spec.kind = sole_key && sequence ? "AutoField" : "IntegerField";
      break;
    case ValueType::int64:
      spec.kind = sole_key && sequence ? "BigAutoField" : "BigIntegerField";
      break;
    case ValueType::float32:
      spec.kind = "FloatField";
      break;
    case ValueType::float64:
      spec.kind = "DoubleField";
      break;
    case ValueType::decimal:
      spec.kind = "DecimalField";
      spec.precision = column.precision;
      spec.scale = column.scale;
      break;
    case ValueType::boolean:
      spec.kind = "BooleanField";
      break;
    case ValueType::text:
      spec.kind = column.length > 0 ? "CharField" : "TextField";
      spec.length = column.length;
      break;
    case ValueType::bytes:
      spec.kind = "BlobField";
      break;
    case ValueType::date:
      spec.kind = "DateField";
      break;
    case ValueType::time:
      spec.kind = "TimeField";
      break;
    case ValueType::timestamp:
      spec.kind = "DateTimeField";
      break;
    case ValueType::timestamptz:
      spec.kind = "TimestampTzField";
      break;
    case ValueType::uuid:
      spec.kind = "UUIDField";
      break;
    case ValueType::json:
      spec.kind = type == "jsonb" ? "BinaryJSONField" : "JSONField";
      break;
    default:
      break;
  }
  spec.default_implied = spec.kind == "AutoField" || spec.kind == "BigAutoField";
  return spec;
}

std::vector<std::string> PgIntrospector::get_tables(Connection& conn, std::string_view schema) const {
  const std::array<Value, 1> params{Value(schema_or_default(schema))};
  const Result result = conn.execute(
      "SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = $1 ORDER BY tablename", params);
  std::vector<std::string> tables;
  tables.reserve(result.size());
  for (const Row row : result) tables.push_back(row.get<std::string>(0));
  return tables;
}

std::vector<ViewMetadata> PgIntrospector::get_views(Connection& conn, std::string_view schema) const {
  const std::array<Value, 1> params{Value(schema_or_default(schema))};
  const Result result = conn.execute(
      "SELECT viewname::text, definition FROM pg_catalog.pg_views WHERE schemaname = $1 ORDER BY viewname",
      params);
  std::vector<ViewMetadata> views;
  views.reserve(result.size());
  for (const Row row : result) views.push_back({row.get<std::string>(0), row.get<std::string>(1)});
  return views;
}

std::vector<ColumnMetadata> PgIntrospector::get_columns(Connection& conn, std::string_view table,
                                                        std::string_view schema) const {
  const Result result = run(conn, columns_sql, table, schema_or_default(schema));
  std::vector<ColumnMetadata> columns;
  columns.reserve(result.size());
  for (const Row row : result) {
    ColumnMetadata& column = columns.emplace_back();
    column.name = row.get<std::string>(0);
    column.nullable = row.get<bool>(1);
    column.default_sql = row.get<std::optional<std::string>>(2);
    column.data_type = row.get<std::string>(3);
    column.primary_key = row.get<bool>(4);
    column.length = row.get<std::int32_t>(5);
    column.precision = row.get<std::int32_t>(6);
    column.scale = row.get<std::int32_t>(7);
    column.dimensions = row.get<std::int32_t>(8);
    column.table = std::string(table);
  }
  return columns;
}

std::vector<IndexMetadata> PgIntrospector::get_indexes(Connection& conn, std::string_view table,
                                                       std::string_view schema) const {
  const Result result = run(conn, indexes_sql, table, schema_or_default(schema));
  std::vector<IndexMetadata> indexes;
  indexes.reserve(result.size());
  for (const Row row : result) {
    IndexMetadata& index = indexes.emplace_back();
    index.name = row.get<std::string>(0);
    index.sql = row.get<std::string>(1);
    index.unique = row.get<bool>(2);
    index.primary = row.get<bool>(3);
    index.method = row.get<std::string>(4);
    for (Value& key : row.get<Array>(5).items) index.columns.push_back(std::move(key).as<std::string>());
    index.table = std::string(table);
  }
  return indexes;
}

std::vector<std::string> PgIntrospector::get_primary_keys(Connection& conn, std::string_view table,
                                                          std::string_view schema) const {
  const Result result = run(conn, primary_keys_sql, table, schema_or_default(schema));
  std::vector<std::string> keys;
  keys.reserve(result.size());
  for (const Row row : result) keys.push_back(row.get<std::string>(0));
  return keys;
}

std::vector<ForeignKeyMetadata> PgIntrospector::get_foreign_keys(Connection& conn, std::string_view table,
                                                                 std::string_view schema) const {
  const Result result = run(conn, foreign_keys_sql, table, schema_or_default(schema));
  std::vector<ForeignKeyMetadata> keys;
  keys.reserve(result.size());
  for (const Row row : result) {
    ForeignKeyMetadata& key = keys.emplace_back();
    key.name = row.get<std::string>(0);
    key.column = row.get<std::string>(1);
    key.dest_table = row.get<std::string>(2);
    key.dest_column = row.get<std::string>(3);
    key.on_delete = row.get<std::string>(4);
    key.on_update = row.get<std::string>(5);
    key.table = std::string(table);
  }
  return keys;
}

}  // namespace lingo::postgres
