#include "acme_compiler.h"

#include <string>

namespace acme {

AcmeCompiler::AcmeCompiler() : PgCompiler("acmedb") {
  // AcmeDB has no TEXT type: its unbounded string column is the standard
  // CHARACTER VARYING without a length. Re-registering the field kind replaces
  // PostgreSQL's spelling for every TextField in CREATE TABLE.
  field_types_.add("TextField", "CHARACTER VARYING");
}

void AcmeCompiler::limit_offset(const lingo::SelectData& q, lingo::SqlWriter& w) const {
  // AcmeDB's parser knows only the SQL:2008 row-limiting clause, not LIMIT.
  // The standard puts OFFSET first; either part may stand alone.
  if (q.offset) w.sql += " OFFSET " + std::to_string(*q.offset) + " ROWS";
  if (q.limit) w.sql += " FETCH FIRST " + std::to_string(*q.limit) + " ROWS ONLY";
}

}  // namespace acme
