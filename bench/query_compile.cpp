// query_compile: building and compiling a typical query to SQL and parameters,
// with no I/O. The query is a three-table join with five predicates, ORDER BY
// and LIMIT; the same query is written for peewee in query_compile_peewee.py.
//
//   bench_query_compile [--iterations N] [--rounds N]
//
// Prints the median time per query over the rounds. The target is 5 µs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "lingo/lingo.h"

namespace {

struct Author : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::AutoField{});
  lingo::Column<std::string> name = column("name", lingo::CharField{100});
  Author() : Table("author") {}
};
const Author author;

struct Book : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::int32_t> author_id = column("author_id", lingo::ForeignKeyField{author.id});
  lingo::Column<std::string> title = column("title", lingo::TextField{});
  lingo::Column<lingo::Decimal> price = column("price", lingo::DecimalField{10, 2});
  Book() : Table("book") {}
};
const Book book;

struct Review : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::int64_t> book_id = column("book_id", lingo::ForeignKeyField{book.id});
  lingo::Column<std::int16_t> stars = column("stars", lingo::SmallIntegerField{});
  Review() : Table("review") {}
};
const Review review;

}  // namespace

int main(int argc, char** argv) {
  long iterations = 200000;
  int rounds = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--iterations")
      iterations = std::atol(argv[i + 1]);
    else if (a == "--rounds")
      rounds = std::atoi(argv[i + 1]);
  }
  // Compiling needs only the dialect's compiler: this database never connects.
  lingo::Database db("postgresql://bench@127.0.0.1:1/none");
  const lingo::Decimal min_price("10.00");

  std::size_t sink = 0;
  auto one_query = [&](long i) {
    auto q = db.select(author.name, book.title, book.price, review.stars)
                 .from(author)
                 .join(book, book.author_id == author.id)
                 .join(review, review.book_id == book.id)
                 .where(author.name.like("h%") && book.price >= min_price && review.stars > std::int16_t{3} &&
                        book.title != "draft" && author.id == static_cast<std::int32_t>(i))
                 .order_by({book.price.desc(), author.name.asc()})
                 .limit(20);
    const lingo::CompiledQuery c = q.compile();
    sink += c.sql.size() + c.params.size();
  };

  std::vector<double> per_query_us;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) one_query(i);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    per_query_us.push_back(s / static_cast<double>(iterations) * 1e6);
  }
  std::sort(per_query_us.begin(), per_query_us.end());
  std::printf(
      "lingo: build + compile a 3-table join, 5 predicates, ORDER BY, LIMIT: %.2f us per query "
      "(median of %d rounds of %ld; best %.2f)\n",
      per_query_us[per_query_us.size() / 2], rounds, iterations, per_query_us.front());
  auto q = db.select(author.name).from(author).where(author.id == 1);
  std::printf("(checksum %zu; sample: %s)\n", sink, q.compile().sql.c_str());
  return 0;
}
