// PostgreSQL's text values as the driver decodes them, for every type it
// knows: the first byte picks the type, the rest is the server's text. A
// value either decodes or is a DataError.
#include <cstdint>
#include <string_view>

#include "lingo/errors.h"
#include "pg_oids.h"
#include "pg_result.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using namespace lingo::postgres;
  static constexpr Oid kTypes[] = {16,   21,   23,   20,   26,   700,  701,  1700, 25,   1043, 1042, 19,
                                   17,   1082, 1083, 1114, 1184, 2950, 114,  3802, 1000, 1005, 1007, 1016,
                                   1021, 1022, 1231, 1009, 1015, 1001, 1182, 1115, 1185, 2951, 199,  3807};
  const Oid type = kTypes[data[0] % (sizeof kTypes / sizeof kTypes[0])];
  try {
    (void)decode_text(type, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  } catch (const lingo::Error&) {
  }
  return 0;
}
