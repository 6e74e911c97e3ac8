#include "lingo/database.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/plugin_registry.h"
#include "lingo/uri.h"

namespace lingo {

// One Database serves many threads; each thread gets its own connection, made
// on first use outside the lock (connecting can take a network round trip).
struct Database::Impl {
  Uri uri;
  std::string masked_uri;
  const Dialect* dialect;
  std::mutex mutex;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> connections;
  std::atomic<int> server_version{0};

  explicit Impl(std::string_view text)
      : uri(Uri::parse(text)),
        masked_uri(uri.masked()),
        dialect(&PluginRegistry::instance().dialect_for(uri)) {}

  Connection* current() {
    std::lock_guard lock(mutex);
    auto it = connections.find(std::this_thread::get_id());
    return it == connections.end() ? nullptr : it->second.get();
  }

  Connection& open() {
    auto conn = dialect->connect(uri);
    std::lock_guard lock(mutex);
    auto& slot = connections[std::this_thread::get_id()];
    slot = std::move(conn);
    return *slot;
  }

  const Introspector& introspector() const {
    if (const Introspector* found = dialect->introspector()) return *found;
    ErrorInfo info;
    info.message = "the " + std::string(dialect->name()) +
                   " dialect does not support schema introspection (get_tables, get_columns, ...)";
    info.sqlstate = "0A000";
    info.dialect = std::string(dialect->name());
    throw NotSupportedError(std::move(info));
  }

  ~Impl() {
    for (auto& [id, conn] : connections) conn->close();
  }
};

Database::Database(std::string_view uri) : impl_(std::make_unique<Impl>(uri)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

bool Database::connect(bool reuse_if_open) {
  if (impl_->current() != nullptr) {
    if (reuse_if_open) return false;
    ErrorInfo info;
    info.message = "Connection already opened (this thread already holds a connection to " +
                   impl_->masked_uri + "; pass reuse_if_open = true to accept that)";
    info.dialect = std::string(impl_->dialect->name());
    throw OperationalError(std::move(info));
  }
  impl_->open();
  return true;
}

bool Database::close() {
  Connection* conn = impl_->current();
  if (conn == nullptr) return false;
  const auto status = conn->transaction_status();
  if (status == TransactionStatus::in_transaction || status == TransactionStatus::in_error) {
    ErrorInfo info;
    info.message = "Attempting to close database while transaction is open; commit or roll it back first";
    info.dialect = std::string(impl_->dialect->name());
    throw OperationalError(std::move(info));
  }
  std::unique_ptr<Connection> owned;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->connections.find(std::this_thread::get_id());
    owned = std::move(it->second);
    impl_->connections.erase(it);
  }
  owned->close();
  return true;
}

bool Database::is_closed() const {
  return impl_->current() == nullptr;
}

Connection& Database::connection() {
  if (Connection* conn = impl_->current()) return *conn;
  return impl_->open();
}

std::vector<std::string> Database::get_tables(std::string_view schema) {
  const auto& introspector = impl_->introspector();
  return introspector.get_tables(connection(), schema);
}

std::vector<ColumnMetadata> Database::get_columns(std::string_view table, std::string_view schema) {
  const auto& introspector = impl_->introspector();
  return introspector.get_columns(connection(), table, schema);
}

std::vector<IndexMetadata> Database::get_indexes(std::string_view table, std::string_view schema) {
  const auto& introspector = impl_->introspector();
  return introspector.get_indexes(connection(), table, schema);
}

std::vector<std::string> Database::get_primary_keys(std::string_view table, std::string_view schema) {
  const auto& introspector = impl_->introspector();
  return introspector.get_primary_keys(connection(), table, schema);
}

std::vector<ForeignKeyMetadata> Database::get_foreign_keys(std::string_view table, std::string_view schema) {
  const auto& introspector = impl_->introspector();
  return introspector.get_foreign_keys(connection(), table, schema);
}

Result Database::execute_sql(std::string_view sql, std::initializer_list<Value> params) {
  return connection().execute(sql, std::span<const Value>(params.begin(), params.size()));
}

Result Database::execute_sql(std::string_view sql, std::span<const Value> params) {
  return connection().execute(sql, params);
}

void Database::begin() {
  connection().begin();
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
