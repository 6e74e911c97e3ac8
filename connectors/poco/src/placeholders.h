// Poco's `?` placeholders in Lingo's `$n` form (private).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lingo::poco::detail {

struct TranslatedSql {
  std::string sql;
  std::size_t placeholders = 0;
};

// Rewrites every `?` that stands for a parameter as $1, $2, ... in order,
// which every built-in dialect accepts (docs/sqlite.md, docs/postgres.md).
// A `?` inside a string literal ('...', E'...'), a quoted identifier ("..."
// or `...`), a dollar-quoted string ($tag$...$tag$) or a comment (-- and
// nested /* */) is text and is left alone. A text without `?` is returned
// unchanged, so SQL written with $n already works too.
[[nodiscard]] TranslatedSql translate_placeholders(std::string_view sql);

}  // namespace lingo::poco::detail
