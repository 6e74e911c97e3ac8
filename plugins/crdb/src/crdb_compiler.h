// CockroachDB's SQL: PostgreSQL's, with CockroachDB's key fields and types,
// its upserts, and AS OF SYSTEM TIME.
#pragma once

#include "lingo/postgres/pg_compiler.h"

namespace lingo::crdb {

class CrdbCompiler final : public postgres::PgCompiler {
 public:
  CrdbCompiler();

  // replace -> UPSERT INTO (CockroachDB decides by the primary key); ignore ->
  // ON CONFLICT [(cols)] DO NOTHING; update -> ON CONFLICT (cols) DO UPDATE.
  // AutoField is refused (see the constructor).
  void insert(const InsertData& q, SqlWriter& w) const override;
  // FOR UPDATE / FOR SHARE, refused with AS OF SYSTEM TIME.
  void locking(const SelectData& q, SqlWriter& w) const override;
  void as_of_system_time(const SystemTime& time, SqlWriter& w) const override;
  // extract('part', x), the part bound as a parameter (peewee's spelling);
  // CAST(CAST(x AS INT) AS TIMESTAMPTZ), since CockroachDB cannot cast a
  // decimal or a float to a timestamp.
  void date(const ast::Date& node, SqlWriter& w) const override;
};

}  // namespace lingo::crdb
