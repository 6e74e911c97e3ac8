// A library of migrations and models, as an application would build one for
// `lingo migrate --from`: everything registers itself when the library loads.
#include "lingo/lingo.h"
#include "lingo/migrations.h"

namespace {

struct Book : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{}.primary_key());
  lingo::Column<std::string> title = column("title", lingo::TextField{});
  lingo::Column<std::optional<std::string>> isbn = column("isbn", lingo::CharField{20}.null());
  Book() : Table("libmig_book") { index({&title}, {.name = "libmig_book_title"}); }
};
const Book book;

// The table as the first migration creates it: before isbn and the index.
struct BookV1 : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{}.primary_key());
  lingo::Column<std::string> title = column("title", lingo::TextField{});
  BookV1() : Table("libmig_book") {}
};
const BookV1 book_v1;

const lingo::RegisterMigration create_book{"0001_create_book",
                                           [](lingo::MigrationPlan& m) { m.create_table(book_v1); },
                                           [](lingo::MigrationPlan& m) { m.drop_table("libmig_book"); }};

const lingo::RegisterMigration add_isbn{
    "0002_add_isbn",
    [](lingo::MigrationPlan& m) {
      m.schema().add_column("libmig_book", "isbn", lingo::CharField{20}.null());
      m.sql("INSERT INTO libmig_book (id, title, isbn) VALUES (1, 'Dune', '978-0441013593')");
    },
    [](lingo::MigrationPlan& m) {
      m.sql("DELETE FROM libmig_book WHERE id = 1");
      m.schema().drop_column("libmig_book", "isbn");
    }};

const lingo::RegisterMigration index_title{
    "0003_index_title",
    [](lingo::MigrationPlan& m) {
      m.schema().add_index("libmig_book", {"title"}, {.name = "libmig_book_title"});
    },
    [](lingo::MigrationPlan& m) { m.schema().drop_index("libmig_book", "libmig_book_title"); }};

const lingo::RegisterModels models{{&book}};

}  // namespace
