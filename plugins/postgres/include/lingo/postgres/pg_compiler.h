// PostgreSQL's SQL: the standard compiler plus ILIKE, the JSONB and array
// operators, its type names, and bytea literals.
#pragma once

#include "lingo/compiler.h"
#include "lingo/postgres/export.h"

namespace lingo::postgres {

class LINGO_POSTGRES_API PgCompiler : public Compiler {
 public:
  explicit PgCompiler(std::string dialect = "postgres");

  [[nodiscard]] std::string_view binary_operator(ast::BinaryOp op) const override;
  [[nodiscard]] std::string cast_type(ValueType type) const override;
  void literal(const Value& v, std::string& out) const override;
  // E'...', quotes and backslashes doubled: the same text whatever
  // standard_conforming_strings says (off, '\' would end a plain literal early).
  void string_literal(std::string_view s, std::string& out) const override;
  // TYPE t USING "column"::t: PostgreSQL converts without an assignment cast
  // (text to integer, say) only when told how.
  void alter_type_clause(const SchemaChange& change, std::string& out) const override;

 protected:
  // The type name of a value type, for array elements and foreign keys.
  [[nodiscard]] virtual std::string scalar_type(ValueType type, const Field& field) const;
};

}  // namespace lingo::postgres
