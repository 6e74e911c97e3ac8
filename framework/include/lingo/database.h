// Database: the object an application holds. It routes its URI to a plugin
// and hands out sessions: a session is one connection and its stack of
// transaction blocks.
//
// Two ways to hold a session (docs/sessions.md):
//  - explicitly: db.session() returns a lingo::Session, a Database whose
//    every call runs on that one session's connection, from whichever thread
//    calls (one at a time); it gives the connection back when destroyed.
//  - implicitly, as peewee does: calls made on the Database itself use the
//    calling thread's own session, opened on first use and given back (its
//    open transaction rolled back) when the thread ends or close() is called.
#pragma once

#include <concepts>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "lingo/connection.h"
#include "lingo/export.h"
#include "lingo/introspection.h"
#include "lingo/pool.h"
#include "lingo/query.h"
#include "lingo/result.h"
#include "lingo/trace.h"
#include "lingo/transaction.h"
#include "lingo/value.h"

namespace lingo {

class Dialect;
class Session;
namespace detail {
struct SessionState;
}

// What the callable forms of the transaction blocks accept: a function of no
// arguments, or of the block's handle.
template <class F>
concept BlockBody = std::invocable<F&> || std::invocable<F&, Transaction&>;

class LINGO_API Database {
 public:
  // Parses the URI and finds its plugin (throwing UriError / PluginError
  // now), but opens no connection until connect() or first use.
  explicit Database(std::string_view uri);
  // A pooled database whatever the scheme; `pool` overrides the URI's
  // max_connections, stale_timeout and timeout.
  Database(std::string_view uri, const PoolOptions& pool);
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // A session of its own (lingo::Session below): one connection, opened on
  // first use, and its transaction stack, independent of every thread's.
  [[nodiscard]] Session session();

  // Opens this session's connection. Throws OperationalError when it is
  // already open, unless reuse_if_open, which then returns false.
  bool connect(bool reuse_if_open = false);
  // Closes this session's connection (a pooled one goes back to the pool);
  // returns whether one was open. OperationalError, with the connection left
  // open, while a transaction block is open or while a transaction begun
  // with begin() holds work that closing would throw away. A failed
  // transaction (nothing left to lose) is rolled back.
  bool close();
  [[nodiscard]] bool is_closed() const;

  // Runs SQL with bound parameters, connecting first if needed. Placeholders
  // are the dialect's own; $1..$n work on every built-in dialect.
  //
  // A statement outside any transaction is its own transaction, and is
  // retried where that cannot apply it twice (docs/clusters.md): on a
  // serialization failure or deadlock (40001, 40P01: it was rolled back), up
  // to three times; once, on a new connection, when the server ended the
  // session before running it (57P01 as its only answer: a draining node);
  // and once, on a new connection, when the connection was lost while it
  // ran, if it is a read (a built SELECT) or marked lingo::idempotent.
  // Otherwise a lost connection is an AmbiguousCommitError: whether the
  // statement took effect is unknown. Inside a transaction nothing is
  // retried here (run_transaction retries whole transactions).
  Result execute_sql(std::string_view sql, std::initializer_list<Value> params = {});
  Result execute_sql(std::string_view sql, std::span<const Value> params);
  Result execute_sql(std::string_view sql, std::span<const Value> params, Idempotence idempotence);

  // Independent statements sent together without waiting for each answer
  // (Connection::pipeline): on PostgreSQL one round trip for the lot instead
  // of one each. on_result gets each result as it arrives, in order; the
  // second form collects them.
  void pipeline(std::span<const PipelineStatement> statements, const PipelineCallback& on_result);
  [[nodiscard]] std::vector<Result> pipeline(std::span<const PipelineStatement> statements);

  // Queues a statement of the open transaction to go with its COMMIT, in the
  // same round trip (Connection::defer): a transaction whose last writes do
  // not depend on each other's results costs one round trip for them all.
  //
  //   db.run_transaction([&](lingo::Database& db) {
  //     auto pair = db.execute_sql("SELECT ... WHERE id IN ($1, $2)", {from, to});  // needs its answer
  //     db.defer("UPDATE account SET balance = balance - $1 WHERE id = $2", {amount, from});
  //     db.defer("UPDATE account SET balance = balance + $1 WHERE id = $2", {amount, to});
  //   });                                               // both UPDATEs and COMMIT: one round trip
  //
  // A statement run meanwhile sends the queue first, in one pipeline; a
  // rollback drops it unsent. on_result gets the statement's result when it
  // arrives, which for the last ones is after COMMIT was sent: a check there
  // cannot stop the commit (a statement whose result decides whether to go
  // on must run with execute_sql). A failing statement fails the commit with
  // its own error and statement, and the transaction is rolled back whole.
  // InterfaceError, with nothing queued, when no transaction is open or the
  // open one has failed. docs/transactions.md, "Deferred statements".
  void defer(std::string sql, std::vector<Value> params = {}, DeferredCallback on_result = {});
  // Statements queued by defer() and not yet sent.
  [[nodiscard]] std::size_t deferred_count() const;

