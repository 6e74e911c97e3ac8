// lingo: the command-line face of the framework.
//
//   lingo plugins               the plugins found, their schemes and files
//   lingo ping URI              connect and report the server
//   lingo sql [--json] URI SQL [PARAM...]
//   lingo tables [--views] URI  the tables (or views) of the default schema, one a line
//   lingo describe URI TABLE    a table's columns, indexes and foreign keys
//
// Exit status: 0 on success, 2 on a usage error, 1 on any database or
// configuration error, with the message on stderr.
#include <iostream>
#include <string>
#include <vector>

#include "lingo/lingo.h"
#include "table_printer.h"

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

constexpr const char* kUsageText =
    "usage: lingo plugins\n"
    "       lingo ping URI\n"
    "       lingo sql [--json] URI SQL [PARAM...]\n"
    "       lingo tables [--views] URI\n"
    "       lingo describe URI TABLE\n"
    "       lingo --help | --version\n"
    "\n"
    "URIs name their dialect by scheme: postgresql://user:pw@host:5432/db, sqlite:///app.db,\n"
    "sqlite:// (in memory). PARAMs bind to $1, $2, ... in SQL as text values; the server\n"
    "converts them where the statement needs another type. `lingo plugins` lists every scheme.\n"
    "`tables` and `describe` read the default schema (public on PostgreSQL, main on SQLite);\n"
    "`tables --views` lists its views instead of its tables.\n";

int usage(const std::string& problem) {
  std::cerr << "lingo: " << problem << "\n" << kUsageText;
  return kUsage;
}

int cmd_plugins(const std::vector<std::string>& args) {
  if (!args.empty()) return usage("'plugins' takes no arguments");
  auto& registry = lingo::PluginRegistry::instance();
  const auto plugins = registry.plugins();
  for (const auto& p : plugins) {
    std::cout << p.name << "\n  schemes:  ";
    for (std::size_t i = 0; i < p.schemes.size(); ++i) std::cout << (i ? ", " : "") << p.schemes[i];
    std::cout << "\n  about:    " << p.description << "\n  file:     " << p.path
              << "\n  built by: " << p.compiler << " (plugin ABI " << p.abi_version << ")\n";
  }
  if (plugins.empty()) std::cout << "no plugins found\n";
  for (const auto& problem : registry.problems())
    std::cerr << "lingo: could not use " << problem.path << ": " << problem.message << "\n";
  std::cout << "searched:";
  for (const auto& folder : lingo::PluginRegistry::search_path())
    std::cout << "\n  " << folder.path << " (" << folder.origin << ")";
  std::cout << "\n";
  return kOk;
}

int cmd_ping(const std::vector<std::string>& args) {
  if (args.size() != 1) return usage("'ping' takes exactly one URI");
  auto db = lingo::connect(args[0]);
  db.execute_sql("SELECT 1");
  std::cout << "ok: " << db.dialect_name() << " server version " << db.server_version() << " at " << db.uri()
            << "\n";
  return kOk;
}

int cmd_sql(std::vector<std::string> args) {
  bool json = false;
  if (!args.empty() && args[0] == "--json") {
    json = true;
    args.erase(args.begin());
  }
  if (args.size() < 2) return usage("'sql' needs a URI and a SQL statement");
  auto db = lingo::connect(args[0]);
  std::vector<lingo::Value> params(args.begin() + 2, args.end());
  const auto result = db.execute_sql(args[1], params);
  if (json)
    lingo::cli::print_json(result, std::cout);
  else
    lingo::cli::print_table(result, std::cout);
  return kOk;
}

int cmd_tables(std::vector<std::string> args) {
  const bool views = !args.empty() && args.front() == "--views";
  if (views) args.erase(args.begin());
  if (args.size() != 1) return usage("'tables' takes exactly one URI, after --views if given");
  auto db = lingo::connect(args[0]);
  if (views) {
    for (const auto& view : db.get_views()) std::cout << view.name << "\n";
  } else {
    for (const auto& table : db.get_tables()) std::cout << table << "\n";
  }
  return kOk;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  // SQLite does not report the text of an expression key.
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + (item.empty() ? "<expression>" : item);
  return out;
}

void print_indexes(const std::vector<lingo::IndexMetadata>& indexes) {
  if (indexes.empty()) return;
  std::cout << "Indexes:\n";
  for (const auto& index : indexes) {
    std::cout << "    \"" << index.name << "\" "
              << (index.primary  ? "PRIMARY KEY, "
                  : index.unique ? "UNIQUE, "
                                 : "")
              << index.method << " (" << join(index.columns) << ")\n";
  }
}

// One line per constraint: the entries of a key over several columns arrive
// together and share its name (SQLite names none, so there each pair of
// columns is a line of its own).
void print_foreign_keys(const std::vector<lingo::ForeignKeyMetadata>& keys) {
  if (keys.empty()) return;
  std::cout << "Foreign keys:\n";
  for (std::size_t i = 0; i < keys.size();) {
    const auto& first = keys[i];
    std::vector<std::string> columns;
    std::vector<std::string> dest_columns;
    do {
      columns.push_back(keys[i].column);
      dest_columns.push_back(keys[i].dest_column);
      ++i;
    } while (i < keys.size() && !first.name.empty() && keys[i].name == first.name &&
             keys[i].dest_table == first.dest_table);
    std::cout << "    " << (first.name.empty() ? "" : "\"" + first.name + "\" ") << "FOREIGN KEY ("
              << join(columns) << ") REFERENCES " << first.dest_table << " (" << join(dest_columns) << ")";
    if (first.on_delete != "NO ACTION") std::cout << " ON DELETE " << first.on_delete;
    if (first.on_update != "NO ACTION") std::cout << " ON UPDATE " << first.on_update;
    std::cout << "\n";
  }
}

int cmd_describe(const std::vector<std::string>& args) {
  if (args.size() != 2) return usage("'describe' takes a URI and a table name");
  auto db = lingo::connect(args[0]);
  const std::string& table = args[1];
  const auto columns = db.get_columns(table);
  if (columns.empty()) {
    std::cerr << "lingo: no table \"" << table << "\" at " << db.uri() << "\n";
    return kFailed;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : columns) {
    rows.push_back({c.name, c.data_type, c.nullable ? "yes" : "no", c.default_sql.value_or(""),
                    c.primary_key ? "yes" : "no"});
  }
  std::cout << "Table \"" << table << "\"\n";
  lingo::cli::print_text_table({"column", "type", "nullable", "default", "primary key"}, rows, std::cout);
  print_indexes(db.get_indexes(table));
  print_foreign_keys(db.get_foreign_keys(table));
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage("no command given");
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsageText;
      return kOk;
    }
    if (command == "--version") {
      std::cout << "lingo " << lingo::version_string << " (plugin ABI " << lingo::plugin_abi << ")\n";
      return kOk;
    }
    if (command == "plugins") return cmd_plugins(args);
    if (command == "ping") return cmd_ping(args);
    if (command == "sql") return cmd_sql(args);
    if (command == "tables") return cmd_tables(args);
    if (command == "describe") return cmd_describe(args);
    return usage("unknown command '" + command + "'");
  } catch (const lingo::Error& e) {
    std::cerr << "lingo: " << e.what() << "\n";
    return kFailed;
  } catch (const std::exception& e) {
    std::cerr << "lingo: unexpected error: " << e.what() << "\n";
    return kFailed;
  }
}
