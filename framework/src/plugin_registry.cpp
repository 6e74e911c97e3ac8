#include "lingo/plugin_registry.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "lingo/errors.h"
#include "lingo/plugin.h"

namespace fs = std::filesystem;

namespace lingo {
namespace {

[[noreturn]] void plugin_error(std::string message) {
  throw_error<PluginError>(std::move(message));
}

std::string version_text(unsigned v) {
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

std::string hex(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

std::string hex64(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llX", static_cast<unsigned long long>(v));
  return buf;
}

// BOOST_VERSION is major * 100000 + minor * 100 + patch.
std::string boost_text(std::uint32_t v) {
  return std::to_string(v / 100000) + "." + std::to_string(v / 100 % 1000) + "." + std::to_string(v % 100);
}

// The absolute path of the file mapped at `address`, from the kernel's own
// record (/proc/self/maps), which never depends on the working directory.
std::string mapped_file(const void* address) {
  std::FILE* maps = std::fopen("/proc/self/maps", "re");
  if (maps == nullptr) return {};
  const auto target = reinterpret_cast<std::uintptr_t>(address);
  std::string found;
  char line[4096];
  while (std::fgets(line, sizeof line, maps) != nullptr) {
    unsigned long long start = 0;
    unsigned long long end = 0;
    if (std::sscanf(line, "%llx-%llx", &start, &end) != 2 || target < start || target >= end) continue;
    std::string_view text(line);
    const auto slash = text.find('/');
    if (slash != std::string_view::npos) {
      text.remove_prefix(slash);
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
      found = std::string(text);
    }
    break;
  }
  std::fclose(maps);
  return found;
}

// The folder holding liblingo.so itself, found through a symbol of ours and
// fixed when the library is loaded. Never relative: a core found through a
// relative LD_LIBRARY_PATH would otherwise be looked for again from whatever
// folder the program has moved to, and plugins planted there would load.
std::string locate_core_folder() {
  std::string file = mapped_file(reinterpret_cast<const void*>(&mapped_file));
  if (file.empty()) {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&mapped_file), &info) == 0 || info.dli_fname == nullptr ||
        info.dli_fname[0] != '/')
      return {};
    file = info.dli_fname;
  }
  std::error_code ec;
  const fs::path lib = fs::canonical(file, ec);
  return ec ? std::string{} : lib.parent_path().string();
}

const std::string& core_library_folder() {
  static const std::string folder = locate_core_folder();
  return folder;
}

// Computed as the library loads, before the program can change folders.
[[maybe_unused]] const std::string& core_folder_at_load = core_library_folder();

bool is_plugin_file(const fs::path& p, std::string& name) {
  const std::string file = p.filename().string();
  constexpr std::string_view prefix = "liblingo-";
  constexpr std::string_view suffix = ".so";
  if (file.size() <= prefix.size() + suffix.size() || !file.starts_with(prefix) || !file.ends_with(suffix))
    return false;
  name = file.substr(prefix.size(), file.size() - prefix.size() - suffix.size());
  return true;
}

// Code that every user of the machine may replace, or plant beside it, is
// not run: the plugin file and the folder it is in (named and resolved)
// must not be writable by others. A sticky folder (/tmp) is no better here:
// anyone may still add a file to it.
void refuse_if_anyone_may_write(const std::string& path, const fs::file_status& status) {
  auto writable_by_others = [](const fs::file_status& s) {
    return (s.permissions() & fs::perms::others_write) != fs::perms::none;
  };
  if (writable_by_others(status))
    plugin_error("plugin file '" + path +
                 "' is writable by every user, so anyone could replace it; not loaded (chmod o-w it)");
  std::error_code ec;
  std::vector<fs::path> folders{fs::path(path).parent_path()};
  if (const fs::path real = fs::canonical(path, ec); !ec && real.parent_path() != folders.front())
    folders.push_back(real.parent_path());
  for (const auto& folder : folders) {
    const fs::file_status folder_status = fs::status(folder, ec);
    if (!ec && writable_by_others(folder_status))
      plugin_error("plugin folder '" + folder.string() + "' (of '" + path +
                   "') is writable by every user, so anyone could plant a plugin in it; not loaded (chmod "
                   "o-w the folder)");
  }
}

std::string describe_folders() {
  std::string out;
  for (const auto& folder : PluginRegistry::search_path()) {
    if (!out.empty()) out += "; ";
    out += folder.origin + ": " + folder.path;
  }
  return out;
}

}  // namespace

PluginRegistry& PluginRegistry::instance() {
  static PluginRegistry registry;
  return registry;
}

