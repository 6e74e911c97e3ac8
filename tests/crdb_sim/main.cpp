// crdb_sim: a CockroachDB simulator for Lingo's tests. It speaks PostgreSQL's
// wire protocol in front of a real PostgreSQL and makes it behave like
// CockroachDB for everything the cockroachdb plugin sends or relies on.
// Test infrastructure: it is not installed and not for production use.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <libpq-fe.h>

#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

#include "lingo/uri.h"
#include "node.h"
#include "session.h"

namespace {

const char* const kHelp = R"(usage: crdb_sim --upstream postgresql://user@host:port/db [--listen PORT]
                [--port-file FILE] [--version X.Y.Z] [--node-id N]
                [--locality k=v,...] [--control-port PORT]
                [--control-port-file FILE] [--verbose]
       crdb_sim --control PORT COMMAND [SECONDS...]

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
  --node-id N      this node's id, 1 to 2047 (default 1)
  --locality L     this node's locality, e.g. region=eu-west1,zone=eu-west1-b
  --control-port P listen for fault controls on 127.0.0.1:P (0 picks a free
                   port; none by default)
  --control-port-file F  write the control port to F once ready
  --control P CMD  send one command to a node's control port, print the
                   reply; exit 0 when it begins with "ok"

A cluster is several simulators in front of the same PostgreSQL, each with its
own --node-id and --locality (tests/crdb_sim/cluster.sh starts N of them).
Each node answers SHOW node_id and SHOW LOCALITY, and crdb_internal.node_id(),
crdb_internal.locality_value('region') and gateway_region() in SQL.

Fault controls (one line in, one line out, on the control port); what each
follows in CockroachDB (docs: cockroachlabs.com/docs/v23.1/node-shutdown;
code: pkg/server/drain.go, pkg/sql/pgwire/server.go):
  status           "ok node=N state=up|draining|drained|dead|stalled sessions=K"
  kill             as a process killed with SIGKILL: the listener closes (new
                   connections are refused by the kernel) and every session's
                   sockets are shut at once, mid-statement or not, with no
                   message; PostgreSQL rolls back what was open, or finishes
                   a COMMIT already received (an honestly ambiguous commit)
  drain [Q [C]]    as `cockroach node drain`: new sessions get FATAL 57P01
                   "server is not accepting clients, try another node"
                   (ErrDrainingNewConn); sessions already open go on for up to
                   C seconds (server.shutdown.connection_wait, default 0) or
                   until they all end; then a session outside a transaction
                   ends at once, one inside ends when its transaction does,
                   each with FATAL 57P01 "server is shutting down"
                   (ErrDrainingExistingConn), for up to Q seconds
                   (server.shutdown.query_wait, default 10); what is left then
                   is cut off. The reply comes when the drain is done; the
                   node then stays drained (refusing sessions), as a drained
                   node does until it restarts. The health endpoint's phase
                   (server.shutdown.drain_wait) has no counterpart here.
  stall            a hung node or a partition: new connections wait in the
                   listen backlog, never served; open sessions read nothing
                   more (a statement already received is still answered)
  revive           back up: listening again on the same port; stalled
                   sessions resume; killed or drained ones stay gone

What it emulates (both the simple and the extended query protocol):
  - identity: SELECT version() and SHOW crdb_version give a CockroachDB banner,
    the crdb_version parameter is sent at startup, server_version is 13.0.0
  - SERIALIZABLE by default, so real contention gives real 40001 errors; those
    and deadlocks (40P01) are reshaped as CockroachDB's "restart transaction"
    retry errors with SQLSTATE 40001; lookups stay on indexes
    (enable_seqscan=off), so transactions on different keys do not conflict,
    as in CockroachDB, even when PostgreSQL would rather scan a small table
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
  - cancel requests go on to PostgreSQL (the session keys are its own, not
    CockroachDB's, which carry the node id in their top bits)
  - TLS and CockroachDB's catalogs (SHOW TABLES and friends go to PostgreSQL
    unchanged)
  - what a cluster does beneath SQL: every node shares one PostgreSQL, so
    there is no replication, no range leases or lease transfer, no
    unavailable ranges, no clock skew and no latency between nodes; a killed
    node loses nothing, and follower reads are not stale
)";

void fail(const std::string& message) {
  std::cerr << "crdb_sim: " << message << "\n";
  std::exit(2);
}

// Writes `value` to `file` whole (through a rename), for scripts waiting on it.
void publish(const std::string& file, unsigned value) {
  if (file.empty()) return;
  std::ofstream out(file + ".tmp");
  out << value << "\n";
  out.close();
  std::rename((file + ".tmp").c_str(), file.c_str());
}

