// Schema introspection for SQLite, read from sqlite_master and the PRAGMA
// table-valued functions (pragma_table_info and its siblings) with the table
// and schema names bound as parameters.
//
// A schema is "main", "temp" or the name of an attached database. The only
// place a name cannot be bound is the `schema.sqlite_master` table itself:
// there the schema is first checked against pragma_database_list and then
// quoted as an identifier.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lingo/introspection.h"

namespace lingo::sqlite {

class SqliteIntrospector final : public Introspector {
 public:
  [[nodiscard]] std::string_view default_schema() const noexcept override { return "main"; }

  // Tables of sqlite_master, without SQLite's own (sqlite_sequence, ...), sorted.
  [[nodiscard]] std::vector<std::string> get_tables(Connection& conn, std::string_view schema) const override;
  [[nodiscard]] std::vector<ViewMetadata> get_views(Connection& conn, std::string_view schema) const override;
  // data_type is the declared type as written ("VARCHAR(20)"; "" when none).
  // nullable is false only for columns declared NOT NULL, as SQLite reports.
  [[nodiscard]] std::vector<ColumnMetadata> get_columns(Connection& conn, std::string_view table,
                                                        std::string_view schema) const override;
  // Unique first, then by name. SQLite's own indexes (for a PRIMARY KEY or
  // UNIQUE constraint) have no sql; an INTEGER PRIMARY KEY is the rowid and
  // has no index at all.
  [[nodiscard]] std::vector<IndexMetadata> get_indexes(Connection& conn, std::string_view table,
                                                       std::string_view schema) const override;
  [[nodiscard]] std::vector<std::string> get_primary_keys(Connection& conn, std::string_view table,
                                                          std::string_view schema) const override;
  // In declaration order, then key order. A key declared without parent
  // columns refers to the parent's primary key, whose columns are filled in.
  [[nodiscard]] std::vector<ForeignKeyMetadata> get_foreign_keys(Connection& conn, std::string_view table,
                                                                 std::string_view schema) const override;
  // The inverse of SqliteCompiler's field types, by the declared type's name
  // (any case): an INTEGER that is the whole primary key is the rowid, a
  // BigAutoField; REAL is DoubleField; VARCHAR(n) is CharField(n).
  [[nodiscard]] FieldSpec field_spec(const ColumnMetadata& column, bool sole_key) const override;
};

}  // namespace lingo::sqlite