std::vector<PluginFolder> PluginRegistry::search_path() {
  std::vector<PluginFolder> folders;
  if (const char* env = std::getenv("LINGO_PLUGIN_PATH"); env != nullptr) {
    std::string_view rest = env;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const std::string_view item = rest.substr(0, colon);
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
      if (!item.empty() && item.front() == '/') folders.push_back({"LINGO_PLUGIN_PATH", std::string(item)});
    }
  }
  if (const std::string& beside = core_library_folder(); !beside.empty())
    folders.push_back({"beside the core library", beside + "/" LINGO_PLUGIN_SUBDIR});
  // The build tree is searched only by a core that is itself still in it: an
  // installed core must not reach back into the folder it was built in.
  std::error_code ec;
  const std::string& core = core_library_folder();
  if (core == LINGO_BUILD_LIB_DIR && fs::is_directory(LINGO_BUILD_PLUGIN_DIR, ec) &&
      std::none_of(folders.begin(), folders.end(),
                   [](const PluginFolder& f) { return f.path == LINGO_BUILD_PLUGIN_DIR; }))
    folders.push_back({"build tree", LINGO_BUILD_PLUGIN_DIR});
  return folders;
}

const PluginInfo& PluginRegistry::load(const std::string& path) {
  std::lock_guard lock(mutex_);
  return load_locked(path).info;
}

const PluginRegistry::Loaded& PluginRegistry::load_locked(const std::string& path) {
  for (const auto& l : loaded_)
    if (l.info.path == path) return l;

  // A relative path would be resolved against whatever folder the program
  // is in, and dlopen would search LD_LIBRARY_PATH for a bare name.
  if (path.empty() || path.front() != '/')
    plugin_error("plugin path '" + path +
                 "' is not absolute; give the plugin's full path (plugins are never looked for in the "
                 "current folder)");
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) plugin_error("plugin file '" + path + "' does not exist");
  // dlopen of a FIFO or a device blocks or reads forever: only regular files
  // (or links to them) are plugins.
  if (!fs::is_regular_file(status))
    plugin_error("plugin file '" + path +
                 "' is not a regular file (a FIFO, a device or a folder); not loaded");
  refuse_if_anyone_may_write(path, status);

  // RTLD_LOCAL keeps each plugin's symbols (and its libpq) to itself; RTLD_NOW
  // reports a missing symbol here rather than mid-query; RTLD_NODELETE keeps the
  // code mapped for the life of the process, since its vtables are in use.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* why = dlerror();
    plugin_error("cannot load plugin '" + path + "': " + (why ? why : "unknown dlopen error"));
  }
  auto entry = reinterpret_cast<lingo_plugin_entry_fn>(dlsym(handle, LINGO_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) {
    dlclose(handle);
    plugin_error("'" + path +
                 "' is not a Lingo plugin: it exports no '" LINGO_PLUGIN_ENTRY_SYMBOL
                 "' entry point (a plugin defines one with the LINGO_PLUGIN macro of lingo/plugin.h)");
  }
  const lingo_plugin_info* info = entry();
  if (info == nullptr) plugin_error("plugin '" + path + "' returned no plugin description");
  // Check the plain-C fields in order of how little they assume.
  if (info->magic != LINGO_PLUGIN_MAGIC)
    plugin_error("'" + path + "' is not a Lingo plugin: its handshake has magic number " + hex(info->magic) +
                 ", expected " + hex(LINGO_PLUGIN_MAGIC));
  if (info->abi_version != LINGO_PLUGIN_ABI)
    plugin_error("plugin '" + path + "' was built for plugin ABI " + std::to_string(info->abi_version) +
                 ", but this core (Lingo " LINGO_VERSION_STRING ") speaks plugin ABI " +
                 std::to_string(LINGO_PLUGIN_ABI) + "; rebuild the plugin against this version of Lingo");
  if (info->cxx_runtime == nullptr || std::string_view(info->cxx_runtime) != LINGO_CXX_RUNTIME)
    plugin_error("plugin '" + path + "' was built against the C++ runtime '" +
                 (info->cxx_runtime ? info->cxx_runtime : "?") +
                 "', but the core uses '" LINGO_CXX_RUNTIME "'; C++ objects cannot cross between them");
  if (info->boost_version != BOOST_VERSION)
    plugin_error("plugin '" + path + "' was built against Boost " + boost_text(info->boost_version) +
                 ", but the core against Boost " + boost_text(BOOST_VERSION) +
                 "; a lingo::Value holds a boost::json::value, whose layout is that Boost's: rebuild the "
                 "plugin against the core's Boost");
  if (info->layout != abi_layout_fingerprint())
    plugin_error("plugin '" + path +
                 "' sees Lingo's C++ types with another layout than the core does (layout fingerprint " +
                 hex64(info->layout) + ", the core's " + hex64(abi_layout_fingerprint()) +
                 "): the same headers compiled with other settings, such as _GLIBCXX_DEBUG, a packing "
                 "flag or another standard library; rebuild the plugin with the settings the core was "
                 "built with");
  if (info->core_min > LINGO_VERSION_NUMBER || info->core_max < LINGO_VERSION_NUMBER)
    plugin_error("plugin '" + path + "' needs a Lingo core from " + version_text(info->core_min) + " to " +
                 version_text(info->core_max) + ", but this core is " LINGO_VERSION_STRING);
  if (info->name == nullptr || *info->name == '\0' || info->schemes == nullptr ||
      info->schemes[0] == nullptr || info->create_dialect == nullptr)
    plugin_error("plugin '" + path +
                 "' has an incomplete handshake (a name, at least one scheme and a "
                 "dialect factory are required)");
  for (const auto& l : loaded_)
    if (l.info.name == info->name)
      plugin_error("plugin '" + path + "' is named '" + info->name +
                   "', like the plugin already loaded from '" + l.info.path + "'");

  const auto* dialect = static_cast<const Dialect*>(info->create_dialect());
  if (dialect == nullptr) plugin_error("plugin '" + path + "' could not create its dialect");

  Loaded loaded{PluginInfo{info->name,
                           path,
                           info->description ? info->description : "",
                           info->compiler ? info->compiler : "",
                           {},
                           info->abi_version,
                           info->core_min,
                           info->core_max},
                dialect};
  for (auto s = info->schemes; *s != nullptr; ++s) loaded.info.schemes.emplace_back(*s);
  const Loaded& stored = loaded_.emplace_back(std::move(loaded));
  for (const auto& scheme : stored.info.schemes) {
    if (auto [it, inserted] = by_scheme_.emplace(scheme, &stored); !inserted)
      problems_.push_back({path, "scheme '" + scheme + "' is already served by plugin '" +
                                     it->second->info.name + "' (" + it->second->info.path +
                                     "); this plugin's claim is ignored"});
  }
  return stored;
}

