// One client connection to the simulator and its upstream PostgreSQL session,
// with the CockroachDB-side state the simulator keeps for it.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "node.h"
#include "sql.h"
#include "wire.h"

namespace crdb_sim {

struct Settings {
  std::string upstream_host = "127.0.0.1";
  unsigned upstream_port = 5432;
  std::string upstream_user;        // what a client's "root" becomes upstream
  std::string version = "23.1.11";  // the CockroachDB version presented
  bool verbose = false;
  // Primary-key columns of a table, for UPSERT (looked up upstream).
  std::function<std::vector<std::string>(const std::string&)> primary_key;
  Node* node = nullptr;  // the node this process simulates
};

class Session {
 public:
  Session(Poco::Net::StreamSocket client, const Settings& settings);
  void run();

 private:
  enum class State { no_txn, open, aborted, commit_wait };

  bool startup();
  // Waits for the client's next message; false when the session must end
  // first (the node died, or drains and this session is between
  // transactions: then it says so with 57P01, as CockroachDB does).
  bool await_client(bool mid_batch);
  void simple_query(const std::string& sql);
  void extended_batch(std::vector<Message>& batch);

  // Sends SQL upstream through the simple protocol and relays the answer to
  // the client (errors reshaped); returns whether it succeeded.
  bool forward(const std::string& sql, const std::string& reply_tag = {});
  // Runs SQL upstream without telling the client; returns the error, if any.
  std::optional<ErrorFields> quietly(const std::string& sql);
  // Relays upstream messages until ReadyForQuery; returns the first error.
  std::optional<ErrorFields> relay_until_ready(bool send_ready, const std::string& reply_tag = {});
  Message reshape(const Message& error, ErrorFields& fields);
  void after_error(const ErrorFields& fields, bool retry_error);

  void reply(const Message& m);
  void reply_error(std::string_view state, std::string_view message, std::string_view hint = {});
  // Answers 25P01 outside a transaction; returns whether one is open.
  bool require_transaction();
  // The savepoint named, or end() after answering 3B001 (which aborts the
  // transaction, as every error in one does).
  std::vector<std::string>::iterator find_savepoint(const std::string& name);
  // Whether a one-shot knob (SET name = on) is set; clears it.
  bool take_knob(const std::string& name);
  void commit_ambiguously();
  // Answers an error the simulator raises itself, and ReadyForQuery.
  void refuse(std::string_view state, std::string_view message);
  void ready();
  [[nodiscard]] char status() const;
  [[nodiscard]] std::string banner() const;
  [[nodiscard]] bool in_txn() const { return state_ != State::no_txn; }
  [[nodiscard]] bool inject_now(const std::string& sql) const;
  std::string begin_upstream() const;
  void restart_upstream();

  // Statement handlers for the simple protocol.
  void on_begin(const Statement& s);
  void on_set_transaction(const Statement& s);
  void on_commit();
  void on_rollback();
  void on_savepoint(const Statement& s);
  void on_release(const Statement& s);
  void on_rollback_to(const Statement& s);
  bool on_variable(const Statement& s);
  void on_data(std::string sql);
  // The data statement as PostgreSQL should run it, or an error to answer.
  bool prepare_data(std::string& sql, std::string& state, std::string& error);

  Poco::Net::StreamSocket client_;
  Poco::Net::StreamSocket upstream_;
  const Settings& settings_;
  std::string version_;
  std::string client_user_;  // the user the client asked for

  State state_ = State::no_txn;
  bool upstream_gone_ = false;   // PostgreSQL's transaction already ended (a failed COMMIT)
  bool retry_abort_ = false;     // the abort was a retry error
  bool injected_abort_ = false;  // the abort was ours; PostgreSQL's transaction is healthy
  bool data_ran_ = false;        // a data statement ran in this transaction (epoch)
  int injected_ = 0;             // retry errors injected in this SQL transaction
  Modes modes_;                  // the transaction's BEGIN modes
  std::vector<std::string> savepoints_;
  bool restart_declared_ = false;

  // Session variables CockroachDB has and PostgreSQL does not.
  std::map<std::string, std::string> vars_;
  // Extended protocol: prepared statement name -> SQL.
  std::map<std::string, std::string> prepared_;
  std::string unnamed_;
};

}  // namespace crdb_sim
