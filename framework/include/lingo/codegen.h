// Models from a live database: what `lingo gen` writes.
//
// generate_models() introspects a schema's tables and writes one C++ header
// per table, declaring the model as a program would (lingo::Table, typed
// columns, the dialect's own field kinds, keys, foreign keys, indexes), and a
// models.h that includes them all in foreign-key order and lists them:
//
//     #include "models/models.h"
//     db.create_tables(models::all_tables);
//
// What a model cannot declare (a column type no field kind of the dialect
// stores, an expression index, a foreign key over several columns) is left
// out, with a comment in the header and a note in the result. Names from the
// database are quoted as C++ string literals byte for byte; the C++
// identifiers are made from them (invalid characters become '_', keywords and
// clashes get a suffix). The text depends on the schema and the dialect only,
// never on the URI, so headers generated in CI compare equal to those kept in
// the repository unless the schema changed (`lingo gen --check`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lingo/export.h"

namespace lingo {

class Database;

struct LINGO_API ModelOptions {
  std::vector<std::string> tables{};  // empty: every table of the schema
  std::string schema{};               // empty: the dialect's default (public, main)
  std::string name_space = "models";  // the C++ namespace of the models
};

struct LINGO_API GeneratedFile {
  std::string name;  // "book.h"; made of [a-z0-9_] and ".h" whatever the table is called
  std::string text;
};

struct LINGO_API GeneratedModels {
  std::vector<GeneratedFile> files;  // a header per table, in foreign-key order, then models.h
  std::vector<std::string> notes;    // what was left out and why, one line each
};

// InterfaceError when a table asked for does not exist, or the namespace is
// not a C++ identifier; NotSupportedError when the dialect cannot introspect.
[[nodiscard]] LINGO_API GeneratedModels generate_models(Database& db, const ModelOptions& options = {});

// The lines that differ between two texts, as a unified diff with three lines
// of context ("--- from" / "+++ to" / "@@ ... @@"); empty when they are equal.
[[nodiscard]] LINGO_API std::string unified_diff(std::string_view from_name, std::string_view from,
                                                 std::string_view to_name, std::string_view to);

}  // namespace lingo
