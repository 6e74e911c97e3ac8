// An exact decimal number, as SQL's NUMERIC / DECIMAL holds it.
//
// The value is kept as its canonical decimal text, so any precision the server
// sends (NUMERIC(38,10), 30-digit values, NaN, +/-Infinity) survives a round
// trip without passing through binary floating point. Comparison is numeric:
// 1.50 == 1.5, and NaN equals only NaN and sorts above every number, as
// PostgreSQL orders it.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "lingo/export.h"

namespace lingo {

class LINGO_API Decimal {
 public:
  Decimal() : text_("0") {}
  // Parses "-12.340", "1e5", "NaN", "Infinity", "-inf"; throws DataError otherwise.
  explicit Decimal(std::string_view text);
  Decimal(std::int64_t value);  // NOLINT(google-explicit-constructor): exact widening

  // The canonical text: sign, integer digits, and the fractional digits given
  // (trailing zeros kept, since they carry the scale), or NaN / Infinity / -Infinity.
  [[nodiscard]] const std::string& to_string() const noexcept { return text_; }
  [[nodiscard]] bool is_nan() const noexcept { return text_ == "NaN"; }
  [[nodiscard]] bool is_infinite() const noexcept;
  [[nodiscard]] bool is_negative() const noexcept { return !text_.empty() && text_[0] == '-'; }
  // Digits after the decimal point (0 for integers and the special values).
  [[nodiscard]] int scale() const noexcept;
  // The same number with exactly `scale` fraction digits: zeros appended, or
  // rounded half away from zero (SQL's rule). NaN and infinities are unchanged.
  [[nodiscard]] Decimal rescaled(int scale) const;
  // Nearest double; loses precision by definition.
  [[nodiscard]] double to_double() const;

  friend LINGO_API bool operator==(const Decimal& a, const Decimal& b) noexcept;
  friend LINGO_API std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept;

 private:
  std::string text_;
};

}  // namespace lingo
