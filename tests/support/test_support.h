// Helpers the suites share: where the test server is, fresh names, and
// assertions on thrown lingo errors.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "lingo/errors.h"

namespace lingo_test {

// The throwaway PostgreSQL server's URI (LINGO_TEST_PG_URI).
std::string pg_uri();
// A name unique to this process and call, for tables and files.
std::string unique_name(const std::string& prefix);
// A fresh temporary folder, removed by the caller.
std::string temp_dir();
std::string build_dir();   // the CMake binary dir
std::string source_dir();  // the source tree

// The CockroachDB simulator (tests/crdb_sim) in front of the test PostgreSQL,
// started on a free port for as long as the object lives and stopped by its
// process id.
struct SimulatorOptions {
  std::string version = "23.1.11";
  int node_id = 1;
  std::string locality{};
  bool control = false;  // open a control port (see control())
};

class CrdbSimulator {
 public:
  explicit CrdbSimulator(const std::string& version = "23.1.11");
  explicit CrdbSimulator(const SimulatorOptions& options);
  ~CrdbSimulator();
  CrdbSimulator(const CrdbSimulator&) = delete;
  CrdbSimulator& operator=(const CrdbSimulator&) = delete;
  // cockroachdb://root@127.0.0.1:<port>/<the test database>, plus `options`
  // ("?..." or "&..." as needed is added).
  [[nodiscard]] std::string uri(const std::string& scheme = "cockroachdb",
                                const std::string& options = {}) const;
  [[nodiscard]] unsigned port() const noexcept { return port_; }
  // Its process id.
  [[nodiscard]] int pid() const noexcept { return pid_; }
  // SIGSTOP, returning once every thread of the process has stopped (the
  // signal alone stops them later, when each is next scheduled): a server
  // that answers nothing. thaw() sends SIGCONT.
  void freeze() const;
  void thaw() const;
  // Sends a fault control (status, kill, drain [Q [C]], stall, revive; see
  // crdb_sim --help) and returns the reply line; needs options.control.
  std::string control(const std::string& command) const;

 private:
  int pid_ = -1;
  unsigned port_ = 0;
  unsigned control_port_ = 0;
  std::string database_;
  std::string dir_;
};

// A simulated cluster: `nodes` simulators in front of the test PostgreSQL,
// node i with id i and locality region=r<1..3>,zone=z<i>, each with a
// control port; all stopped by their process ids when the object goes.
class CrdbCluster {
 public:
  explicit CrdbCluster(int nodes);
  // cockroachdb://root@127.0.0.1:p1,127.0.0.1:p2,.../<db>, plus `options`.
  [[nodiscard]] std::string uri(const std::string& options = {},
                                const std::string& scheme = "cockroachdb") const;
  [[nodiscard]] CrdbSimulator& node(int id) { return *nodes_.at(static_cast<std::size_t>(id - 1)); }
  [[nodiscard]] int size() const noexcept { return static_cast<int>(nodes_.size()); }

 private:
  std::vector<std::unique_ptr<CrdbSimulator>> nodes_;
};

// A thread that waits until the backend whose pid the test stores in
// `victim` is running COMMIT (or a RELEASE committing through it), then ends
// that backend with pg_terminate_backend: a connection lost mid-commit.
std::thread terminate_during_commit(std::atomic<int>& victim);

// A command run through the shell, as a user would run it: its exit status
// (-1 when it did not exit), stdout and stderr.
struct CommandRun {
  int status;
  std::string out;
  std::string err;
};
// The argument in single quotes, for sh.
std::string shell_quote(const std::string& arg);
// `program` with `args`, each quoted.
CommandRun run_command(const std::string& program, const std::vector<std::string>& args);

// Runs fn, which must throw E; returns the exception for further checks.
template <class E>
E expect_throw(const std::function<void()>& fn, const std::string& what) {
  try {
    fn();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    CPPUNIT_FAIL(what + ": threw the wrong type: " + e.what());
  }
  CPPUNIT_FAIL(what + ": did not throw");
  throw;  // unreachable
}

// True when haystack contains needle; for message checks with a readable failure.
// Each argument is evaluated once (a future's get(), say, may be passed).
#define LINGO_ASSERT_CONTAINS(haystack, needle)                                                 \
  do {                                                                                          \
    const std::string lingo_haystack_(haystack);                                                \
    const std::string lingo_needle_(needle);                                                    \
    CPPUNIT_ASSERT_MESSAGE("expected \"" + lingo_needle_ + "\" in \"" + lingo_haystack_ + "\"", \
                           lingo_haystack_.find(lingo_needle_) != std::string::npos);           \
  } while (false)

}  // namespace lingo_test
