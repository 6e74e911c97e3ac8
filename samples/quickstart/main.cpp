// quickstart: Lingo in one page. Opens a database by URI (the embedded SQLite
// by default; pass any URI, such as postgresql://user@host/db, to switch),
// creates a table, writes rows with bound parameters, reads them back as
// typed values, and shows an integrity error being caught.
//
//   quickstart [URI]
#include <iostream>

#include "lingo/lingo.h"

int main(int argc, char** argv) {
  const std::string uri = argc > 1 ? argv[1] : "sqlite://";
  try {
    auto db = lingo::connect(uri);
    std::cout << "connected to " << db.uri() << " (dialect " << db.dialect_name() << ", server "
              << db.server_version() << ")\n";

    db.execute_sql("DROP TABLE IF EXISTS quickstart_account");
    db.execute_sql(
        "CREATE TABLE quickstart_account ("
        "  id integer PRIMARY KEY,"
        "  owner text NOT NULL UNIQUE,"
        "  balance numeric(14, 2) NOT NULL)");

    // $1, $2, ... work on every built-in dialect; values are bound, never spliced.
    const char* insert = "INSERT INTO quickstart_account (id, owner, balance) VALUES ($1, $2, $3)";
    db.execute_sql(insert, {1, "huey", lingo::Decimal("125.50")});
    db.execute_sql(insert, {2, "mickey", lingo::Decimal("80.00")});
    db.execute_sql(insert, {3, "zaizee's \"cat\"; DROP TABLE x; --", lingo::Decimal("0.25")});

    for (const lingo::Row row : db.execute_sql("SELECT id, owner, balance FROM quickstart_account ORDER BY id")) {
      const auto id = row.get<std::int64_t>("id");
      const auto owner = row.get<std::string>("owner");
      std::cout << "  account " << id << ": " << owner << " has " << row["balance"].to_string() << "\n";
    }

    try {
      db.execute_sql(insert, {4, "huey", lingo::Decimal("1.00")});
    } catch (const lingo::IntegrityError& e) {
      std::cout << "a second 'huey' was refused: SQLSTATE " << e.sqlstate() << " (" << e.dialect() << ")\n";
    }

    const auto total = db.execute_sql("SELECT count(*) FROM quickstart_account").scalar<std::int64_t>();
    std::cout << total << " accounts stored\n";
    db.execute_sql("DROP TABLE quickstart_account");
    return 0;
  } catch (const lingo::Error& e) {
    std::cerr << "quickstart: " << e.what() << "\n";
    return 1;
  }
}
