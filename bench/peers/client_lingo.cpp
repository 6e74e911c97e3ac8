// Lingo, written as its docs show: tables declared once, queries built with
// the query builder, prepared once for the hot loops (or built afresh on every
// call: the "lingo-adhoc" client), the seed's transfer through
// run_transaction, insert-many for the bulk load, a streaming Select for the
// scan, and Database::pipeline for the pipelined lookups.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "harness.h"
#include "lingo/lingo.h"
#include "lingo/metrics.h"

namespace bench {
namespace {

struct Account : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{}.primary_key());
  lingo::Column<lingo::Decimal> balance = column("balance", lingo::DecimalField{14, 2});
  lingo::Column<std::string> owner = column("owner", lingo::TextField{});
  Account() : Table("bench_account") {}
};
const Account account;

struct BankAccount : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::IntegerField{}.primary_key());
  lingo::Column<lingo::Decimal> balance = column("balance", lingo::DecimalField{14, 2});
  BankAccount() : Table("bench_bank") {}
};
const BankAccount bank;

struct Inserted : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::string> owner = column("owner", lingo::TextField{});
  lingo::Column<std::int64_t> amount = column("amount", lingo::BigIntegerField{});
  Inserted() : Table("bench_insert") {}
};
const Inserted inserted;

struct Scanned : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{});
  lingo::Column<std::string> label = column("label", lingo::TextField{});
  lingo::Column<double> amount = column("amount", lingo::DoubleField{});
  Scanned() : Table("bench_scan") {}
};
const Scanned scanned;

// The query of workload 6 (and of bench/peers/peewee_client.py): a three-table
// join with five predicates, ORDER BY and LIMIT.
struct Author : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::AutoField{});
  lingo::Column<std::string> name = column("name", lingo::CharField{100});
  Author() : Table("author") {}
};
const Author author;

struct Book : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::int32_t> author_id = column("author_id", lingo::ForeignKeyField{author.id});
  lingo::Column<std::string> title = column("title", lingo::TextField{});
  lingo::Column<lingo::Decimal> price = column("price", lingo::DecimalField{10, 2});
  Book() : Table("book") {}
};
const Book book;

struct Review : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::int64_t> book_id = column("book_id", lingo::ForeignKeyField{book.id});
  lingo::Column<std::int16_t> stars = column("stars", lingo::SmallIntegerField{});
  Review() : Table("review") {}
};
const Review review;

// `prepared`: the hot loops run queries built and compiled once
// (QueryBase::prepare, the documented way for repeated statements, as the
// peers prepare theirs); otherwise each call builds and compiles its query
// afresh, as ad-hoc code does.
int pool_threads = 8;

// run_transaction's options as the transfer uses them: the library's retry
// policy with the same 100 attempts as the other clients' loops, or the
// policy LINGO_BENCH_RETRY names ("IMMEDIATE,INITIAL_US,MAX_US").
lingo::RunOptions retry_options() {
  lingo::RunOptions options;
  options.max_attempts = 100;
  if (const char* policy = std::getenv("LINGO_BENCH_RETRY")) {
    long immediate = 0, initial = 0, max = 0;
    if (std::sscanf(policy, "%ld,%ld,%ld", &immediate, &initial, &max) != 3)
      throw std::runtime_error("LINGO_BENCH_RETRY must be IMMEDIATE,INITIAL_US,MAX_US");
    options.immediate_retries = static_cast<int>(immediate);
    options.initial_backoff = std::chrono::microseconds(initial);
    options.max_backoff = std::chrono::microseconds(max);
  }
  return options;
}

class Lingo : public Client {
 public:
  Lingo(std::shared_ptr<lingo::Database> db, bool prepared)
      : held_(std::move(db)), db_(*held_), prepared_(prepared) {}

  void point_select(std::span<const std::int64_t> ids, Sink& sink) override {
    auto query = [&](const auto& id) {
      return db_.select(account.id, account.balance, account.owner).from(account).where(account.id == id);
    };
    if (prepared_) {
      const auto by_id = query(lingo::arg<std::int64_t>(0)).prepare();
      for (const auto id : ids) add_account(by_id.one({id}), sink);
    } else {
      for (const auto id : ids) add_account(query(id).one(), sink);
    }
  }

