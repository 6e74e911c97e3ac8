// Text compared with a number, the value on the left.
// expect: error these two sides cannot be compared
#include <string>

#include "lingo/lingo.h"

struct Author : lingo::Table {
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  Author() : Table("author") {}
};

int main() {
  const Author author;
  auto condition = 42 < author.name;
  (void)condition;
}
