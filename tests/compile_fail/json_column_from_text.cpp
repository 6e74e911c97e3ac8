// Text written to a JSON column: PostgreSQL would refuse text for jsonb at run
// time; a document is built or parsed in C++ instead.
// expect: error a JSON column (T in this instantiation) takes a boost::json::value
#include <string>

#include "lingo/lingo.h"

struct Doc : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<boost::json::value> data = column("data", lingo::BinaryJSONField{});
  Doc() : Table("doc") {}
};

int main() {
  const Doc doc;
  auto q = lingo::Insert(nullptr, doc).set(doc.data, std::string(R"({"a": 1})"));
  (void)q;
}
