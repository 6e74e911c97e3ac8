// A 64-bit generated key declared as a 32-bit integer: it would compile and
// then fail at the first key past 2^31 (every key, on CockroachDB).
// expect: error a generated key's C++ type must hold every key the database makes
#include "lingo/lingo.h"

struct Event : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::BigAutoField{});
  Event() : Table("event") {}
};

int main() {
  const Event event;
  (void)event;
}
