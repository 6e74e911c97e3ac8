#include "session.h"

#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <iostream>

namespace crdb_sim {
namespace {

constexpr std::int32_t kProtocol3 = 196608;
constexpr std::int32_t kSslRequest = 80877103;
constexpr std::int32_t kGssRequest = 80877104;
constexpr std::int32_t kCancelRequest = 80877102;

const char* const kRetryHint =
    "See: https://www.cockroachlabs.com/docs/v23.1/transaction-retry-error-reference.html";
const char* const kNoTxn = "there is no transaction in progress";

// CockroachDB-only session variables the simulator keeps itself.
bool is_crdb_variable(const std::string& name) {
  static const char* const names[] = {"inject_retry_errors_enabled",
                                      "inject_retry_errors_on_commit_enabled",
                                      "default_transaction_priority",
                                      "sim_ambiguous_next_commit",
                                      "force_savepoint_restart",
                                      "autocommit_before_ddl",
                                      "null_ordered_last",
                                      "serial_normalization",
                                      "allow_unsafe_internals",
                                      "sql_safe_updates",
                                      "experimental_enable_temp_tables",
                                      "default_transaction_use_follower_reads"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

bool truthy(const std::string& value) {
  const std::string v = lower(value);
  return v == "true" || v == "on" || v == "1" || v == "yes";
}

// The version as an integer, 23.1.11 -> 230111.
int version_number(const std::string& version) {
  int major = 0;
  int minor = 0;
  int patch = 0;
  if (std::sscanf(version.c_str(), "%d.%d.%d", &major, &minor, &patch) < 2) return 0;  // NOLINT(cert-err34-c)
  return major * 10000 + minor * 100 + patch;
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Session::Session(Poco::Net::StreamSocket client, const Settings& settings)
    : client_(std::move(client)), settings_(settings), version_(settings.version) {}

void Session::run() {
  try {
    const Node::Membership member(*settings_.node, client_, upstream_);
    // Accepted just before a stall: a stalled node answers nothing, not even
    // the startup.
    if (!settings_.node->wait_while_stalled() || !startup()) return;
    std::vector<Message> batch;
    for (;;) {
      if (!await_client(!batch.empty())) return;
      auto message = read_message(client_);
      if (!message) break;
      switch (message->type) {
        case 'Q': {
          std::size_t at = 0;
          simple_query(get_cstring(message->body, at));
          break;
        }
        case 'X':
          write_message(upstream_, *message);
          return;
        case 'P':
        case 'B':
        case 'D':
        case 'E':
        case 'C':
        case 'H':
          batch.push_back(std::move(*message));
          break;
        case 'S':
          batch.push_back(std::move(*message));
          extended_batch(batch);
          batch.clear();
          break;
        default:
          write_message(upstream_, *message);
      }
    }
  } catch (const std::exception& e) {
    if (settings_.verbose) std::cerr << "crdb_sim: session ended: " << e.what() << "\n";
  }
}

bool Session::await_client(bool mid_batch) {
  Node& node = *settings_.node;
  for (;;) {
    if (!node.wait_while_stalled()) return false;
    if (node.closing(in_txn() || mid_batch)) {
      if (node.state() != Node::State::dead) {
        // pkg/sql/pgwire: ErrDrainingExistingConn, sent unasked.
        reply(fatal_response("57P01", "server is shutting down"));
        write_message(upstream_, Message{'X', {}});
      }
      return false;
    }
    if (client_.poll(Poco::Timespan(0, 20'000), Poco::Net::Socket::SELECT_READ)) return true;
  }
}

// ---- startup ---------------------------------------------------------------

bool Session::startup() {
  std::optional<Message> first;
  for (;;) {
    first = read_startup(client_);
    if (!first || first->body.size() < 4) return false;
    const std::int32_t code = get_int32(first->body, 0);
    if (code == kSslRequest || code == kGssRequest) {
      write_raw(client_, "N");  // an insecure cluster: no TLS
      continue;
    }
    if (code == kCancelRequest) {
      // The session keys are PostgreSQL's own (BackendKeyData is relayed as
      // it comes), so the request goes on to it unchanged, on a connection
      // of its own, as a client's would; nothing is answered.
      upstream_.connect(Poco::Net::SocketAddress(settings_.upstream_host,
                                                 static_cast<Poco::UInt16>(settings_.upstream_port)));
      write_message(upstream_, *first);
      return false;
    }
    if (code != kProtocol3) return false;
    break;
  }
  if (settings_.node->refusing_new()) {
    // pkg/sql/pgwire: ErrDrainingNewConn, once the drain refuses sessions.
    write_message(client_, fatal_response("57P01", "server is not accepting clients, try another node"));
    return false;
  }
  // The parameters: user, database, options (-c name=value ...).
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t at = 4;
  while (at < first->body.size() && first->body[at] != '\0') {
    std::string key = get_cstring(first->body, at);
    std::string value = get_cstring(first->body, at);
    params.emplace_back(std::move(key), std::move(value));
  }
  std::string options;
  for (auto& [key, value] : params) {
    if (key == "user") client_user_ = value;
    if (key == "user" && value == "root" && !settings_.upstream_user.empty()) value = settings_.upstream_user;
    if (key != "options") continue;
    // Keep PostgreSQL's settings; take CockroachDB's and the simulator's.
    std::string kept;
    std::size_t pos = 0;
    while (pos < value.size()) {
      while (pos < value.size() && value[pos] == ' ') ++pos;
      std::size_t end = value.find(' ', pos);
      std::string word = value.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      pos = end == std::string::npos ? value.size() : end;
      std::string setting;
      if (word == "-c") {
        while (pos < value.size() && value[pos] == ' ') ++pos;
        end = value.find(' ', pos);
        setting = value.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end == std::string::npos ? value.size() : end;
      } else if (word.starts_with("-c")) {
        setting = word.substr(2);
      } else if (word.starts_with("--")) {
        setting = word.substr(2);
      }
      const auto eq = setting.find('=');
      const std::string name = lower(setting.substr(0, eq));
      if (eq != std::string::npos && name == "sim_version") {
        version_ = setting.substr(eq + 1);
      } else if (eq != std::string::npos && is_crdb_variable(name)) {
        vars_[name] = lower(setting.substr(eq + 1));
      } else if (!word.empty()) {
        kept += (kept.empty() ? "" : " ") + (setting.empty() ? word : "-c " + setting);
      }
    }
    value = kept;
    options = kept;
  }
  // CockroachDB is SERIALIZABLE by default; so real contention gives real
  // 40001s. It also reads only the keys a lookup names, where PostgreSQL
  // would rather scan a small analyzed table whole, and under SERIALIZABLE a
  // whole-table read conflicts with every writer: a retry storm CockroachDB
  // would never see. enable_seqscan=off keeps lookups on the index, which
  // is where CockroachDB's plans put them. The node's identity goes along
  // for crdb_internal.node_id().
  const std::string isolation =
      "-c default_transaction_isolation=serializable -c enable_seqscan=off -c crdb_sim.node_id=" +
      std::to_string(settings_.node->id()) +
      (settings_.node->locality().empty() ? std::string()
                                          : " -c crdb_sim.locality=" + settings_.node->locality());
  bool had_options = false;
  for (auto& [key, value] : params) {
    if (key == "options") {
      value = value.empty() ? isolation : value + " " + isolation;
      had_options = true;
    }
  }
  if (!had_options) params.emplace_back("options", isolation);

  upstream_.connect(
      Poco::Net::SocketAddress(settings_.upstream_host, static_cast<Poco::UInt16>(settings_.upstream_port)));
  upstream_.setNoDelay(true);  // small messages both ways: Nagle would stall every round trip
  Message startup_message{0, {}};
  put_int32(startup_message.body, kProtocol3);
  for (const auto& [key, value] : params) {
    startup_message.body += key;
    startup_message.body += '\0';
    startup_message.body += value;
    startup_message.body += '\0';
  }
  startup_message.body += '\0';
  write_message(upstream_, startup_message);

  while (auto message = read_message(upstream_)) {
    switch (message->type) {
      case 'R': {
        write_message(client_, *message);
        const std::int32_t code = get_int32(message->body, 0);
        if (code == 3 || code == 5 || code == 10 || code == 11) {
          auto answer = read_message(client_);
          if (!answer) return false;
          write_message(upstream_, *answer);
        }
        break;
      }
      case 'S': {
        std::size_t pos = 0;
        const std::string name = get_cstring(message->body, pos);
        // CockroachDB reports a PostgreSQL compatibility version, not its own.
        write_message(client_, name == "server_version" ? parameter_status(name, "13.0.0") : *message);
        break;
      }
      case 'E':
        write_message(client_, *message);
        return false;
      case 'Z':
        write_message(client_, parameter_status("crdb_version", banner()));
        write_message(client_, *message);
        return true;
      default:
        write_message(client_, *message);
    }
  }
  return false;
}

std::string Session::banner() const {
  return "CockroachDB CCL v" + version_ + " (x86_64-pc-linux-gnu, built 2023/09/27 01:53:43, go1.19.10)";
}

// ---- plumbing ----------------------------------------------------------------

void Session::reply(const Message& m) {
  write_message(client_, m);
}

void Session::reply_error(std::string_view state, std::string_view message, std::string_view hint) {
  reply(error_response(state, message, hint));
}

bool Session::require_transaction() {
  if (in_txn()) return true;
  reply_error("25P01", kNoTxn);
  ready();
  return false;
}

std::vector<std::string>::iterator Session::find_savepoint(const std::string& name) {
  const auto it = std::find(savepoints_.begin(), savepoints_.end(), name);
  if (it == savepoints_.end()) refuse("3B001", "savepoint \"" + name + "\" does not exist");
  return it;
}

bool Session::take_knob(const std::string& name) {
  const auto it = vars_.find(name);
  if (it == vars_.end() || !truthy(it->second)) return false;
  vars_.erase(it);
  return true;
}

// The commit is applied upstream, but its answer is "lost": 40003.
void Session::commit_ambiguously() {
  (void)quietly("COMMIT");
  reply_error("40003", "result is ambiguous: error=rpc error: connection reset while committing [exhausted]");
  state_ = State::no_txn;
}

void Session::refuse(std::string_view state, std::string_view message) {
  reply_error(state, message);
  // An error inside an explicit transaction aborts it, as in CockroachDB;
  // PostgreSQL's own transaction is untouched, since nothing was sent.
  if (in_txn()) {
    state_ = State::aborted;
    injected_abort_ = true;
    retry_abort_ = false;
  }
  ready();
}

char Session::status() const {
  switch (state_) {
    case State::no_txn:
      return 'I';
    case State::aborted:
      return 'E';
    default:
      return 'T';
  }
}

void Session::ready() {
  reply(ready_for_query(status()));
}

Message Session::reshape(const Message& error, ErrorFields& fields) {
  if (fields.sqlstate == "40001" || fields.sqlstate == "40P01") {
    // CockroachDB reports every retryable conflict (deadlocks too) as a
    // restart error with SQLSTATE 40001.
    const std::string reason =
        fields.sqlstate == "40P01" ? "ABORT_REASON_ABORTED_RECORD_FOUND" : "RETRY_SERIALIZABLE";
    fields.message =
        "restart transaction: TransactionRetryWithProtoRefreshError: TransactionRetryError: retry txn (" +
        reason + " - " + fields.message + ")";
    fields.sqlstate = "40001";
    return error_response("40001", fields.message, kRetryHint);
  }
  return error;
}

void Session::after_error(const ErrorFields& fields, bool retry_error) {
  if (state_ == State::open) {
    state_ = State::aborted;
    retry_abort_ = retry_error;
    injected_abort_ = false;  // PostgreSQL's own transaction failed
  }
  (void)fields;
}

std::optional<ErrorFields> Session::relay_until_ready(bool send_ready, const std::string& reply_tag) {
  std::optional<ErrorFields> first;
  while (auto message = read_message(upstream_)) {
    switch (message->type) {
      case 'E': {
        ErrorFields fields = parse_error(*message);
        reply(reshape(*message, fields));
        if (!first) first = fields;
        after_error(fields, fields.sqlstate == "40001");
        break;
      }
      case 'N':
        break;  // PostgreSQL's notices (and warnings CockroachDB would raise as errors) are dropped
      case 'C':
        reply(reply_tag.empty() ? *message : command_complete(reply_tag));
        break;
      case 'Z':
        if (send_ready) ready();
        return first;
      default:
        reply(*message);
    }
  }
  throw std::runtime_error("the upstream server closed the connection");
}

bool Session::forward(const std::string& sql, const std::string& reply_tag) {
  if (settings_.verbose) std::cerr << "crdb_sim -> " << sql << "\n";
  Message query{'Q', sql};
  query.body += '\0';
  write_message(upstream_, query);
  return !relay_until_ready(false, reply_tag);
}

std::optional<ErrorFields> Session::quietly(const std::string& sql) {
  if (settings_.verbose) std::cerr << "crdb_sim (quietly) -> " << sql << "\n";
  Message query{'Q', sql};
  query.body += '\0';
  write_message(upstream_, query);
  std::optional<ErrorFields> error;
  while (auto message = read_message(upstream_)) {
    if (message->type == 'E' && !error) error = parse_error(*message);
    if (message->type == 'Z') return error;
  }
  throw std::runtime_error("the upstream server closed the connection");
}

std::string Session::begin_upstream() const {
  std::string sql = "BEGIN";
  if (!modes_.isolation.empty()) {
    sql += " ISOLATION LEVEL " +
           (modes_.isolation == "SNAPSHOT" ? std::string("REPEATABLE READ") : modes_.isolation);
  }
  // An AS OF SYSTEM TIME transaction is read-only. (PostgreSQL cannot read the
  // past: it reads current data.)
  if (modes_.aost || modes_.read_only.value_or(false)) sql += " READ ONLY";
  return sql;
}

// After a real conflict PostgreSQL's snapshot is stale, or its transaction is
// gone (a failed COMMIT): CockroachDB's restart is a new transaction there.
void Session::restart_upstream() {
  if (!upstream_gone_) (void)quietly("ROLLBACK");
  (void)quietly(begin_upstream());
  (void)quietly("SAVEPOINT cockroach_restart");
}

bool Session::inject_now(const std::string& sql) const {
  if (state_ != State::open) return false;
  const auto it = vars_.find("inject_retry_errors_enabled");
  if (it == vars_.end() || !truthy(it->second) || injected_ >= 3) return false;
  return classify(sql).kind == Kind::data;
}

// ---- the simple protocol -------------------------------------------------------

void Session::simple_query(const std::string& sql) {
  const Statement s = classify(sql);
  if (!s.error.empty()) {
    refuse(s.error_state, s.error);
    return;
  }
  const bool restart_savepoint = s.kind == Kind::savepoint && starts_with_restart(s.name);
  if (state_ == State::aborted && s.kind != Kind::rollback && s.kind != Kind::commit &&
      s.kind != Kind::rollback_to && !restart_savepoint) {
    reply_error("25P02", "current transaction is aborted, commands ignored until end of transaction block");
    ready();
    return;
  }
  if (state_ == State::commit_wait && s.kind != Kind::commit && s.kind != Kind::rollback) {
    reply_error("25000", "current transaction is committed, commands ignored until end of transaction block");
    ready();
    return;
  }
  switch (s.kind) {
    case Kind::begin:
      on_begin(s);
      return;
    case Kind::set_transaction:
      on_set_transaction(s);
      return;
    case Kind::commit:
      on_commit();
      return;
    case Kind::rollback:
      on_rollback();
      return;
    case Kind::savepoint:
      on_savepoint(s);
      return;
    case Kind::release:
      on_release(s);
      return;
    case Kind::rollback_to:
      on_rollback_to(s);
      return;
    case Kind::version:
      for (const auto& m : single_column("version", {banner()}, "SELECT")) reply(m);
      ready();
      return;
    case Kind::set_var:
    case Kind::reset_var:
    case Kind::show_var:
      if (on_variable(s)) return;
      break;
    case Kind::data:
      break;
  }
  on_data(sql);
}

void Session::on_begin(const Statement& s) {
  if (in_txn()) {
    refuse("25001", "there is already a transaction in progress");
    return;
  }
  if (s.modes.deferrable) {
    reply_error("0A000", "unimplemented: DEFERRABLE transactions are not supported");
    ready();
    return;
  }
  if (s.modes.aost) {
    std::string state;
    if (auto error = check_aost(*s.modes.aost, true, state)) {
      reply_error(state, *error);
      ready();
      return;
    }
    if (s.modes.read_only.has_value() && !*s.modes.read_only) {
      reply_error("XXUUU", "AS OF SYSTEM TIME specified with READ WRITE mode");
      ready();
      return;
    }
  }
  modes_ = s.modes;
  if (modes_.priority.empty()) {
    const auto it = vars_.find("default_transaction_priority");
    modes_.priority = it == vars_.end() ? "normal" : it->second;
  }
  if (forward(begin_upstream(), "BEGIN")) {
    state_ = State::open;
    data_ran_ = false;
    injected_ = 0;
    savepoints_.clear();
    restart_declared_ = false;
    upstream_gone_ = retry_abort_ = injected_abort_ = false;
  }
  ready();
}

void Session::on_set_transaction(const Statement& s) {
  if (!require_transaction()) return;
  auto fail = [&](std::string_view state, std::string_view message) { refuse(state, message); };
  if (!s.modes.priority.empty()) {
    if (data_ran_ && s.modes.priority != modes_.priority) {
      return fail("XXUUU", "cannot change the user priority of a running transaction");
    }
    modes_.priority = s.modes.priority;
  }
  if (s.modes.aost) {
    std::string state;
    if (data_ran_) return fail("25000", "cannot set fixed timestamp, txn already performed reads");
    if (auto error = check_aost(*s.modes.aost, true, state)) return fail(state, *error);
    modes_.aost = s.modes.aost;
    if (auto error = quietly("SET TRANSACTION READ ONLY")) return fail(error->sqlstate, error->message);
  }
  if (!s.modes.isolation.empty()) {
    if (auto error = quietly("SET TRANSACTION ISOLATION LEVEL " + s.modes.isolation)) {
      return fail(error->sqlstate, error->message);
    }
  }
  if (s.modes.read_only.has_value()) {
    if (auto error =
            quietly(*s.modes.read_only ? "SET TRANSACTION READ ONLY" : "SET TRANSACTION READ WRITE")) {
      return fail(error->sqlstate, error->message);
    }
  }
  reply(command_complete("SET TRANSACTION"));
  ready();
}

void Session::on_commit() {
  switch (state_) {
    case State::no_txn:
      reply_error("25P01", kNoTxn);
      break;
    case State::commit_wait:
      reply(command_complete("COMMIT"));  // RELEASE SAVEPOINT cockroach_restart committed it
      state_ = State::no_txn;
      break;
    case State::aborted:
      if (!upstream_gone_) (void)quietly("ROLLBACK");
      reply(command_complete("ROLLBACK"));
      state_ = State::no_txn;
      break;
    case State::open: {
      const auto on_commit = vars_.find("inject_retry_errors_on_commit_enabled");
      if (on_commit != vars_.end() && truthy(on_commit->second) && injected_ < 3) {
        ++injected_;
        (void)quietly("ROLLBACK");
        reply_error("40001",
                    "restart transaction: TransactionRetryWithProtoRefreshError: injected by "
                    "`inject_retry_errors_on_commit_enabled` session variable",
                    kRetryHint);
      } else if (take_knob("sim_ambiguous_next_commit")) {
        commit_ambiguously();
      } else {
        (void)forward("COMMIT");
      }
      state_ = State::no_txn;
      break;
    }
  }
  ready();
}

void Session::on_rollback() {
  if (state_ == State::no_txn) {
    reply_error("25P01", kNoTxn);
  } else if (upstream_gone_ || state_ == State::commit_wait) {
    if (state_ == State::commit_wait) (void)quietly("ROLLBACK");
    reply(command_complete("ROLLBACK"));
  } else {
    (void)forward("ROLLBACK");
  }
  state_ = State::no_txn;
  ready();
}

void Session::on_savepoint(const Statement& s) {
  if (!require_transaction()) return;
  auto fail = [&](std::string_view state, std::string_view message) { refuse(state, message); };
  if (starts_with_restart(s.name)) {
    if (state_ == State::aborted) {
      // Re-declaring the restart savepoint after an error restarts, as
      // ROLLBACK TO would.
      Statement to = s;
      to.kind = Kind::rollback_to;
      on_rollback_to(to);
      return;
    }
    if (restart_declared_ && savepoints_.size() == 1 && !data_ran_) {
      reply(command_complete("SAVEPOINT"));  // a repeat right after declaring it: nothing to do
      ready();
      return;
    }
    if (!savepoints_.empty()) return fail("42601", "SAVEPOINT \"" + s.name + "\" cannot be nested");
    if (data_ran_)
      return fail("42601", "SAVEPOINT \"" + s.name + "\" needs to be the first statement in a transaction");
    if (forward("SAVEPOINT " + quote_identifier(s.name))) {
      savepoints_.push_back(s.name);
      restart_declared_ = true;
    }
    ready();
    return;
  }
  if (version_number(version_) < 200100) {
    return fail("0A000", "unimplemented: SAVEPOINT not supported except for cockroach_restart");
  }
  if (forward("SAVEPOINT " + quote_identifier(s.name))) savepoints_.push_back(s.name);
  ready();
}

void Session::on_release(const Statement& s) {
  if (!require_transaction()) return;
  const auto it = find_savepoint(s.name);
  if (it == savepoints_.end()) return;
  if (!starts_with_restart(s.name)) {
    if (forward("RELEASE SAVEPOINT " + quote_identifier(s.name))) savepoints_.erase(it, savepoints_.end());
    ready();
    return;
  }
  // Releasing the restart savepoint commits the transaction.
  if (take_knob("sim_ambiguous_next_commit")) {
    commit_ambiguously();
    ready();
    return;
  }
  if (auto error = quietly("COMMIT")) {
    Message original = error_response(error->sqlstate, error->message);
    ErrorFields fields = *error;
    reply(reshape(original, fields));
    // PostgreSQL's transaction is over; the restart savepoint is kept, so a
    // ROLLBACK TO restarts it.
    upstream_gone_ = true;
    state_ = State::aborted;
    retry_abort_ = fields.sqlstate == "40001";
    injected_abort_ = false;
    ready();
    return;
  }
  reply(command_complete("COMMIT"));
  state_ = State::commit_wait;
  ready();
}

void Session::on_rollback_to(const Statement& s) {
  if (!require_transaction()) return;
  const auto it = find_savepoint(s.name);
  if (it == savepoints_.end()) return;
  if (starts_with_restart(s.name)) {
    if (upstream_gone_ || (state_ == State::aborted && !injected_abort_)) {
      restart_upstream();
    } else {
      (void)quietly("ROLLBACK TO SAVEPOINT " + quote_identifier(s.name));
    }
    savepoints_.assign(1, s.name);
    state_ = State::open;
    upstream_gone_ = retry_abort_ = injected_abort_ = false;
    data_ran_ = false;  // a new epoch; the injected-error counter is kept
    reply(command_complete("ROLLBACK"));
    ready();
    return;
  }
  if (state_ == State::aborted && retry_abort_) {
    reply_error(
        "40001",
        "restart transaction: TransactionRetryWithProtoRefreshError: cannot rollback to savepoint after a "
        "transaction restart",
        kRetryHint);
    ready();
    return;
  }
  const bool ok = injected_abort_ ? !quietly("ROLLBACK TO SAVEPOINT " + quote_identifier(s.name))
                                  : forward("ROLLBACK TO SAVEPOINT " + quote_identifier(s.name));
  if (ok) {
    if (injected_abort_) reply(command_complete("ROLLBACK"));
    savepoints_.erase(it + 1, savepoints_.end());
    state_ = State::open;
    injected_abort_ = retry_abort_ = false;
  }
  ready();
}

bool Session::on_variable(const Statement& s) {
  if (s.kind == Kind::show_var) {
    std::string value;
    if (s.name == "transaction_priority") {
      const auto it = vars_.find("default_transaction_priority");
      value = in_txn() ? modes_.priority : (it == vars_.end() ? "normal" : it->second);
    } else if (s.name == "sim_client_user") {
      value = client_user_;  // the simulator's own: who the client said it was
    } else if (s.name == "crdb_version") {
      value = banner();
    } else if (s.name == "node_id") {
      value = std::to_string(settings_.node->id());
    } else if (s.name == "locality") {
      value = settings_.node->locality();
    } else if (s.name == "server_version") {
      value = "13.0.0";
    } else if (s.name == "server_version_num") {
      value = "130000";
    } else if (is_crdb_variable(s.name)) {
      const auto it = vars_.find(s.name);
      value = it != vars_.end() ? it->second : (s.name == "default_transaction_priority" ? "normal" : "off");
    } else {
      return false;
    }
    for (const auto& m : single_column(s.name, {value})) reply(m);
    ready();
    return true;
  }
  if (!is_crdb_variable(s.name)) return false;
  if (s.kind == Kind::reset_var) {
    vars_.erase(s.name);
    reply(command_complete("RESET"));
  } else if (s.name == "default_transaction_priority" && lower(s.value) != "low" &&
             lower(s.value) != "normal" && lower(s.value) != "high") {
    reply_error("22023", "invalid value for parameter \"default_transaction_priority\": \"" + s.value + "\"");
  } else {
    vars_[s.name] = lower(s.value);
    reply(command_complete("SET"));
  }
  ready();
  return true;
}

bool Session::prepare_data(std::string& sql, std::string& state, std::string& error) {
  sql = rewrite_functions(sql);
  std::string ddl_error;
  sql = rewrite_ddl(sql, ddl_error);
  if (!ddl_error.empty()) {
    state = "42601";
    error = ddl_error;
    return false;
  }
  std::string upsert_error;
  if (auto insert = rewrite_upsert(sql, settings_.primary_key, upsert_error)) {
    if (!upsert_error.empty()) {
      state = "42P10";
      error = upsert_error;
      return false;
    }
    sql = *insert;
  }
  if (auto aost = strip_aost(sql)) {
    if (auto problem = check_aost(*aost, in_txn(), state)) {
      error = *problem;
      return false;
    }
    if (lower(sql).find(" for update") != std::string::npos ||
        lower(sql).find(" for share") != std::string::npos) {
      state = "0A000";
      error = "unimplemented: SELECT FOR UPDATE/SHARE with AS OF SYSTEM TIME";
      return false;
    }
    if (in_txn() && modes_.aost && *modes_.aost != *aost) {
      state = "0A000";
      error = "inconsistent AS OF SYSTEM TIME timestamp; expected: " + *modes_.aost + ", got: " + *aost;
      return false;
    }
  }
  return true;
}

void Session::on_data(std::string sql) {
  std::string state;
  std::string error;
  if (!prepare_data(sql, state, error)) {
    refuse(state, error);
    return;
  }
  if (inject_now(sql)) {
    ++injected_;
    reply_error("40001",
                "restart transaction: TransactionRetryWithProtoRefreshError: injected by "
                "`inject_retry_errors_enabled` session variable",
                kRetryHint);
    state_ = State::aborted;
    injected_abort_ = true;  // PostgreSQL's transaction is healthy
    retry_abort_ = true;
    ready();
    return;
  }
  if (forward(sql) && state_ == State::open) data_ran_ = true;
  ready();
}

// ---- the extended protocol -------------------------------------------------------

void Session::extended_batch(std::vector<Message>& batch) {
  // The statement an Execute will run: the one its Bind names.
  std::string executed;
  bool has_execute = false;
  for (auto& m : batch) {
    if (m.type == 'P') {
      std::size_t at = 0;
      const std::string name = get_cstring(m.body, at);
      std::string sql = get_cstring(m.body, at);
      const std::string rest = m.body.substr(at);
      std::string state;
      std::string error;
      if (!prepare_data(sql, state, error)) {
        refuse(state, error);
        return;
      }
      (name.empty() ? unnamed_ : prepared_[name]) = sql;
      m.body = name + '\0' + sql + '\0' + rest;
    } else if (m.type == 'B') {
      std::size_t at = 0;
      (void)get_cstring(m.body, at);  // portal
      const std::string statement = get_cstring(m.body, at);
      executed = statement.empty() ? unnamed_ : prepared_[statement];
    } else if (m.type == 'E') {
      has_execute = true;
    } else if (m.type == 'C' && !m.body.empty() && m.body[0] == 'S') {
      std::size_t at = 1;
      prepared_.erase(get_cstring(m.body, at));
    }
  }
  if (has_execute && state_ == State::aborted) {
    reply_error("25P02", "current transaction is aborted, commands ignored until end of transaction block");
    ready();
    return;
  }
  if (has_execute && state_ == State::commit_wait) {
    reply_error("25000", "current transaction is committed, commands ignored until end of transaction block");
    ready();
    return;
  }
  if (has_execute && inject_now(executed)) {
    // What comes before the injected statement's Bind (its Parse, and the
    // statements a client pipelined ahead of it) runs as on CockroachDB,
    // where the retry error comes from executing. The rest is answered here,
    // as PostgreSQL would up to the Execute; nothing of it is sent on.
    const auto bind =
        std::find_if(batch.rbegin(), batch.rend(), [](const Message& m) { return m.type == 'B'; });
    const auto first_unsent = bind == batch.rend() ? batch.begin() : std::prev(bind.base());
    if (first_unsent != batch.begin()) {
      for (auto it = batch.begin(); it != first_unsent; ++it) write_message(upstream_, *it);
      write_message(upstream_, Message{'S', {}});
      (void)relay_until_ready(false);
    }
    for (auto it = first_unsent; it != batch.end(); ++it) {
      const Message& m = *it;
      if (m.type == 'P') reply(Message{'1', {}});
      if (m.type == 'B') reply(Message{'2', {}});
      if (m.type == 'D') reply(Message{'n', {}});
      if (m.type == 'E') break;
    }
    ++injected_;
    reply_error("40001",
                "restart transaction: TransactionRetryWithProtoRefreshError: injected by "
                "`inject_retry_errors_enabled` session variable",
                kRetryHint);
    state_ = State::aborted;
    injected_abort_ = true;
    retry_abort_ = true;
    ready();
    return;
  }
  for (const auto& m : batch) write_message(upstream_, m);
  const auto error = relay_until_ready(false);
  if (!error && has_execute && state_ == State::open) data_ran_ = true;
  ready();
}

}  // namespace crdb_sim
