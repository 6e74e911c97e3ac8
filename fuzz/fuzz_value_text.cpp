// The text forms every driver reads: dates, times, timestamps, numbers,
// JSON. Malformed text is a DataError; what parses formats back to text that
// parses to the same value.
#include <cstdint>
#include <string>

#include "lingo/errors.h"
#include "lingo/value.h"

namespace {

template <class Parse, class Format>
void round_trip(const std::string& text, Parse parse, Format format) {
  try {
    const auto value = parse(text);
    if (!(parse(format(value)) == value)) __builtin_trap();
  } catch (const lingo::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace lingo::text;
  switch (data[0] % 6) {
    case 0:
      round_trip(text, parse_date, format_date);
      break;
    case 1:
      round_trip(text, parse_time, format_time);
      break;
    case 2:
      round_trip(text, parse_timestamp, format_timestamp);
      break;
    case 3:
      round_trip(text, parse_timestamptz, format_timestamptz);
      break;
    case 4:
      try {
        (void)parse_double(text);
        (void)parse_int64(text);
      } catch (const lingo::Error&) {
      }
      break;
    default:
      try {
        (void)parse_json(text);
      } catch (const lingo::Error&) {
      }
  }
  return 0;
}
