// A typed row with fewer values than columns.
// expect: error row() takes exactly one value per column
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
  q.row("x");
}
