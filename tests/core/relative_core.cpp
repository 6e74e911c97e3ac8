// Run with LD_LIBRARY_PATH=lib from the build folder, so that the dynamic
// loader finds liblingo through a relative path. After a chdir into a folder
// with a planted lib/lingo/plugins/, the plugin search path must still point
// at the real core's folder, never at the planted one. Exits 0 when it does.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "lingo/plugin_registry.h"

namespace fs = std::filesystem;

int main() {
  const fs::path planted = fs::temp_directory_path() / ("lingo_planted_" + std::to_string(::getpid()));
  fs::create_directories(planted / "lib/lingo/plugins");
  std::ofstream(planted / "lib/lingo/plugins/liblingo-planted.so") << "planted\n";
  if (::chdir(planted.c_str()) != 0) return 2;
  int status = 0;
  bool beside_core = false;
  for (const auto& folder : lingo::PluginRegistry::search_path()) {
    std::printf("%s: %s\n", folder.origin.c_str(), folder.path.c_str());
    if (folder.path.find(planted.string()) != std::string::npos || folder.path.front() != '/') status = 1;
    if (folder.origin == "beside the core library") beside_core = true;
  }
  if (!beside_core) status = 1;
  fs::remove_all(planted);
  std::printf(status == 0 ? "the planted folder is not searched\n"
                          : "FAILED: the planted folder is searched\n");
  return status;
}
