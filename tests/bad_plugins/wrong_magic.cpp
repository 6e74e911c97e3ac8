// Exports the entry point, but what it returns is not a Lingo handshake.
#include "lingo/plugin.h"

extern "C" __attribute__((visibility("default"))) const lingo_plugin_info* lingo_plugin_entry() {
  static const lingo_plugin_info info = {0xDEADBEEFU, LINGO_PLUGIN_ABI, 0,       0,       "wrongmagic",
                                         nullptr,     nullptr,          nullptr, nullptr, nullptr};
  return &info;
}
