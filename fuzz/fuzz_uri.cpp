// URIs: parsing, masking and rebuilding never crash, and a password never
// survives masking.
#include <cstdint>
#include <string>

#include "lingo/errors.h"
#include "lingo/uri.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)lingo::mask_uri(text);
  try {
    const lingo::Uri uri = lingo::Uri::parse(text);
    const std::string masked = uri.masked();
    if (uri.password() && uri.password()->size() >= 8 && masked.find(*uri.password()) != std::string::npos &&
        text.find(*uri.password()) != text.rfind(*uri.password()))
      return 0;  // the password also appears elsewhere in the URI (a host named like it): not a leak
    if (uri.password() && uri.password()->size() >= 8 && masked.find(*uri.password()) != std::string::npos)
      __builtin_trap();
    (void)uri.rebuild("postgresql", {"password"});
  } catch (const lingo::Error&) {
  }
  return 0;
}
