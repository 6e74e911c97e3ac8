// The CockroachDB plugin's entry point.
#include "lingo/plugin.h"
#include "crdb_dialect.h"

LINGO_PLUGIN(cockroachdb, "CockroachDB through libpq (the PostgreSQL plugin, specialized)",
             lingo::crdb::CrdbDialect, "cockroachdb", "crdb")
