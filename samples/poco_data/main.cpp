// A Poco::Data program on Lingo: the code is what any Poco::Data user writes;
// only the connector name ("lingo") and the URI say where it runs.
//
//   poco_data                                    # an SQLite file, poco_data.db
//   poco_data postgresql://app@localhost/shop
//   poco_data cockroachdb://root@localhost:26257/shop
//
// Exits non-zero when a check fails, so it doubles as a test.
#include <Poco/Data/BulkBinding.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <iostream>
#include <string>
#include <vector>

#include "lingo/poco/connector.h"

using namespace Poco::Data::Keywords;

namespace {

int fail(const std::string& what) {
  std::cerr << "poco_data: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string uri = argc > 1 ? argv[1] : "sqlite:///poco_data.db";
  lingo::poco::register_connector();
  try {
    Poco::Data::Session session("lingo", uri);
    session << "DROP TABLE IF EXISTS poco_sample_fruit", now;
    session << "CREATE TABLE poco_sample_fruit (id BIGINT PRIMARY KEY, name TEXT NOT NULL, price DOUBLE "
               "PRECISION)",
        now;

    // Bulk binding: the INSERT runs once per row, the rows sent together (one
    // round trip on PostgreSQL) in one transaction: all four or none.
    std::vector<Poco::Int64> ids{1, 2, 3, 4};
    std::vector<std::string> names{"apple", "banana", "cherry", "damson"};
    std::vector<double> prices{0.5, 0.25, 4.0, 2.75};
    session << "INSERT INTO poco_sample_fruit (id, name, price) VALUES (?, ?, ?)", use(ids, bulk),
        use(names, bulk), use(prices, bulk), now;

    // into() a vector, with a parameter.
    double max_price = 3.0;
    std::vector<std::string> cheap;
    session << "SELECT name FROM poco_sample_fruit WHERE price < ? ORDER BY name", use(max_price),
        into(cheap), now;
    std::cout << "cheaper than " << max_price << ":";
    for (const auto& name : cheap) std::cout << " " << name;
    std::cout << "\n";
    if (cheap.size() != 3) return fail("expected 3 cheap fruits");

    // A RecordSet: column names and values, whatever the columns are.
    Poco::Data::RecordSet rs(session, "SELECT id, name, price FROM poco_sample_fruit ORDER BY id");
    for (std::size_t col = 0; col < rs.columnCount(); ++col) std::cout << rs.columnName(col) << "\t";
    std::cout << "\n";
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      for (std::size_t col = 0; col < rs.columnCount(); ++col)
        std::cout << rs[col].convert<std::string>() << "\t";
      std::cout << "\n";
    }

    // A transaction rolled back leaves nothing.
    session.begin();
    session << "DELETE FROM poco_sample_fruit", now;
    session.rollback();
    Poco::Int64 count = 0;
    session << "SELECT COUNT(*) FROM poco_sample_fruit", into(count), now;
    if (count != 4) return fail("the rollback lost rows");

    // Lingo's run_transaction through the Poco session: retried as a whole
    // on a serialization failure (CockroachDB), committed when fn returns.
    const double total = lingo::poco::run_transaction(session, [](Poco::Data::Session& tx) {
      tx << "UPDATE poco_sample_fruit SET price = price * 2 WHERE name = 'banana'", now;
      double sum = 0;
      tx << "SELECT SUM(price) FROM poco_sample_fruit", into(sum), now;
      return sum;
    });
    std::cout << "total after doubling bananas: " << total << "\n";
    if (total != 7.75) return fail("expected a total of 7.75");

    session << "DROP TABLE poco_sample_fruit", now;
  } catch (const lingo::poco::LingoException& e) {
    return fail(e.displayText() + (e.sqlstate().empty() ? "" : " (SQLSTATE " + e.sqlstate() + ")"));
  } catch (const Poco::Exception& e) {
    return fail(e.displayText());
  }
  lingo::poco::unregister_connector();
  return 0;
}