  void insert(int rows, Sink& sink) override {
    auto query = [&](const auto& owner, const auto& amount) {
      return db_.insert(inserted).set(inserted.owner, owner).set(inserted.amount, amount);
    };
    if (prepared_) {
      const auto add = query(lingo::arg<std::string>(0), lingo::arg<std::int64_t>(1)).prepare();
      for (int i = 0; i < rows; ++i) sink.add(add.execute({bulk_owner(i), std::int64_t{i}}).rows_affected());
    } else {
      for (int i = 0; i < rows; ++i)
        sink.add(query(bulk_owner(i), std::int64_t{i}).execute().rows_affected());
    }
  }

  void transfer(std::span<const Transfer> transfers, Sink& sink) override {
    // The seed's three statements; `from`, `to` and `amount` are arguments
    // when prepared, values otherwise.
    auto pair = [&](const auto& from, const auto& to) {
      return db_.select(bank.id, bank.balance).from(bank).where(bank.id.in(std::vector{from, to}));
    };
    auto debit = [&](const auto& amount, const auto& id) {
      return db_.update(bank)
          .set(bank.balance, bank.balance - amount)
          .where(bank.id == id)
          .returning(bank.balance);
    };
    auto credit = [&](const auto& amount, const auto& id) {
      return db_.update(bank)
          .set(bank.balance, bank.balance + amount)
          .where(bank.id == id)
          .returning(bank.balance);
    };
    std::optional<lingo::PreparedQuery> prepared_pair, prepared_debit, prepared_credit;
    if (prepared_) {
      prepared_pair = pair(lingo::arg<std::int32_t>(0), lingo::arg<std::int32_t>(1)).prepare();
      prepared_debit = debit(lingo::arg<lingo::Decimal>(0), lingo::arg<std::int32_t>(1)).prepare();
      prepared_credit = credit(lingo::arg<lingo::Decimal>(0), lingo::arg<std::int32_t>(1)).prepare();
    }
    lingo::RunStats stats;
    lingo::RunOptions options = retry_options();
    options.isolation_level = lingo::IsolationLevel::serializable;
    options.stats = &stats;
    for (const auto& t : transfers) {
      const lingo::Decimal amount(t.amount);
      sink.timed([&] {
        db_.run_transaction(
          [&](lingo::Database&) {
            lingo::Decimal from_balance;
            const lingo::Result accounts =
                prepared_ ? prepared_pair->all({t.from, t.to}) : pair(t.from, t.to).all();
            for (const lingo::Row row : accounts)
              if (row[bank.id] == t.from) from_balance = row[bank.balance];
            if (from_balance < amount) return;
            if (deferred_) {  // both updates go with the COMMIT, in its round trip
              auto add = [&](lingo::Result r) { sink.add(static_cast<std::int64_t>(r[0][bank.balance].to_double())); };
              prepared_debit->defer({amount, t.from}, add);
              prepared_credit->defer({amount, t.to}, add);
              return;
            }
            const lingo::Row from =
                prepared_ ? prepared_debit->one({amount, t.from}) : debit(amount, t.from).one();
            sink.add(static_cast<std::int64_t>(from[bank.balance].to_double()));
            const lingo::Row to =
                prepared_ ? prepared_credit->one({amount, t.to}) : credit(amount, t.to).one();
            sink.add(static_cast<std::int64_t>(to[bank.balance].to_double()));
          },
          options);
      });
      sink.retries += stats.attempts - 1;
      ++sink.rows;
    }
  }

  void bulk_insert(int rows, Sink& sink) override {
    auto insert = db_.insert(inserted).columns(inserted.owner, inserted.amount);  // typed rows
    if (prepared_) {  // a writer: rows go to the server while the next ones are made
      auto writer = insert.writer();
      for (int i = 0; i < rows; ++i) writer.row(bulk_owner(i), std::int64_t{i});
      sink.add(writer.finish());
      return;
    }
    for (int i = 0; i < rows; ++i) insert.row(bulk_owner(i), std::int64_t{i});  // lingo-adhoc: built whole
    sink.add(insert.execute().rows_affected());
  }

  void scan(Sink& sink) override {
    for (const lingo::Row row : db_.select(scanned.id, scanned.label, scanned.amount).from(scanned)) {
      sink.scanned(row[scanned.id], row[scanned.label].size(), row[scanned.amount]);
    }
  }

