#include "lingo/expr.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <string>

#include "lingo/errors.h"
#include "lingo/field.h"
#include "lingo/query.h"

namespace lingo {

void detail::check_identifier(std::string_view name, std::string_view what) {
  // Function and type names are written into the SQL, so they must be plain
  // words: letters, digits, '_' and '.'. A type name may also carry its
  // modifiers, as in "double precision", "numeric(10, 2)" or "int[]", but
  // never a quote, a semicolon or an operator.
  const bool type = what == "type name";
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [type](char c) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.') return true;
    return type && (c == ' ' || c == '(' || c == ')' || c == ',' || c == '[' || c == ']');
  });
  if (!ok) {
    // Appended piece by piece: GCC 12 at -O3 misreads "'" + std::string&& as
    // an overlapping copy (-Wrestrict, GCC bug 105651).
    std::string message = "'";
    message += name.substr(0, 60);
    message += "' is not a valid ";
    message += what;
    message += type ? " (letters, digits, '_', '.', spaces, parentheses, commas and [] only)"
                    : " (letters, digits, '_' and '.' only)";
    throw_error<ProgrammingError>(std::move(message), {.sqlstate = "42602"});
  }
}

std::int64_t detail::unsigned_to_int64(unsigned long long v) {
  if (v > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()))
    throw ValueError("the unsigned value " + std::to_string(v) +
                     " does not fit in SQL's 64-bit signed integer (at most 9223372036854775807)");
  return static_cast<std::int64_t>(v);
}

namespace {

// A custom field's from_db, applied in place: a column without one (most of
// them) keeps its value untouched, neither copied nor moved.
inline void convert_from_db(const ast::Node& node, Value& stored) {
  if (node.kind != ast::Kind::column || stored.is_null()) return;
  const auto& kind = static_cast<const ast::Column&>(node).kind;
  if (kind && kind->from_db) stored = kind->from_db(stored);
}

}  // namespace

Value detail::from_db(const ast::Node& node, Value stored) {
  convert_from_db(node, stored);
  return stored;
}

void detail::rethrow_naming(const Expr& column) {
  try {
    throw;
  } catch (const DataError& e) {
    std::string name;
    if (column.node() && column.node()->kind == ast::Kind::column) {
      const auto& c = static_cast<const ast::Column&>(*column.node());
      name = c.table.empty() ? c.name : c.table + "." + c.name;
    } else {
      name = std::string(column.result_name());
    }
    throw_error<DataError>(
        "column " + (name.empty() ? std::string("(an expression)") : name) + ": " + e.info().message,
        e.info());
  }
}

namespace {

// The table column a selected expression reads, looking through an alias
// (select(boss.name.as("b")) reads boss.name); null for anything else.
const ast::Column* column_behind(const ast::Node& node) {
  if (node.kind == ast::Kind::column) return &static_cast<const ast::Column&>(node);
  if (node.kind == ast::Kind::alias) {
    const auto& operand = *static_cast<const ast::Alias&>(node).operand;
    if (operand.kind == ast::Kind::column) return &static_cast<const ast::Column&>(operand);
  }
  return nullptr;
}

std::string qualified_name(const ast::Column& c) {
  return c.table.empty() ? c.name : c.table + "." + c.name;
}

}  // namespace

Value Row::read(const Expr& column) const {
  // A column the query selected is found by its expression; a table's column
  // the query selected in another expression (aliased, or built again) by its
  // table and name; anything else (raw SQL, an expression the query did not
  // select) by its name, refused when that name is another table's column or
  // is ambiguous, so that a read never returns the wrong column's value.
  const ast::Node* node = column.node().get();
  const ast::Column* wanted = node != nullptr && node->kind == ast::Kind::column
                                  ? &static_cast<const ast::Column&>(*node)
                                  : nullptr;
  std::size_t index = ResultSource::npos;
  const SelectedColumns* selected = selected_;
  if (selected != nullptr) {
    for (std::size_t i = 0; i < selected->size(); ++i) {
      if ((*selected)[i].get() == node) {
        index = i;
        break;
      }
    }
    if (index == ResultSource::npos && wanted != nullptr && !wanted->table.empty()) {
      for (std::size_t i = 0; i < selected->size(); ++i) {
        const ast::Column* c = column_behind(*(*selected)[i]);
        if (c != nullptr && c->table == wanted->table && c->name == wanted->name) {
          index = i;
          break;
        }
      }
    }
  }
  if (index == ResultSource::npos) {
    const std::string_view name = column.result_name();
    index = source_->find_column(name);
    if (index == ResultSource::npos) {
      (void)(*this)[name];  // throws, naming the columns there are
    }
    if (wanted != nullptr && !wanted->table.empty()) {
      const ast::Column* there = selected != nullptr ? column_behind(*(*selected)[index]) : nullptr;
      if (there != nullptr && !there->table.empty() && there->table != wanted->table)
        throw InterfaceError("row[" + qualified_name(*wanted) + "]: the query did not select " + qualified_name(*wanted) +
                   "; its column '" + std::string(name) + "' is " + qualified_name(*there));
      if (there == nullptr) {
        for (std::size_t i = index + 1; i < source_->column_count(); ++i)
          if (source_->column_name(i) == name)
            throw InterfaceError("row[" + qualified_name(*wanted) + "]: the result has several columns named '" +
                       std::string(name) + "'; select the one to read with .as(\"...\") and read that");
      }
    }
  }
  Value v = source_->value(row_, index);
  convert_from_db(*node, v);
  return v;
}

std::string_view Expr::result_name() const {
  if (!node_) return {};
  switch (node_->kind) {
    case ast::Kind::column:
      return static_cast<const ast::Column&>(*node_).name;
    case ast::Kind::alias:
      return static_cast<const ast::Alias&>(*node_).name;
    default:
      throw_error<InterfaceError>(
          "this expression has no name to read it back by; select it with .as(\"name\")");
  }
}

TypedExpr<bool> exists(const Select& query) {
  return TypedExpr<bool>(std::make_shared<ast::Exists>(query.data(), false));
}
TypedExpr<bool> not_exists(const Select& query) {
  return TypedExpr<bool>(std::make_shared<ast::Exists>(query.data(), true));
}
Expr star() {
  return Expr(std::make_shared<ast::Star>());
}

namespace fn {
TypedExpr<std::int64_t> count() {
  return TypedExpr<std::int64_t>(
      std::make_shared<ast::Function>("count", std::vector<ast::NodePtr>{std::make_shared<ast::Star>()}));
}
TypedExpr<std::int64_t> count(const Expr& x) {
  return TypedExpr<std::int64_t>(
      std::make_shared<ast::Function>("count", std::vector<ast::NodePtr>{x.node()}));
}
TypedExpr<std::int64_t> count_distinct(const Expr& x) {
  return TypedExpr<std::int64_t>(
      std::make_shared<ast::Function>("count", std::vector<ast::NodePtr>{x.node()}, true));
}
TypedExpr<TimestampTz> now() {
  return sql<TimestampTz>("CURRENT_TIMESTAMP");
}
}  // namespace fn

}  // namespace lingo
