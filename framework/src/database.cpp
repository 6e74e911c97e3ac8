#include "lingo/database.h"

#include <iterator>

#include "database_impl.h"
#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/plugin_registry.h"
#include "lingo/uri.h"

namespace lingo {

namespace {

constexpr const char* kPoolOptions[] = {"max_connections", "stale_timeout", "timeout"};

// The URI the dialect sees: a pooled one loses its "+pool" and the pool's options.
Uri dialect_uri(const Uri& given, bool pooled) {
  if (!pooled) return given;
  return Uri::parse(given.rebuild(
      given.base_scheme(), std::vector<std::string>(std::begin(kPoolOptions), std::end(kPoolOptions))));
}

std::atomic<std::uint64_t> next_impl_id{1};

// The session this thread used last, and whose: a loop of queries on one
// Database finds its session here without the mutex and the map. Only the
// owning thread adds or removes its own session, so the pointer stays valid
// until release() on this thread clears the entry.
struct LastSession {
  std::uint64_t owner = 0;
  Session* session = nullptr;
};
thread_local LastSession last_session;

}  // namespace

Database::Impl::Impl(std::string_view text, const PoolOptions* pool_override)
    : uri(Uri::parse(text)), masked_uri(uri.masked()), id_(next_impl_id.fetch_add(1, std::memory_order_relaxed)) {
  const bool pooled = pool_override != nullptr || uri.scheme_variant() == "pool";
  const Uri given = uri;
  uri = dialect_uri(given, pooled);
  dialect = &PluginRegistry::instance().dialect_for(uri);
  if (pooled) {
    PoolOptions options = pool_override != nullptr ? *pool_override : pool_options_from(given, PoolOptions{});
    pool = std::make_unique<ConnectionPool>(*dialect, uri, options, &trace);
  }
}

Database::Impl::~Impl() {
  for (auto& [id, s] : sessions_) {
    if (s->conn != nullptr) s->conn->close();
  }
}

Session* Database::Impl::find() {
  if (last_session.owner == id_) return last_session.session;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(std::this_thread::get_id());
  if (it == sessions_.end()) return nullptr;
  last_session = {id_, it->second.get()};
  return last_session.session;
}

Session& Database::Impl::session() {
  if (last_session.owner == id_) return *last_session.session;
  std::lock_guard lock(mutex_);
  auto& slot = sessions_[std::this_thread::get_id()];
  if (slot == nullptr) slot = std::make_unique<Session>();
  last_session = {id_, slot.get()};
  return *slot;
}

void Database::Impl::open(Session& s) {
  if (pool != nullptr) {
    s.conn = pool->checkout();
  } else {
    s.conn = dialect->connect(uri);
    s.conn->set_trace_sink(&trace, dialect->name());
  }
}

Session& Database::Impl::connected() {
  Session& s = session();
  if (s.conn == nullptr) {
    open(s);
  } else if (s.stack.empty() && s.conn->transaction_status() == TransactionStatus::unknown) {
    // The connection broke (a server restart, a terminated backend) and no
    // block depends on it: the failure was already reported; start afresh.
    if (pool != nullptr) {
      pool->discard(std::move(s.conn));
    } else {
      s.conn->close();
      s.conn.reset();
    }
    open(s);
  }
  return s;
}

bool Database::Impl::close_this_thread(bool for_real) {
  Session* s = find();
  if (s == nullptr || s->conn == nullptr) return false;
  auto refuse = [&](const std::string& why) {
    ErrorInfo info;
    info.message =
        "Attempting to close database while transaction is open: " + why + "; the connection stays open";
    info.dialect = dialect_name();
    throw OperationalError(std::move(info));
  };
  if (!s->stack.empty()) {
    refuse(std::to_string(s->stack.size()) +
           " transaction or manual_commit block(s) are still open on this thread");
  }
  if (s->conn->transaction_status() == TransactionStatus::in_transaction) {
    refuse("a transaction begun with begin() holds uncommitted work; commit() or rollback() it first");
  }
  release(*s, for_real);
  return true;
}

void Database::Impl::release(Session& s, bool for_real) {
  std::unique_ptr<Connection> conn = std::move(s.conn);
  if (s.stack.empty() && s.contexts == 0) {
    if (last_session.owner == id_) last_session = {};
    std::lock_guard lock(mutex_);
    sessions_.erase(std::this_thread::get_id());  // `s` is gone from here on
  }
  if (conn == nullptr) return;
  if (pool == nullptr) {
    conn->close();
  } else if (for_real) {
    pool->discard(std::move(conn));
  } else {
    pool->checkin(std::move(conn));
  }
}

namespace {

const Introspector& introspector_of(const Dialect& dialect) {
  if (const Introspector* found = dialect.introspector()) return *found;
  ErrorInfo info;
  info.message = "the " + std::string(dialect.name()) +
                 " dialect does not support schema introspection (get_tables, get_columns, ...)";
  info.sqlstate = "0A000";
  info.dialect = std::string(dialect.name());
  throw NotSupportedError(std::move(info));
}

[[noreturn]] void not_pooled(const std::string& dialect, const std::string& uri, const char* call) {
  ErrorInfo info;
  info.message = std::string(call) + "() needs a pooled database, and " + uri +
                 " is not one (use a '+pool' scheme, or pass PoolOptions)";
  info.dialect = dialect;
  throw InterfaceError(std::move(info));
}

}  // namespace

Database::Database(std::string_view uri) : impl_(std::make_unique<Impl>(uri, nullptr)) {}
Database::Database(std::string_view uri, const PoolOptions& pool)
    : impl_(std::make_unique<Impl>(uri, &pool)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

bool Database::connect(bool reuse_if_open) {
  Session& s = impl_->session();
  if (s.conn != nullptr) {
    if (reuse_if_open) return false;
    ErrorInfo info;
    info.message = "Connection already opened (this thread already holds a connection to " +
                   impl_->masked_uri + "; pass reuse_if_open = true to accept that)";
    info.dialect = impl_->dialect_name();
    throw OperationalError(std::move(info));
  }
  impl_->open(s);
  return true;
}

bool Database::close() {
  return impl_->close_this_thread(/*for_real=*/false);
}

bool Database::is_closed() const {
  Session* s = impl_->find();
  return s == nullptr || s->conn == nullptr;
}

Connection& Database::connection() {
  return *impl_->connected().conn;
}

bool Database::is_pooled() const noexcept {
  return impl_->pool != nullptr;
}

PoolStats Database::pool_stats() const {
  if (impl_->pool == nullptr) not_pooled(impl_->dialect_name(), impl_->masked_uri, "pool_stats");
  return impl_->pool->stats();
}

std::size_t Database::close_idle() {
  if (impl_->pool == nullptr) not_pooled(impl_->dialect_name(), impl_->masked_uri, "close_idle");
  return impl_->pool->close_idle();
}

std::size_t Database::close_stale(Seconds age) {
  if (impl_->pool == nullptr) not_pooled(impl_->dialect_name(), impl_->masked_uri, "close_stale");
  return impl_->pool->close_stale(age);
}

void Database::close_all() {
  if (impl_->pool == nullptr) not_pooled(impl_->dialect_name(), impl_->masked_uri, "close_all");
  close();
  impl_->pool->close_all();
}

bool Database::manual_close() {
  return impl_->close_this_thread(/*for_real=*/true);
}

void Database::set_tracer(Tracer tracer, TraceOptions options) {
  impl_->trace.set(std::move(tracer), options);
}

std::vector<std::string> Database::get_tables(std::string_view schema) {
  const auto& introspector = introspector_of(*impl_->dialect);
  return introspector.get_tables(connection(), schema);
}

std::vector<ColumnMetadata> Database::get_columns(std::string_view table, std::string_view schema) {
  const auto& introspector = introspector_of(*impl_->dialect);
  return introspector.get_columns(connection(), table, schema);
}

std::vector<IndexMetadata> Database::get_indexes(std::string_view table, std::string_view schema) {
  const auto& introspector = introspector_of(*impl_->dialect);
  return introspector.get_indexes(connection(), table, schema);
}

std::vector<std::string> Database::get_primary_keys(std::string_view table, std::string_view schema) {
  const auto& introspector = introspector_of(*impl_->dialect);
  return introspector.get_primary_keys(connection(), table, schema);
}

std::vector<ForeignKeyMetadata> Database::get_foreign_keys(std::string_view table, std::string_view schema) {
  const auto& introspector = introspector_of(*impl_->dialect);
  return introspector.get_foreign_keys(connection(), table, schema);
}

Result Database::execute_sql(std::string_view sql, std::initializer_list<Value> params) {
  return connection().execute(sql, std::span<const Value>(params.begin(), params.size()));
}

Result Database::execute_sql(std::string_view sql, std::span<const Value> params) {
  return connection().execute(sql, params);
}

void Database::pipeline(std::span<const PipelineStatement> statements, const PipelineCallback& on_result) {
  connection().pipeline(statements, on_result);
}

std::vector<Result> Database::pipeline(std::span<const PipelineStatement> statements) {
  std::vector<Result> results;
  results.reserve(statements.size());
  connection().pipeline(statements, [&](std::size_t, Result r) { results.push_back(std::move(r)); });
  return results;
}

void Database::begin(const TransactionOptions& options) {
  const std::string statement = impl_->dialect->begin_statement(options);
  connection().begin(statement);
}
void Database::commit() {
  connection().commit();
}
void Database::rollback() {
  connection().rollback();
}

int Database::server_version() {
  int v = impl_->server_version.load(std::memory_order_relaxed);
  if (v == 0) {
    v = connection().server_version();
    impl_->server_version.store(v, std::memory_order_relaxed);
  }
  return v;
}

std::string_view Database::dialect_name() const noexcept {
  return impl_->dialect->name();
}

const Dialect& Database::dialect() const noexcept {
  return *impl_->dialect;
}

const std::string& Database::uri() const noexcept {
  return impl_->masked_uri;
}

Database connect(std::string_view uri) {
  Database db(uri);
  db.connect();
  return db;
}

}  // namespace lingo
