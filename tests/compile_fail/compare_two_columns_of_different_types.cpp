// Two expressions whose types cannot be compared.
// expect: error these two sides cannot be compared
#include <string>

#include "lingo/lingo.h"

struct Item : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  Item() : Table("item") {}
};

int main() {
  const Item item;
  auto condition = item.name != item.id;
  (void)condition;
}
