#include "lingo/database.h"

#include <iterator>

#include "database_impl.h"
#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/plugin_registry.h"
#include "lingo/uri.h"

namespace lingo {

namespace {

constexpr const char* kPoolOptions[] = {"max_connections", "stale_timeout", "lifetime_jitter",
                                        "idle_timeout",    "check_after",   "timeout"};

// The URI the dialect sees: a pooled one loses its "+pool" and the pool's options.
Uri dialect_uri(const Uri& given, bool pooled) {
  if (!pooled) return given;
  return Uri::parse(given.rebuild(
      given.base_scheme(), std::vector<std::string>(std::begin(kPoolOptions), std::end(kPoolOptions))));
}

std::atomic<std::uint64_t> next_impl_id{1};

}  // namespace

Database::Impl::Impl(std::string_view text, const PoolOptions* pool_override)
    : uri(Uri::parse(text)),
      masked_uri(uri.masked()),
      id(next_impl_id.fetch_add(1, std::memory_order_relaxed)) {
  const bool pooled = pool_override != nullptr || uri.scheme_variant() == "pool";
  const Uri given = uri;
  uri = dialect_uri(given, pooled);
  dialect = &PluginRegistry::instance().dialect_for(uri);
  if (pooled) {
    PoolOptions options = pool_override != nullptr ? *pool_override : pool_options_from(given, PoolOptions{});
    pool = std::make_unique<ConnectionPool>(*dialect, uri, options, &trace);
  }
}

detail::SessionState* Database::find_state() const noexcept {
  if (pinned_ != nullptr) return pinned_.get();
  return detail::find_thread_session(*impl_);
}

detail::SessionState& Database::state() const {
  if (pinned_ != nullptr) return *pinned_;
  return detail::thread_session(impl_);
}

namespace {

const Introspector& introspector_of(const Dialect& dialect) {
  if (const Introspector* found = dialect.introspector()) return *found;
  throw_error<NotSupportedError>(
      "the " + std::string(dialect.name()) +
          " dialect does not support schema introspection (get_tables, get_columns, ...)",
      {.sqlstate = "0A000", .dialect = std::string(dialect.name())});
}

[[noreturn]] void not_pooled(const std::string& dialect, const std::string& uri, const char* call) {
  throw_error<InterfaceError>(std::string(call) + "() needs a pooled database, and " + uri +
                                  " is not one (use a '+pool' scheme, or pass PoolOptions)",
                              {.dialect = dialect});
}

}  // namespace

Database::Database(std::string_view uri) : impl_(std::make_shared<Impl>(uri, nullptr)) {}
Database::Database(std::string_view uri, const PoolOptions& pool)
    : impl_(std::make_shared<Impl>(uri, &pool)) {}
Database::Database(std::shared_ptr<Impl> impl, std::unique_ptr<detail::SessionState> pinned) noexcept
    : impl_(std::move(impl)), pinned_(std::move(pinned)) {}
Database::Database(Database&&) noexcept = default;
Database::~Database() {
  if (impl_ == nullptr || pinned_ != nullptr) return;  // a Session: pinned_ ends itself
  // The threads' sessions of this database end: this thread's now, the
  // others' when their thread next looks one up or ends.
  impl_->alive.store(false, std::memory_order_release);
  detail::end_thread_session(*impl_);
}
Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    Database gone(std::move(*this));
    impl_ = std::move(other.impl_);
    pinned_ = std::move(other.pinned_);
  }
  return *this;
}

