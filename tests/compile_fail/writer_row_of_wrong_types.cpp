// A row written to an insert's writer whose second value is text for an
// integer column: checked at compile time, as insert-many rows are.
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
  auto writer = lingo::Insert(nullptr, item).columns(item.name, item.stock).writer();
  writer.row("x", "oops");
}
