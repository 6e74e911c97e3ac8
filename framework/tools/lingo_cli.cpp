// lingo: the command-line face of the framework.
//
//   lingo plugins               the plugins found, their schemes and files
//   lingo ping URI              connect and report the server
//   lingo sql [--json] URI SQL [PARAM...]
//   lingo tables [--views] URI  the tables (or views) of the default schema, one a line
//   lingo describe URI TABLE    a table's columns, indexes and foreign keys
//   lingo gen URI [options]     C++ model headers from the schema (lingo/codegen.h)
//   lingo migrate ...           versioned migrations (lingo/migrations.h)
//
// Exit status: 0 on success, 2 on a usage error, 1 on any database or
// configuration error, with the message on stderr.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/SharedLibrary.h>
#include <boost/algorithm/string/join.hpp>

#include "lingo/codegen.h"
#include "lingo/lingo.h"
#include "lingo/migrations.h"
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
    "       lingo gen URI [--tables T1,T2] [--schema S] [--namespace NS] [-o DIR | --check DIR]\n"
    "       lingo migrate [--from LIBRARY]... URI status|up [ID]|down [N]|diff|unlock\n"
    "       lingo migrate create NAME [--dir DIR]      (lingo migrate --help for more)\n"
    "       lingo --help | --version\n"
    "\n"
    "URIs name their dialect by scheme: postgresql://user:pw@host:5432/db, sqlite:///app.db,\n"
    "sqlite:// (in memory). PARAMs bind to $1, $2, ... in SQL as text values; the server\n"
    "converts them where the statement needs another type. `lingo plugins` lists every scheme.\n"
    "`tables` and `describe` read the default schema (public on PostgreSQL, main on SQLite);\n"
    "`tables --views` lists its views instead of its tables.\n"
    "`gen` writes a C++ model header per table and a models.h including them all (to stdout\n"
    "without -o); --check DIR writes nothing and exits 1, printing the difference, when the\n"
    "headers in DIR no longer match the schema. The default namespace is `models`.\n";

int usage(const std::string& problem) {
  std::cerr << "lingo: " << problem << "\n" << kUsageText;
  return kUsage;
}

int cmd_plugins(const std::vector<std::string>& args) {
  if (!args.empty()) return usage("'plugins' takes no arguments");
  auto& registry = lingo::PluginRegistry::instance();
  const auto plugins = registry.plugins();
  for (const auto& p : plugins) {
    std::cout << p.name << "\n  schemes:  " << boost::algorithm::join(p.schemes, ", ");
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
  rows.reserve(columns.size());
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

std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) items.push_back(item);
  return items;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Exit 0 when every generated header is in `dir` as generated, else 1 with
// the difference on stdout. Headers in `dir` that `lingo gen` wrote and no
// table produces any more are reported too (unless --tables chose a subset).
int check_models(const lingo::GeneratedModels& models, const std::filesystem::path& dir, bool subset) {
  int differences = 0;
  std::map<std::string, bool> generated;
  for (const auto& file : models.files) {
    generated[file.name] = true;
    const auto path = dir / file.name;
    if (!std::filesystem::exists(path)) {
      std::cout << path.string() << ": missing; the schema has it\n";
      ++differences;
      continue;
    }
    const std::string diff = lingo::unified_diff(path.string(), read_file(path), "schema", file.text);
    if (!diff.empty()) {
      std::cout << diff;
      ++differences;
    }
  }
  if (!subset && std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (entry.path().extension() != ".h" || generated.count(name)) continue;
      if (read_file(entry.path()).rfind("// Generated by `lingo gen`", 0) != 0) continue;
      std::cout << entry.path().string() << ": its table is no longer in the schema\n";
      ++differences;
    }
  }
  if (differences == 0) {
    std::cout << "the headers in " << dir.string() << " match the schema\n";
    return kOk;
  }
  std::cerr << "lingo: " << differences << " header(s) in " << dir.string()
            << " differ from the schema; run `lingo gen URI -o " << dir.string() << "` to regenerate\n";
  return kFailed;
}

int cmd_gen(const std::vector<std::string>& args) {
  lingo::ModelOptions options;
  std::string uri;
  std::string out_dir;
  std::string check_dir;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--tables" || arg == "--schema" || arg == "--namespace" || arg == "-o" || arg == "--check") {
      if (!has_value) return usage("'gen': " + arg + " needs a value");
      const std::string& value = args[++i];
      if (arg == "--tables") options.tables = split_commas(value);
      if (arg == "--schema") options.schema = value;
      if (arg == "--namespace") options.name_space = value;
      if (arg == "-o") out_dir = value;
      if (arg == "--check") check_dir = value;
    } else if (arg.rfind('-', 0) == 0) {
      return usage("'gen': unknown option " + arg);
    } else if (uri.empty()) {
      uri = arg;
    } else {
      return usage("'gen' takes one URI");
    }
  }
  if (uri.empty()) return usage("'gen' needs a URI");
  if (!out_dir.empty() && !check_dir.empty()) return usage("'gen': -o and --check exclude each other");
  auto db = lingo::connect(uri);
  const auto models = lingo::generate_models(db, options);
  for (const auto& note : models.notes) std::cerr << "lingo gen: note: " << note << "\n";
  if (!check_dir.empty()) return check_models(models, check_dir, !options.tables.empty());
  if (out_dir.empty()) {
    for (const auto& file : models.files) std::cout << "// ==== " << file.name << " ====\n" << file.text;
    return kOk;
  }
  std::filesystem::create_directories(out_dir);
  for (const auto& file : models.files) {
    const auto path = std::filesystem::path(out_dir) / file.name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << file.text;
    if (!out.flush()) {
      std::cerr << "lingo: could not write " << path.string() << "\n";
      return kFailed;
    }
    std::cout << "wrote " << path.string() << "\n";
  }
  return kOk;
}

// `lingo migrate`: loads each --from library, whose migrations and models
// register themselves as it loads, then runs the migrate command line.
int cmd_migrate(const std::vector<std::string>& args) {
  std::vector<std::string> rest{"lingo migrate"};
  static std::vector<std::unique_ptr<Poco::SharedLibrary>> libraries;  // kept loaded until exit
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--from") {
      rest.push_back(args[i]);
      continue;
    }
    if (i + 1 == args.size()) return usage("'migrate': --from needs a library");
    const std::string& path = args[++i];
    try {
      libraries.push_back(std::make_unique<Poco::SharedLibrary>(path));
    } catch (const Poco::Exception& e) {
      std::cerr << "lingo: cannot load the migrations library " << path << ": " << e.displayText() << "\n";
      return kFailed;
    }
  }
  std::vector<const char*> argv;
  argv.reserve(rest.size());
  for (const auto& a : rest) argv.push_back(a.c_str());
  return lingo::migrate_main(static_cast<int>(argv.size()), argv.data());
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
    if (command == "gen") return cmd_gen(args);
    if (command == "migrate") return cmd_migrate(args);
    return usage("unknown command '" + command + "'");
  } catch (const lingo::Error& e) {
    std::cerr << "lingo: " << e.what() << "\n";
    return kFailed;
  } catch (const std::exception& e) {
    std::cerr << "lingo: unexpected error: " << e.what() << "\n";
    return kFailed;
  }
}
