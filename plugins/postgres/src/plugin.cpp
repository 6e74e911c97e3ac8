// The postgres plugin's entry point: the handshake the core reads first.
#include "lingo/plugin.h"
#include "lingo/postgres/pg_dialect.h"

LINGO_PLUGIN(postgres, "PostgreSQL through libpq", lingo::postgres::PgDialect, "postgres", "postgresql")
