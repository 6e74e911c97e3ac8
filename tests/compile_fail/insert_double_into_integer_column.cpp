// A floating-point value written to an integer column would be rounded by the server.
// expect: error a floating-point or Decimal value written to an integer column
#include "lingo/lingo.h"

struct Item : lingo::Table {
  lingo::Column<std::int32_t> stock = column("stock", lingo::IntegerField{});
  Item() : Table("item") {}
};

int main() {
  const Item item;
  auto q = lingo::Insert(nullptr, item).set(item.stock, 2.5);
  (void)q;
}
