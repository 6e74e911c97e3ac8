#include "crdb_compiler.h"

#include <boost/algorithm/string/case_conv.hpp>
#include <locale>

#include "lingo/errors.h"

namespace lingo::crdb {
namespace {

// peewee's guard: the key fields carry their own constraints and take no others.
void refuse_constraints(const Field& f) {
  if (f.default_value() || !f.default_sql().empty() || !f.check().empty() || f.is_nullable() ||
      f.references()) {
    throw ValueError(f.kind() +
                     " cannot specify constraints: its DEFAULT is the server's, and it is a NOT NULL "
                     "primary key");
  }
  if (!f.is_primary_key()) throw ValueError(f.kind() + " must always be a primary key");
}

}  // namespace

CrdbCompiler::CrdbCompiler() : PgCompiler("cockroachdb") {
  // CockroachDB turns SERIAL into INT8 DEFAULT unique_rowid(): 64-bit keys of
  // about 10^18, which a 32-bit AutoField cannot read back. Refused when the
  // table is created, not at the first insert.
  field_types_.add("AutoField", [](const Field&) -> std::string {
    throw_error<NotSupportedError>(
        "AutoField is a 32-bit key, and CockroachDB makes every SERIAL an INT8 filled by unique_rowid() "
        "(values near 10^18): declare the key as Column<std::int64_t> with BigAutoField or RowIDField, "
        "or as Column<lingo::Uuid> with UUIDKeyField",
        {.sqlstate = "0A000", .dialect = "cockroachdb"});
  });
  field_types_.add("UUIDKeyField", [](const Field& f) {
    refuse_constraints(f);
    return std::string("UUID DEFAULT gen_random_uuid()");
  });
  field_types_.add("RowIDField", [](const Field& f) {
    refuse_constraints(f);
    return std::string("INT8 DEFAULT unique_rowid()");
  });
  field_types_.add("BlobField", "BYTES");
  // CockroachDB has only JSONB; JSON is its alias.
  field_types_.add("JSONField", "JSONB");
  field_types_.add("ArrayField", [this](const Field& f) {
    if (f.dimensions != 1) {
      throw_error<NotSupportedError>("CockroachDB arrays have one dimension; an ArrayField of " +
                                         std::to_string(f.dimensions) +
                                         " dimensions cannot be created (store nested data as JSONB)",
                                     {.sqlstate = "0A000", .dialect = "cockroachdb"});
    }
    return scalar_type(f.element_type, f) + "[]";
  });
}

void CrdbCompiler::insert(const InsertData& q, SqlWriter& w) const {
  if (q.on_conflict != ConflictAction::replace) {
    PgCompiler::insert(q, w);
    return;
  }
  // UPSERT takes the primary key as its only arbiter (the target
  // on_conflict_replace records); Insert refuses a WHERE with it.
  InsertData plain = q;
  plain.on_conflict = ConflictAction::none;
  const std::size_t start = w.sql.size();
  PgCompiler::insert(plain, w);
  w.sql.replace(start, 6, "UPSERT");  // "INSERT INTO ..." -> "UPSERT INTO ..."
}

void CrdbCompiler::locking(const SelectData& q, SqlWriter& w) const {
  if (q.as_of) {
    not_supported(q.lock == RowLock::share ? "SELECT ... FOR SHARE with AS OF SYSTEM TIME"
                                           : "SELECT ... FOR UPDATE with AS OF SYSTEM TIME",
                  "a historical read cannot lock rows: CockroachDB refuses the two together");
  }
  PgCompiler::locking(q, w);
}

void CrdbCompiler::as_of_system_time(const SystemTime& time, SqlWriter& w) const {
  w.sql += " AS OF SYSTEM TIME ";
  w.sql += time.sql();
}

void CrdbCompiler::date(const ast::Date& node, SqlWriter& w) const {
  if (node.op == ast::DateOp::from_epoch) {
    w.sql += "CAST(CAST(";
    expr(*node.operand, w);
    w.sql += " AS INT) AS TIMESTAMPTZ)";
    return;
  }
  std::string part(ast::to_string(node.part));
  boost::algorithm::to_lower(part, std::locale::classic());
  w.sql += "extract(";
  param(Value(part), w);
  w.sql += ", ";
  expr(*node.operand, w);
  w.sql += ')';
}

}  // namespace lingo::crdb