  void pipeline(std::span<const std::int64_t> ids, Sink& sink) override {
    constexpr std::size_t batch = 1000;
    // The lookup prepared once, as raw libpq's pipeline prepares it; each
    // statement is a run of it with its key.
    const auto lookup =
        db_.select(account.id, account.balance, account.owner).from(account).where(account.id == lingo::arg<std::int64_t>(0)).prepare();
    std::vector<lingo::PipelineStatement> statements;
    for (std::size_t start = 0; start < ids.size(); start += batch) {
      statements.clear();
      for (std::size_t i = start; i < std::min(ids.size(), start + batch); ++i) {
        if (prepared_) {
          statements.push_back(lookup.statement({ids[i]}));
        } else {  // lingo-adhoc: each statement built and compiled afresh
          auto q = db_.select(account.id, account.balance, account.owner)
                       .from(account)
                       .where(account.id == ids[i])
                       .compile();
          statements.push_back({std::move(q.sql), std::move(q.params)});
        }
      }
      db_.pipeline(statements, [&](std::size_t, lingo::Result r) { add_account(r[0], sink); });
    }
  }

  void compile(std::int64_t n, Sink& sink) override {
    const lingo::Decimal min_price("10.00");
    for (std::int64_t i = 0; i < n; ++i) {
      const auto q =
          db_.select(author.name, book.title, book.price, review.stars)
              .from(author)
              .join(book, book.author_id == author.id)
              .join(review, review.book_id == book.id)
              .where(author.name.like("h%") && book.price >= min_price && review.stars > std::int16_t{3} &&
                     book.title != "draft" && author.id == static_cast<std::int32_t>(i))
              .order_by({book.price.desc(), author.name.asc()})
              .limit(20)
              .compile();
      sink.add(static_cast<std::int64_t>(q.sql.size() + q.params.size()));
      ++sink.rows;
    }
  }

 private:
  static void add_account(const lingo::Row& row, Sink& sink) {
    sink.account(row[account.id], row[account.balance].to_double(), row[account.owner].size());
  }

  std::shared_ptr<lingo::Database> held_;  // shared by every thread's client for lingo-pool
  lingo::Database& db_;
  bool prepared_;

 public:
  bool deferred_ = false;  // the transfer's updates deferred to the COMMIT (lingo-deferred)
};

}  // namespace

std::unique_ptr<Client> make_lingo(const std::string& uri) {
  return std::make_unique<Lingo>(std::make_shared<lingo::Database>(uri), true);
}
std::unique_ptr<Client> make_lingo_traced(const std::string& uri) {
  // Every statement traced into OpenTelemetry-shaped metrics, as an
  // application exporting them would run (docs/observability.md).
  static lingo::ClientMetrics metrics;
  auto db = std::make_shared<lingo::Database>(uri);
  db->set_tracer(metrics.tracer());
  return std::make_unique<Lingo>(std::move(db), true);
}
std::unique_ptr<Client> make_lingo_deferred(const std::string& uri) {
  // The transfer's two updates deferred to the COMMIT (Database::defer): with
  // BEGIN going with the read, two round trips per transfer.
  auto client = std::make_unique<Lingo>(std::make_shared<lingo::Database>(uri), true);
  client->deferred_ = true;
  return client;
}
std::unique_ptr<Client> make_lingo_adhoc(const std::string& uri) {
  return std::make_unique<Lingo>(std::make_shared<lingo::Database>(uri), false);
}
void set_lingo_pool_threads(int threads) { pool_threads = threads; }

std::unique_ptr<Client> make_lingo_pool(const std::string& uri) {
  // One pooled Database for the whole process, as a server application holds
  // it: each thread runs on its own implicit session, lent a connection from
  // a pool of max(8, threads) (docs/sessions.md).
  static const auto shared = [&] {
    std::string pooled = uri;
    pooled.replace(0, pooled.find("://"), "postgresql+pool");
    pooled += pooled.find('?') == std::string::npos ? '?' : '&';
    pooled += "max_connections=";
    pooled += std::to_string(std::max(8, pool_threads));
    pooled += "&timeout=30";
    return std::make_shared<lingo::Database>(pooled);
  }();
  return std::make_unique<Lingo>(shared, true);
}

}  // namespace bench
