// quickstart: Lingo in one page. Opens a database by URI (the embedded SQLite
// by default; pass any URI, such as postgresql://user@host/db, to switch),
// defines two tables as C++ types, creates them, writes and queries rows
// through the query builder, reads typed values back, catches an integrity
// error, and stores a plain struct through a mapping.
//
//   quickstart [URI]
#include <iostream>

#include "lingo/lingo.h"

namespace bank {

// A 64-bit auto key runs on every dialect (CockroachDB's keys are 64-bit).
struct Account : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::string> owner = column("owner", lingo::CharField{40}.unique());
  lingo::Column<lingo::Decimal> balance = column("balance", lingo::DecimalField{14, 2}.check("balance >= 0"));
  lingo::Column<std::optional<std::string>> email = column("email", lingo::TextField{}.null());
  Account() : Table("quickstart_account") {}
};
inline const Account account;

struct Payment : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::int64_t> account_id =
      column("account_id", lingo::ForeignKeyField{account.id}.on_delete(lingo::ReferentialAction::cascade));
  lingo::Column<lingo::Decimal> amount = column("amount", lingo::DecimalField{14, 2});
  Payment() : Table("quickstart_payment") { index({&account_id}); }
};
inline const Payment payment;

// A plain struct, mapped onto the account table (found by argument-dependent lookup).
struct AccountRecord {
  std::int64_t id = 0;
  std::string owner;
  lingo::Decimal balance;
};
inline const lingo::Mapping<AccountRecord>& lingo_mapping(lingo::tag<AccountRecord>) {
  static const auto m = lingo::Mapping<AccountRecord>(account)
                            .field(&AccountRecord::id, account.id)
                            .field(&AccountRecord::owner, account.owner)
                            .field(&AccountRecord::balance, account.balance);
  return m;
}

}  // namespace bank

int main(int argc, char** argv) {
  using namespace bank;
  const std::string uri = argc > 1 ? argv[1] : "sqlite://";
  try {
    auto db = lingo::connect(uri);
    std::cout << "connected to " << db.uri() << " (dialect " << db.dialect_name() << ")\n";

    db.drop_tables({&payment, &account}, /*safe=*/true);
    db.create_tables({&account, &payment});  // referenced tables first, then each table's indexes

    // Values are always bound as parameters, never spliced into the SQL.
    const auto huey = db.insert(account)
                          .set(account.owner, "huey")
                          .set(account.balance, lingo::Decimal("125.50"))
                          .set(account.email, "huey@example.com")
                          .execute_returning_key()
                          ->as<std::int64_t>();
    const auto mickey = db.insert(account)
                            .set(account.owner, "mickey o'hara")
                            .set(account.balance, lingo::Decimal("80.00"))
                            .set(account.email, std::nullopt)
                            .execute_returning_key()
                            ->as<std::int64_t>();
    // Several rows: each value is checked against its column by the compiler
    // (text for an amount would not compile).
    auto payments = db.insert(payment).columns(payment.account_id, payment.amount);
    payments.row(huey, lingo::Decimal("20.00")).row(huey, lingo::Decimal("5.25")).row(mickey, lingo::Decimal("7.50"));
    payments.execute();

    // Typed reads: row[column] is the column's C++ type. Iterating a query streams its rows.
    std::cout << "accounts:\n";
    for (const lingo::Row row : db.select(account.id, account.owner, account.balance, account.email)
                                    .from(account)
                                    .order_by(account.id.asc())) {
      const std::int64_t id = row[account.id];
      const lingo::Decimal balance = row[account.balance];
      const std::optional<std::string> email = row[account.email];
      std::cout << "  " << id << " " << row[account.owner] << ": " << balance.to_string() << ", "
                << email.value_or("no email") << "\n";
    }

    // A join with an aggregate.
    const auto paid = lingo::fn::sum(payment.amount).as("paid");
    const auto count = lingo::fn::count(payment.id).as("payments");
    std::cout << "payments per account:\n";
    for (const lingo::Row row : db.select(account.owner, count, paid)
                                    .from(account)
                                    .join(payment, payment.account_id == account.id)
                                    .group_by(account.owner)
                                    .having(lingo::fn::count(payment.id) > 0)
                                    .order_by(account.owner.asc())
                                    .all())
      std::cout << "  " << row[account.owner] << ": " << row[count] << " for "
                << row[paid].value_or(lingo::Decimal("0")).rescaled(2).to_string() << "\n";

    // Constraint violations carry the SQLSTATE, the same on every dialect.
    try {
      db.insert(account).set(account.owner, "huey").set(account.balance, lingo::Decimal("1.00")).execute();
    } catch (const lingo::IntegrityError& e) {
      std::cout << "a second 'huey' was refused: SQLSTATE " << e.sqlstate() << "\n";
    }
    try {
      db.update(account)
          .set(account.balance, account.balance - lingo::Decimal("500"))
          .where(account.id == huey)
          .execute();
    } catch (const lingo::IntegrityError& e) {
      std::cout << "an overdraft was refused: SQLSTATE " << e.sqlstate() << "\n";
    }

    // A plain struct: insert() fills in the generated id, get() reads it back.
    AccountRecord zaizee{0, "zaizee", lingo::Decimal("0.25")};
    db.insert(zaizee);
    const auto fetched = db.get<AccountRecord>(zaizee.id);
    std::cout << "stored a plain struct as account " << zaizee.id << ": " << fetched.owner << " has "
              << fetched.balance.to_string() << "\n";

    std::cout << db.select().from(account).count() << " accounts, " << db.select().from(payment).count()
              << " payments stored\n";
    db.drop_tables({&payment, &account});
    return 0;
  } catch (const lingo::Error& e) {
    std::cerr << "quickstart: " << e.what() << "\n";
    return 1;
  }
}
