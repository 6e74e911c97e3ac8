// The first case: a number column set to text. Refused by the
// compiler, not stored by SQLite to fail when it is read.
// expect: error this value cannot be written to this column
#include <string>

#include "lingo/lingo.h"

struct Author : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::AutoField{});
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  Author() : Table("author") {}
};

int main() {
  const Author author;
  auto q = lingo::Insert(nullptr, author).set(author.name, 42);
  (void)q;
}
