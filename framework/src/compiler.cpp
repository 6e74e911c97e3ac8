#include "lingo/compiler.h"

#include <charconv>

#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/field.h"

namespace lingo {
namespace {

// The compiler a dialect gets when it does not provide its own.
const Compiler& standard_compiler() {
  static const Compiler compiler("standard SQL");
  return compiler;
}

}  // namespace

const Compiler& Dialect::compiler() const {
  return standard_compiler();
}

std::string FieldTypes::kinds() const {
  std::string out;
  for (const auto& [kind, spell] : spells_) {
    if (!out.empty()) out += ", ";
    out += kind;
  }
  return out.empty() ? "(none)" : out;
}

void Compiler::not_supported(std::string_view construct, std::string_view advice) const {
  std::string message = std::string(construct) + " is not supported by the " + dialect_ + " dialect";
  if (!advice.empty()) message += "; " + std::string(advice);
  throw_error<NotSupportedError>(std::move(message), {.sqlstate = "0A000", .dialect = dialect_});
}

void Compiler::identifier(std::string_view name, std::string& out) const {
  // Doubling the quote character is the only escape an identifier needs; a NUL
  // cannot be represented at all.
  if (name.find('\0') != std::string_view::npos) {
    throw_error<ProgrammingError>("an identifier cannot contain a NUL byte",
                                  {.sqlstate = "42602", .dialect = dialect_});
  }
  out += '"';
  // Whole runs between quote characters at a time: most names have none.
  for (std::size_t quote; (quote = name.find('"')) != std::string_view::npos; name.remove_prefix(quote + 1)) {
    out.append(name.data(), quote + 1);
    out += '"';
  }
  out.append(name);
  out += '"';
}

void Compiler::placeholder(std::size_t index, std::string& out) const {
  char buf[24];
  buf[0] = '$';
  out.append(buf, std::to_chars(buf + 1, buf + sizeof buf, index).ptr);
}

void Compiler::param(const Value& v, SqlWriter& w) const {
  w.params.push_back(v);
  placeholder(w.params.size(), w.sql);
}

const FieldKind* Compiler::kind_of(const ast::Node& node) noexcept {
  return node.kind == ast::Kind::column ? static_cast<const ast::Column&>(node).kind.get() : nullptr;
}

void Compiler::param_node(const ast::Param& p, const FieldKind* kind, SqlWriter& w) const {
  if (p.slot) {
    if (w.arguments == nullptr) {
      throw_error<InterfaceError>(
          "lingo::arg(" + std::to_string(*p.slot) +
              ") has no value here: build the query once with .prepare() and pass the arguments to "
              "each run",
          {.dialect = dialect_});
    }
    w.arguments->push_back({w.params.size(), *p.slot, kind != nullptr && kind->to_db ? kind : nullptr, p.expected});
    return param(Value{}, w);
  }
  if (kind != nullptr && kind->to_db && !p.value.is_null()) return param(kind->to_db(p.value), w);
  param(p.value, w);
}

void Compiler::value_for(const ast::Node& value, const FieldKind* kind, SqlWriter& w) const {
  if (value.kind == ast::Kind::param) return param_node(static_cast<const ast::Param&>(value), kind, w);
  expr(value, w);
}

void Compiler::expr_list(const std::vector<ast::NodePtr>& items, SqlWriter& w) const {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) w.sql += ", ";
    expr(*items[i], w);
  }
}

std::string_view Compiler::binary_operator(ast::BinaryOp op) const {
  using ast::BinaryOp;
  switch (op) {
    case BinaryOp::eq:
      return " = ";
    case BinaryOp::ne:
      return " <> ";
    case BinaryOp::lt:
      return " < ";
    case BinaryOp::le:
      return " <= ";
    case BinaryOp::gt:
      return " > ";
    case BinaryOp::ge:
      return " >= ";
    case BinaryOp::logical_and:
      return " AND ";
    case BinaryOp::logical_or:
      return " OR ";
    case BinaryOp::add:
      return " + ";
    case BinaryOp::sub:
      return " - ";
    case BinaryOp::mul:
      return " * ";
    case BinaryOp::div:
      return " / ";
    case BinaryOp::mod:
      return " % ";
    case BinaryOp::like:
      return " LIKE ";
    case BinaryOp::concat:
      return " || ";
    default:
      return {};  // ILIKE, JSON and array operators: the dialect's to give
  }
}