  // Raw transaction control on this session's connection, outside the
  // blocks' bookkeeping (what manual_commit() is for). begin() connects when
  // needed; commit() and rollback() with no connection open are an
  // InterfaceError and open nothing (peewee's rule).
  void begin(const TransactionOptions& options = {});
  void commit();
  void rollback();

  // Transaction blocks (lingo/transaction.h has the rules). Each has an RAII
  // form returning a handle and a callable form that runs fn in the block,
  // finishing it when fn returns and rolling back when fn throws, then
  // rethrowing; the callable form returns what fn returns.
  //
  //   db.atomic([&] { ... });                       // BEGIN ... COMMIT
  //   db.atomic({.isolation_level = lingo::IsolationLevel::serializable}, [&] { ... });
  //   auto txn = db.atomic(); ...; txn.commit(); ...; txn.finish();
  [[nodiscard]] Transaction atomic(const TransactionOptions& options = {});
  [[nodiscard]] Transaction transaction(const TransactionOptions& options = {});
  [[nodiscard]] Transaction savepoint();
  template <BlockBody F>
  decltype(auto) atomic(F&& fn) {
    return atomic(TransactionOptions{}).run(fn);
  }
  template <BlockBody F>
  decltype(auto) atomic(const TransactionOptions& options, F&& fn) {
    return atomic(options).run(fn);
  }
  template <BlockBody F>
  decltype(auto) transaction(F&& fn) {
    return transaction(TransactionOptions{}).run(fn);
  }
  template <BlockBody F>
  decltype(auto) transaction(const TransactionOptions& options, F&& fn) {
    return transaction(options).run(fn);
  }
  template <BlockBody F>
  decltype(auto) savepoint(F&& fn) {
    return savepoint().run(fn);
  }

  [[nodiscard]] ManualCommit manual_commit();
  template <std::invocable F>
  decltype(auto) manual_commit(F&& fn);
  [[nodiscard]] ConnectionContext connection_context();
  template <std::invocable F>
  decltype(auto) connection_context(F&& fn);

  // peewee's decorators: wrap a function so that every call runs in its own
  // block. The wrapper takes and returns what fn does.
  //   auto create_user = db.wrap_transaction([&](std::string email) { ... });
  template <class F>
  [[nodiscard]] auto wrap_atomic(F fn, TransactionOptions options = {});
  template <class F>
  [[nodiscard]] auto wrap_transaction(F fn, TransactionOptions options = {});
  template <class F>
  [[nodiscard]] auto wrap_connection_context(F fn);

  // Whether this session has a transaction or manual_commit block open, and
  // how many (nested atomic() savepoints do not count; nested transaction()
  // blocks do).
  [[nodiscard]] bool in_transaction() const;
  [[nodiscard]] int transaction_depth() const;

  // Runs fn(*this) in a transaction, retrying the whole transaction when it
  // fails with an error the dialect calls retryable (PostgreSQL: 40001 and
  // 40P01; SQLite: busy and locked), wherever it arrives, COMMIT included.
  // fn may therefore run several times, and should do nothing but SQL. It
  // must not commit or roll back itself.
  //  - Returns what fn returns.
  //  - Any other error is rethrown after rolling back.
  //  - ExceededMaxAttempts when the attempts or the deadline run out.
  //  - AmbiguousCommitError, never retried, when the connection is lost
  //    during COMMIT: the transaction may have been applied.
  //  - InterfaceError, with nothing sent, inside an open transaction.
  template <class F>
  requires std::invocable<F&, Database&>
  decltype(auto) run_transaction(F&& fn, const RunOptions& options = {});

