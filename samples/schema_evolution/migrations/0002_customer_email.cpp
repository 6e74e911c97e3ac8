// Customers get an email address: added as NULL, filled in for the rows
// already there, then made NOT NULL and unique. On PostgreSQL and SQLite the
// four steps commit together; on CockroachDB each commits alone, and the
// history records how far a failed run got so that `up` resumes there.
#include "lingo/lingo.h"
#include "lingo/migrations.h"

namespace {

// [snippet: migration]
const lingo::RegisterMigration migration{
    "20261201_100000_customer_email",
    [](lingo::MigrationPlan& m) {
      m.schema().add_column("shop_customer", "email", lingo::CharField{120}.null());
      m.sql("UPDATE shop_customer SET email = lower(name) || '@example.com' WHERE email IS NULL");
      m.schema().add_not_null("shop_customer", "email");
      m.schema().add_index("shop_customer", {"email"}, {.name = "shop_customer_email", .unique = true});
    },
    [](lingo::MigrationPlan& m) {
      m.schema().drop_index("shop_customer", "shop_customer_email");
      m.schema().drop_column("shop_customer", "email");
    }};
// [/snippet]

}  // namespace