namespace {

std::string_view operator_name(ast::BinaryOp op) {
  using ast::BinaryOp;
  switch (op) {
    case BinaryOp::ilike:
      return "ILIKE";
    case BinaryOp::json_get:
      return "the JSON operator ->";
    case BinaryOp::json_get_text:
      return "the JSON operator ->>";
    case BinaryOp::contains:
      return "the containment operator @>";
    case BinaryOp::contained_by:
      return "the containment operator <@";
    case BinaryOp::has_key:
      return "the JSON key operator ?";
    case BinaryOp::has_any_keys:
      return "the JSON key operator ?|";
    case BinaryOp::has_all_keys:
      return "the JSON key operator ?&";
    case BinaryOp::overlaps:
      return "the array overlap operator &&";
    case BinaryOp::json_remove:
      return "the JSON delete operator -";
    case BinaryOp::json_path:
      return "the JSON path operator #>";
    case BinaryOp::json_path_text:
      return "the JSON path operator #>>";
    default:
      return "this operator";
  }
}

}  // namespace

void Compiler::binary(const ast::Binary& node, SqlWriter& w) const {
  const std::string_view op = binary_operator(node.op);
  if (op.empty()) not_supported(operator_name(node.op));
  w.sql += '(';
  value_for(*node.lhs, kind_of(*node.rhs), w);
  w.sql += op;
  value_for(*node.rhs, kind_of(*node.lhs), w);
  w.sql += ')';
}

void Compiler::function(const ast::Function& node, SqlWriter& w) const {
  w.sql += node.name;
  w.sql += '(';
  if (node.distinct) w.sql += "DISTINCT ";
  expr_list(node.args, w);
  w.sql += ')';
}

std::string Compiler::cast_type(ValueType type) const {
  switch (type) {
    case ValueType::boolean:
      return "BOOLEAN";
    case ValueType::int16:
      return "SMALLINT";
    case ValueType::int32:
      return "INTEGER";
    case ValueType::int64:
      return "BIGINT";
    case ValueType::float32:
      return "REAL";
    case ValueType::float64:
      return "DOUBLE PRECISION";
    case ValueType::decimal:
      return "NUMERIC";
    case ValueType::text:
      return "TEXT";
    case ValueType::date:
      return "DATE";
    case ValueType::time:
      return "TIME";
    case ValueType::timestamp:
      return "TIMESTAMP";
    default:
      not_supported("CAST to " + std::string(to_string(type)));
  }
}

void Compiler::cast(const ast::Cast& node, SqlWriter& w) const {
  w.sql += "CAST(";
  expr(*node.operand, w);
  w.sql += " AS ";
  w.sql += node.type_sql.empty() ? cast_type(node.type) : node.type_sql;
  w.sql += ')';
}

