// Checks AcmeCompiler's SQL without a server: the two places where it departs
// from PostgreSQL's (TextField's type, the row-limiting clause). Exits 1 on a
// mismatch.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "acme_compiler.h"

namespace {

struct Note : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::AutoField{});
  lingo::Column<std::string> body = column("body", lingo::TextField{});
  Note() : Table("note") {}
};

int failures = 0;

void expect(const std::string& what, const std::string& expected, const std::string& got) {
  if (got == expected) return;
  std::cerr << "FAIL " << what << "\n  expected " << expected << "\n  got      " << got << "\n";
  ++failures;
}

std::string select_sql(const acme::AcmeCompiler& c, std::optional<std::int64_t> limit,
                       std::optional<std::int64_t> offset) {
  lingo::SelectData q;
  q.from = lingo::FromItem{"note", {}, nullptr};
  q.limit = limit;
  q.offset = offset;
  std::string sql;
  std::vector<lingo::Value> params;
  lingo::SqlWriter w{sql, params};
  c.select(q, w);
  return sql;
}

}  // namespace

int main() {
  const acme::AcmeCompiler c;
  const Note note;
  std::string ddl;
  std::vector<lingo::Value> params;
  lingo::SqlWriter w{ddl, params};
  c.create_table(note, {}, w);
  expect("CREATE TABLE",
         R"(CREATE TABLE "note" ("id" SERIAL NOT NULL PRIMARY KEY, "body" CHARACTER VARYING NOT NULL))", ddl);
  expect("LIMIT and OFFSET", R"(SELECT * FROM "note" OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY)",
         select_sql(c, 2, 1));
  expect("LIMIT alone", R"(SELECT * FROM "note" FETCH FIRST 5 ROWS ONLY)", select_sql(c, 5, {}));
  expect("OFFSET alone", R"(SELECT * FROM "note" OFFSET 3 ROWS)", select_sql(c, {}, 3));
  expect("dialect", "acmedb", c.dialect());
  std::cout << (failures == 0 ? "AcmeCompiler's SQL is as expected\n" : "AcmeCompiler's SQL differs\n");
  return failures == 0 ? 0 : 1;
}
