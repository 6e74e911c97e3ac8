// AS OF SYSTEM TIME text: parses to validated SQL or throws ValueError; no
// other exception, no crash, whatever the length.
#include <cstdint>
#include <string>

#include "lingo/errors.h"
#include "lingo/system_time.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const lingo::SystemTime t = lingo::SystemTime::parse(text);
    // What it writes into SQL holds no statement separator.
    if (t.sql().find(';') != std::string::npos) __builtin_trap();
  } catch (const lingo::ValueError&) {
  }
  return 0;
}