void Compiler::expr(const ast::Node& node, SqlWriter& w) const {
  using ast::Kind;
  switch (node.kind) {
    case Kind::column: {
      const auto& c = static_cast<const ast::Column&>(node);
      if (!c.table.empty()) {
        identifier(c.table, w.sql);
        w.sql += '.';
      }
      identifier(c.name, w.sql);
      return;
    }
    case Kind::param:
      return param_node(static_cast<const ast::Param&>(node), nullptr, w);
    case Kind::raw:
      w.sql += static_cast<const ast::Raw&>(node).sql;
      return;
    case Kind::unary: {
      const auto& u = static_cast<const ast::Unary&>(node);
      switch (u.op) {
        case ast::UnaryOp::negate:
          w.sql += "(- ";
          expr(*u.operand, w);
          w.sql += ')';
          return;
        case ast::UnaryOp::logical_not:
          w.sql += "(NOT ";
          expr(*u.operand, w);
          w.sql += ')';
          return;
        case ast::UnaryOp::is_null:
          w.sql += '(';
          expr(*u.operand, w);
          w.sql += " IS NULL)";
          return;
        case ast::UnaryOp::is_not_null:
          w.sql += '(';
          expr(*u.operand, w);
          w.sql += " IS NOT NULL)";
          return;
      }
      return;
    }
    case Kind::binary:
      return binary(static_cast<const ast::Binary&>(node), w);
    case Kind::in_list: {
      const auto& in = static_cast<const ast::InList&>(node);
      if (in.items.empty()) {  // x IN () is not SQL; it is simply false (true for NOT IN)
        w.sql += in.negated ? "(1 = 1)" : "(1 = 0)";
        return;
      }
      w.sql += '(';
      expr(*in.operand, w);
      w.sql += in.negated ? " NOT IN (" : " IN (";
      for (std::size_t i = 0; i < in.items.size(); ++i) {
        if (i) w.sql += ", ";
        value_for(*in.items[i], kind_of(*in.operand), w);
      }
      w.sql += "))";
      return;
    }
    case Kind::in_select: {
      const auto& in = static_cast<const ast::InSelect&>(node);
      w.sql += '(';
      expr(*in.operand, w);
      w.sql += in.negated ? " NOT IN (" : " IN (";
      select(*in.query, w);
      w.sql += "))";
      return;
    }
    case Kind::between: {
      const auto& b = static_cast<const ast::Between&>(node);
      w.sql += '(';
      expr(*b.operand, w);
      w.sql += " BETWEEN ";
      value_for(*b.low, kind_of(*b.operand), w);
      w.sql += " AND ";
      value_for(*b.high, kind_of(*b.operand), w);
      w.sql += ')';
      return;
    }
    case Kind::function:
      return function(static_cast<const ast::Function&>(node), w);
    case Kind::cast:
      return cast(static_cast<const ast::Cast&>(node), w);
    case Kind::case_when: {
      const auto& c = static_cast<const ast::CaseWhen&>(node);
      w.sql += "CASE";
      for (const auto& [when, then] : c.whens) {
        w.sql += " WHEN ";
        expr(*when, w);
        w.sql += " THEN ";
        expr(*then, w);
      }
      if (c.otherwise) {
        w.sql += " ELSE ";
        expr(*c.otherwise, w);
      }
      w.sql += " END";
      return;
    }
    case Kind::subquery:
      w.sql += '(';
      select(*static_cast<const ast::Subquery&>(node).query, w);
      w.sql += ')';
      return;
    case Kind::exists: {
      const auto& e = static_cast<const ast::Exists&>(node);
      w.sql += e.negated ? "(NOT EXISTS (" : "(EXISTS (";
      select(*e.query, w);
      w.sql += "))";
      return;
    }
    case Kind::star: {
      const auto& s = static_cast<const ast::Star&>(node);
      if (!s.table.empty()) {
        identifier(s.table, w.sql);
        w.sql += '.';
      }
      w.sql += '*';
      return;
    }
    case Kind::alias: {
      const auto& a = static_cast<const ast::Alias&>(node);
      expr(*a.operand, w);
      w.sql += " AS ";
      identifier(a.name, w.sql);
      return;
    }
    case Kind::array_index: {
      const auto& a = static_cast<const ast::ArrayIndex&>(node);
      // A column or another subscript takes [i] directly (grid[1][2]; a
      // parenthesised (grid[1])[2] would subscript an element); anything else
      // is wrapped first.
      const bool bare = a.operand->kind == ast::Kind::column || a.operand->kind == ast::Kind::array_index;
      if (!bare) w.sql += '(';
      expr(*a.operand, w);
      w.sql += bare ? "[" : ")[";
      expr(*a.index, w);
      w.sql += ']';
      return;
    }
    case Kind::excluded:
      w.sql += "EXCLUDED.";
      identifier(static_cast<const ast::Excluded&>(node).column, w.sql);
      return;
    case Kind::date:
      date(static_cast<const ast::Date&>(node), w);
      return;
  }
}

void Compiler::date(const ast::Date& node, SqlWriter& w) const {
  if (node.op == ast::DateOp::from_epoch) {
    w.sql += "to_timestamp(";
    expr(*node.operand, w);
    w.sql += ')';
    return;
  }
  w.sql += "EXTRACT(";
  w.sql += ast::to_string(node.part);
  w.sql += " FROM ";
  expr(*node.operand, w);
  w.sql += ')';
}

namespace ast {

std::string_view to_string(DatePart part) noexcept {
  switch (part) {
    case DatePart::year:
      return "YEAR";
    case DatePart::month:
      return "MONTH";
    case DatePart::day:
      return "DAY";
    case DatePart::hour:
      return "HOUR";
    case DatePart::minute:
      return "MINUTE";
    case DatePart::second:
      return "SECOND";
    case DatePart::epoch:
      return "EPOCH";
  }
  return "?";
}

}  // namespace ast

}  // namespace lingo