// crdb_sim --control PORT COMMAND...: one command, its reply on stdout.
int control_client(unsigned port, const std::string& command) {
  try {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    Poco::Net::SocketStream stream(socket);
    stream << command << "\n" << std::flush;
    std::string reply;
    std::getline(stream, reply);
    std::cout << reply << "\n";
    return reply.starts_with("ok") ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "crdb_sim: control port " << port << ": " << e.what() << "\n";
    return 2;
  }
}

// The control port: each connection sends one command and gets one line.
void serve_controls(Poco::Net::ServerSocket& controls, crdb_sim::Node& node) {
  for (;;) {
    Poco::Net::StreamSocket peer = controls.acceptConnection();
    std::thread([peer, &node]() mutable {
      try {
        Poco::Net::SocketStream stream(peer);
        std::string line;
        if (std::getline(stream, line)) stream << node.command(line) << "\n" << std::flush;
      } catch (const std::exception& e) {
        std::cerr << "crdb_sim: control connection: " << e.what() << "\n";
      }
    }).detach();
  }
}

}  // namespace

int main(int argc, char** argv) {
  crdb_sim::Settings settings;
  std::string upstream;
  unsigned listen_port = 26257;
  std::string port_file;
  int node_id = 1;
  std::string locality;
  std::optional<unsigned> control_port;
  std::string control_port_file;
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
    } else if (arg == "--node-id") {
      const std::string text = value();
      if (!std::regex_match(text, std::regex("[1-9][0-9]{0,3}")) || std::stoi(text) > 2047)
        fail("--node-id takes a number from 1 to 2047, not " + text);
      node_id = std::stoi(text);
    } else if (arg == "--locality") {
      locality = value();
      if (!std::regex_match(
              locality, std::regex(R"([A-Za-z0-9_-]+=[A-Za-z0-9_.-]+(,[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+)*)")))
        fail("--locality takes key=value pairs separated by commas (region=eu-west1,zone=b), not " +
             locality);
    } else if (arg == "--control-port") {
      control_port = static_cast<unsigned>(std::stoul(value()));
    } else if (arg == "--control-port-file") {
      control_port_file = value();
    } else if (arg == "--control") {
      const unsigned port = static_cast<unsigned>(std::stoul(value()));
      std::string command;
      for (++i; i < argc; ++i) command += (command.empty() ? "" : " ") + std::string(argv[i]);
      if (command.empty()) fail("--control PORT needs a command (see --help)");
      return control_client(port, command);
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
           // The node a session is on (its upstream session carries
           // crdb_sim.node_id and crdb_sim.locality, set at startup).
           "DO $$ BEGIN CREATE SCHEMA crdb_internal; EXCEPTION WHEN duplicate_schema OR unique_violation "
           "THEN "
           "NULL; END $$",
           "CREATE OR REPLACE FUNCTION crdb_internal.node_id() RETURNS bigint LANGUAGE sql STABLE AS $$ "
           "SELECT coalesce(current_setting('crdb_sim.node_id', true), '1')::bigint $$",
           "CREATE OR REPLACE FUNCTION crdb_internal.locality_value(key text) RETURNS text LANGUAGE sql "
           "STABLE "
           "AS $$ SELECT substring(',' || coalesce(current_setting('crdb_sim.locality', true), '') || ',' "
           "FROM ',' || key || '=([^,]*),') $$",
           "CREATE OR REPLACE FUNCTION gateway_region() RETURNS text LANGUAGE sql STABLE AS $$ "
           "SELECT crdb_internal.locality_value('region') $$",
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

  crdb_sim::Node node(node_id, locality);
  settings.node = &node;
  std::optional<Poco::Net::ServerSocket> server;
  server.emplace(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(listen_port)), 64);
  const unsigned port = server->address().port();
  std::optional<Poco::Net::ServerSocket> controls;
  if (control_port) {
    controls.emplace(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(*control_port)), 16);
    publish(control_port_file, controls->address().port());
    std::thread(serve_controls, std::ref(*controls), std::ref(node)).detach();
  }
  publish(port_file, port);
  std::cout << "crdb_sim: CockroachDB v" << settings.version << " node " << node_id
            << " simulated on 127.0.0.1:" << port << " in front of " << uri.masked() << std::endl;
  const Poco::Timespan tick(0, 20'000);
  for (;;) {
    const auto state = node.state();
    if (state == crdb_sim::Node::State::dead) {
      server.reset();  // connections are refused, as by a host with no process on the port
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (!server) server.emplace(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)), 64);
    if (state == crdb_sim::Node::State::stalled || !server->poll(tick, Poco::Net::Socket::SELECT_READ)) {
      if (state == crdb_sim::Node::State::stalled) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    Poco::Net::StreamSocket client = server->acceptConnection();
    client.setNoDelay(true);
    std::thread([client, &settings]() mutable {
      crdb_sim::Session session(client, settings);
      session.run();
    }).detach();
  }
}