  // peewee's retry_transaction decorator: a function of no arguments that
  // runs fn through run_transaction each time it is called.
  //   auto transfer = db.retry_transaction([&](lingo::Database& tx) { ... }, {.max_attempts = 10});
  //   transfer();
  template <class F>
  requires std::invocable<F&, Database&>
  [[nodiscard]] auto retry_transaction(F fn, RunOptions options = {}) {
    return [this, fn = std::move(fn), options = std::move(options)]() mutable -> decltype(auto) {
      return run_transaction(fn, options);
    };
  }

  // Statement tracing (lingo/trace.h); an empty tracer turns it off.
  void set_tracer(Tracer tracer, TraceOptions options = {});

  // Pools (lingo/pool.h). The close_* calls are InterfaceError on a database
  // that is not pooled.
  [[nodiscard]] bool is_pooled() const noexcept;
  [[nodiscard]] PoolStats pool_stats() const;
  // Closes every idle pooled connection; returns how many.
  std::size_t close_idle();
  // Forgets connections lent longer than `age` ago, freeing their slots; each
  // is closed when its thread gives it back. Returns how many.
  std::size_t close_stale(Seconds age = Seconds(600));
  // Closes this session's connection, every idle one, and forgets the lent ones.
  void close_all();
  // Closes this session's connection for real instead of returning it to the
  // pool; returns false when it was not open. (close() on an unpooled one.)
  bool manual_close();

  // The server's version (see Connection::server_version), read once per
  // Database and then remembered.
  [[nodiscard]] int server_version();
  [[nodiscard]] std::string_view dialect_name() const noexcept;
  // The URI with its password masked.
  [[nodiscard]] const std::string& uri() const noexcept;

  // This session's connection, opened if needed.
  Connection& connection();

  // Queries, compiled by this database's dialect (lingo/query.h).
  template <class... E>
  [[nodiscard]] Select select(const E&... columns) {
    return Select(this, {columns.node()...});
  }
  [[nodiscard]] Insert insert(const Table& table) { return Insert(this, table); }
  [[nodiscard]] Update update(const Table& table) { return Update(this, table); }
  [[nodiscard]] Delete delete_from(const Table& table) { return Delete(this, table); }

  // Plain structs mapped onto tables (lingo/mapping.h). insert() fills the
  // generated key back; get() throws DoesNotExist when no row has the key;
  // save() and remove() return the rows affected.
  template <class T>
  requires(!std::is_base_of_v<Table, T>) void insert(T& object);
  template <class T>
  [[nodiscard]] T get(const Value& key);
  template <class T>
  std::int64_t save(const T& object);
  template <class T>
  std::int64_t remove(const T& object);

  // Schema. create_tables orders the tables so that referenced ones come
  // first, then creates each table's indexes; drop_tables goes in reverse.
  // The vector forms take a list made at run time, such as the all_tables
  // that `lingo gen` writes into models.h.
  void create_tables(std::initializer_list<const Table*> tables, bool safe = false) {
    create_tables(std::span<const Table* const>(tables.begin(), tables.size()), safe);
  }
  void create_tables(const std::vector<const Table*>& tables, bool safe = false) {
    create_tables(std::span<const Table* const>(tables), safe);
  }
  void create_tables(std::span<const Table* const> tables, bool safe = false);
  void drop_tables(std::initializer_list<const Table*> tables, bool safe = false, bool cascade = false) {
    drop_tables(std::span<const Table* const>(tables.begin(), tables.size()), safe, cascade);
  }
  void drop_tables(const std::vector<const Table*>& tables, bool safe = false, bool cascade = false) {
    drop_tables(std::span<const Table* const>(tables), safe, cascade);
  }
  void drop_tables(std::span<const Table* const> tables, bool safe = false, bool cascade = false);
  void create_index(const Table& table, const IndexDef& index, bool safe = false);
  [[nodiscard]] const Compiler& compiler() const;
  // The dialect plugin serving this database's URI.
  [[nodiscard]] const Dialect& dialect() const noexcept;

  // Schema introspection on this session's connection (see
  // lingo/introspection.h). An empty schema is the dialect's default
  // ("public", "main"). A dialect without an introspector throws
  // NotSupportedError naming it.
  [[nodiscard]] std::vector<std::string> get_tables(std::string_view schema = {});
  [[nodiscard]] std::vector<ViewMetadata> get_views(std::string_view schema = {});
  [[nodiscard]] std::vector<ColumnMetadata> get_columns(std::string_view table, std::string_view schema = {});
  [[nodiscard]] std::vector<IndexMetadata> get_indexes(std::string_view table, std::string_view schema = {});
  [[nodiscard]] std::vector<std::string> get_primary_keys(std::string_view table,
                                                          std::string_view schema = {});
  [[nodiscard]] std::vector<ForeignKeyMetadata> get_foreign_keys(std::string_view table,
                                                                 std::string_view schema = {});

