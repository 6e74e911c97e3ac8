// SOCI 4.0 with its PostgreSQL backend, as its documentation recommends:
// statements prepared once and executed again with new bound values, a
// soci::transaction for the transfer (retried on SQLSTATE 40001/40P01 from
// postgresql_soci_error), vector binding ("bulk operations") for the bulk
// load, and vector fetches of 10 000 rows for the scan.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include "harness.h"

namespace bench {
namespace {

bool retryable(const std::exception& e) {
  const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e);
  return pg != nullptr && (pg->sqlstate() == "40001" || pg->sqlstate() == "40P01");
}

class Soci : public Client {
 public:
  explicit Soci(const std::string& uri) : sql_(*soci::factory_postgresql(), keyword_conninfo(uri)) {}

  void point_select(std::span<const std::int64_t> ids, Sink& sink) override {
    long long id = 0, got_id = 0;
    double balance = 0;
    std::string owner;
    soci::statement st = (sql_.prepare << "SELECT id, balance, owner FROM bench_account WHERE id = :id",
                          soci::into(got_id), soci::into(balance), soci::into(owner), soci::use(id));
    for (const auto key : ids) {
      id = key;
      st.execute(true);
      sink.account(got_id, balance, owner.size());
    }
  }

  void insert(int rows, Sink& sink) override {
    std::string owner;
    long long amount = 0;
    soci::statement st = (sql_.prepare << "INSERT INTO bench_insert (owner, amount) VALUES (:owner, :amount)",
                          soci::use(owner), soci::use(amount));
    for (int i = 0; i < rows; ++i) {
      owner = bulk_owner(i);
      amount = i;
      st.execute(true);
      sink.add(st.get_affected_rows());
    }
  }

  void transfer(std::span<const Transfer> transfers, Sink& sink) override {
    int from = 0, to = 0;
    std::string amount;
    std::vector<int> pair_ids(2);
    std::vector<double> pair_balances(2);
    double new_balance = 0;
    soci::statement pair = (sql_.prepare << "SELECT id, balance FROM bench_bank WHERE id IN (:a, :b)",
                            soci::into(pair_ids), soci::into(pair_balances), soci::use(from), soci::use(to));
    soci::statement debit =
        (sql_.prepare << "UPDATE bench_bank SET balance = balance - :amount WHERE id = :id "
                         "RETURNING balance",
         soci::into(new_balance), soci::use(amount), soci::use(from));
    soci::statement credit =
        (sql_.prepare << "UPDATE bench_bank SET balance = balance + :amount WHERE id = :id "
                         "RETURNING balance",
         soci::into(new_balance), soci::use(amount), soci::use(to));
    for (const auto& t : transfers) {
      from = t.from;
      to = t.to;
      amount = t.amount;
      with_retries(sink, retryable, [&] {
        soci::transaction tx(sql_);
        sql_ << "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE";
        pair_ids.resize(2);
        pair_balances.resize(2);
        pair.execute(true);
        double from_balance = 0;
        for (std::size_t i = 0; i < pair_ids.size(); ++i)
          if (pair_ids[i] == t.from) from_balance = pair_balances[i];
        if (from_balance >= std::stod(t.amount)) {
          debit.execute(true);
          sink.add(static_cast<std::int64_t>(new_balance));
          credit.execute(true);
          sink.add(static_cast<std::int64_t>(new_balance));
        }
        tx.commit();
      });
      ++sink.rows;
    }
  }

  void bulk_insert(int rows, Sink& sink) override {
    std::vector<std::string> owners;
    std::vector<long long> amounts;
    owners.reserve(static_cast<std::size_t>(rows));
    amounts.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      owners.push_back(bulk_owner(i));
      amounts.push_back(i);
    }
    soci::transaction tx(sql_);
    soci::statement st = (sql_.prepare << "INSERT INTO bench_insert (owner, amount) VALUES (:owner, :amount)",
                          soci::use(owners), soci::use(amounts));
    st.execute(true);
    sink.add(st.get_affected_rows());
    tx.commit();
  }

  void scan(Sink& sink) override {
    std::vector<long long> ids(10000);
    std::vector<std::string> labels(10000);
    std::vector<double> amounts(10000);
    soci::statement st = (sql_.prepare << "SELECT id, label, amount FROM bench_scan", soci::into(ids),
                          soci::into(labels), soci::into(amounts));
    st.execute();
    while (st.fetch()) {
      for (std::size_t i = 0; i < ids.size(); ++i) {
        sink.scanned(ids[i], labels[i].size(), amounts[i]);
      }
    }
  }

 private:
  soci::session sql_;
};

}  // namespace

std::unique_ptr<Client> make_soci(const std::string& uri) {
  return std::make_unique<Soci>(uri);
}

}  // namespace bench
