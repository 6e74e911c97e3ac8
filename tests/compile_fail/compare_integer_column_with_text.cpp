// A number compared with text: refused by the compiler, not by the server.
// expect: error these two sides cannot be compared
#include "lingo/lingo.h"

struct Item : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  Item() : Table("item") {}
};

int main() {
  const Item item;
  auto condition = item.id == "abc";
  (void)condition;
}
