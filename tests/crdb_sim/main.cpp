// crdb_sim: a CockroachDB simulator for Lingo's tests. It speaks PostgreSQL's
// wire protocol in front of a real PostgreSQL and makes it behave like
// CockroachDB for everything the cockroachdb plugin sends or relies on.
// Test infrastructure: it is not installed and not for production use.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <libpq-fe.h>

#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "lingo/uri.h"
#include "session.h"

namespace {

const char* const kHelp = R"(usage: crdb_sim --upstream postgresql://user@host:port/db [--listen PORT]
                [--port-file FILE] [--version X.Y.Z] [--verbose]

A CockroachDB simulator for Lingo's tests: a PostgreSQL wire-protocol proxy in
front of a real PostgreSQL 15 that answers as CockroachDB would. CockroachDB
itself cannot run here; this is what the cockroachdb plugin is tested against.

  --upstream URI   the PostgreSQL to stand in front of (its user replaces a
                   client's "root"; its database gets the helper functions)
  --listen PORT    the port to listen on, on 127.0.0.1 (default 26257; 0 picks
                   a free one)
  --port-file F    write the port listened on to F once ready
  --version V      the CockroachDB version presented (default 23.1.11); a
                   client may ask for another with options=-c sim_version=19.2.0

What it emulates (both the simple and the extended query protocol):
  - identity: SELECT version() and SHOW crdb_version give a CockroachDB banner,
    the crdb_version parameter is sent at startup, server_version is 13.0.0
  - SERIALIZABLE by default, so real contention gives real 40001 errors; those
    and deadlocks (40P01) are reshaped as CockroachDB's "restart transaction"
    retry errors with SQLSTATE 40001
  - the transaction state machine: aborted transactions accept only ROLLBACK,
    COMMIT (answered ROLLBACK), ROLLBACK TO SAVEPOINT and SAVEPOINT
    cockroach_restart; COMMIT/ROLLBACK/SAVEPOINT outside a transaction and
    BEGIN inside one are errors, as in CockroachDB
  - SAVEPOINT cockroach_restart: first-statement and no-nesting rules, repeats
    are no-ops, RELEASE commits (then only COMMIT or ROLLBACK are accepted),
    ROLLBACK TO restarts (a real restart upstream after a real conflict), a
    retry error at RELEASE keeps the savepoint
  - other savepoints only from version 20.1; before, 0A000 unimplemented
  - inject_retry_errors_enabled (three injected 40001s per SQL transaction,
    counted across ROLLBACK TO SAVEPOINT, as CockroachDB 23.2+) and
    inject_retry_errors_on_commit_enabled
  - sim_ambiguous_next_commit = on: the next COMMIT or RELEASE of the restart
    savepoint is applied but answered with 40003 "result is ambiguous"
  - PRIORITY in BEGIN and SET TRANSACTION, SHOW transaction_priority,
    default_transaction_priority, and the rule against changing it mid-way
  - AS OF SYSTEM TIME in BEGIN, SET TRANSACTION and SELECT, validated as
    CockroachDB does (constants only, no placeholders, nothing in the future,
    at least 1us, bounded staleness only outside transactions); AOST
    transactions are read-only
  - UPSERT (rewritten to INSERT ... ON CONFLICT on the primary key),
    unique_rowid(), follower_read_timestamp(), and CockroachDB's type names in
    CREATE TABLE (STRING, BYTES, JSON, INT = 64-bit, SERIAL = unique_rowid());
    nested array types are refused
  - CockroachDB-only session variables are absorbed (SET, SHOW, RESET)

What it cannot show:
  - time travel: AS OF SYSTEM TIME reads current data, as PostgreSQL has no
    history to read
  - CockroachDB's own conflict detection, priorities deciding who wins, and
    its online (non-transactional) schema changes
  - TLS, multi-node behaviour, draining, and CockroachDB's catalogs
    (SHOW TABLES and friends go to PostgreSQL unchanged)
)";

void fail(const std::string& message) {
  std::cerr << "crdb_sim: " << message << "\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  crdb_sim::Settings settings;
  std::string upstream;
  unsigned listen_port = 26257;
  std::string port_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kHelp;
      return 0;
    } else if (arg == "--upstream") {
      upstream = value();
    } else if (arg == "--listen") {
      listen_port = static_cast<unsigned>(std::stoul(value()));
    } else if (arg == "--port-file") {
      port_file = value();
    } else if (arg == "--version") {
      settings.version = value();
    } else if (arg == "--verbose") {
      settings.verbose = true;
    } else {
      fail("unknown argument " + arg + " (see --help)");
    }
  }
  if (upstream.empty()) fail("--upstream is required (see --help)");

  const lingo::Uri uri = lingo::Uri::parse(upstream);
  if (uri.hosts().empty()) fail("the upstream URI needs a host");
  settings.upstream_host = uri.hosts().front().name;
  settings.upstream_port = uri.hosts().front().port.value_or(5432);
  settings.upstream_user = uri.user().value_or("postgres");

  // One libpq connection for the helper functions and primary-key lookups.
  PGconn* catalog = PQconnectdb(upstream.c_str());
  if (PQstatus(catalog) != CONNECTION_OK)
    fail(std::string("cannot reach the upstream: ") + PQerrorMessage(catalog));
  for (const char* sql : {
           "CREATE SEQUENCE IF NOT EXISTS crdb_sim_rowid_seq",
           "CREATE OR REPLACE FUNCTION unique_rowid() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT "
           "((floor(extract(epoch FROM clock_timestamp()) * 100000)::bigint - 142007040000000) << 15) | "
           "(nextval('crdb_sim_rowid_seq') & 32767) $$",
           "CREATE OR REPLACE FUNCTION unordered_unique_rowid() RETURNS bigint LANGUAGE sql VOLATILE AS $$ "
           "SELECT "
           "unique_rowid() $$",
           "CREATE OR REPLACE FUNCTION follower_read_timestamp() RETURNS timestamptz LANGUAGE sql STABLE AS "
           "$$ "
           "SELECT statement_timestamp() - interval '4.2s' $$",
           // CockroachDB casts integers (epoch seconds) to timestamps; PostgreSQL needs telling.
           "CREATE OR REPLACE FUNCTION crdb_sim_epoch_to_timestamptz(bigint) RETURNS timestamptz LANGUAGE "
           "sql "
           "IMMUTABLE AS $$ SELECT to_timestamp($1) $$",
           "CREATE OR REPLACE FUNCTION crdb_sim_epoch_to_timestamptz(integer) RETURNS timestamptz LANGUAGE "
           "sql "
           "IMMUTABLE AS $$ SELECT to_timestamp($1) $$",
           "DO $$ BEGIN CREATE CAST (bigint AS timestamptz) WITH FUNCTION "
           "crdb_sim_epoch_to_timestamptz(bigint); "
           "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
           "DO $$ BEGIN CREATE CAST (integer AS timestamptz) WITH FUNCTION "
           "crdb_sim_epoch_to_timestamptz(integer); "
           "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
       }) {
    PGresult* r = PQexec(catalog, sql);
    // Two simulators starting at once may race on CREATE OR REPLACE; the
    // other one's definition is the same.
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      const std::string message = PQresultErrorMessage(r);
      if (message.find("tuple concurrently updated") == std::string::npos)
        fail("setting up the upstream: " + message);
    }
    PQclear(r);
  }
  std::mutex catalog_mutex;
  settings.primary_key = [&](const std::string& table) {
    std::lock_guard lock(catalog_mutex);
    const char* values[] = {table.c_str()};
    PGresult* r =
        PQexecParams(catalog,
                     "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
                     "a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY "
                     "array_position(i.indkey::int2[], a.attnum)",
                     1, nullptr, values, nullptr, nullptr, 0);
    std::vector<std::string> columns;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      for (int row = 0; row < PQntuples(r); ++row) columns.emplace_back(PQgetvalue(r, row, 0));
    }
    PQclear(r);
    return columns;
  };

  Poco::Net::ServerSocket server(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(listen_port)), 64);
  const unsigned port = server.address().port();
  if (!port_file.empty()) {
    std::ofstream out(port_file + ".tmp");
    out << port << "\n";
    out.close();
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  std::cout << "crdb_sim: CockroachDB v" << settings.version << " simulated on 127.0.0.1:" << port
            << " in front of " << uri.masked() << std::endl;
  for (;;) {
    Poco::Net::StreamSocket client = server.acceptConnection();
    client.setNoDelay(true);
    std::thread([client, &settings]() mutable {
      crdb_sim::Session session(client, settings);
      session.run();
    }).detach();
  }
}