void PluginRegistry::discover_locked() {
  discovered_ = true;
  for (const auto& folder : search_path()) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder.path, ec)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::string name;
      if (!is_plugin_file(file, name)) continue;
      const bool have = std::any_of(loaded_.begin(), loaded_.end(), [&](const Loaded& l) {
        return l.info.name == name || l.info.path == file.string();
      });
      if (have) continue;
      try {
        load_locked(file.string());
      } catch (const PluginError& e) {
        problems_.push_back({file.string(), e.what()});
      }
    }
  }
}

std::string PluginRegistry::known_schemes_locked() const {
  std::string out;
  for (const auto& [scheme, loaded] : by_scheme_) {
    if (!out.empty()) out += ", ";
    out += scheme;
  }
  return out.empty() ? "(none: no plugin was found)" : out;
}

const Dialect& PluginRegistry::dialect_for(const Uri& uri) {
  std::lock_guard lock(mutex_);
  auto it = by_scheme_.find(uri.scheme());
  if (it == by_scheme_.end() && !discovered_) {
    discover_locked();
    it = by_scheme_.find(uri.scheme());
  }
  if (it != by_scheme_.end()) return *it->second->dialect;

  std::string message;
  if (auto base = by_scheme_.find(uri.base_scheme());
      base != by_scheme_.end() && !uri.scheme_variant().empty())
    message =
        "the scheme '" + uri.scheme() + "' is not served: plugin '" + base->second->info.name + "' serves '" +
        uri.base_scheme() + "' but not its '+" + uri.scheme_variant() +
        "' form (the core itself serves '+pool' forms: open them with lingo::Database); known schemes: " +
        known_schemes_locked();
  else
    message = "no plugin serves the scheme '" + uri.scheme() + "' (in '" + uri.masked() +
              "'); known schemes: " + known_schemes_locked();
  message += ". Plugin folders searched: " + describe_folders();
  if (std::getenv("LINGO_PLUGIN_PATH") == nullptr) message += " (LINGO_PLUGIN_PATH is not set)";
  for (const auto& p : problems_) message += ". Could not use '" + p.path + "': " + p.message;
  plugin_error(message);
}

std::vector<PluginInfo> PluginRegistry::plugins() {
  std::lock_guard lock(mutex_);
  if (!discovered_) discover_locked();
  std::vector<PluginInfo> out;
  for (const auto& l : loaded_) out.push_back(l.info);
  return out;
}

std::vector<PluginProblem> PluginRegistry::problems() {
  std::lock_guard lock(mutex_);
  if (!discovered_) discover_locked();
  return problems_;
}

}  // namespace lingo
