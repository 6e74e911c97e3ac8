// A std::optional value written to a NOT NULL column: it may be empty.
// expect: error a std::optional value written to a NOT NULL column
#include <optional>
#include <string>

#include "lingo/lingo.h"

struct Author : lingo::Table {
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  Author() : Table("author") {}
};

int main() {
  const Author author;
  const std::optional<std::string> maybe;
  auto q = lingo::Update(nullptr, author).set(author.name, maybe);
  (void)q;
}
