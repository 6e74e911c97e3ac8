// A program using AcmeDB through Lingo. It links the core alone (lingo::lingo):
// the acmepg plugin is found at run time, by the acmedb:// scheme, in
// LINGO_PLUGIN_PATH or beside the core. Given a postgresql:// URI instead, the
// same program runs on PostgreSQL, and only the printed SQL differs.
//
//   acme_demo acmedb://app@db.example.com/sales
#include <lingo/lingo.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

struct Gadget : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::AutoField{});
  lingo::Column<std::string> name = column("name", lingo::TextField{});
  lingo::Column<std::int32_t> stock = column("stock", lingo::IntegerField{});
  Gadget() : Table("acme_demo_gadget") {}
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: acme_demo URI\n";
    return 2;
  }
  try {
    const Gadget gadget;
    auto db = lingo::connect(argv[1]);
    std::cout << "dialect: " << db.dialect_name() << "\n";

    // The DDL as this dialect writes it (CREATE TABLE runs the same text).
    std::string ddl;
    std::vector<lingo::Value> params;
    lingo::SqlWriter w{ddl, params};
    db.compiler().create_table(gadget, {}, w);
    std::cout << "ddl: " << ddl << "\n";

    db.drop_tables({&gadget}, true);
    db.create_tables({&gadget});
    db.insert(gadget).set(gadget.name, "anvil").set(gadget.stock, 3).execute();
    db.insert(gadget).set(gadget.name, "rocket skates").set(gadget.stock, 1).execute();
    db.insert(gadget).set(gadget.name, "giant magnet").set(gadget.stock, 7).execute();

    // The second and third gadgets by stock.
    const auto query =
        db.select(gadget.name, gadget.stock).from(gadget).order_by(gadget.stock.asc()).limit(2).offset(1);
    std::cout << "select: " << query.compile().sql << "\n";
    for (const lingo::Row row : query.all())
      std::cout << "row: " << row[gadget.name] << ", " << row[gadget.stock] << "\n";

    db.drop_tables({&gadget});
  } catch (const lingo::Error& e) {
    std::cerr << "acme_demo: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
