// `lingo migrate`: the command line over Migrations, and the models-versus-
// schema comparison behind `diff`.
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <boost/algorithm/string/join.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cpp_text.h"
#include "lingo/compiler.h"
#include "lingo/database.h"
#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/migrations.h"
#include "lingo/table.h"

namespace lingo {
namespace {

using codegen::cpp_string;

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

constexpr const char* kUsageText =
    "usage: lingo migrate [--from LIBRARY]... URI status\n"
    "       lingo migrate [--from LIBRARY]... URI up [ID]\n"
    "       lingo migrate [--from LIBRARY]... URI down [N]\n"
    "       lingo migrate [--from LIBRARY]... URI diff\n"
    "       lingo migrate URI unlock\n"
    "       lingo migrate create NAME [--dir DIR]\n"
    "\n"
    "Migrations are C++ (lingo/migrations.h), compiled into a shared library given with\n"
    "--from, or into a program that calls lingo::migrate_main. The history is the table\n"
    "lingo_migrations.\n"
    "  status  each migration: applied (when), pending, or partial (CockroachDB: steps done,\n"
    "          and why the next failed); exits 1 when any is pending or partial\n"
    "  up      applies the pending migrations in id order (up to ID), finishing a partial one\n"
    "  down    reverts the N (default 1) applied migrations with the highest ids, highest first\n"
    "  diff    the schema changes the registered models need, as C++ for a migration;\n"
    "          a table or column the models lack is reported, never dropped; exits 1 when\n"
    "          the models and the schema differ\n"
    "  unlock  removes the lock row a runner that died left behind\n"
    "  create  writes DIR/<UTC time>_NAME.cpp, a migration to fill in (DIR defaults to .)\n";

int usage(const std::string& problem) {
  std::cerr << "lingo migrate: " << problem << "\n" << kUsageText;
  return kUsage;
}

// The kind a ForeignKeyField stores its values as: the plain kind of its
// target's value type.
std::string reference_kind(ValueType type) {
  switch (type) {
    case ValueType::int16:
      return "lingo::SmallIntegerField{}";
    case ValueType::int32:
      return "lingo::IntegerField{}";
    case ValueType::int64:
      return "lingo::BigIntegerField{}";
    case ValueType::uuid:
      return "lingo::UUIDField{}";
    case ValueType::text:
      return "lingo::TextField{}";
    default:
      return "lingo::BigIntegerField{}";
  }
}

std::string field_code(const Field& f) {
  const Field& stored = f.custom() ? f.custom()->storage : f;
  std::string out = f.references() ? reference_kind(f.type()) : codegen::kind_code(stored);
  if (codegen::is_key_kind(stored.kind())) return out;
  if (f.is_primary_key()) out += ".primary_key()";
  if (f.is_nullable()) out += ".null()";
  if (f.is_unique()) out += ".unique()";
  return out;
}

std::string default_code(const Compiler& compiler, const Field& f) {
  if (f.default_value()) {
    std::string literal;
    compiler.literal(*f.default_value(), literal);
    return ".default_sql(" + cpp_string(literal) + ")";
  }
  if (!f.default_sql().empty()) return ".default_sql(" + cpp_string(f.default_sql()) + ")";
  return {};
}

std::string call(std::string_view method, std::initializer_list<std::string> args) {
  return "m.schema()." + std::string(method) + "(" + boost::algorithm::join(args, ", ") + ");";
}

std::string list_code(const std::vector<std::string>& names) {
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + cpp_string(names[i]);
  return out + "}";
}

// The live type as the dialect would create it, to compare with a model's.
std::string live_type(const Compiler& compiler, const FieldSpec& spec, const ColumnMetadata& c) {
  const std::string type =
      spec.kind.empty() ? std::string() : codegen::column_type_or_empty(compiler, codegen::field_of(spec));
  return type.empty() ? c.data_type : type;
}

void diff_table(Database& db, const Table& t, SchemaDiff& out) {
  const Compiler& compiler = db.compiler();
  const Introspector& introspector = *db.dialect().introspector();
  const auto live = db.get_columns(t.name());
  const std::string table = cpp_string(t.name());
  if (live.empty()) {
    out.code.push_back("m.create_table(" + codegen::identifier_from(t.name(), "table") +
                       ");  // the model of table " + table);
    return;
  }
  const auto keys = db.get_primary_keys(t.name());
  std::set<std::string> modelled;
  for (const ColumnBase* c : t.columns()) {
    modelled.insert(c->name());
    const Field& f = c->field();
    const auto found =
        std::find_if(live.begin(), live.end(), [&](const ColumnMetadata& m) { return m.name == c->name(); });
    const std::string column = cpp_string(c->name());
    if (found == live.end()) {
      out.code.push_back(call("add_column", {table, column, field_code(f) + default_code(compiler, f)}));
      if (const auto& ref = f.references()) {
        out.code.push_back(call(
            "add_foreign_key", {table, column, cpp_string(ref->table), cpp_string(ref->column),
                                codegen::action_code(ref->on_delete), codegen::action_code(ref->on_update)}));
      }
      continue;
    }
    const bool sole_key = keys.size() == 1 && keys[0] == found->name;
    const FieldSpec spec = introspector.field_spec(*found, sole_key);
    const bool keys_alike =
        codegen::is_key_kind(spec.kind) && codegen::is_key_kind(f.kind()) && spec.values == f.type();
    const std::string model_type = compiler.column_type(f.custom() ? f.custom()->storage : f);
    if (!keys_alike && spec.kind != f.kind() && model_type != live_type(compiler, spec, *found)) {
      out.code.push_back(call("alter_column_type",
                              {table, column, codegen::kind_code(f.custom() ? f.custom()->storage : f)}));
    }
    if (!f.is_primary_key() && !codegen::is_key_kind(f.kind())) {
      if (!f.is_nullable() && found->nullable) out.code.push_back(call("add_not_null", {table, column}));
      if (f.is_nullable() && !found->nullable) out.code.push_back(call("drop_not_null", {table, column}));
    }
  }
  for (const auto& c : live) {
    if (modelled.count(c.name)) continue;
    std::string warning = "column ";
    warning += cpp_string(c.name);
    warning += " of table ";
    warning += table;
    warning += " is in the database but not in the model; it is not dropped (write m.schema().drop_column(";
    warning += table;
    warning += ", ";
    warning += cpp_string(c.name);
    warning += ") if that is meant)";
    out.warnings.push_back(std::move(warning));
  }
  std::set<std::string> live_indexes;
  for (const auto& index : db.get_indexes(t.name())) live_indexes.insert(index.name);
  for (const IndexDef& index : t.indexes()) {
    std::vector<std::string> columns;
    for (const ColumnBase* c : index.columns) columns.push_back(c->name());
    const std::string name =
        index.name.empty() ? Compiler::default_index_name(t.name(), columns) : index.name;
    if (live_indexes.count(name)) continue;
    std::string options = "{.name = " + cpp_string(name);
    if (index.unique) options += ", .unique = true";
    if (!index.method.empty()) options += ", .method = " + cpp_string(index.method);
    if (!index.where.empty()) options += ", .where = " + cpp_string(index.where);
    out.code.push_back(call("add_index", {table, list_code(columns), options + "}"}));
  }
}

std::string state_name(MigrationStatus::State state) {
  switch (state) {
    case MigrationStatus::State::applied:
      return "applied";
    case MigrationStatus::State::partial:
      return "partial";
    case MigrationStatus::State::reverting:
      return "reverting";
    default:
      return "pending";
  }
}

int cmd_status(Database& db) {
  const auto rows = Migrations::registered().status(db);
  int open = 0;
  for (const auto& s : rows) {
    std::cout << state_name(s.state) << "  " << s.id;
    if (s.state == MigrationStatus::State::applied) std::cout << "  (" << s.applied_at << ")";
    if (s.state == MigrationStatus::State::partial || s.state == MigrationStatus::State::reverting) {
      std::cout << "  (" << s.steps_done << " of " << s.steps_total << " steps done"
                << (s.error.empty() ? "" : "; " + s.error) << ")";
    }
    std::cout << "\n";
    if (s.state != MigrationStatus::State::applied) ++open;
  }
  if (rows.empty()) std::cout << "no migrations\n";
  if (open > 0) {
    std::cout << open << " migration(s) to apply\n";
    return kFailed;
  }
  return kOk;
}

int cmd_create(const std::vector<std::string>& args) {
  if (args.empty()) return usage("'create' needs a NAME");
  const std::string& name = args[0];
  std::string dir = ".";
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--dir" && i + 1 < args.size())
      dir = args[++i];
    else
      return usage("'create': unexpected " + args[i]);
  }
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
    return usage("'create': the NAME is made of a-z, 0-9 and _");
  const std::string id = Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y%m%d_%H%M%S") + "_" + name;
  std::filesystem::create_directories(dir);
  const auto path = std::filesystem::path(dir) / (id + ".cpp");
  if (std::filesystem::exists(path)) {
    std::cerr << "lingo migrate: " << path.string() << " exists\n";
    return kFailed;
  }
  std::ofstream out(path);
  out << "// Migration " << id << ", made by `lingo migrate create`. `up` makes the change and\n"
      << "// `down` undoes it; leave `down` out (pass only up) if it cannot be undone.\n"
      << "#include \"lingo/migrations.h\"\n\nnamespace {\n\n"
      << "const lingo::RegisterMigration migration{\n"
      << "    \"" << id << "\",\n"
      << "    [](lingo::MigrationPlan& m) {\n"
      << "      // m.schema().add_column(\"table\", \"column\", lingo::TextField{}.null());\n"
      << "      (void)m;\n"
      << "    },\n"
      << "    [](lingo::MigrationPlan& m) {\n"
      << "      // m.schema().drop_column(\"table\", \"column\");\n"
      << "      (void)m;\n"
      << "    }};\n\n}  // namespace\n";
  if (!out.flush()) {
    std::cerr << "lingo migrate: could not write " << path.string() << "\n";
    return kFailed;
  }
  std::cout << "wrote " << path.string() << "\n";
  return kOk;
}

}  // namespace

