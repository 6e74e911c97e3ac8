// URIs: parsing, masking and rebuilding never crash, and a password never
// survives masking.
#include <cstdint>
#include <string>

#include "lingo/errors.h"
#include "lingo/uri.h"

namespace {

// Whether the password shows in the masked text other than by coincidence
// with the mask itself: a password such as ":****@h" is "found" in
// "user:****@host" without a single character of it having leaked, so an
// occurrence overlapping a "****" does not count.
bool leaks(const std::string& masked, const std::string& password) {
  for (std::size_t at = masked.find(password); at != std::string::npos; at = masked.find(password, at + 1)) {
    bool overlaps_mask = false;
    for (std::size_t m = masked.find("****"); m != std::string::npos; m = masked.find("****", m + 1))
      if (m < at + password.size() && at < m + 4) overlaps_mask = true;
    if (!overlaps_mask) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)lingo::mask_uri(text);
  try {
    const lingo::Uri uri = lingo::Uri::parse(text);
    const std::string masked = uri.masked();
    if (uri.password() && uri.password()->size() >= 8 && masked.find(*uri.password()) != std::string::npos &&
        text.find(*uri.password()) != text.rfind(*uri.password()))
      return 0;  // the password also appears elsewhere in the URI (a host named like it): not a leak
    if (uri.password() && uri.password()->size() >= 8 && leaks(masked, *uri.password())) __builtin_trap();
    (void)uri.rebuild("postgresql", {"password"});
  } catch (const lingo::Error&) {
  }
  return 0;
}
