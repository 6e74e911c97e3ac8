// For a suite written once and built for every dialect
// (lingo_add_dialect_suites in cmake/LingoTesting.cmake): which backend this
// build is for, and its URI.
#pragma once

#include <string>

#include "test_support.h"

namespace lingo_test {

enum class Backend { sqlite, postgres, crdb };
#if defined(LINGO_SUITE_SQLITE)
inline constexpr Backend kBackend = Backend::sqlite;
#elif defined(LINGO_SUITE_CRDB)
inline constexpr Backend kBackend = Backend::crdb;
#else
inline constexpr Backend kBackend = Backend::postgres;
#endif

// The simulator this process shares between its tests (CockroachDB builds).
inline CrdbSimulator& shared_simulator() {
  static CrdbSimulator instance;
  return instance;
}

// The backend's URI: a SQLite file `file` in `dir`, the test PostgreSQL, or
// the simulator in front of it. `scheme_suffix` ("+pool") and `options`
// ("max_connections=4") make its pooled or optioned form.
inline std::string backend_uri(const std::string& dir, const std::string& file,
                               const std::string& scheme_suffix = {}, const std::string& options = {}) {
  std::string uri;
  if constexpr (kBackend == Backend::sqlite) {
    uri = "sqlite" + scheme_suffix + ":///" + dir + "/" + file;
  } else if constexpr (kBackend == Backend::postgres) {
    uri = pg_uri();
    uri.replace(0, uri.find("://"), "postgresql" + scheme_suffix);
  } else {
    return shared_simulator().uri("cockroachdb" + scheme_suffix, options);
  }
  if (!options.empty()) uri += (uri.find('?') == std::string::npos ? "?" : "&") + options;
  return uri;
}

}  // namespace lingo_test
