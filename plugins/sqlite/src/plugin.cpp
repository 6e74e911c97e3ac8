// The entry point the core's loader looks for in liblingo-sqlite.so.
#include "lingo/plugin.h"
#include "sqlite_dialect.h"

LINGO_PLUGIN(sqlite, "SQLite 3, embedded", lingo::sqlite::SqliteDialect, "sqlite")
