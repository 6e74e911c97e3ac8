// bank: the seed document's transfer_funds, run by many threads at once.
//
// Each transfer reads two accounts and, when the source can pay, moves the
// amount with two UPDATE ... RETURNING statements, all inside
// run_transaction: when the database reports a conflict (PostgreSQL and
// CockroachDB: a serialization failure; SQLite: "database is locked") the
// whole transfer is retried after a short randomized pause. At the end the
// money is counted: the total must not have moved by a cent.
//
//   bank [URI] [--threads N] [--transfers N] [--accounts N] [--max-attempts N]
//
// The URI defaults to an SQLite file in the working directory; pass
// postgresql://user@host/db (or cockroachdb://...) to run the same program
// there, or a cluster: cockroachdb+pool://root@n1,n2,n3/bank?load_balance_hosts=random
// (docs/clusters.md). A transfer whose commit was cut off by a lost
// connection is reported as ambiguous, not as a failure: it moved the money
// whole or not at all, so the invariant still holds.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "lingo/lingo.h"

namespace {

struct Account : lingo::Table {
  lingo::Column<std::int32_t> id = column("id", lingo::IntegerField{}.primary_key());
  lingo::Column<lingo::Decimal> balance = column("balance", lingo::DecimalField{14, 2});
  Account() : Table("bank_account") {}
};
const Account account;

struct Settings {
  std::string uri = "sqlite:///lingo-bank.db?journal_mode=wal";
  int threads = 8;
  int transfers = 2000;
  int accounts = 50;
  int max_attempts = 50;
};

struct Outcome {
  bool moved = false;
  lingo::Decimal from_balance;
  lingo::Decimal to_balance;
};

// The seed's transfer_funds: returns whether the money moved, and the two
// balances (the original ones when the source could not pay).
Outcome transfer_funds(lingo::Database& db, int from, int to, const lingo::Decimal& amount,
                       const Settings& settings, lingo::RunStats& stats) {
  return db.run_transaction(
      [&](lingo::Database& tx) {
        Outcome out;
        for (const lingo::Row row :
             tx.select(account.id, account.balance).from(account).where(account.id.in({from, to})).all()) {
          (row[account.id] == from ? out.from_balance : out.to_balance) = row[account.balance];
        }
        if (out.from_balance < amount) return out;  // insufficient funds: nothing changes
        out.from_balance = tx.update(account)
                               .set(account.balance, account.balance - amount)
                               .where(account.id == from)
                               .returning(account.balance)
                               .one()[account.balance];
        out.to_balance = tx.update(account)
                             .set(account.balance, account.balance + amount)
                             .where(account.id == to)
                             .returning(account.balance)
                             .one()[account.balance];
        out.moved = true;
        return out;
      },
      // SERIALIZABLE makes the read-then-write safe: without it two transfers
      // could both see enough money and overdraw an account. It is SQLite's
      // and CockroachDB's only level; PostgreSQL needs asking.
      {.max_attempts = settings.max_attempts,
       .isolation_level = lingo::IsolationLevel::serializable,
       .stats = &stats});
}

// Whole cents: exact, whatever the dialect stores.
std::int64_t cents(const lingo::Decimal& amount) {
  std::string digits = amount.rescaled(2).to_string();
  digits.erase(digits.find('.'), 1);
  return std::stoll(digits);
}

std::string as_money(std::int64_t cents) {
  const std::string sign = cents < 0 ? "-" : "";
  const std::int64_t v = cents < 0 ? -cents : cents;
  const std::int64_t c = v % 100;
  return sign + std::to_string(v / 100) + (c < 10 ? ".0" : ".") + std::to_string(c);
}

// Counted row by row in C++, so the check does not depend on how a dialect sums.
std::int64_t total_cents(lingo::Database& db) {
  std::int64_t total = 0;
  for (const lingo::Row row : db.select(account.balance).from(account).all())
    total += cents(row[account.balance]);
  return total;
}

Settings parse_arguments(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto number = [&](int& target) {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a number");
      target = std::stoi(argv[++i]);
      if (target < 0 || (target == 0 && arg != "--max-attempts"))
        throw std::invalid_argument(arg + " must be positive");
    };
    if (arg == "--threads") {
      number(s.threads);
    } else if (arg == "--transfers") {
      number(s.transfers);
    } else if (arg == "--accounts") {
      number(s.accounts);
    } else if (arg == "--max-attempts") {
      number(s.max_attempts);
    } else if (arg == "--help" || arg == "-h") {
      std::cout << "usage: bank [URI] [--threads N] [--transfers N] [--accounts N] [--max-attempts N]\n";
      std::exit(0);
    } else if (arg.starts_with("--")) {
      throw std::invalid_argument("unknown option " + arg);
    } else {
      s.uri = arg;
    }
  }
  if (s.accounts < 2) throw std::invalid_argument("--accounts must be at least 2");
  return s;
}

