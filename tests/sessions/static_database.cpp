// A Database with static storage duration, used on the main thread and on a
// worker, then destroyed after main() returns: by then the main thread's
// thread_local sessions are gone, and the destructor must cope. Exits 0, and
// the sanitized build reports nothing.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "lingo/lingo.h"

namespace {

std::string path() {
  static const std::string p =
      (std::filesystem::temp_directory_path() / ("lingo_static_" + std::to_string(::getpid()) + ".db"))
          .string();
  return p;
}

lingo::Database db("sqlite+pool:///" + path() + "?max_connections=2");

}  // namespace

int main() {
  db.execute_sql("CREATE TABLE t (x INTEGER)");
  std::thread([] { db.execute_sql("INSERT INTO t VALUES (1)"); }).join();
  const auto rows = db.execute_sql("SELECT count(*) FROM t").scalar<std::int64_t>();
  std::printf("rows: %lld\n", static_cast<long long>(rows));
  std::filesystem::remove(path());
  return rows == 1 ? 0 : 1;
}
