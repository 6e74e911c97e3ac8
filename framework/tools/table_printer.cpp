#include "table_printer.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

namespace lingo::cli {
namespace {

// Width on a terminal, counting UTF-8 code points rather than bytes.
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string cell_text(const Value& v) {
  std::string s = v.to_string();
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';  // keep one row on one line
  return s;
}

void pad(std::ostream& out, const std::string& s, std::size_t width, bool right) {
  const std::size_t fill = width - display_width(s);
  if (right) out << std::string(fill, ' ');
  out << s;
  if (!right) out << std::string(fill, ' ');
}

bool is_numeric(ValueType t) {
  return t == ValueType::int16 || t == ValueType::int32 || t == ValueType::int64 || t == ValueType::float32 ||
         t == ValueType::float64 || t == ValueType::decimal;
}

// The header, a rule, the rows, and a count of them, as psql prints them.
void render(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& cells,
            const std::vector<bool>& right, std::ostream& out) {
  const std::size_t columns = headers.size();
  std::vector<std::size_t> widths(columns);
  for (std::size_t c = 0; c < columns; ++c) {
    widths[c] = display_width(headers[c]);
    for (const auto& line : cells) widths[c] = std::max(widths[c], display_width(line[c]));
  }
  for (std::size_t c = 0; c < columns; ++c) {
    out << (c ? " | " : " ");
    pad(out, headers[c], widths[c], false);
  }
  out << "\n";
  for (std::size_t c = 0; c < columns; ++c) out << (c ? "-+-" : "-") << std::string(widths[c], '-');
  out << "-\n";
  for (const auto& line : cells) {
    for (std::size_t c = 0; c < columns; ++c) {
      out << (c ? " | " : " ");
      pad(out, line[c], widths[c], right[c]);
    }
    out << "\n";
  }
  out << "(" << cells.size() << (cells.size() == 1 ? " row)\n" : " rows)\n");
}

}  // namespace

void print_table(const Result& result, std::ostream& out) {
  const std::size_t columns = result.column_count();
  if (columns == 0) {
    out << "OK";
    if (result.rows_affected() >= 0) out << ", " << result.rows_affected() << " rows affected";
    out << "\n";
    return;
  }
  std::vector<std::string> headers;
  std::vector<bool> right(columns);
  for (std::size_t c = 0; c < columns; ++c) {
    headers.emplace_back(result.column_name(c));
    right[c] = is_numeric(result.column_type(c));
  }
  std::vector<std::vector<std::string>> cells;
  for (const Row row : result) {
    auto& line = cells.emplace_back();
    for (std::size_t c = 0; c < columns; ++c) line.push_back(cell_text(row[c]));
  }
  render(headers, cells, right, out);
}

void print_text_table(const std::vector<std::string>& headers,
                      const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  render(headers, rows, std::vector<bool>(headers.size(), false), out);
}

void print_json(const Result& result, std::ostream& out) {
  boost::json::array rows;
  rows.reserve(result.size());
  for (const Row row : result) {
    boost::json::object obj;
    for (std::size_t c = 0; c < result.column_count(); ++c) obj[result.column_name(c)] = row[c].to_json();
    rows.push_back(std::move(obj));
  }
  out << boost::json::serialize(rows) << "\n";
}

}  // namespace lingo::cli
