// Schema introspection, as peewee has it: the tables of a schema, and for one
// table its columns, indexes, primary key and foreign keys.
//
// A dialect that can describe its schemas returns an Introspector from
// Dialect::introspector(); Database::get_tables() and its siblings call it on
// the calling thread's connection. Every query an introspector runs binds the
// table and schema names as values, so any name (quotes, spaces, semicolons
// included) is looked up as it is and never becomes SQL.
//
// What each field holds on each built-in dialect is in docs/introspection.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lingo/export.h"
#include "lingo/value.h"

namespace lingo {

class Connection;

// One column of a table, in the table's column order.
struct LINGO_API ColumnMetadata {
  std::string name;
  // The type as the database names it: "integer", "character varying",
  // "integer[]" on PostgreSQL; the declared type as written ("VARCHAR(20)",
  // or "" when none was declared) on SQLite.
  std::string data_type;
  bool nullable = true;
  bool primary_key = false;
  std::optional<std::string> default_sql;  // the DEFAULT expression's text, if any
  std::string table;
  // The type's declared parameters, 0 where it has none: a character type's
  // maximum length (VARCHAR(20)), a NUMERIC's precision and scale, and the
  // dimensions an array column was declared with.
  int length = 0;
  int precision = 0;
  int scale = 0;
  int dimensions = 0;
};

// The field kind a model declares for a column: what `lingo gen` writes, and
// what the live schema is compared with. `kind` is empty when no field kind
// of the dialect stores the column's type.
struct LINGO_API FieldSpec {
  std::string kind;                    // "CharField", "BigAutoField", ...
  ValueType values = ValueType::null;  // what the column's values read back as
  int length = 0;                      // CharField
  int precision = 0;                   // DecimalField
  int scale = 0;
  ValueType element_type = ValueType::null;  // ArrayField
  int dimensions = 0;
  // The column's default is the one the kind implies (a sequence, unique_rowid(),
  // gen_random_uuid()), not a default of its own.
  bool default_implied = false;
};

// One index of a table; unique indexes first, then by name.
struct LINGO_API IndexMetadata {
  std::string name;
  std::string sql;  // the CREATE INDEX text; empty for indexes the engine made itself
  // The key columns in index order. An expression key is its text on
  // PostgreSQL ("lower(name)") and "" on SQLite, which does not report it.
  std::vector<std::string> columns;
  bool unique = false;
  std::string table;
  std::string method;    // "btree", "gin", "gist", ...; always "btree" on SQLite
  bool primary = false;  // the index that enforces the primary key
};

// One view of a schema, as peewee's ViewMetadata.
struct LINGO_API ViewMetadata {
  std::string name;
  std::string sql;  // its definition: the SELECT on PostgreSQL, the CREATE VIEW text on SQLite
};

// One column pair of a foreign key; a key over several columns is several
// entries with the same constraint, in key order.
struct LINGO_API ForeignKeyMetadata {
  std::string column;
  std::string dest_table;
  std::string dest_column;
  std::string table;
  std::string name;       // the constraint's name; "" on SQLite, which keeps none
  std::string on_delete;  // "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"
  std::string on_update;
};

// Implemented by each dialect that can describe its schemas. One object
// serves every connection of its dialect, so it holds no state. An empty
// `schema` means the dialect's default_schema(). A table that does not exist
// has no columns, indexes or keys: the lists come back empty.
class LINGO_API Introspector {
 public:
  virtual ~Introspector() = default;

  // "public" on PostgreSQL, "main" on SQLite.
  [[nodiscard]] virtual std::string_view default_schema() const noexcept = 0;

  // The names of the schema's ordinary tables (no views), sorted.
  [[nodiscard]] virtual std::vector<std::string> get_tables(Connection& conn,
                                                            std::string_view schema) const = 0;
  // The schema's views, sorted by name.
  [[nodiscard]] virtual std::vector<ViewMetadata> get_views(Connection& conn,
                                                            std::string_view schema) const = 0;
  [[nodiscard]] virtual std::vector<ColumnMetadata> get_columns(Connection& conn, std::string_view table,
                                                                std::string_view schema) const = 0;
  [[nodiscard]] virtual std::vector<IndexMetadata> get_indexes(Connection& conn, std::string_view table,
                                                               std::string_view schema) const = 0;
  // The primary key's columns in key order; empty when the table has none.
  [[nodiscard]] virtual std::vector<std::string> get_primary_keys(Connection& conn, std::string_view table,
                                                                  std::string_view schema) const = 0;
  [[nodiscard]] virtual std::vector<ForeignKeyMetadata> get_foreign_keys(Connection& conn,
                                                                         std::string_view table,
                                                                         std::string_view schema) const = 0;

  // The field kind a model would declare for the column: the inverse of the
  // dialect's FieldTypes. `sole_key` says the column is the whole primary key
  // (where an auto key is told from a plain integer). The default knows no
  // kind; `lingo gen` then leaves such columns out, saying so.
  [[nodiscard]] virtual FieldSpec field_spec(const ColumnMetadata& column, bool sole_key) const;

 protected:
  [[nodiscard]] std::string_view schema_or_default(std::string_view schema) const noexcept {
    return schema.empty() ? default_schema() : schema;
  }
};

}  // namespace lingo
