// For a suite written once and built for every dialect
// (lingo_add_dialect_suites in cmake/LingoTesting.cmake): which backend this
// build is for, and its URI.
#pragma once

#include <string>

#include "lingo/database.h"

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

// A database no other test shares, for as long as the object lives: a new
// SQLite file in `dir`, or a new database on the test PostgreSQL (reached
// directly, or through the simulator), dropped at the end. On the simulator
// it lacks the CockroachDB functions (unique_rowid()) the simulator installs
// in the database it serves.
class FreshDatabase {
 public:
  explicit FreshDatabase(const std::string& dir) {
    if constexpr (kBackend == Backend::sqlite) {
      uri_ = "sqlite:///" + dir + "/fresh.db";
      return;
    }
    name_ = unique_name("fresh");
    auto admin = lingo::connect(pg_uri());
    admin.execute_sql("CREATE DATABASE " + name_);
    std::string base = kBackend == Backend::crdb ? shared_simulator().uri() : pg_uri();
    const auto path = base.find('/', base.find("://") + 3);
    const auto query = base.find('?', path);
    uri_ = base.substr(0, path + 1) + name_ + (query == std::string::npos ? "" : base.substr(query));
  }
  ~FreshDatabase() {
    if (name_.empty()) return;
    try {
      auto admin = lingo::connect(pg_uri());
      admin.execute_sql("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {  // a leftover database in a throwaway cluster
    }
  }
  FreshDatabase(const FreshDatabase&) = delete;
  FreshDatabase& operator=(const FreshDatabase&) = delete;
  [[nodiscard]] const std::string& uri() const noexcept { return uri_; }

 private:
  std::string uri_;
  std::string name_;
};

}  // namespace lingo_test
