// Writing C++ source text from database names and fields: what `lingo gen`
// and `lingo migrate diff` share. Internal to the core.
#pragma once

#include <string>
#include <string_view>

#include "lingo/field.h"
#include "lingo/introspection.h"

namespace lingo {
class Compiler;
}

namespace lingo::codegen {

[[nodiscard]] bool is_keyword(std::string_view word);
// [A-Za-z_][A-Za-z0-9_]*
[[nodiscard]] bool is_identifier(std::string_view word);
// A C++ identifier made from a database name: other characters become '_',
// a leading digit gets `fallback` as a prefix, a keyword a trailing '_'.
[[nodiscard]] std::string identifier_from(std::string_view name, std::string_view fallback);
// A string literal holding exactly the bytes of `text`.
[[nodiscard]] std::string cpp_string(std::string_view text);
// The generated keys: AutoField, BigAutoField, RowIDField, UUIDKeyField.
[[nodiscard]] bool is_key_kind(std::string_view kind);
// The Field a spec stands for: its kind and parameters, no constraints.
[[nodiscard]] Field field_of(const FieldSpec& spec);
// "lingo::ReferentialAction::cascade", ...
[[nodiscard]] std::string action_code(ReferentialAction action);
// The action an introspector names ("CASCADE", "SET NULL", as
// Compiler::action_sql spells them); no_action for anything else.
[[nodiscard]] ReferentialAction action_named(std::string_view sql);
// Compiler::column_type, or "" when the dialect cannot store the field.
[[nodiscard]] std::string column_type_or_empty(const Compiler& compiler, const Field& field);
// The kind's constructor with its parameters: "lingo::CharField{40}",
// "lingo::ArrayField{lingo::ValueType::int32, 2}", "lingo::TextField{}".
[[nodiscard]] std::string kind_code(const Field& field);

}  // namespace lingo::codegen
