// Versioned migrations: the history table, the lock row, and running a
// migration's plan in the transactions the dialect allows.
#include "lingo/migrations.h"

#include <unistd.h>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Environment.h>
#include <Poco/Timestamp.h>
#include <algorithm>
#include <map>
#include <thread>

#include "lingo/compiler.h"
#include "lingo/database.h"
#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/table.h"
#include "schema_batch.h"

namespace lingo {
namespace {

constexpr const char* kHistory = "lingo_migrations";
constexpr const char* kLock = "lingo_migrations_lock";

// The history: one row per migration applied, or in the middle of being
// applied or reverted (CockroachDB, where a migration's steps commit one by one).
struct History : Table {
  Column<std::string> id = column("id", CharField{255}.primary_key());
  Column<std::string> state = column("state", CharField{16});  // applied, partial, reverting
  Column<std::string> applied_at = column("applied_at", CharField{40});
  Column<std::int64_t> steps_done = column("steps_done", BigIntegerField{});
  Column<std::int64_t> steps_total = column("steps_total", BigIntegerField{});
  Column<std::optional<std::string>> error = column("error", TextField{}.null());
  History() : Table(kHistory) {}
};

// At most one row: the runner that holds the lock.
struct LockRow : Table {
  Column<std::int64_t> id = column("id", BigIntegerField{}.primary_key());
  Column<std::string> holder = column("holder", TextField{});
  Column<std::string> since = column("since", CharField{40});
  LockRow() : Table(kLock) {}
};

const History& history_table() {
  static const History table;
  return table;
}
const LockRow& lock_table() {
  static const LockRow table;
  return table;
}

std::string now_iso() {
  return Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

MigrationStatus::State state_named(const std::string& name) {
  if (name == "partial") return MigrationStatus::State::partial;
  if (name == "reverting") return MigrationStatus::State::reverting;
  return MigrationStatus::State::applied;
}

// Whether a table is there, looked up as the statements that use it look it
// up (through the search path on PostgreSQL, wherever it points), not in
// the dialect's default schema.
bool table_exists(Database& db, const char* table) {
  try {
    (void)db.execute_sql(std::string("SELECT 1 FROM ") + table + " WHERE 1 = 0");
    return true;
  } catch (const ProgrammingError&) {  // 42P01: no such table
    return false;
  }
}

bool has_history(Database& db) {
  return table_exists(db, kHistory);
}

bool has_tables(Database& db) {
  return table_exists(db, kHistory) && table_exists(db, kLock);
}

// Creates the history and lock tables if they are not there. Two runners may
// both find them missing: the second CREATE TABLE IF NOT EXISTS can then fail
// (PostgreSQL refuses it with a unique violation in its catalog) or find one
// table made and the other not yet; it looks again until both are there.
void ensure_tables(Database& db) {
  for (int attempt = 0;; ++attempt) {
    if (has_tables(db)) return;
    try {
      db.create_tables({&history_table(), &lock_table()}, /*safe=*/true);
      return;
    } catch (const DatabaseError&) {
      if (attempt == 5) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
    }
  }
}

std::map<std::string, MigrationStatus> read_history(Database& db) {
  std::map<std::string, MigrationStatus> rows;
  if (!has_history(db)) return rows;
  const Result result = db.execute_sql(
      "SELECT id, state, applied_at, steps_done, steps_total, error FROM lingo_migrations ORDER BY id");
  for (const Row row : result) {
    MigrationStatus s;
    s.id = row.get<std::string>(0);
    s.state = state_named(row.get<std::string>(1));
    s.applied_at = row.get<std::string>(2);
    s.steps_done = static_cast<int>(row.get<std::int64_t>(3));
    s.steps_total = static_cast<int>(row.get<std::int64_t>(4));
    s.error = row.get<std::optional<std::string>>(5).value_or("");
    rows.emplace(s.id, std::move(s));
  }
  return rows;
}

// The lock row, held for the life of the object.
class RunnerLock {
 public:
  RunnerLock(Database& db, std::chrono::milliseconds wait) : db_(db) {
    holder_ = Poco::Environment::nodeName() + " pid " + std::to_string(::getpid()) + " since " + now_iso();
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
      try {
        db_.execute_sql("INSERT INTO lingo_migrations_lock (id, holder, since) VALUES (1, $1, $2)",
                        {Value(holder_), Value(now_iso())});
        return;
      } catch (const IntegrityError&) {  // the row is there: another runner holds the lock
        if (std::chrono::steady_clock::now() >= deadline) refuse(wait);
      } catch (const OperationalError& e) {
        // SQLite: the database is locked while the holder writes (55P03).
        if (e.sqlstate() != "55P03" || std::chrono::steady_clock::now() >= deadline) throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~RunnerLock() {
    try {
      db_.execute_sql("DELETE FROM lingo_migrations_lock WHERE id = 1 AND holder = $1", {Value(holder_)});
    } catch (const Error&) {  // the connection is gone: `unlock` removes the row
    }
  }
  RunnerLock(const RunnerLock&) = delete;
  RunnerLock& operator=(const RunnerLock&) = delete;

 private:
  [[noreturn]] void refuse(std::chrono::milliseconds waited) {
    std::string other = "another runner";
    const Result held = db_.execute_sql("SELECT holder FROM lingo_migrations_lock WHERE id = 1");
    if (!held.empty()) other = held[0].get<std::string>(0);
    throw_error<OperationalError>(
        "another migration runner holds the lock (" + other + "); waited " + std::to_string(waited.count()) +
            " ms. If no runner is alive, `lingo migrate URI unlock` removes the lock row",
        {.sqlstate = "55P03"});  // lock_not_available
  }

  Database& db_;
  std::string holder_;
};

std::string quoted_name(Database& db, const std::string& name) {
  std::string out;
  db.compiler().identifier(name, out);
  return out;
}

void run_step(Database& db, const MigrationPlan::Step& step) {
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, SchemaChange>) {
          db.dialect().alter(db.connection(), s);
        } else if constexpr (std::is_same_v<S, MigrationPlan::CreateTable>) {
          db.create_tables({s.table});
        } else if constexpr (std::is_same_v<S, MigrationPlan::DropTable>) {
          db.execute_sql("DROP TABLE " + quoted_name(db, s.name));
        } else if constexpr (std::is_same_v<S, MigrationPlan::Sql>) {
          db.execute_sql(s.statement);
        } else {
          s.code(db);
        }
      },
      step);
}

bool is_schema_step(const MigrationPlan::Step& step) {
  return !std::holds_alternative<MigrationPlan::Sql>(step) &&
         !std::holds_alternative<MigrationPlan::Code>(step);
}

enum class Direction { up, down };

// One migration, one direction. `done` steps are already in place (a partial
// migration on CockroachDB); the history row is written with the steps.
void run_migration(Database& db, const Migration& m, Direction direction, int done, int recorded_total) {
  MigrationPlan plan(db);
  (direction == Direction::up ? m.up : m.down)(plan);
  const auto& steps = plan.steps();
  const auto total = static_cast<std::int64_t>(steps.size());
  if (recorded_total > 0 && recorded_total != static_cast<int>(total)) {
    throw_error<InterfaceError>("migration " + m.id + " stopped after step " + std::to_string(done) + " of " +
                                std::to_string(recorded_total) + ", but its code now has " +
                                std::to_string(total) +
                                " steps: resuming would start at the wrong one. Keep the steps that ran as "
                                "they were and fix the ones after them");
  }
  if (db.dialect().transactional_ddl()) {
    around_schema_changes(db, [&] {
      in_schema_transaction(db, [&] {
        for (const auto& step : steps) run_step(db, step);
        if (direction == Direction::up) {
          db.execute_sql(
              "INSERT INTO lingo_migrations (id, state, applied_at, steps_done, steps_total) "
              "VALUES ($1, 'applied', $2, $3, $3)",
              {Value(m.id), Value(now_iso()), Value(total)});
        } else {
          db.execute_sql("DELETE FROM lingo_migrations WHERE id = $1", {Value(m.id)});
        }
      });
    });
    return;
  }
  // Step by step: the row says how far it got after every step. It is
  // updated in place, never deleted and inserted again, so that no moment
  // exists when a crash would leave no record of the migration.
  const std::string state = direction == Direction::up ? "partial" : "reverting";
  const bool recorded =
      !db.execute_sql("SELECT 1 FROM lingo_migrations WHERE id = $1", {Value(m.id)}).empty();
  if (recorded) {
    db.execute_sql("UPDATE lingo_migrations SET state = $1, steps_done = $2, steps_total = $3 WHERE id = $4",
                   {Value(state), Value(std::int64_t{done}), Value(total), Value(m.id)});
  } else {
    db.execute_sql(
        "INSERT INTO lingo_migrations (id, state, applied_at, steps_done, steps_total) VALUES ($1, $2, $3, "
        "$4, "
        "$5)",
        {Value(m.id), Value(state), Value(now_iso()), Value(std::int64_t{done}), Value(total)});
  }
  auto count_step = [&](std::size_t k) {
    db.execute_sql("UPDATE lingo_migrations SET steps_done = $1, error = NULL WHERE id = $2",
                   {Value(static_cast<std::int64_t>(k + 1)), Value(m.id)});
  };
  // The dialect's hooks around the steps, as around a SchemaEditor batch.
  around_schema_changes(db, [&] {
    for (auto k = static_cast<std::size_t>(done); k < steps.size(); ++k) {
      try {
        if (is_schema_step(steps[k])) {
          // A step resumed after a failure may have been half made (a table
          // whose index failed): tables are then created if not there.
          const bool resumed = k == static_cast<std::size_t>(done) && done > 0;
          if (resumed && std::holds_alternative<MigrationPlan::CreateTable>(steps[k]))
            db.create_tables({std::get<MigrationPlan::CreateTable>(steps[k]).table}, /*safe=*/true);
          else
            run_step(db, steps[k]);
          count_step(k);
        } else {
          // A write and its count commit together: a crash cannot make it run twice.
          db.atomic([&] {
            run_step(db, steps[k]);
            count_step(k);
          });
        }
      } catch (const std::exception& e) {
        db.execute_sql(
            "UPDATE lingo_migrations SET error = $1 WHERE id = $2",
            {Value("step " + std::to_string(k + 1) + " of " + std::to_string(total) + ": " + e.what()),
             Value(m.id)});
        throw;
      }
    }
  });
  if (direction == Direction::up) {
    db.execute_sql("UPDATE lingo_migrations SET state = 'applied', applied_at = $1 WHERE id = $2",
                   {Value(now_iso()), Value(m.id)});
  } else {
    db.execute_sql("DELETE FROM lingo_migrations WHERE id = $1", {Value(m.id)});
  }
}

void refuse_in_transaction(Database& db, const char* what) {
  if (!db.in_transaction()) return;
  throw_error<InterfaceError>(std::string("Migrations::") + what +
                              " inside a transaction: migrations run in transactions of their own");
}

}  // namespace

MigrationPlan::MigrationPlan(Database& db) : recorder_(db, steps_) {}

MigrationPlan& MigrationPlan::create_table(const Table& table) {
  table.check();
  steps_.emplace_back(CreateTable{&table});
  return *this;
}

MigrationPlan& MigrationPlan::drop_table(std::string name) {
  if (name.empty()) throw_error<InterfaceError>("MigrationPlan::drop_table: no table named");
  steps_.emplace_back(DropTable{std::move(name)});
  return *this;
}

MigrationPlan& MigrationPlan::sql(std::string statement) {
  steps_.emplace_back(Sql{std::move(statement)});
  return *this;
}

MigrationPlan& MigrationPlan::run(std::function<void(Database&)> code) {
  steps_.emplace_back(Code{std::move(code)});
  return *this;
}

Migrations& Migrations::registered() {
  static Migrations instance;
  return instance;
}

Migrations& Migrations::add(Migration migration) {
  if (migration.id.empty()) throw_error<InterfaceError>("a migration needs an id");
  if (migration.id.size() > 255) throw_error<InterfaceError>("migration ids are at most 255 bytes");
  if (!migration.up) throw_error<InterfaceError>("migration " + migration.id + " has no up function");
  const auto at = std::lower_bound(migrations_.begin(), migrations_.end(), migration.id,
                                   [](const Migration& m, const std::string& id) { return m.id < id; });
  if (at != migrations_.end() && at->id == migration.id)
    throw_error<InterfaceError>("two migrations have the id " + migration.id);
  migrations_.insert(at, std::move(migration));
  return *this;
}

std::vector<MigrationStatus> Migrations::status(Database& db) const {
  auto history = read_history(db);
  std::vector<MigrationStatus> out;
  for (const auto& m : migrations_) {
    const auto found = history.find(m.id);
    if (found == history.end()) {
      out.push_back({.id = m.id});
    } else {
      out.push_back(found->second);
      history.erase(found);
    }
  }
  for (auto& [id, row] : history) out.push_back(std::move(row));  // applied by code this program lacks
  return out;
}

std::vector<std::string> Migrations::up(Database& db, const std::string& target,
                                        const MigrateOptions& options) const {
  refuse_in_transaction(db, "up");
  if (!target.empty() && std::none_of(migrations_.begin(), migrations_.end(),
                                      [&](const Migration& m) { return m.id == target; }))
    throw_error<InterfaceError>("no migration " + target);
  ensure_tables(db);
  RunnerLock lock(db, options.lock_wait);
  const auto history = read_history(db);  // read under the lock: another runner may have just finished
  std::vector<std::string> applied;
  for (const auto& m : migrations_) {
    const auto found = history.find(m.id);
    int done = 0;
    int total = 0;
    if (found != history.end()) {
      const auto& row = found->second;
      if (row.state == MigrationStatus::State::reverting) {
        throw_error<InterfaceError>("migration " + m.id + " was being reverted and stopped after " +
                                    std::to_string(row.steps_done) + " of " +
                                    std::to_string(row.steps_total) + " steps (" + row.error +
                                    "): run down to finish reverting it first");
      }
      if (row.state == MigrationStatus::State::applied) {
        if (m.id == target) break;
        continue;
      }
      done = row.steps_done;  // partial: resume at the step that failed
      total = row.steps_total;
    }
    run_migration(db, m, Direction::up, done, total);
    applied.push_back(m.id);
    if (m.id == target) break;
  }
  return applied;
}

std::vector<std::string> Migrations::down(Database& db, int count, const MigrateOptions& options) const {
  refuse_in_transaction(db, "down");
  if (count < 1) throw_error<InterfaceError>("down: the number of migrations to revert must be at least 1");
  if (!has_history(db)) return {};
  RunnerLock lock(db, options.lock_wait);
  const auto history = read_history(db);
  std::vector<std::string> reverted;
  for (auto it = history.rbegin(); it != history.rend() && static_cast<int>(reverted.size()) < count; ++it) {
    const auto& row = it->second;
    const auto m = std::find_if(migrations_.begin(), migrations_.end(),
                                [&](const Migration& known) { return known.id == row.id; });
    if (m == migrations_.end())
      throw_error<InterfaceError>("migration " + row.id + " is applied but this program does not have it");
    if (row.state == MigrationStatus::State::partial) {
      throw_error<InterfaceError>("migration " + row.id + " is partly applied (" +
                                  std::to_string(row.steps_done) + " of " + std::to_string(row.steps_total) +
                                  " steps; " + row.error + "): run up to finish it first");
    }
    if (!m->down) throw_error<InterfaceError>("migration " + row.id + " cannot be reverted: it has no down");
    const bool resuming = row.state == MigrationStatus::State::reverting;
    run_migration(db, *m, Direction::down, resuming ? row.steps_done : 0, resuming ? row.steps_total : 0);
    reverted.push_back(row.id);
  }
  return reverted;
}

bool Migrations::unlock(Database& db) {
  if (!has_history(db)) return false;
  return db.execute_sql("DELETE FROM lingo_migrations_lock WHERE id = 1").rows_affected() > 0;
}

RegisterMigration::RegisterMigration(std::string id, std::function<void(MigrationPlan&)> up,
                                     std::function<void(MigrationPlan&)> down) {
  Migrations::registered().add({std::move(id), std::move(up), std::move(down)});
}

namespace {
std::vector<const Table*>& models_list() {
  static std::vector<const Table*> models;
  return models;
}
}  // namespace

RegisterModels::RegisterModels(std::vector<const Table*> tables) {
  auto& models = models_list();
  models.insert(models.end(), tables.begin(), tables.end());
}

const std::vector<const Table*>& registered_models() {
  return models_list();
}

}  // namespace lingo
