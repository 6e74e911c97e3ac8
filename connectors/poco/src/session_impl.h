// SessionImpl: a Poco::Data session that owns a lingo::Session (private).
//
// One Poco session is one Lingo session: one connection and its transaction
// stack, so that Poco statements, session.begin() / commit() / rollback(),
// and Lingo's own API reached through lingo::poco::database() all share the
// same connection and the same transaction.
#pragma once

#include <Poco/Data/AbstractSessionImpl.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "lingo/database.h"
#include "lingo/transaction.h"

namespace lingo::poco::detail {

class SessionImpl final : public Poco::Data::AbstractSessionImpl<SessionImpl> {
 public:
  SessionImpl(const std::string& uri, std::size_t login_timeout);
  ~SessionImpl() override;

  Poco::SharedPtr<Poco::Data::StatementImpl> createStatementImpl() override;
  // Opens the Lingo database named by the URI (or by `uri`, when given) and
  // connects, so that a bad URI or an unreachable server is reported here.
  void open(const std::string& uri = "") override;
  // Rolls back an open transaction, then closes the connection.
  void close() override;
  [[nodiscard]] bool isConnected() const override;
  [[nodiscard]] bool isGood() const override;
  // Stored and reported only (see docs/poco-data.md): Lingo's timeouts are
  // options of the URI (connect_timeout, statement_timeout via options=...).
  void setConnectionTimeout(std::size_t timeout) override { connection_timeout_ = timeout; }
  [[nodiscard]] std::size_t getConnectionTimeout() const override { return connection_timeout_; }
  // What a SessionPool calls before lending the session again: rolls back.
  void reset() override;

  void begin() override;
  void commit() override;
  void rollback() override;
  [[nodiscard]] bool canTransact() const override { return true; }
  [[nodiscard]] bool isTransaction() const override;
  void setTransactionIsolation(Poco::UInt32 level) override;
  [[nodiscard]] Poco::UInt32 getTransactionIsolation() const override;
  [[nodiscard]] bool hasTransactionIsolation(Poco::UInt32 level) const override;
  [[nodiscard]] bool isTransactionIsolation(Poco::UInt32 level) const override;
  [[nodiscard]] const std::string& connectorName() const override;

  // The "autoCommit" feature. On (the default), every statement outside
  // begin() is its own transaction. Off, the first statement opens a
  // transaction that lasts until commit() or rollback().
  void set_autocommit(const std::string& feature, bool on);
  [[nodiscard]] bool autocommit(const std::string& feature) const;
  // The "bulk" feature: always on (turning it off is NotImplementedException).
  void set_bulk(const std::string& feature, bool on);
  [[nodiscard]] bool bulk(const std::string& feature) const;

  // What begin() opens a transaction with: the isolation level set by
  // setTransactionIsolation, if any.
  [[nodiscard]] lingo::TransactionOptions transaction_options() const;

  // The Lingo session; NotConnectedException when the session is closed.
  [[nodiscard]] lingo::Database& database();
  // Called before each statement runs: opens the transaction that autoCommit
  // off asks for.
  void before_statement();

 private:
  [[nodiscard]] std::optional<lingo::IsolationLevel> default_isolation() const;

  std::unique_ptr<lingo::Database> db_;
  std::unique_ptr<lingo::Session> session_;
  std::size_t connection_timeout_ = CONNECTION_TIMEOUT_DEFAULT;
  std::optional<lingo::IsolationLevel> isolation_;  // set by setTransactionIsolation
  bool in_transaction_ = false;                     // begun through this session's begin()
  bool autocommit_ = true;
};

}  // namespace lingo::poco::detail
