// A typed row of an insert-many whose second value is text for an integer column.
// expect: error this value cannot be written to this column
#include <string>

#include "lingo/lingo.h"

struct Item : lingo::Table {
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  lingo::Column<std::int32_t> stock = column("stock", lingo::IntegerField{});
  Item() : Table("item") {}
};

int main() {
  const Item item;
  auto q = lingo::Insert(nullptr, item).columns(item.name, item.stock);
  q.row("x", "oops");
}
