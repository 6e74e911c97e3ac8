#include "session_impl.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <array>
#include <exception>
#include <utility>

#include "errors.h"
#include "lingo/connection.h"
#include "lingo/dialect.h"
#include "lingo/poco/connector.h"
#include "lingo/uri.h"
#include "statement_impl.h"

namespace lingo::poco::detail {

namespace {

using PocoSession = Poco::Data::Session;

struct IsolationName {
  Poco::UInt32 poco;
  lingo::IsolationLevel lingo;
};
constexpr std::array<IsolationName, 4> isolation_names{{
    {PocoSession::TRANSACTION_READ_UNCOMMITTED, lingo::IsolationLevel::read_uncommitted},
    {PocoSession::TRANSACTION_READ_COMMITTED, lingo::IsolationLevel::read_committed},
    {PocoSession::TRANSACTION_REPEATABLE_READ, lingo::IsolationLevel::repeatable_read},
    {PocoSession::TRANSACTION_SERIALIZABLE, lingo::IsolationLevel::serializable},
}};

lingo::IsolationLevel to_lingo_isolation(Poco::UInt32 level) {
  for (const auto& name : isolation_names)
    if (name.poco == level) return name.lingo;
  throw Poco::InvalidArgumentException(
      "transaction isolation " + std::to_string(level) +
      " is none of Session::TRANSACTION_READ_UNCOMMITTED, _READ_COMMITTED, _REPEATABLE_READ, _SERIALIZABLE");
}

Poco::UInt32 to_poco_isolation(lingo::IsolationLevel level) {
  for (const auto& name : isolation_names)
    if (name.lingo == level) return name.poco;
  return PocoSession::TRANSACTION_SERIALIZABLE;
}

}  // namespace

SessionImpl::SessionImpl(const std::string& uri, std::size_t login_timeout)
    : Poco::Data::AbstractSessionImpl<SessionImpl>(uri, login_timeout) {
  addFeature("autoCommit", &SessionImpl::set_autocommit, &SessionImpl::autocommit);
  addFeature("bulk", &SessionImpl::set_bulk, &SessionImpl::bulk);
  open();
}

SessionImpl::~SessionImpl() {
  try {
    close();
  } catch (...) {  // a destructor must not throw; the lingo::Session rolls back on its own
  }
}

Poco::SharedPtr<Poco::Data::StatementImpl> SessionImpl::createStatementImpl() {
  (void)database();  // a closed session refuses at once
  // The statement asks for the session's Database at each run, never
  // keeping it: reconnect() replaces it.
  return new StatementImpl(*this);
}

void SessionImpl::open(const std::string& uri) {
  if (!uri.empty()) setConnectionString(uri);
  if (isConnected()) return;
  translated([&] {
    auto db = std::make_unique<lingo::Database>(connectionString());
    auto session = std::make_unique<lingo::Session>(db->session());
    session->connect();
    db_ = std::move(db);
    session_ = std::move(session);
  });
  in_transaction_ = false;
}

void SessionImpl::close() {
  if (session_ == nullptr) return;
  // Closed whatever happens: a rollback that fails (the connection is gone)
  // is reported, after the session has let the connection go.
  std::exception_ptr failure;
  try {
    if (isTransaction()) rollback();
  } catch (...) {
    failure = std::current_exception();
  }
  try {
    translated([&] { session_->close(); });
  } catch (...) {
    if (failure == nullptr) failure = std::current_exception();
  }
  session_.reset();
  db_.reset();
  in_transaction_ = false;
  if (failure != nullptr) std::rethrow_exception(failure);
}

bool SessionImpl::isConnected() const {
  return session_ != nullptr && !session_->is_closed();
}

bool SessionImpl::isGood() const {
  if (!isConnected()) return false;
  try {
    return session_->connection().is_usable();
  } catch (const std::exception&) {
    return false;
  }
}

void SessionImpl::reset() {
  if (isConnected() && isTransaction()) rollback();
}

lingo::Database& SessionImpl::database() {
  if (session_ == nullptr) {
    throw Poco::Data::NotConnectedException(
        "the Lingo session is closed; open() it again: " +
        translated([&] { return lingo::Uri::parse(connectionString()); }).masked());
  }
  return *session_;
}

void SessionImpl::begin() {
  if (isTransaction()) {
    throw Poco::InvalidAccessException(
        "a transaction is already open on this session; commit() or rollback() "
        "it before begin()");
  }
  translated([&] { database().begin(transaction_options()); });
  in_transaction_ = true;
}

void SessionImpl::commit() {
  // Whatever COMMIT answers, the transaction is over: committed, rolled back
  // by the server, or of unknown outcome (LingoException::Kind::ambiguous_commit).
  in_transaction_ = false;
  translated([&] { database().commit(); });
}

void SessionImpl::rollback() {
  in_transaction_ = false;
  translated([&] { database().rollback(); });
}

bool SessionImpl::isTransaction() const {
  if (in_transaction_) return true;
  if (session_ == nullptr) return false;
  return session_->in_transaction();
}

void SessionImpl::setTransactionIsolation(Poco::UInt32 level) {
  const lingo::IsolationLevel wanted = to_lingo_isolation(level);
  if (!hasTransactionIsolation(level)) {
    throw Poco::NotImplementedException(
        "the " + std::string(database().dialect_name()) + " dialect does not support transaction isolation " +
        std::string(lingo::to_string(wanted)) + " (docs/poco-data.md lists each dialect's levels)");
  }
  if (isTransaction()) {
    throw Poco::InvalidAccessException(
        "the isolation level cannot change inside a transaction; set it "
        "before begin()");
  }
  isolation_ = wanted;
}

// Asks the dialect itself, which refuses the options it cannot honour before
// anything is sent: SQLite takes SERIALIZABLE only; PostgreSQL and
// CockroachDB take all four (each server maps a level it lacks to a stronger one).
bool SessionImpl::hasTransactionIsolation(Poco::UInt32 level) const {
  lingo::TransactionOptions options;
  options.isolation_level = to_lingo_isolation(level);
  if (db_ == nullptr) return false;
  try {
    (void)db_->dialect().begin_statement(options);
    return true;
  } catch (const lingo::NotSupportedError&) {
    return false;
  }
}

Poco::UInt32 SessionImpl::getTransactionIsolation() const {
  if (isolation_) return to_poco_isolation(*isolation_);
  if (const auto level = default_isolation()) return to_poco_isolation(*level);
  return PocoSession::TRANSACTION_SERIALIZABLE;
}

bool SessionImpl::isTransactionIsolation(Poco::UInt32 level) const {
  return getTransactionIsolation() == level;
}

// The server's own default: what a transaction begun without a level gets.
std::optional<lingo::IsolationLevel> SessionImpl::default_isolation() const {
  if (!hasTransactionIsolation(PocoSession::TRANSACTION_READ_COMMITTED))
    return lingo::IsolationLevel::serializable;  // SQLite
  try {
    const lingo::Result r = session_->execute_sql("SHOW default_transaction_isolation");
    return lingo::parse_isolation_level(r.scalar<std::string>());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const std::string& SessionImpl::connectorName() const {
  return Connector::KEY;
}

void SessionImpl::set_autocommit(const std::string&, bool on) {
  if (on && !autocommit_ && isTransaction()) {
    throw Poco::InvalidAccessException(
        "autoCommit cannot be turned on inside a transaction; commit() or "
        "rollback() first");
  }
  autocommit_ = on;
}

bool SessionImpl::autocommit(const std::string&) const {
  return autocommit_;
}

void SessionImpl::before_statement() {
  if (!autocommit_ && !isTransaction()) begin();
}

lingo::TransactionOptions SessionImpl::transaction_options() const {
  lingo::TransactionOptions options;
  options.isolation_level = isolation_;
  return options;
}

// Bulk is always on: Poco asks for the feature when a statement uses bulk
// binding or extraction, and the connector handles both on every dialect.
void SessionImpl::set_bulk(const std::string&, bool on) {
  if (!on) {
    throw Poco::NotImplementedException(
        "the Lingo connector's bulk mode cannot be turned off; write use() and into() without bulk "
        "for one row at a time");
  }
}

bool SessionImpl::bulk(const std::string&) const {
  return true;
}

}  // namespace lingo::poco::detail
