// A plugin whose handshake says it was built against Boost 1.74 (Debian 11's):
// its boost::json::value, inside every lingo::Value, would have that
// release's layout.
#include "lingo/plugin.h"

extern "C" __attribute__((visibility("default"))) const lingo_plugin_info* lingo_plugin_entry() {
  static const char* const schemes[] = {"wrongboost", nullptr};
  static const lingo_plugin_info info = {LINGO_PLUGIN_MAGIC,
                                         LINGO_PLUGIN_ABI,
                                         LINGO_VERSION_NUMBER,
                                         LINGO_VERSION_NUMBER,
                                         "wrongboost",
                                         schemes,
                                         LINGO_CXX_RUNTIME,
                                         LINGO_COMPILER,
                                         "built against Boost 1.74",
                                         nullptr,
                                         107400,
                                         lingo::abi_layout_fingerprint()};
  return &info;
}
