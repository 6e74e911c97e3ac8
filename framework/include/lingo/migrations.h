// Versioned migrations: each a C++ function that plans steps (schema changes,
// tables, SQL, code), applied in id order and recorded in the database's
// history table, lingo_migrations.
//
//     static const lingo::RegisterMigration add_email{
//         "20261201_1200_add_email",
//         [](lingo::MigrationPlan& m) {
//           m.schema().add_column("account", "email", lingo::TextField{}.null());
//           m.sql("UPDATE account SET email = owner || '@example.com'");
//         },
//         [](lingo::MigrationPlan& m) { m.schema().drop_column("account", "email"); }};
//
//     lingo::Migrations::registered().up(db);   // or `lingo migrate URI up --from libapp.so`
//
// How a migration runs depends on what the dialect's DDL can promise:
//   - PostgreSQL and SQLite: the whole migration and its history row in one
//     transaction. A failure rolls it all back; the history stays true (the
//     migration is still pending) and nothing needs resuming.
//   - CockroachDB: each step in a transaction of its own (a schema change
//     never shares one with writes), and the history row records how many
//     steps are done after each. A failure leaves steps 1..k-1 in place and
//     the row marked partial at step k, with the error; `up` resumes at step
//     k once the cause is fixed (each step is atomic on its own, so step k
//     either happened whole or not at all). `down` refuses a partial
//     migration: finish it first.
//
// Two runners at once: the first takes the lock row (lingo_migrations_lock);
// the other waits up to lock_wait for it, then fails naming the holder. A
// runner that died holding it leaves the row: `lingo migrate URI unlock`
// (Migrations::unlock) removes it once no runner is alive.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lingo/export.h"
#include "lingo/migrate.h"

namespace lingo {

class Database;
class Table;

// The steps of one direction of one migration, in order.
class LINGO_API MigrationPlan {
 public:
  explicit MigrationPlan(Database& db);
  MigrationPlan(const MigrationPlan&) = delete;
  MigrationPlan& operator=(const MigrationPlan&) = delete;

  // Schema changes, each a step (SchemaEditor's calls).
  SchemaEditor& schema() { return recorder_; }
  // CREATE TABLE (and its indexes) for a model; DROP TABLE by name.
  MigrationPlan& create_table(const Table& table);
  MigrationPlan& drop_table(std::string name);
  // A statement, written as given (program text).
  MigrationPlan& sql(std::string statement);
  // Code that reads and writes through the database.
  MigrationPlan& run(std::function<void(Database&)> code);

  struct CreateTable {
    const Table* table;
  };
  struct DropTable {
    std::string name;
  };
  struct Sql {
    std::string statement;
  };
  struct Code {
    std::function<void(Database&)> code;
  };
  using Step = std::variant<SchemaChange, CreateTable, DropTable, Sql, Code>;
  [[nodiscard]] const std::vector<Step>& steps() const noexcept { return steps_; }

 private:
  class Recorder : public SchemaEditor {
   public:
    Recorder(Database& db, std::vector<Step>& steps) : SchemaEditor(db), steps_(steps) {}

   protected:
    void record(SchemaChange change) override { steps_.emplace_back(std::move(change)); }

   private:
    std::vector<Step>& steps_;
  };
  std::vector<Step> steps_;
  Recorder recorder_;
};

struct LINGO_API Migration {
  std::string id;  // applied in the order of ids: "20261201_1200_add_email"
  std::function<void(MigrationPlan&)> up;
  std::function<void(MigrationPlan&)> down;  // empty: the migration cannot be reverted
};

struct LINGO_API MigrationStatus {
  enum class State { pending, applied, partial, reverting };
  std::string id{};
  State state = State::pending;
  std::string applied_at{};  // ISO 8601, UTC; empty when pending
  int steps_done = 0;        // partial migrations: the steps in place
  int steps_total = 0;
  std::string error{};  // partial migrations: why the next step failed
};

struct LINGO_API MigrateOptions {
  std::chrono::milliseconds lock_wait = std::chrono::seconds(60);
};

class LINGO_API Migrations {
 public:
  // Every migration a RegisterMigration object has registered in this
  // process (a program's own, or a library's loaded by `lingo migrate --from`).
  static Migrations& registered();

  // InterfaceError for an empty or repeated id.
  Migrations& add(Migration migration);
  [[nodiscard]] const std::vector<Migration>& all() const noexcept { return migrations_; }

  // Known migrations in id order, then any id the history has that no
  // migration here has (reported as applied, with no code).
  [[nodiscard]] std::vector<MigrationStatus> status(Database& db) const;
  // Applies the pending migrations (and finishes a partial one) in id order,
  // up to and including `target` when given; returns the ids applied.
  std::vector<std::string> up(Database& db, const std::string& target = {},
                              const MigrateOptions& options = {}) const;
  // Reverts the `count` applied migrations with the highest ids, highest
  // first (the reverse of up's order); returns their ids. InterfaceError
  // when one cannot be reverted.
  std::vector<std::string> down(Database& db, int count = 1, const MigrateOptions& options = {}) const;
  // Removes a lock row left by a runner that died; returns whether one was there.
  static bool unlock(Database& db);

 private:
  std::vector<Migration> migrations_;
};

// Registers a migration with Migrations::registered() when constructed (at
// static initialization, or when the library holding it is loaded).
struct LINGO_API RegisterMigration {
  RegisterMigration(std::string id, std::function<void(MigrationPlan&)> up,
                    std::function<void(MigrationPlan&)> down = {});
};

// The models `lingo migrate diff` compares with the live schema: a program's
// (or library's) tables, registered the same way.
struct LINGO_API RegisterModels {
  explicit RegisterModels(std::vector<const Table*> tables);
};
[[nodiscard]] LINGO_API const std::vector<const Table*>& registered_models();

// What `lingo migrate diff` prints: the schema changes that would bring the
// live schema to the models, as the C++ of a migration's up function, and
// what it will not propose (a table or column the models lack is reported,
// never dropped). Empty when they agree.
struct LINGO_API SchemaDiff {
  std::vector<std::string> code;      // "m.schema().add_column(...);" lines
  std::vector<std::string> warnings;  // what is left to the author
};
[[nodiscard]] LINGO_API SchemaDiff diff_schema(Database& db, const std::vector<const Table*>& models);

// The `migrate` command line, for `lingo migrate` and for a program that
// links its migrations in:
//     int main(int argc, char** argv) { return lingo::migrate_main(argc, argv); }
// argv: URI status|up [ID]|down [N]|diff|unlock, or create NAME [--dir DIR].
// Exit status: 0 done (status: nothing pending; diff: nothing to change),
// 1 pending migrations, differences, or any error, 2 usage.
LINGO_API int migrate_main(int argc, const char* const* argv);

}  // namespace lingo