void draw_progress(int done, int total, int retries) {
  constexpr int width = 40;
  const int filled = total == 0 ? width : done * width / total;
  std::printf("\r  [%s%s] %5d/%d transfers, %d retries",
              std::string(static_cast<std::size_t>(filled), '#').c_str(),
              std::string(static_cast<std::size_t>(width - filled), '.').c_str(), done, total, retries);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  try {
    settings = parse_arguments(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bank: " << e.what() << "\n";
    return 2;
  }
  try {
    lingo::Database db(settings.uri);
    std::cout << "bank: " << settings.threads << " threads, " << settings.transfers << " transfers among "
              << settings.accounts << " accounts on " << db.uri() << " (dialect " << db.dialect_name()
              << ")\n";

    db.drop_tables({&account}, /*safe=*/true);
    db.create_tables({&account});
    auto opening = db.insert(account);
    opening.columns({&account.id, &account.balance});
    for (int id = 1; id <= settings.accounts; ++id) opening.row({id, lingo::Decimal("1000.00")});
    (void)opening.execute();
    db.close();
    const std::int64_t before = total_cents(db);

    std::atomic<int> next{0}, done{0}, moved{0}, retries{0}, failed{0}, ambiguous{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < settings.threads; ++t) {
      workers.emplace_back([&, t] {
        std::mt19937 random(static_cast<unsigned>(t) * 7919U + 17U);
        std::uniform_int_distribution<int> pick(1, settings.accounts);
        std::uniform_int_distribution<int> some_cents(1, 30000);
        while (next.fetch_add(1) < settings.transfers) {
          const int from = pick(random);
          int to = pick(random);
          while (to == from) to = pick(random);
          const int c = some_cents(random);
          const lingo::Decimal amount(std::to_string(c / 100) + "." + (c % 100 < 10 ? "0" : "") +
                                      std::to_string(c % 100));
          lingo::RunStats stats;
          try {
            if (transfer_funds(db, from, to, amount, settings, stats).moved) ++moved;
          } catch (const lingo::AmbiguousCommitError& e) {
            ++ambiguous;
            std::cerr << "\n  transfer " << from << " -> " << to << ": outcome unknown: " << e.what() << "\n";
          } catch (const lingo::Error& e) {
            ++failed;
            std::cerr << "\n  transfer " << from << " -> " << to << " failed: " << e.what() << "\n";
          }
          retries += stats.attempts > 0 ? stats.attempts - 1 : 0;
          ++done;
        }
        db.close();
      });
    }
    // A live bar on a terminal; in a log, one line per quarter.
    const bool terminal = isatty(STDOUT_FILENO) != 0;
    int quarter = 0;
    while (done.load() < settings.transfers) {
      if (terminal) {
        draw_progress(done.load(), settings.transfers, retries.load());
      } else if (done.load() * 4 >= (quarter + 1) * settings.transfers) {
        ++quarter;
        draw_progress(done.load(), settings.transfers, retries.load());
        std::printf("\n");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (auto& w : workers) w.join();
    draw_progress(done.load(), settings.transfers, retries.load());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    const std::int64_t after = total_cents(db);
    const auto overdrawn = db.select().from(account).where(account.balance < lingo::Decimal("0")).count();
    std::printf(
        "\n  %d transfers in %.2f s (%.0f per second): %d moved money, %d refused for want of funds, "
        "%d failed, %d ambiguous; %d retries\n",
        done.load(), seconds, done.load() / seconds, moved.load(),
        done.load() - moved.load() - failed.load() - ambiguous.load(), failed.load(), ambiguous.load(),
        retries.load());
    std::cout << "  total before " << as_money(before) << ", after " << as_money(after) << "; " << overdrawn
              << " accounts overdrawn\n";
    if (after != before || overdrawn != 0 || failed.load() != 0) {
      std::cout << "bank: INVARIANT BROKEN\n";
      return 1;
    }
    std::cout << "bank: invariant holds: not a cent was made or lost\n";
    return 0;
  } catch (const lingo::Error& e) {
    std::cerr << "\nbank: " << e.what() << "\n";
    return 1;
  }
}