SchemaDiff diff_schema(Database& db, const std::vector<const Table*>& models) {
  if (!db.dialect().introspector()) {
    throw_error<NotSupportedError>(
        "the " + std::string(db.dialect_name()) + " dialect cannot describe its schemas",
        {.sqlstate = "0A000", .dialect = std::string(db.dialect_name())});
  }
  SchemaDiff out;
  std::set<std::string> modelled{"lingo_migrations", "lingo_migrations_lock"};
  for (const Table* t : models) {
    t->check();
    modelled.insert(t->name());
    diff_table(db, *t, out);
  }
  for (const auto& table : db.get_tables()) {
    if (modelled.count(table)) continue;
    out.warnings.push_back(
        "table " + cpp_string(table) +
        " is in the database but not in the models; it is not dropped (write m.drop_table(" +
        cpp_string(table) + ") if that is meant)");
  }
  return out;
}

int migrate_main(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage("no URI or command given");
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsageText;
    return kOk;
  }
  try {
    if (args[0] == "create") return cmd_create({args.begin() + 1, args.end()});
    if (args.size() < 2) return usage("a URI and a command are needed");
    const std::string& command = args[1];
    const std::vector<std::string> rest(args.begin() + 2, args.end());
    if (command == "create") return cmd_create(rest);
    const std::set<std::string> commands{"status", "up", "down", "diff", "unlock"};
    if (!commands.count(command)) return usage("unknown command '" + command + "'");
    if ((command == "status" || command == "diff" || command == "unlock") && !rest.empty())
      return usage("'" + command + "' takes no arguments");
    if (rest.size() > 1) return usage("'" + command + "' takes at most one argument");
    int count = 1;
    if (command == "down" && !rest.empty()) {
      if (rest[0].empty() || rest[0].find_first_not_of("0123456789") != std::string::npos ||
          rest[0].size() > 6)
        return usage("'down' takes a number of migrations");
      count = std::stoi(rest[0]);
    }
    auto db = connect(args[0]);
    const Migrations& migrations = Migrations::registered();
    if (command == "status") return cmd_status(db);
    if (command == "up") {
      const auto applied = migrations.up(db, rest.empty() ? std::string() : rest[0]);
      for (const auto& id : applied) std::cout << "applied " << id << "\n";
      if (applied.empty()) std::cout << "nothing to apply\n";
      return kOk;
    }
    if (command == "down") {
      const auto reverted = migrations.down(db, count);
      for (const auto& id : reverted) std::cout << "reverted " << id << "\n";
      if (reverted.empty()) std::cout << "nothing to revert\n";
      return kOk;
    }
    if (command == "unlock") {
      std::cout << (Migrations::unlock(db) ? "removed the lock row\n" : "no lock was held\n");
      return kOk;
    }
    const auto diff = diff_schema(db, registered_models());
    for (const auto& line : diff.code) std::cout << line << "\n";
    for (const auto& warning : diff.warnings) std::cerr << "lingo migrate: note: " << warning << "\n";
    if (diff.code.empty() && diff.warnings.empty()) {
      std::cout << "the models and the schema agree\n";
      return kOk;
    }
    return kFailed;
  } catch (const Error& e) {
    std::cerr << "lingo migrate: " << e.what() << "\n";
    return kFailed;
  } catch (const std::exception& e) {
    std::cerr << "lingo migrate: unexpected error: " << e.what() << "\n";
    return kFailed;
  }
}

}  // namespace lingo
