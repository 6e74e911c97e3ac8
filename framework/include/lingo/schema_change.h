// One change to a live table, as SchemaEditor (lingo/migrate.h) records it and
// a dialect carries it out (Dialect::alter): the compiler writes standard
// ALTER TABLE statements (Compiler::alter); a dialect whose ALTER TABLE cannot
// express a change does it another way (SQLite rebuilds the table).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lingo/export.h"
#include "lingo/field.h"
#include "lingo/value.h"

namespace lingo {

struct LINGO_API SchemaChange {
  enum class Kind : std::uint8_t {
    add_column,       // column, field
    drop_column,      // column
    rename_column,    // column -> new_name
    rename_table,     // table -> new_name
    alter_type,       // column, field (its kind and parameters)
    add_not_null,     // column
    drop_not_null,    // column
    set_default,      // column, default_value or default_sql
    drop_default,     // column
    add_index,        // name, columns, unique, method, where
    drop_index,       // name
    add_foreign_key,  // column, references, name (empty: <table>_<column>_fkey)
  };
  Kind kind = Kind::add_column;
  std::string table{};
  std::string column{};
  std::string new_name{};
  std::optional<Field> field{};
  std::optional<Value> default_value{};
  std::string default_sql{};
  std::string name{};
  std::vector<std::string> columns{};
  bool unique = false;
  std::string method{};
  std::string where{};
  ForeignKeyRef references{};
};

// "add_column", ...: for messages.
[[nodiscard]] LINGO_API std::string_view to_string(SchemaChange::Kind kind) noexcept;

}  // namespace lingo
