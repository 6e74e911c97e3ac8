#include "node.h"

#include <sstream>
#include <vector>

namespace crdb_sim {

const char* state_name(Node::State state) {
  switch (state) {
    case Node::State::up:
      return "up";
    case Node::State::draining:
      return "draining";
    case Node::State::drained:
      return "drained";
    case Node::State::dead:
      return "dead";
    case Node::State::stalled:
      return "stalled";
  }
  return "?";
}

Node::Node(int id, std::string locality) : id_(id), locality_(std::move(locality)) {}

Node::State Node::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

Node::Membership::Membership(Node& node, Poco::Net::StreamSocket& client, Poco::Net::StreamSocket& upstream)
    : node_(node), sockets_(&client, &upstream) {
  std::lock_guard lock(node_.mutex_);
  node_.members_.insert(sockets_);
}

Node::Membership::~Membership() {
  std::lock_guard lock(node_.mutex_);
  node_.members_.erase(sockets_);
  node_.changed_.notify_all();
}

bool Node::refusing_new() const {
  std::lock_guard lock(mutex_);
  return state_ == State::draining || state_ == State::drained;
}

bool Node::closing(bool in_txn) const {
  std::lock_guard lock(mutex_);
  return state_ == State::dead || (closing_ && !in_txn);
}

bool Node::wait_while_stalled() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return state_ != State::stalled; });
  return state_ != State::dead;
}

void Node::sever_all() {
  // shutdown(2), not close: the session's thread still owns the sockets and
  // sees the end of both at its next read or write.
  for (const auto& [client, upstream] : members_) {
    try {
      client->shutdown();
    } catch (...) {  // NOLINT(bugprone-empty-catch): already closed by its peer
    }
    try {
      upstream->shutdown();
    } catch (...) {  // NOLINT(bugprone-empty-catch): already closed by its peer
    }
  }
}

std::string Node::kill() {
  std::lock_guard lock(mutex_);
  const std::size_t sessions = members_.size();
  state_ = State::dead;
  closing_ = false;
  sever_all();
  changed_.notify_all();
  return "ok dead severed=" + std::to_string(sessions);
}

std::string Node::drain(std::chrono::milliseconds connection_wait, std::chrono::milliseconds query_wait) {
  std::unique_lock lock(mutex_);
  if (state_ == State::dead) return "error the node is dead; revive it first";
  state_ = State::draining;
  closing_ = false;
  changed_.notify_all();
  auto interrupted = [&] { return state_ != State::draining; };
  // Phase 2 (server.shutdown.connection_wait): new sessions are refused;
  // the ones open go on until they end or the wait is over.
  changed_.wait_for(lock, connection_wait, [&] { return interrupted() || members_.empty(); });
  if (interrupted()) return std::string("error the drain was interrupted: the node is ") + state_name(state_);
  // Phase 3 (server.shutdown.query_wait): a session outside a transaction
  // ends at once, one inside ends when its transaction does.
  closing_ = true;
  changed_.wait_for(lock, query_wait, [&] { return interrupted() || members_.empty(); });
  if (interrupted()) return std::string("error the drain was interrupted: the node is ") + state_name(state_);
  const std::size_t remaining = members_.size();
  sever_all();  // what is left when query_wait ends is closed
  state_ = State::drained;
  changed_.notify_all();
  return "ok drained severed=" + std::to_string(remaining);
}

std::string Node::stall() {
  std::lock_guard lock(mutex_);
  if (state_ == State::dead) return "error the node is dead; revive it first";
  state_ = State::stalled;
  changed_.notify_all();
  return "ok stalled";
}

std::string Node::revive() {
  std::lock_guard lock(mutex_);
  state_ = State::up;
  closing_ = false;
  changed_.notify_all();
  return "ok up";
}

std::string Node::status() const {
  std::lock_guard lock(mutex_);
  return std::string("ok node=") + std::to_string(id_) + " state=" + state_name(state_) +
         " sessions=" + std::to_string(members_.size()) + (locality_.empty() ? "" : " locality=" + locality_);
}

std::string Node::command(const std::string& line) {
  std::istringstream words(line);
  std::string verb;
  words >> verb;
  std::vector<double> numbers;
  std::string word;
  while (words >> word) {
    try {
      std::size_t used = 0;
      numbers.push_back(std::stod(word, &used));
      if (used != word.size() || numbers.back() < 0) return "error not a number of seconds: " + word;
    } catch (const std::exception&) {
      return "error not a number of seconds: " + word;
    }
  }
  auto ms = [](double seconds) { return std::chrono::milliseconds(static_cast<long long>(seconds * 1000)); };
  if (verb == "kill" && numbers.empty()) return kill();
  if (verb == "drain" && numbers.size() <= 2) {
    // CockroachDB's defaults: query_wait 10 s, connection_wait 0 s.
    return drain(ms(numbers.size() > 1 ? numbers[1] : 0), ms(numbers.empty() ? 10 : numbers[0]));
  }
  if (verb == "stall" && numbers.empty()) return stall();
  if (verb == "revive" && numbers.empty()) return revive();
  if (verb == "status" && numbers.empty()) return status();
  return "error unknown command '" + line +
         "': expected status, kill, drain [QUERY_WAIT [CONNECTION_WAIT]], stall or revive";
}

}  // namespace crdb_sim
