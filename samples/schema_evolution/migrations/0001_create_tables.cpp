// The first schema: customers (without email yet) and orders.
#include "lingo/lingo.h"
#include "lingo/migrations.h"

namespace {

// The tables as this migration creates them. Later migrations change them;
// the application's current models are in models.h.
struct Customer : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{}.primary_key());
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  Customer() : Table("shop_customer") {}
};
const Customer customer;

struct Order : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{}.primary_key());
  lingo::Column<std::int64_t> customer_id = column("customer_id", lingo::BigIntegerField{});
  lingo::Column<std::int64_t> cents = column("cents", lingo::BigIntegerField{});
  Order() : Table("shop_order") {}
};
const Order order;

const lingo::RegisterMigration migration{"20261201_090000_create_tables",
                                         [](lingo::MigrationPlan& m) {
                                           m.create_table(customer);
                                           m.create_table(order);
                                         },
                                         [](lingo::MigrationPlan& m) {
                                           m.drop_table("shop_order");
                                           m.drop_table("shop_customer");
                                         }};

}  // namespace
