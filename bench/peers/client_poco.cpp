// Poco::Data with its PostgreSQL connector 1.11 (client "poco"), or with
// Lingo's connector (client "poco-lingo", connectors/poco) running the same
// code on a Lingo URI, as its documentation
// recommends: Statement objects built once with into()/use() bindings and
// executed again, a Poco::Data::Transaction for the transfer (retried when the
// server reports a serialization failure or a deadlock: the connector's
// exceptions carry the server's message but no SQLSTATE), vector use() for the
// bulk load, and into() vectors with limit() to take the scan in chunks.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>

#include <memory>

#include "harness.h"
#include "lingo/poco/connector.h"

namespace bench {
namespace {

using namespace Poco::Data::Keywords;

bool retryable(const std::exception& e) {
  if (const auto* lingo_error = dynamic_cast<const lingo::poco::LingoException*>(&e)) return lingo_error->is_retryable();
  const auto* pg = dynamic_cast<const Poco::Data::PostgreSQL::PostgreSQLException*>(&e);
  if (pg == nullptr) return false;
  const std::string text = pg->displayText();
  return text.find("could not serialize access") != std::string::npos ||
         text.find("deadlock detected") != std::string::npos;
}

Poco::Data::Session open(const std::string& uri) {
  Poco::Data::PostgreSQL::Connector::registerConnector();
  return Poco::Data::Session("PostgreSQL", keyword_conninfo(uri));
}

// The same statements through Lingo's connector: it takes the URI as it is,
// and PostgreSQL's $n placeholders as Poco's own connector does.
Poco::Data::Session open_lingo(const std::string& uri) {
  lingo::poco::register_connector();
  return Poco::Data::Session("lingo", uri);
}

// The transfer's three statements, bound to the values they read.
struct TransferStatements {
  explicit TransferStatements(Poco::Data::Session& session) : pair(session), debit(session), credit(session) {
    pair << "SELECT id, balance FROM bench_bank WHERE id IN ($1, $2)", into(pair_ids), into(pair_balances),
        use(from), use(to);
    debit << "UPDATE bench_bank SET balance = balance - $1 WHERE id = $2 RETURNING balance",
        into(new_balance), use(amount), use(from);
    credit << "UPDATE bench_bank SET balance = balance + $1 WHERE id = $2 RETURNING balance",
        into(new_balance), use(amount), use(to);
  }
  int from = 0, to = 0;
  std::string amount;
  std::vector<int> pair_ids;
  std::vector<double> pair_balances;
  double new_balance = 0;
  Poco::Data::Statement pair, debit, credit;
};

class Poco_ : public Client {
 public:
  explicit Poco_(Poco::Data::Session session) : session_(std::move(session)) {}

  void point_select(std::span<const std::int64_t> ids, Sink& sink) override {
    Poco::Int64 id = 0, got_id = 0;
    double balance = 0;
    std::string owner;
    Poco::Data::Statement st(session_);
    st << "SELECT id, balance, owner FROM bench_account WHERE id = $1", into(got_id), into(balance),
        into(owner), use(id);
    for (const auto key : ids) {
      id = key;
      st.execute();
      sink.account(got_id, balance, owner.size());
    }
  }

  void insert(int rows, Sink& sink) override {
    std::string owner;
    Poco::Int64 amount = 0;
    Poco::Data::Statement st(session_);
    st << "INSERT INTO bench_insert (owner, amount) VALUES ($1, $2)", use(owner), use(amount);
    for (int i = 0; i < rows; ++i) {
      owner = bulk_owner(i);
      amount = i;
      sink.add(static_cast<std::int64_t>(st.execute()));
    }
  }

  void transfer(std::span<const Transfer> transfers, Sink& sink) override {
    session_.setTransactionIsolation(Poco::Data::Session::TRANSACTION_SERIALIZABLE);
    TransferStatements* st = nullptr;
    std::unique_ptr<TransferStatements> statements;
    for (const auto& t : transfers) {
      with_retries(sink, retryable, [&] {
        // A statement that failed cannot be executed again, and Poco 1.11
        // cannot destroy it either (its StatementExecutor frees the failed
        // result twice: "double free detected"). So after a serialization
        // failure the statements are abandoned, deliberately leaked, and the
        // next attempt prepares new ones.
        if (!statements) statements = std::make_unique<TransferStatements>(session_);
        st = statements.get();
        st->from = t.from;
        st->to = t.to;
        st->amount = t.amount;
        try {
          Poco::Data::Transaction tx(session_);
          st->pair_ids.clear();
          st->pair_balances.clear();
          st->pair.execute();
          double from_balance = 0;
          for (std::size_t i = 0; i < st->pair_ids.size(); ++i)
            if (st->pair_ids[i] == t.from) from_balance = st->pair_balances[i];
          if (from_balance >= std::stod(t.amount)) {
            st->debit.execute();
            sink.add(static_cast<std::int64_t>(st->new_balance));
            st->credit.execute();
            sink.add(static_cast<std::int64_t>(st->new_balance));
          }
          tx.commit();
        } catch (...) {
          (void)statements.release();
          throw;
        }
      });
      ++sink.rows;
    }
  }

  void bulk_insert(int rows, Sink& sink) override {
    std::vector<std::string> owners;
    std::vector<Poco::Int64> amounts;
    owners.reserve(static_cast<std::size_t>(rows));
    amounts.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      owners.push_back(bulk_owner(i));
      amounts.push_back(i);
    }
    Poco::Data::Transaction tx(session_);
    Poco::Data::Statement st(session_);
    st << "INSERT INTO bench_insert (owner, amount) VALUES ($1, $2)", use(owners), use(amounts);
    st.execute();  // returns the last execution's count (1), not the rows loaded
    tx.commit();
    sink.add(rows);  // `bench_peers check` counts the table after every run
  }

  void scan(Sink& sink) override {
    std::vector<Poco::Int64> ids;
    std::vector<std::string> labels;
    std::vector<double> amounts;
    Poco::Data::Statement st(session_);
    st << "SELECT id, label, amount FROM bench_scan", into(ids), into(labels), into(amounts), limit(10000);
    while (!st.done()) {
      ids.clear();
      labels.clear();
      amounts.clear();
      st.execute();
      for (std::size_t i = 0; i < ids.size(); ++i) {
        sink.scanned(ids[i], labels[i].size(), amounts[i]);
      }
    }
  }

 private:
  Poco::Data::Session session_;
};

}  // namespace

std::unique_ptr<Client> make_poco(const std::string& uri) {
  return std::make_unique<Poco_>(open(uri));
}

std::unique_ptr<Client> make_poco_lingo(const std::string& uri) {
  return std::make_unique<Poco_>(open_lingo(uri));
}

}  // namespace bench
