// A plugin that needs a newer core than this one.
#include "lingo/plugin.h"

extern "C" __attribute__((visibility("default"))) const lingo_plugin_info* lingo_plugin_entry() {
  static const char* const schemes[] = {"futurecore", nullptr};
  static const lingo_plugin_info info = {LINGO_PLUGIN_MAGIC,
                                         LINGO_PLUGIN_ABI,
                                         990000,
                                         999999,
                                         "futurecore",
                                         schemes,
                                         LINGO_CXX_RUNTIME,
                                         LINGO_COMPILER,
                                         "needs Lingo 99",
                                         nullptr,
                                         BOOST_VERSION,
                                         lingo::abi_layout_fingerprint()};
  return &info;
}
