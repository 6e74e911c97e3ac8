// Writing C++ source text from database names and fields (cpp_text.h).
#include "cpp_text.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "lingo/compiler.h"
#include "lingo/errors.h"

namespace lingo::codegen {

bool is_keyword(std::string_view word) {
  static const std::set<std::string_view> keywords{
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
      "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval",
      "constexpr", "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype",
      "default", "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern",
      "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
      "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public",
      "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true",
      "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
      "wchar_t", "while", "xor", "xor_eq", "final", "override", "import", "module",
      // Macros every program here sees: GNU C++'s predefined ones, and the C library's.
      "linux", "unix", "i386", "NULL", "EOF", "errno", "stdin", "stdout", "stderr", "assert", "offsetof",
      "BUFSIZ", "SEEK_SET", "SEEK_CUR", "SEEK_END", "EXIT_SUCCESS", "EXIT_FAILURE"};
  return keywords.count(word) > 0;
}

bool is_identifier(std::string_view word) {
  if (word.empty() || (word[0] >= '0' && word[0] <= '9')) return false;
  return std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Never starts with '_' followed by a capital, nor holds "__" (both
// reserved to the compiler).
std::string identifier_from(std::string_view name, std::string_view fallback) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const char next = ok ? c : '_';
    if (next == '_' && (out.empty() || out.back() == '_')) continue;
    out += next;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty()) return std::string(fallback);
  if (out[0] >= '0' && out[0] <= '9') out = std::string(fallback) + "_" + out;
  if (is_keyword(out)) out += '_';
  return out;
}

// A C++ string literal holding exactly the bytes of `text`: quotes and
// backslashes escaped, anything outside printable ASCII as a three-digit
// octal escape (which, unlike \x, cannot run into the next character).
std::string cpp_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f || c == '?') {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\%03o", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool is_key_kind(std::string_view kind) {
  return kind == "AutoField" || kind == "BigAutoField" || kind == "RowIDField" || kind == "UUIDKeyField";
}

std::string action_code(ReferentialAction action) {
  switch (action) {
    case ReferentialAction::restrict:
      return "lingo::ReferentialAction::restrict";
    case ReferentialAction::cascade:
      return "lingo::ReferentialAction::cascade";
    case ReferentialAction::set_null:
      return "lingo::ReferentialAction::set_null";
    case ReferentialAction::set_default:
      return "lingo::ReferentialAction::set_default";
    default:
      return "lingo::ReferentialAction::no_action";
  }
}

ReferentialAction action_named(std::string_view sql) {
  for (const auto action : {ReferentialAction::restrict, ReferentialAction::cascade,
                            ReferentialAction::set_null, ReferentialAction::set_default}) {
    if (Compiler::action_sql(action) == sql) return action;
  }
  return ReferentialAction::no_action;
}

std::string column_type_or_empty(const Compiler& compiler, const Field& field) {
  try {
    return compiler.column_type(field);
  } catch (const Error&) {
    return {};
  }
}

Field field_of(const FieldSpec& spec) {
  Field field(spec.kind, spec.values);
  field.length = spec.length;
  field.precision = spec.precision;
  field.scale = spec.scale;
  field.element_type = spec.element_type;
  field.dimensions = spec.dimensions;
  return field;
}

std::string kind_code(const Field& field) {
  const std::string& kind = field.kind();
  if (kind == "CharField") return "lingo::CharField{" + std::to_string(field.length) + "}";
  if (kind == "DecimalField")
    return "lingo::DecimalField{" + std::to_string(field.precision) + ", " + std::to_string(field.scale) +
           "}";
  if (kind == "ArrayField") {
    // The enumerators are named as to_string(ValueType) spells them.
    return "lingo::ArrayField{lingo::ValueType::" + std::string(to_string(field.element_type)) +
           (field.dimensions > 1 ? ", " + std::to_string(field.dimensions) : "") + "}";
  }
  return "lingo::" + kind + "{}";
}

}  // namespace lingo::codegen
