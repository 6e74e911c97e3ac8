// A key whose C++ type cannot hold the field kind's values: an AutoField is
// an integer, never a string.
// expect: error this field kind's values cannot be read as T
#include <string>

#include "lingo/lingo.h"

struct Author : lingo::Table {
  lingo::Column<std::string> id = column("id", lingo::AutoField{});
  Author() : Table("author") {}
};

int main() {
  const Author author;
  (void)author;
}
