// Decimal: any text parses or throws a lingo error; what parses prints back
// to a text that parses to the same number.
#include <cstdint>
#include <string>

#include "lingo/decimal.h"
#include "lingo/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const lingo::Decimal d(text);
    const lingo::Decimal again(d.to_string());
    if (!(d.is_nan() && again.is_nan()) && !(d == again)) __builtin_trap();
    (void)d.to_double();
  } catch (const lingo::Error&) {
  }
  return 0;
}
