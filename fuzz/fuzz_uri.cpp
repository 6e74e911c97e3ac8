// URIs: parsing, masking and rebuilding never crash, and a password never
// survives masking.
#include <cstdint>
#include <string>

#include "lingo/errors.h"
#include "lingo/uri.h"

namespace {

// Whether the text shows the password outside a "****": a password such as
// ":****@h" is "found" in "user:****@host" without a character of it having
// leaked.
bool shows(const std::string& masked, const std::string& password) {
  for (std::size_t at = masked.find(password); at != std::string::npos; at = masked.find(password, at + 1)) {
    bool overlaps_mask = false;
    for (std::size_t m = masked.find("****"); m != std::string::npos; m = masked.find("****", m + 1))
      if (m < at + password.size() && at < m + 4) overlaps_mask = true;
    if (!overlaps_mask) return true;
  }
  return false;
}

// Whether masking leaked the password, judged by difference: the same text
// with another password in its place must not show it either, or what shows
// came from elsewhere in the URI (a host, or a query parameter that
// normalising turned into the password's text). Undecidable cases (the
// password not literally in the text, or there twice) count as no leak.
bool leaks(const std::string& text, const std::string& password, const std::string& masked) {
  if (!shows(masked, password)) return false;
  const std::size_t at = text.find(password);
  if (at == std::string::npos || text.find(password, at + 1) != std::string::npos) return false;
  char filler = 'a';
  while (filler <= 'z' && password.find(filler) != std::string::npos) ++filler;
  if (filler > 'z') return false;
  std::string other = text;
  other.replace(at, password.size(), password.size(), filler);
  try {
    const lingo::Uri variant = lingo::Uri::parse(other);
    if (!variant.password() || *variant.password() == password) return false;
    return !shows(variant.masked(), password);
  } catch (const lingo::Error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)lingo::mask_uri(text);
  try {
    const lingo::Uri uri = lingo::Uri::parse(text);
    const std::string masked = uri.masked();
    if (uri.password() && uri.password()->size() >= 8 && leaks(text, *uri.password(), masked)) __builtin_trap();
    (void)uri.rebuild("postgresql", {"password"});
  } catch (const lingo::Error&) {
  }
  return 0;
}
