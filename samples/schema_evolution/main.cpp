// schema_evolution: an application that carries its own migrations.
//
//   schema_evolution [URI]                     bring the schema up to date, then use it
//   schema_evolution URI migrate status|up|down [N]|diff|unlock
//                                              the migrate command line (lingo::migrate_main)
//
// The migrations (migrations/*.cpp) register themselves; so do the models
// (models.h) that `diff` compares with the live schema. The same command
// line is `lingo migrate --from LIBRARY` when the migrations live in a
// shared library instead.
#include <iostream>

#include "lingo/lingo.h"
#include "lingo/migrations.h"
#include "models.h"

namespace {
const lingo::RegisterModels models{{&shop::customer, &shop::order}};
}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[2]) == "migrate") {
    // argv: program URI migrate COMMAND ...  ->  migrate_main sees: program URI COMMAND ...
    std::vector<const char*> args{argv[0], argv[1]};
    for (int i = 3; i < argc; ++i) args.push_back(argv[i]);
    return lingo::migrate_main(static_cast<int>(args.size()), args.data());
  }
  const std::string uri = argc > 1 ? argv[1] : "sqlite:///schema_evolution.db";
  try {
    auto db = lingo::connect(uri);
    const auto& migrations = lingo::Migrations::registered();
    for (const auto& id : migrations.up(db)) std::cout << "applied " << id << "\n";
    for (const auto& s : migrations.status(db))
      std::cout << (s.state == lingo::MigrationStatus::State::applied ? "  applied  " : "  pending  ") << s.id
                << "\n";

    using namespace shop;
    db.delete_from(order).execute();
    db.delete_from(customer).execute();
    db.insert(customer)
        .set(customer.id, 1)
        .set(customer.name, "Ada")
        .set(customer.email, "ada@example.com")
        .execute();
    db.insert(order).set(order.id, 1).set(order.customer_id, 1).set(order.cents, 4200).execute();
    for (const auto row : db.select(customer.name, customer.email, order.cents)
                              .from(customer)
                              .join(order, order.customer_id == customer.id)) {
      std::cout << row[customer.name] << " <" << row[customer.email] << "> ordered " << row[order.cents]
                << " cents\n";
    }
    const auto diff = lingo::diff_schema(db, lingo::registered_models());
    std::cout << (diff.code.empty() ? "the models and the schema agree\n"
                                    : "the schema differs from the models\n");
    return diff.code.empty() ? 0 : 1;
  } catch (const lingo::Error& e) {
    std::cerr << "schema_evolution: " << e.what() << "\n";
    return 1;
  }
}
