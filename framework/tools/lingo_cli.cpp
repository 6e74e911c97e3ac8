// lingo: the command-line face of the framework.
//
//   lingo plugins               the plugins found, their schemes and files
//   lingo ping URI              connect and report the server
//   lingo sql [--json] URI SQL [PARAM...]
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
    "       lingo --help | --version\n"
    "\n"
    "URIs name their dialect by scheme: postgresql://user:pw@host:5432/db, sqlite:///app.db,\n"
    "sqlite:// (in memory). PARAMs bind to $1, $2, ... in SQL as text values; the server\n"
    "converts them where the statement needs another type. `lingo plugins` lists every scheme.\n";

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
  std::cout << "ok: " << db.dialect_name() << " server version " << db.server_version() << " at "
            << db.uri() << "\n";
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
    return usage("unknown command '" + command + "'");
  } catch (const lingo::Error& e) {
    std::cerr << "lingo: " << e.what() << "\n";
    return kFailed;
  } catch (const std::exception& e) {
    std::cerr << "lingo: unexpected error: " << e.what() << "\n";
    return kFailed;
  }
}
