// Schema introspection for PostgreSQL, read from pg_catalog and
// information_schema with the table and schema names bound as parameters.
//
// Public so that dialects of PostgreSQL-compatible databases can derive from
// it and adjust what their server reports differently (CockroachDB, for one,
// would hide its implicit primary-key index by overriding get_indexes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lingo/introspection.h"
#include "lingo/postgres/export.h"

namespace lingo::postgres {

class LINGO_POSTGRES_API PgIntrospector : public Introspector {
 public:
  [[nodiscard]] std::string_view default_schema() const noexcept override { return "public"; }

  // Ordinary and partitioned tables (pg_tables), sorted by name.
  [[nodiscard]] std::vector<std::string> get_tables(Connection& conn, std::string_view schema) const override;
  [[nodiscard]] std::vector<ViewMetadata> get_views(Connection& conn, std::string_view schema) const override;
  // In column order. data_type is information_schema's spelling ("integer",
  // "character varying", "timestamp with time zone"), except that arrays and
  // user-defined types (enums, extension types) get format_type's name:
  // "integer[]", "mood", where information_schema says only "ARRAY" or
  // "USER-DEFINED".
  [[nodiscard]] std::vector<ColumnMetadata> get_columns(Connection& conn, std::string_view table,
                                                        std::string_view schema) const override;
  // Unique indexes (the primary key's among them) first, then by name; sql is
  // pg_get_indexdef's text; columns are the key columns (not INCLUDE ones).
  [[nodiscard]] std::vector<IndexMetadata> get_indexes(Connection& conn, std::string_view table,
                                                       std::string_view schema) const override;
  [[nodiscard]] std::vector<std::string> get_primary_keys(Connection& conn, std::string_view table,
                                                          std::string_view schema) const override;
  // Ordered by constraint name, then key position.
  [[nodiscard]] std::vector<ForeignKeyMetadata> get_foreign_keys(Connection& conn, std::string_view table,
                                                                 std::string_view schema) const override;
  // The inverse of PgCompiler's field types: SERIAL and BIGSERIAL (an integer
  // whose default is nextval(...), the whole primary key) are AutoField and
  // BigAutoField; character varying(n) is CharField(n), text TextField, json
  // JSONField, jsonb BinaryJSONField, and so on.
  [[nodiscard]] FieldSpec field_spec(const ColumnMetadata& column, bool sole_key) const override;
};

}  // namespace lingo::postgres
