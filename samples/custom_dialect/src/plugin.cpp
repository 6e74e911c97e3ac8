// The plugin's entry point: the handshake the Lingo core reads before it
// touches anything else in this library. The name (acmepg) matches the file,
// liblingo-acmepg.so; the scheme is what URIs use: acmedb://.
#include "lingo/plugin.h"
#include "acme_dialect.h"

LINGO_PLUGIN(acmepg, "AcmeDB (PostgreSQL-compatible) through libpq", acme::AcmeDialect, "acmedb")
