#include "placeholders.h"

#include <Poco/Data/DataException.h>

namespace lingo::poco::detail {

namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_tag_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Each skip_* takes the index of the opening character and returns the index
// just past the end of the construct (the text's end when it is unterminated:
// the server reports that, with its own message).

std::size_t skip_quoted(std::string_view sql, std::size_t i, char quote, bool backslash_escapes) {
  for (++i; i < sql.size(); ++i) {
    if (backslash_escapes && sql[i] == '\\') {
      ++i;
    } else if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        ++i;  // a doubled quote stands for itself
      } else {
        return i + 1;
      }
    }
  }
  return sql.size();
}

std::size_t skip_line_comment(std::string_view sql, std::size_t i) {
  const std::size_t end = sql.find('\n', i);
  return end == std::string_view::npos ? sql.size() : end + 1;
}

// PostgreSQL's block comments nest; SQLite's do not, but a `/*` inside one
// is rare enough that counting it costs nothing in practice.
std::size_t skip_block_comment(std::string_view sql, std::size_t i) {
  int depth = 0;
  while (i + 1 < sql.size()) {
    if (sql[i] == '/' && sql[i + 1] == '*') {
      ++depth;
      i += 2;
    } else if (sql[i] == '*' && sql[i + 1] == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return sql.size();
}

// The length of a dollar-quote tag ($$ or $name$) starting at i, or 0 when
// the `$` opens none ($1 is a parameter, a$b an identifier).
std::size_t dollar_tag_length(std::string_view sql, std::size_t i) {
  if (i > 0 && is_identifier_char(sql[i - 1])) return 0;
  std::size_t j = i + 1;
  if (j < sql.size() && sql[j] == '$') return 2;
  if (j >= sql.size() || !is_tag_start(sql[j])) return 0;
  while (j < sql.size() && is_identifier_char(sql[j])) ++j;
  return j < sql.size() && sql[j] == '$' ? j - i + 1 : 0;
}

}  // namespace

TranslatedSql translate_placeholders(std::string_view sql) {
  TranslatedSql out;
  out.sql.reserve(sql.size() + 8);
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    std::size_t end = i + 1;
    if (c == '\'') {
      // E'...' takes backslash escapes: E\'?\' must not end the literal early.
      const bool escapes =
          i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !is_identifier_char(sql[i - 2]));
      end = skip_quoted(sql, i, '\'', escapes);
    } else if (c == '"' || c == '`') {
      end = skip_quoted(sql, i, c, false);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      end = skip_line_comment(sql, i);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      end = skip_block_comment(sql, i);
    } else if (c == '$') {
      if (const std::size_t tag = dollar_tag_length(sql, i); tag != 0) {
        const std::size_t close = sql.find(sql.substr(i, tag), i + tag);
        end = close == std::string_view::npos ? sql.size() : close + tag;
      }
    } else if (c == '?') {
      if (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
        throw Poco::Data::BindingException(
            "numbered placeholders (SQLite's ?1) are not supported: write one ? per value, in order");
      }
      out.sql += '$';
      out.sql += std::to_string(++out.placeholders);
      ++i;
      continue;
    }
    out.sql.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace lingo::poco::detail