Session::Session(std::shared_ptr<Impl> impl, std::unique_ptr<detail::SessionState> state) noexcept
    : Database(std::move(impl), std::move(state)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Session Database::session() {
  return Session(impl_, std::make_unique<detail::SessionState>(impl_, "its lingo::Session was destroyed"));
}

bool Database::connect(bool reuse_if_open) {
  detail::SessionState& s = state();
  if (s.conn != nullptr) {
    if (reuse_if_open) return false;
    throw_error<OperationalError>("Connection already opened (this session already holds a connection to " +
                                      impl_->masked_uri + "; pass reuse_if_open = true to accept that)",
                                  {.dialect = impl_->dialect_name()});
  }
  s.open();
  return true;
}

bool Database::close() {
  detail::SessionState* s = find_state();
  return s != nullptr && s->close(/*for_real=*/false);
}

bool Database::is_closed() const {
  const detail::SessionState* s = find_state();
  return s == nullptr || s->conn == nullptr;
}

Connection& Database::connection() {
  return state().connected();
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
  detail::SessionState* s = find_state();
  return s != nullptr && s->close(/*for_real=*/true);
}

void Database::set_tracer(Tracer tracer, TraceOptions options) {
  impl_->trace.set(std::move(tracer), std::move(options));
}

std::vector<std::string> Database::get_tables(std::string_view schema) {
  const auto& introspector = introspector_of(*impl_->dialect);
  return introspector.get_tables(connection(), schema);
}

std::vector<ViewMetadata> Database::get_views(std::string_view schema) {
  const auto& introspector = introspector_of(*impl_->dialect);
  return introspector.get_views(connection(), schema);
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
  return execute_sql(sql, std::span<const Value>(params.begin(), params.size()), Idempotence::unknown);
}

Result Database::execute_sql(std::string_view sql, std::span<const Value> params) {
  return execute_sql(sql, params, Idempotence::unknown);
}

Result Database::execute_sql(std::string_view sql, std::span<const Value> params, Idempotence idempotence) {
  detail::SessionState& s = state();
  Connection& conn = s.connected();
  if (!s.stack.empty() || conn.transaction_status() != TransactionStatus::idle)
    return conn.execute(sql, params);
  return detail::execute_alone(s, sql, params, idempotence);
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

void Database::defer(std::string sql, std::vector<Value> params, DeferredCallback on_result) {
  detail::SessionState* s = find_state();
  Connection* conn = s == nullptr ? nullptr : s->conn.get();
  const TransactionStatus status = conn == nullptr ? TransactionStatus::idle : conn->transaction_status();
  if (status == TransactionStatus::in_error) {
    throw_error<InterfaceError>(
        "defer(): the open transaction has failed, so a statement deferred to its COMMIT could never "
        "run; roll it back first (nothing was queued)",
        {.dialect = impl_->dialect_name(), .statement = std::move(sql)});
  }
  if (status != TransactionStatus::in_transaction) {
    throw_error<InterfaceError>(
        "defer() queues a statement to go with its transaction's COMMIT, and no transaction is open; "
        "run it with execute_sql(), or inside atomic(), transaction() or run_transaction() "
        "(nothing was queued)",
        {.dialect = impl_->dialect_name(), .statement = std::move(sql)});
  }
  conn->defer(PipelineStatement{std::move(sql), std::move(params)}, std::move(on_result));
}

std::size_t Database::deferred_count() const {
  const detail::SessionState* s = find_state();
  return s == nullptr || s->conn == nullptr ? 0 : s->conn->deferred_count();
}

void Database::begin(const TransactionOptions& options) {
  const std::string statement = impl_->dialect->begin_statement(options);
  connection().begin(statement);
}
namespace {

// commit() and rollback() end a transaction; with no connection there is
// none to end, and opening one to send COMMIT would only hide the mistake.
Connection& open_connection_for(detail::SessionState* s, const char* call, const Database::Impl& db) {
  if (s != nullptr && s->conn != nullptr) return *s->conn;
  throw_error<InterfaceError>(
      std::string("Cannot ") + call + ", database connection not open: this session of " + db.masked_uri +
          " has no connection, so there is no transaction to " + call + " (nothing was sent)",
      {.dialect = db.dialect_name()});
}

}  // namespace

void Database::commit() {
  open_connection_for(find_state(), "commit", *impl_).commit();
}
void Database::rollback() {
  open_connection_for(find_state(), "rollback", *impl_).rollback();
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
