// Helpers the suites share: where the test server is, fresh names, and
// assertions on thrown lingo errors.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <functional>
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
class CrdbSimulator {
 public:
  explicit CrdbSimulator(const std::string& version = "23.1.11");
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

 private:
  int pid_ = -1;
  unsigned port_ = 0;
  std::string database_;
  std::string dir_;
};

// A thread that waits until the backend whose pid the test stores in
// `victim` is running COMMIT (or a RELEASE committing through it), then ends
// that backend with pg_terminate_backend: a connection lost mid-commit.
std::thread terminate_during_commit(std::atomic<int>& victim);

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
#define LINGO_ASSERT_CONTAINS(haystack, needle)                                                  \
  CPPUNIT_ASSERT_MESSAGE(std::string("expected \"") + (needle) + "\" in \"" + (haystack) + "\"", \
                         std::string(haystack).find(needle) != std::string::npos)

}  // namespace lingo_test
