#include "table_printer.h"

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

}  // namespace

void print_table(const Result& result, std::ostream& out) {
  const std::size_t columns = result.column_count();
  if (columns == 0) {
    out << "OK";
    if (result.rows_affected() >= 0) out << ", " << result.rows_affected() << " rows affected";
    out << "\n";
    return;
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths(columns);
  std::vector<bool> right(columns);
  for (std::size_t c = 0; c < columns; ++c) {
    widths[c] = display_width(std::string(result.column_name(c)));
    right[c] = is_numeric(result.column_type(c));
  }
  for (const Row row : result) {
    auto& line = cells.emplace_back();
    for (std::size_t c = 0; c < columns; ++c) {
      line.push_back(cell_text(row[c]));
      widths[c] = std::max(widths[c], display_width(line.back()));
    }
  }
  for (std::size_t c = 0; c < columns; ++c) {
    out << (c ? " | " : " ");
    pad(out, std::string(result.column_name(c)), widths[c], false);
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
