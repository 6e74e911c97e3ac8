#include "lingo/postgres/pg_compiler.h"

namespace lingo::postgres {

PgCompiler::PgCompiler(std::string dialect) : Compiler(std::move(dialect)) {
  field_types_.add("AutoField", "SERIAL");
  field_types_.add("BigAutoField", "BIGSERIAL");
  field_types_.add("SmallIntegerField", "SMALLINT");
  field_types_.add("IntegerField", "INTEGER");
  field_types_.add("BigIntegerField", "BIGINT");
  field_types_.add("FloatField", "REAL");
  field_types_.add("DoubleField", "DOUBLE PRECISION");
  // DecimalField{0, 0}: NUMERIC without a precision, any number of digits
  // (what `lingo gen` writes for such a column).
  field_types_.add("DecimalField", [](const Field& f) {
    if (f.precision <= 0) return std::string("NUMERIC");
    return "NUMERIC(" + std::to_string(f.precision) + ", " + std::to_string(f.scale) + ")";
  });
  field_types_.add("BooleanField", "BOOLEAN");
  field_types_.add("CharField", [](const Field& f) { return "VARCHAR(" + std::to_string(f.length) + ")"; });
  field_types_.add("TextField", "TEXT");
  field_types_.add("BlobField", "BYTEA");
  field_types_.add("DateField", "DATE");
  field_types_.add("TimeField", "TIME");
  field_types_.add("DateTimeField", "TIMESTAMP");
  field_types_.add("TimestampTzField", "TIMESTAMPTZ");
  field_types_.add("UUIDField", "UUID");
  field_types_.add("JSONField", "JSON");
  field_types_.add("BinaryJSONField", "JSONB");
  field_types_.add("ArrayField", [this](const Field& f) {
    std::string type = scalar_type(f.element_type, f);
    for (int i = 0; i < f.dimensions; ++i) type += "[]";
    return type;
  });
  field_types_.add("ForeignKeyField", [this](const Field& f) { return scalar_type(f.type(), f); });
}

void PgCompiler::alter_type_clause(const SchemaChange& change, std::string& out) const {
  const std::string type = column_type(*change.field);
  out += type;
  out += " USING ";
  identifier(change.column, out);
  out += "::";
  out += type;
}

std::string PgCompiler::scalar_type(ValueType type, const Field& field) const {
  switch (type) {
    case ValueType::text:
      return field.length > 0 ? "VARCHAR(" + std::to_string(field.length) + ")" : "TEXT";
    case ValueType::decimal:
      return field.precision > 0
                 ? "NUMERIC(" + std::to_string(field.precision) + ", " + std::to_string(field.scale) + ")"
                 : "NUMERIC";
    default:
      return cast_type(type);
  }
}

std::string_view PgCompiler::binary_operator(ast::BinaryOp op) const {
  using ast::BinaryOp;
  switch (op) {
    case BinaryOp::ilike:
      return " ILIKE ";
    case BinaryOp::json_get:
      return " -> ";
    case BinaryOp::json_get_text:
      return " ->> ";
    case BinaryOp::json_path:
      return " #> ";
    case BinaryOp::json_path_text:
      return " #>> ";
    case BinaryOp::contains:
      return " @> ";
    case BinaryOp::contained_by:
      return " <@ ";
    case BinaryOp::has_key:
      return " ? ";
    case BinaryOp::has_any_keys:
      return " ?| ";
    case BinaryOp::has_all_keys:
      return " ?& ";
    case BinaryOp::overlaps:
      return " && ";
    case BinaryOp::json_remove:
      return " - ";
    default:
      return Compiler::binary_operator(op);
  }
}

std::string PgCompiler::cast_type(ValueType type) const {
  switch (type) {
    case ValueType::bytes:
      return "BYTEA";
    case ValueType::timestamptz:
      return "TIMESTAMPTZ";
    case ValueType::uuid:
      return "UUID";
    case ValueType::json:
      return "JSONB";
    default:
      return Compiler::cast_type(type);
  }
}

void PgCompiler::string_literal(std::string_view s, std::string& out) const {
  out += "E'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  out += '\'';
}

void PgCompiler::literal(const Value& v, std::string& out) const {
  if (v.type() == ValueType::bytes) {  // E'\\x0102'::BYTEA; X'..' is a bit string in PostgreSQL
    string_literal(v.to_string(), out);
    out += "::BYTEA";
    return;
  }
  Compiler::literal(v, out);
}

}  // namespace lingo::postgres
