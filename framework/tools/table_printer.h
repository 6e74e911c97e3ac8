// Prints a Result as an aligned text table, the way psql does, or as JSON rows.
#pragma once

#include <ostream>

#include "lingo/result.h"

namespace lingo::cli {

void print_table(const Result& result, std::ostream& out);
// An array of objects, one per row, keyed by column name (Value::to_json).
void print_json(const Result& result, std::ostream& out);

}  // namespace lingo::cli
