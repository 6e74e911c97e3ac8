// The comparisons the DSL accepts: the control for the snippets that must fail.
// expect: compiles
#include <cstddef>
#include <optional>
#include <string>

#include "lingo/lingo.h"

struct Item : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  lingo::Column<std::optional<lingo::Date>> due = column("due", lingo::DateField{}.null());
  Item() : Table("item") {}
};

int main() {
  const Item item;
  const std::size_t n = 3;
  auto a = item.id == n && 5 < item.id && item.name == lingo::fn::lower(item.name);
  auto b = item.due == lingo::Date{} || item.due == std::nullopt || item.name != std::string("x");
  (void)a;
  (void)b;
}
