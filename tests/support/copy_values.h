// Values that bulk paths must carry intact: a custom field that converts on
// the way in and out, and strings that COPY's text format treats specially.
// Shared by the PostgreSQL COPY tests and the writer suite.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lingo/lingo.h"

namespace lingo_test {

// Money kept as whole cents in a bigint, through a custom field.
inline lingo::Value cents_from_decimal(const lingo::Value& v) {
  std::string digits = v.as<lingo::Decimal>().rescaled(2).to_string();
  digits.erase(digits.find('.'), 1);
  return lingo::Value(std::stoll(digits));
}
inline lingo::Value decimal_from_cents(const lingo::Value& v) {
  const auto c = v.as<std::int64_t>();
  return lingo::Value(
      lingo::Decimal(std::to_string(c / 100) + "." + (c % 100 < 10 ? "0" : "") + std::to_string(c % 100)));
}
inline const std::shared_ptr<const lingo::FieldKind> money = std::make_shared<const lingo::FieldKind>(
    lingo::FieldKind{"MoneyField", lingo::BigIntegerField{}, lingo::ValueType::decimal, cents_from_decimal,
                     decimal_from_cents});

// Strings that COPY's text format treats specially, and some that merely look so.
inline const std::vector<std::string> kCopyHostile = {
    "",      "plain",    "tab\there", "new\nline", "carriage\rreturn", "back\\slash",
    "\\N",   "\\.",      "\\x41",     "'quoted'",  "\"double\"",       "émoji 🐘",
    "end\\", "\t\n\r\\", "a\\tb"};

}  // namespace lingo_test
