// AcmeDB's SQL: PostgreSQL's, with the two places where AcmeDB departs from it
// respelled. Everything else (placeholders, operators, upserts, RETURNING,
// the other type names) is inherited from lingo::postgres::PgCompiler.
#pragma once

#include "lingo/postgres/pg_compiler.h"

namespace acme {

class AcmeCompiler : public lingo::postgres::PgCompiler {
 public:
  // The dialect name is what NotSupportedError messages name.
  AcmeCompiler();

  // SELECT ... OFFSET n ROWS FETCH FIRST m ROWS ONLY instead of LIMIT m OFFSET n.
  void limit_offset(const lingo::SelectData& q, lingo::SqlWriter& w) const override;
};

}  // namespace acme
