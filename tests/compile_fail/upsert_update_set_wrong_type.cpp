// ON CONFLICT ... DO UPDATE SET is checked as an update is.
// expect: error this value cannot be written to this column
#include <string>

#include "lingo/lingo.h"

struct Item : lingo::Table {
  lingo::Column<std::string> name = column("name", lingo::TextField{}.unique());
  lingo::Column<std::int32_t> stock = column("stock", lingo::IntegerField{});
  Item() : Table("item") {}
};

int main() {
  const Item item;
  auto q = lingo::Insert(nullptr, item).set(item.name, "a").on_conflict_update({&item.name}).update_set(
      item.stock, std::string("many"));
  (void)q;
}
