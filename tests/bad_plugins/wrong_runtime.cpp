// A plugin that claims another C++ runtime, whose objects cannot cross into the core.
#include "lingo/plugin.h"

extern "C" __attribute__((visibility("default"))) const lingo_plugin_info* lingo_plugin_entry() {
  static const char* const schemes[] = {"wrongruntime", nullptr};
  static const lingo_plugin_info info = {LINGO_PLUGIN_MAGIC,
                                         LINGO_PLUGIN_ABI,
                                         LINGO_VERSION_NUMBER,
                                         LINGO_VERSION_NUMBER,
                                         "wrongruntime",
                                         schemes,
                                         "libc++",
                                         "clang",
                                         "built against libc++",
                                         nullptr,
                                         BOOST_VERSION,
                                         lingo::abi_layout_fingerprint()};
  return &info;
}
