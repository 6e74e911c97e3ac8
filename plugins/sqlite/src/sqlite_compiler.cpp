#include "sqlite_compiler.h"

namespace lingo::sqlite {
namespace {

std::string type_for(ValueType type) {
  switch (type) {
    case ValueType::boolean:
      return "BOOLEAN";
    case ValueType::int16:
      return "SMALLINT";
    case ValueType::int32:
      return "INTEGER";
    case ValueType::int64:
      return "BIGINT";
    case ValueType::float32:
    case ValueType::float64:
      return "REAL";
    case ValueType::decimal:
      return "DECIMAL";
    case ValueType::bytes:
      return "BLOB";
    case ValueType::date:
      return "DATE";
    case ValueType::time:
      return "TIME";
    case ValueType::timestamp:
      return "DATETIME";
    case ValueType::timestamptz:
      return "TIMESTAMPTZ";
    case ValueType::uuid:
      return "UUID";
    case ValueType::json:
      return "JSON";
    default:
      return "TEXT";
  }
}

}  // namespace

SqliteCompiler::SqliteCompiler() : Compiler("sqlite") {
  // "INTEGER PRIMARY KEY" makes the column the rowid: SQLite assigns it.
  field_types_.add("AutoField", "INTEGER");
  field_types_.add("BigAutoField", "INTEGER");
  field_types_.add("SmallIntegerField", "SMALLINT");
  field_types_.add("IntegerField", "INTEGER");
  field_types_.add("BigIntegerField", "BIGINT");
  field_types_.add("FloatField", "REAL");
  field_types_.add("DoubleField", "REAL");
  // SQLite has no exact decimal: a DECIMAL column stores a double (about 15
  // significant digits) so that comparisons and arithmetic are numeric, and
  // the declared scale is restored on reading. DECIMAL_TEXT keeps every digit
  // as text, but then compares as text: right for storage, wrong for "<".
  field_types_.add("DecimalField", [](const Field& f) {
    return "DECIMAL(" + std::to_string(f.precision) + "," + std::to_string(f.scale) + ")";
  });
  field_types_.add("BooleanField", "BOOLEAN");
  field_types_.add("CharField", [](const Field& f) { return "VARCHAR(" + std::to_string(f.length) + ")"; });
  field_types_.add("TextField", "TEXT");
  field_types_.add("BlobField", "BLOB");
  field_types_.add("DateField", "DATE");
  field_types_.add("TimeField", "TIME");
  field_types_.add("DateTimeField", "DATETIME");
  field_types_.add("TimestampTzField", "TIMESTAMPTZ");
  field_types_.add("UUIDField", "UUID");
  field_types_.add("JSONField", "JSON");
  field_types_.add("BinaryJSONField", "JSON");
  field_types_.add("ForeignKeyField", [](const Field& f) { return type_for(f.type()); });
  // No ArrayField: SQLite has no array type.
}

void SqliteCompiler::insert(const InsertData& q, SqlWriter& w) const {
  if (!q.conflict_constraint.empty())
    not_supported("ON CONFLICT ON CONSTRAINT", "SQLite keeps no constraint names; name the conflict columns");
  if (q.on_conflict != ConflictAction::replace) return Compiler::insert(q, w);
  // SQLite spells "replace the conflicting row" as INSERT OR REPLACE.
  InsertData plain = q;
  plain.on_conflict = ConflictAction::none;
  w.sql += "INSERT OR REPLACE";
  std::string rest;
  SqlWriter tail{rest, w.params};
  Compiler::insert(plain, tail);
  w.sql += rest.substr(6);  // drop the leading "INSERT"
}

void SqliteCompiler::create_index(const Table& t, const IndexDef& index, bool safe, SqlWriter& w) const {
  if (!index.method.empty())
    not_supported("index method " + index.method, "SQLite has only its default b-tree indexes");
  Compiler::create_index(t, index, safe, w);
}

void SqliteCompiler::drop_table(const Table& t, bool safe, bool cascade, SqlWriter& w) const {
  // SQLite has no CASCADE; with foreign keys on, dropping a referenced table
  // fails instead, which is the safe reading.
  (void)cascade;
  Compiler::drop_table(t, safe, false, w);
}

void SqliteCompiler::locking(const SelectData& q, SqlWriter&) const {
  not_supported(q.lock == RowLock::share ? "SELECT ... FOR SHARE" : "SELECT ... FOR UPDATE",
                "SQLite locks the whole database for a write transaction");
}

std::string_view SqliteCompiler::binary_operator(ast::BinaryOp op) const {
  if (op == ast::BinaryOp::ilike)
    not_supported("ILIKE", "use like(): SQLite's LIKE already ignores case for ASCII letters");
  return Compiler::binary_operator(op);
}

void SqliteCompiler::date(const ast::Date& node, SqlWriter& w) const {
  if (node.op == ast::DateOp::from_epoch) {
    w.sql += "datetime(";
    expr(*node.operand, w);
    w.sql += ", 'unixepoch')";
    return;
  }
  const char* format = "%Y";
  switch (node.part) {
    case ast::DatePart::year:
      format = "%Y";
      break;
    case ast::DatePart::month:
      format = "%m";
      break;
    case ast::DatePart::day:
      format = "%d";
      break;
    case ast::DatePart::hour:
      format = "%H";
      break;
    case ast::DatePart::minute:
      format = "%M";
      break;
    case ast::DatePart::second:
      format = "%f";  // seconds with their fraction
      break;
    case ast::DatePart::epoch:
      format = "%s";
      break;
  }
  w.sql += "CAST(strftime('";
  w.sql += format;
  w.sql += "', ";
  expr(*node.operand, w);
  w.sql += ") AS REAL)";
}

std::string SqliteCompiler::column_sql(std::string_view name, const Field& field) const {
  std::string sql;
  std::vector<Value> no_params;
  SqlWriter w{sql, no_params};
  column_definition(name, field, true, w);
  return sql;
}

}  // namespace lingo::sqlite