  // What every handle of one database shares (framework/src/database_impl.h).
  struct Impl;

 protected:
  Database(std::shared_ptr<Impl> impl, std::unique_ptr<detail::SessionState> pinned) noexcept;

 private:
  friend class Transaction;
  friend class ManualCommit;
  friend class ConnectionContext;
  // The session calls on this object use: a Session's own, else the calling
  // thread's (made when missing by state(), null from find_state()).
  [[nodiscard]] detail::SessionState* find_state() const noexcept;
  [[nodiscard]] detail::SessionState& state() const;
  // Whether this handle is a Session's (any thread may use it, one at a time).
  [[nodiscard]] bool is_pinned() const noexcept { return pinned_ != nullptr; }
  void run_transaction_erased(const std::function<void(Database&)>& fn, const RunOptions& options);
  void run_with_restart_savepoint(const std::function<void(Database&)>& fn,
                                  const TransactionOptions& transaction_options, const std::string& name,
                                  RunStats& stats,
                                  const std::function<void(const Error&, int)>& next_attempt);

  std::shared_ptr<Impl> impl_;
  std::unique_ptr<detail::SessionState> pinned_;  // a Session's own session; null otherwise
};

// An explicit session: one connection and its transaction stack, owned by
// this object (libpqxx's connection, SOCI's session). It is a Database, so
// queries, transaction blocks and run_transaction work on it as on a
// Database, all on its one connection. Move it to hand it to another thread;
// it is not for two threads at once. Destroying it rolls back whatever it
// left open (the trace says so) and gives the connection back to the pool.
// It may outlive the Database it came from.
class LINGO_API Session final : public Database {
 public:
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

 private:
  friend class Database;
  Session(std::shared_ptr<Impl> impl, std::unique_ptr<detail::SessionState> state) noexcept;
};

template <std::invocable F>
decltype(auto) Database::manual_commit(F&& fn) {
  ManualCommit block = manual_commit();
  return detail::run_then_finish(block, fn);
}

template <std::invocable F>
decltype(auto) Database::connection_context(F&& fn) {
  ConnectionContext context = connection_context();
  return detail::run_then_finish(context, fn);
}

template <class F>
auto Database::wrap_atomic(F fn, TransactionOptions options) {
  return [this, fn = std::move(fn), options](auto&&... args) -> decltype(auto) {
    return atomic(options, [&] { return fn(std::forward<decltype(args)>(args)...); });
  };
}

template <class F>
auto Database::wrap_transaction(F fn, TransactionOptions options) {
  return [this, fn = std::move(fn), options](auto&&... args) -> decltype(auto) {
    return transaction(options, [&] { return fn(std::forward<decltype(args)>(args)...); });
  };
}

template <class F>
auto Database::wrap_connection_context(F fn) {
  return [this, fn = std::move(fn)](auto&&... args) -> decltype(auto) {
    return connection_context([&] { return fn(std::forward<decltype(args)>(args)...); });
  };
}

template <class F>
requires std::invocable<F&, Database&>
decltype(auto) Database::run_transaction(F&& fn, const RunOptions& options) {
  using R = std::invoke_result_t<F&, Database&>;
  if constexpr (std::is_void_v<R>) {
    run_transaction_erased([&](Database& db) { fn(db); }, options);
  } else {
    using V = std::remove_cvref_t<R>;
    std::optional<V> result;
    run_transaction_erased([&](Database& db) { result.emplace(fn(db)); }, options);
    return V(std::move(*result));
  }
}

// The free form of Database::run_transaction, as peewee offers both.
template <class F>
requires std::invocable<F&, Database&>
decltype(auto) run_transaction(Database& db, F&& fn, const RunOptions& options = {}) {
  return db.run_transaction(std::forward<F>(fn), options);
}

// Makes a Database and opens the calling thread's connection, so a bad
// password or an unreachable server is reported here.
[[nodiscard]] LINGO_API Database connect(std::string_view uri);

}  // namespace lingo
