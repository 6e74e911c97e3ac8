// A plugin built for a plugin ABI this core does not speak.
#include "lingo/plugin.h"

extern "C" __attribute__((visibility("default"))) const lingo_plugin_info* lingo_plugin_entry() {
  static const char* const schemes[] = {"wrongabi", nullptr};
  static const lingo_plugin_info info = {LINGO_PLUGIN_MAGIC,
                                         LINGO_PLUGIN_ABI + 41,
                                         LINGO_VERSION_NUMBER,
                                         LINGO_VERSION_NUMBER,
                                         "wrongabi",
                                         schemes,
                                         LINGO_CXX_RUNTIME,
                                         LINGO_COMPILER,
                                         "built for another ABI",
                                         nullptr};
  return &info;
}
