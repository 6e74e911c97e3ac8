// What a plugin provides: a dialect, which knows how to open connections for
// the URI schemes it registered.
//
// A plugin keeps one Dialect object for the life of the process; the core
// never deletes it. Later capabilities (compiling queries, field types,
// introspection) arrive as further virtual hooks with defaults.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lingo/connection.h"
#include "lingo/export.h"
#include "lingo/introspection.h"
#include "lingo/schema_change.h"
#include "lingo/transaction.h"
#include "lingo/uri.h"

namespace lingo {

class Compiler;

class LINGO_API Dialect {
 public:
  virtual ~Dialect() = default;
  // The dialect's name as errors and `lingo plugins` show it: "postgres".
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  // Opens a connection; throws UriError for options the dialect does not
  // accept and ConnectionError when the server cannot be reached.
  [[nodiscard]] virtual std::unique_ptr<Connection> connect(const Uri& uri) const = 0;
  // Schema introspection (lingo/introspection.h); nullptr when the dialect
  // has none, which Database reports as NotSupportedError.
  [[nodiscard]] virtual const Introspector* introspector() const noexcept { return nullptr; }
  // The SQL compiler for queries and DDL (lingo/compiler.h). The default
  // writes standard SQL with $n placeholders and knows no field types.
  [[nodiscard]] virtual const Compiler& compiler() const;

  // The statement that opens a transaction with these options ("BEGIN" and
  // the dialect's clauses). Sends nothing: it is called before BEGIN, so a
  // bad option costs no round trip. Throws NotSupportedError naming an option
  // the dialect lacks (see unsupported_transaction_option). The default
  // accepts no options.
  [[nodiscard]] virtual std::string begin_statement(const TransactionOptions& options) const;

  // Why savepoints (a nested atomic(), savepoint()) cannot be used on this
  // database, or nullopt when they can. Asked before any SAVEPOINT is sent.
  // `server_version` reads the database's version (Database::server_version,
  // a query the first time): call it only when the answer depends on it, so
  // that a refusal that does not sends nothing at all.
  [[nodiscard]] virtual std::optional<std::string> savepoint_restriction(
      const Uri& uri, const std::function<int()>& server_version) const;

  // The savepoint run_transaction retries through, or nullopt (the default)
  // to restart the whole transaction. With a name, an attempt is BEGIN;
  // SAVEPOINT name; callback; RELEASE SAVEPOINT name (which commits); COMMIT,
  // and a retryable failure rolls back to the savepoint and runs the callback
  // again (CockroachDB's "cockroach_restart" protocol).
  [[nodiscard]] virtual std::optional<std::string> restart_savepoint(const Uri& uri) const;

  // Schema changes (SchemaEditor, lingo/migrate.h). Whether a batch of changes
  // runs in one transaction, all or nothing (the default), or each change on
  // its own (CockroachDB, whose schema changes do not roll back with a
  // transaction the way PostgreSQL's do).
  [[nodiscard]] virtual bool transactional_ddl() const noexcept { return true; }
  // Makes one change on the connection (inside the batch's transaction when
  // transactional_ddl()). The default runs Compiler::alter's statements.
  virtual void alter(Connection& conn, const SchemaChange& change) const;
  // Called before a batch's transaction opens and after it ends, whether it
  // committed or not: SQLite turns foreign key enforcement off for the
  // table rebuilds, and on again.
  virtual void before_schema_changes(Connection& /*conn*/) const {}
  virtual void after_schema_changes(Connection& /*conn*/) const {}
  // Called inside the batch's transaction, before it commits (when
  // transactional_ddl()): SQLite checks every foreign key, since enforcement
  // was off while the batch ran.
  virtual void check_schema_changes(Connection& /*conn*/) const {}
};

// The NotSupportedError a dialect throws for a transaction option it lacks:
// "the postgres dialect does not support the transaction option 'priority'...".
[[noreturn]] LINGO_API void unsupported_transaction_option(std::string_view dialect, std::string_view option,
                                                 std::string_view detail = {});

}  // namespace lingo
