// The writes the DSL accepts: the control for the write snippets that must fail.
// expect: compiles
#include <cstddef>
#include <optional>
#include <string>

#include "lingo/lingo.h"

struct Book : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::string> title = column("title", lingo::TextField{});
  lingo::Column<lingo::Decimal> price = column("price", lingo::DecimalField{10, 2});
  lingo::Column<std::optional<std::string>> note = column("note", lingo::TextField{}.null());
  lingo::Column<std::int32_t> stock = column("stock", lingo::IntegerField{});
  lingo::Column<boost::json::value> data = column("data", lingo::BinaryJSONField{});
  Book() : Table("book") {}
};

int main() {
  const Book book;
  const std::size_t count = 3;
  const std::optional<std::string> maybe = "n";
  auto insert = lingo::Insert(nullptr, book)
                    .set(book.title, "Dune")
                    .set(book.price, 12)  // an integer into a decimal
                    .set(book.stock, count)  // unsigned, checked when bound
                    .set(book.note, maybe)
                    .set(book.data, boost::json::value{{"a", 1}})
                    .set(book.title, lingo::Value("any"));  // checked at run time
  auto rows = lingo::Insert(nullptr, book).columns(book.title, book.note, book.stock);
  rows.row("Emma", std::nullopt, 1).row(std::string("Ulysses"), "n", std::int16_t{2});
  // Insert's calls keep the typed builder, so row() stays checked after them.
  rows.on_conflict_ignore().batch_size(100).row("Ada", std::nullopt, 3);
  auto update = lingo::Update(nullptr, book).set(book.stock, book.stock + 1).set(book.note, std::nullopt);
  auto upsert = lingo::Insert(nullptr, book)
                    .set(book.title, "a")
                    .on_conflict_update({&book.title})
                    .update_set(book.stock, lingo::excluded(book.stock) + 1)
                    .on_conflict_where(book.stock < lingo::excluded(book.stock));
  (void)insert;
  (void)update;
  (void)upsert;
}
