// The README's example, verbatim between the snippet marks (the docs_readme_snippets
// test compares them), built in the tree and, by scripts/package-check, against
// the installed Debian packages with find_package(lingo) and with pkg-config.
// [snippet: readme_example]
#include <lingo/lingo.h>
#include <iostream>

struct Account : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigAutoField{});
  lingo::Column<std::string> owner = column("owner", lingo::TextField{}.unique());
  lingo::Column<lingo::Decimal> balance = column("balance", lingo::DecimalField{14, 2});
  Account() : Table("account") {}
};
inline const Account account;

int main() {
  auto db = lingo::connect("sqlite://");  // or "postgresql://user:pw@127.0.0.1:5432/app"
  db.create_tables({&account});
  db.insert(account).set(account.owner, "huey").set(account.balance, lingo::Decimal("125.50")).execute();
  for (const lingo::Row row : db.select(account.owner, account.balance).from(account).where(account.balance > 100))
    std::cout << row[account.owner] << " has " << row[account.balance].to_string() << "\n";
  try {
    db.insert(account).set(account.owner, "huey").set(account.balance, lingo::Decimal("0")).execute();
  } catch (const lingo::IntegrityError& e) {
    std::cout << "duplicate owner, SQLSTATE " << e.sqlstate() << "\n";  // 23505 on every dialect
  }
}
// [/snippet]
