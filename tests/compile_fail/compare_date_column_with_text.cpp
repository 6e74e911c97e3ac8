// A date compared with text: PostgreSQL would refuse "date = text" at run time.
// expect: error these two sides cannot be compared
#include <optional>

#include "lingo/lingo.h"

struct Book : lingo::Table {
  lingo::Column<std::optional<lingo::Date>> published = column("published", lingo::DateField{}.null());
  Book() : Table("book") {}
};

int main() {
  const Book book;
  auto condition = book.published >= "2024-01-01";
  (void)condition;
}
