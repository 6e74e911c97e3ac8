// NULL written to a column whose C++ type says it is never NULL.
// expect: error NULL written to a NOT NULL column
#include <optional>
#include <string>

#include "lingo/lingo.h"

struct Author : lingo::Table {
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  Author() : Table("author") {}
};

int main() {
  const Author author;
  auto q = lingo::Update(nullptr, author).set(author.name, std::nullopt);
  (void)q;
}
