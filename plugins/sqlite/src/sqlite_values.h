// Moving lingo::Values in and out of SQLite statements.
//
// SQLite stores five kinds of value (NULL, INTEGER, REAL, TEXT, BLOB) whatever
// a column is declared as, so Lingo's richer types travel as one of those and
// come back through the column's declared type: a TEXT value in a column
// declared DATE is read as a lingo::Date. See sqlite_values.cpp for the table.
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "lingo/value.h"

namespace lingo::sqlite {

// The Lingo type a column's declared type names, or ValueType::null when the
// column has no declared type (an expression) or one Lingo does not know.
[[nodiscard]] ValueType declared_type(std::string_view decl);
// The scale s of a declaration "DECIMAL(p,s)" / "NUMERIC(p, s)"; -1 without one.
[[nodiscard]] int declared_scale(std::string_view decl);

// Binds one value to the statement's parameter `index` (1-based) and returns
// SQLite's result code. Arrays are refused with NotSupportedError.
[[nodiscard]] int bind_value(sqlite3_stmt* stmt, int index, const Value& value);

// Reads column `column` of the current row, refined by the column's declared
// type (as declared_type returned it). Never throws for a value that does not
// fit its declaration: that value is returned as SQLite stored it.
[[nodiscard]] Value read_column(sqlite3_stmt* stmt, int column, ValueType declared);

// The NotSupportedError for an Array parameter, before anything runs.
[[noreturn]] void throw_array_not_supported(std::string_view sql);

}  // namespace lingo::sqlite
