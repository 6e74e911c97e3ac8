// Finds, loads and checks dialect plugins, and maps URI schemes to them.
//
// Search order for plugins (never the current directory):
//   1. an explicit path given to load();
//   2. each folder of LINGO_PLUGIN_PATH (colon-separated), in order;
//   3. <folder of liblingo.so>/lingo/plugins — beside the installed core;
//   4. the build tree's plugin folder, when it exists (compiled in).
// A plugin file is named liblingo-<name>.so. The first file of a name wins;
// the first plugin to claim a scheme wins, and the conflict is reported.
//
// Plugins are loaded with local symbol scope and never unloaded. The registry
// is safe to use from several threads.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lingo/dialect.h"
#include "lingo/export.h"
#include "lingo/uri.h"

namespace lingo {

struct LINGO_API PluginInfo {
  std::string name;
  std::string path;
  std::string description;
  std::string compiler;
  std::vector<std::string> schemes;
  unsigned abi_version = 0;
  unsigned core_min = 0;
  unsigned core_max = 0;
};

// A plugin file that was found but could not be used, with the reason.
struct LINGO_API PluginProblem {
  std::string path;
  std::string message;
};

// A folder on the search path, with where it came from ("LINGO_PLUGIN_PATH").
struct LINGO_API PluginFolder {
  std::string origin;
  std::string path;
};

class LINGO_API PluginRegistry {
 public:
  // The process-wide registry that Database uses.
  static PluginRegistry& instance();
  // A private registry (tests use one to start from an empty state). It reads
  // LINGO_PLUGIN_PATH when it first searches.
  PluginRegistry() = default;

  // Loads one plugin file and registers its schemes. Throws PluginError when
  // the file is missing, is not a shared library, exports no entry point, or
  // fails the handshake; the message names both sides of any mismatch.
  const PluginInfo& load(const std::string& path);

  // The dialect that serves the URI's scheme, discovering plugins on first
  // use. Throws PluginError listing the known schemes and every folder
  // searched when no plugin serves it.
  const Dialect& dialect_for(const Uri& uri);

  // Every plugin found on the search path (loading those not yet loaded).
  std::vector<PluginInfo> plugins();
  // Plugin files found that could not be loaded.
  std::vector<PluginProblem> problems();
  // The folders searched, in order. Relative entries of LINGO_PLUGIN_PATH
  // are ignored, so the current directory is never searched.
  [[nodiscard]] static std::vector<PluginFolder> search_path();

 private:
  struct Loaded {
    PluginInfo info;
    const Dialect* dialect;
  };
  const Loaded& load_locked(const std::string& path);
  void discover_locked();
  [[nodiscard]] std::string known_schemes_locked() const;

  std::mutex mutex_;
  std::deque<Loaded> loaded_;  // references stay valid: never erased
  std::map<std::string, const Loaded*> by_scheme_;
  std::vector<PluginProblem> problems_;
  bool discovered_ = false;
};

}  // namespace lingo
