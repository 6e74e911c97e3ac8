// Prints a Result as an aligned text table, the way psql does, or as JSON rows.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "lingo/result.h"

namespace lingo::cli {

void print_table(const Result& result, std::ostream& out);
// Rows of text (each as long as `headers`) in the same layout, left-aligned.
void print_text_table(const std::vector<std::string>& headers,
                      const std::vector<std::vector<std::string>>& rows, std::ostream& out);
// An array of objects, one per row, keyed by column name (Value::to_json).
void print_json(const Result& result, std::ostream& out);

}  // namespace lingo::cli
