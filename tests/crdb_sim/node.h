// One simulated CockroachDB node: its identity (node id, locality), its
// sessions, and the faults a test injects through the control port (kill,
// drain, stall, revive). Several simulator processes in front of the same
// PostgreSQL make a cluster (tests/crdb_sim/cluster.sh).
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>

namespace crdb_sim {

class Node {
 public:
  enum class State { up, draining, drained, dead, stalled };

  Node(int id, std::string locality);

  [[nodiscard]] int id() const noexcept { return id_; }
  // "region=eu-west1,zone=eu-west1-b", as --locality gave it (may be empty).
  [[nodiscard]] const std::string& locality() const noexcept { return locality_; }
  [[nodiscard]] State state() const;

  // A session's sockets, registered for as long as the session runs: kill
  // and the end of a drain shut them down from the control thread.
  class Membership {
   public:
    Membership(Node& node, Poco::Net::StreamSocket& client, Poco::Net::StreamSocket& upstream);
    ~Membership();
    Membership(const Membership&) = delete;
    Membership& operator=(const Membership&) = delete;

   private:
    Node& node_;
    std::pair<Poco::Net::StreamSocket*, Poco::Net::StreamSocket*> sockets_;
  };

  // Whether a new session is refused (57P01): the node drains or drained.
  [[nodiscard]] bool refusing_new() const;
  // Whether a session between two messages must end now: the drain reached
  // the phase that closes sessions outside a transaction.
  [[nodiscard]] bool closing(bool in_txn) const;
  // Blocks while the node is stalled; false once it is dead.
  bool wait_while_stalled();

  // One control command, one reply line ("ok ..." or "error ...").
  std::string command(const std::string& line);

 private:
  std::string kill();
  std::string drain(std::chrono::milliseconds connection_wait, std::chrono::milliseconds query_wait);
  std::string stall();
  std::string revive();
  std::string status() const;
  void sever_all();  // with mutex_ held

  const int id_;
  const std::string locality_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  State state_ = State::up;
  bool closing_ = false;  // the drain's third phase: idle sessions end
  std::set<std::pair<Poco::Net::StreamSocket*, Poco::Net::StreamSocket*>> members_;
};

[[nodiscard]] const char* state_name(Node::State state);

}  // namespace crdb_sim
