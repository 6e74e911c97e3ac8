// The application's models as they stand after every migration: what the
// code uses, and what `migrate diff` compares the live schema with. (A team
// that starts from an existing database writes this file with `lingo gen`.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lingo/table.h"

namespace shop {

struct Customer : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{}.primary_key());
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  lingo::Column<std::string> email = column("email", lingo::CharField{120});
  Customer() : Table("shop_customer") { unique_index({&email}, {.name = "shop_customer_email"}); }
};
inline const Customer customer;

struct Order : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{}.primary_key());
  lingo::Column<std::int64_t> customer_id = column("customer_id", lingo::BigIntegerField{});
  lingo::Column<std::int64_t> cents = column("cents", lingo::BigIntegerField{});
  Order() : Table("shop_order") {}
};
inline const Order order;

}  // namespace shop
