// The models the query and model suites share: a small library.
#pragma once

#include "lingo/lingo.h"

namespace library {

struct Author : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::AutoField{});
  lingo::Column<std::string> name = column("name", lingo::CharField{100}.unique());
  lingo::Column<std::optional<std::string>> email = column("email", lingo::TextField{}.null());
  Author() : Table("author") {}
};
inline const Author author;

struct Book : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::int32_t> author_id =
      column("author_id", lingo::ForeignKeyField{author.id}.on_delete(lingo::ReferentialAction::cascade));
  lingo::Column<std::string> title = column("title", lingo::TextField{});
  lingo::Column<lingo::Decimal> price = column("price", lingo::DecimalField{10, 2}.check("price >= 0"));
  lingo::Column<std::optional<lingo::Date>> published = column("published", lingo::DateField{}.null());
  lingo::Column<std::int32_t> pages = column("pages", lingo::IntegerField{}.default_value(100));
  Book() : Table("book") { index({&author_id, &published}); }
};
inline const Book book;

struct Review : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::int64_t> book_id = column("book_id", lingo::ForeignKeyField{book.id});
  lingo::Column<std::int16_t> stars =
      column("stars", lingo::SmallIntegerField{}.check("stars BETWEEN 1 AND 5"));
  lingo::Column<std::optional<std::string>> body = column("body", lingo::TextField{}.null());
  Review() : Table("review") {}
};
inline const Review review;

}  // namespace library
