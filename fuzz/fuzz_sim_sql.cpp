// The CockroachDB simulator's reading of SQL: statements classified, AS OF
// SYSTEM TIME found and checked, DDL rewritten. Never a crash.
#include <cstdint>
#include <string>

#include "sql.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)crdb_sim::classify(text);
  std::string state;
  (void)crdb_sim::check_aost(text, false, state);
  std::string copy = text;
  (void)crdb_sim::strip_aost(copy);
  std::string error;
  (void)crdb_sim::rewrite_ddl(text, error);
  (void)crdb_sim::rewrite_functions(text);
  return 0;
}
