// The query tree: immutable nodes that a dialect's Compiler turns into SQL
// text and a parameter list. Applications build them through Expr, Column
// and the query builders, not directly; dialects read them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lingo/export.h"
#include "lingo/value.h"

namespace lingo {
class Table;
struct SelectData;
struct FieldKind;
}  // namespace lingo

namespace lingo::ast {

enum class Kind : std::uint8_t {
  column,       // "t"."c"
  param,        // a bound value
  raw,          // SQL text from the program (defaults, function names)
  unary,        // NOT x, -x, x IS NULL, x IS NOT NULL
  binary,       // x op y
  in_list,      // x [NOT] IN (a, b, ...)
  in_select,    // x [NOT] IN (SELECT ...)
  between,      // x BETWEEN a AND b
  function,     // f(a, b), count(*), count(DISTINCT x)
  cast,         // CAST(x AS type)
  case_when,    // CASE WHEN ... THEN ... ELSE ... END
  subquery,     // (SELECT ...)
  exists,       // EXISTS (SELECT ...)
  star,         // * or "t".*
  alias,        // x AS "name"
  array_index,  // x[i] (the API is 0-based; the node holds the SQL index)
  excluded,     // EXCLUDED."c" in ON CONFLICT DO UPDATE
  date,         // a date part of x, or a timestamp from epoch seconds: spelled per dialect
};

struct LINGO_API Node {
  explicit Node(Kind k) noexcept : kind(k) {}
  virtual ~Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  const Kind kind;
};
using NodePtr = std::shared_ptr<const Node>;

struct LINGO_API Column final : Node {
  Column(std::string table_, std::string name_, std::shared_ptr<const FieldKind> kind_ = nullptr)
      : Node(Kind::column), table(std::move(table_)), name(std::move(name_)), kind(std::move(kind_)) {}
  std::string table;  // the table's name or alias; empty for an unqualified column
  std::string name;
  std::shared_ptr<const FieldKind> kind;  // an application-defined kind: values convert
};

struct LINGO_API Param final : Node {
  explicit Param(Value v) : Node(Kind::param), value(std::move(v)) {}
  // An argument of a prepared query (lingo::arg): its value comes with each
  // run, and must be of type `expected` (null: any).
  Param(Value v, std::size_t argument, ValueType expected_ = ValueType::null)
      : Node(Kind::param), value(std::move(v)), slot(argument), expected(expected_) {}
  Value value;
  std::optional<std::size_t> slot;
  ValueType expected = ValueType::null;
};

struct LINGO_API Raw final : Node {
  explicit Raw(std::string s) : Node(Kind::raw), sql(std::move(s)) {}
  std::string sql;
};

enum class UnaryOp : std::uint8_t { negate, logical_not, is_null, is_not_null };
struct LINGO_API Unary final : Node {
  Unary(UnaryOp o, NodePtr x) : Node(Kind::unary), op(o), operand(std::move(x)) {}
  UnaryOp op;
  NodePtr operand;
};

enum class BinaryOp : std::uint8_t {
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  logical_and,
  logical_or,
  add,
  sub,
  mul,
  div,
  mod,
  like,
  ilike,
  concat,
  // PostgreSQL JSONB and array operators; a dialect without them refuses them.
  json_get,        // ->
  json_get_text,   // ->>
  contains,        // @>
  contained_by,    // <@
  has_key,         // ?
  has_any_keys,    // ?|
  has_all_keys,    // ?&
  overlaps,        // &&
  json_remove,     // -
  json_path,       // #>  (the right side is a text[] of keys and indexes)
  json_path_text,  // #>>
};
struct LINGO_API Binary final : Node {
  Binary(BinaryOp o, NodePtr l, NodePtr r)
      : Node(Kind::binary), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
  BinaryOp op;
  NodePtr lhs;
  NodePtr rhs;
};

struct LINGO_API InList final : Node {
  InList(NodePtr x, std::vector<NodePtr> items_, bool negated_)
      : Node(Kind::in_list), operand(std::move(x)), items(std::move(items_)), negated(negated_) {}
  NodePtr operand;
  std::vector<NodePtr> items;
  bool negated;
};

struct LINGO_API InSelect final : Node {
  InSelect(NodePtr x, std::shared_ptr<const SelectData> q, bool negated_)
      : Node(Kind::in_select), operand(std::move(x)), query(std::move(q)), negated(negated_) {}
  NodePtr operand;
  std::shared_ptr<const SelectData> query;
  bool negated;
};

struct LINGO_API Between final : Node {
  Between(NodePtr x, NodePtr lo, NodePtr hi)
      : Node(Kind::between), operand(std::move(x)), low(std::move(lo)), high(std::move(hi)) {}
  NodePtr operand;
  NodePtr low;
  NodePtr high;
};

struct LINGO_API Function final : Node {
  Function(std::string n, std::vector<NodePtr> a, bool d = false)
      : Node(Kind::function), name(std::move(n)), args(std::move(a)), distinct(d) {}
  std::string name;  // from the program; checked to be a plain identifier
  std::vector<NodePtr> args;
  bool distinct;
};

struct LINGO_API Cast final : Node {
  Cast(NodePtr x, ValueType t, std::string type_sql_)
      : Node(Kind::cast), operand(std::move(x)), type(t), type_sql(std::move(type_sql_)) {}
  NodePtr operand;
  ValueType type;        // the target, for the dialect to spell
  std::string type_sql;  // or an explicit type name, written as given
};

struct LINGO_API CaseWhen final : Node {
  CaseWhen() : Node(Kind::case_when) {}
  std::vector<std::pair<NodePtr, NodePtr>> whens;
  NodePtr otherwise;  // may be null
};

struct LINGO_API Subquery final : Node {
  explicit Subquery(std::shared_ptr<const SelectData> q) : Node(Kind::subquery), query(std::move(q)) {}
  std::shared_ptr<const SelectData> query;
};

struct LINGO_API Exists final : Node {
  Exists(std::shared_ptr<const SelectData> q, bool negated_)
      : Node(Kind::exists), query(std::move(q)), negated(negated_) {}
  std::shared_ptr<const SelectData> query;
  bool negated;
};

struct LINGO_API Star final : Node {
  explicit Star(std::string t = {}) : Node(Kind::star), table(std::move(t)) {}
  std::string table;
};

struct LINGO_API Alias final : Node {
  Alias(NodePtr x, std::string n) : Node(Kind::alias), operand(std::move(x)), name(std::move(n)) {}
  NodePtr operand;
  std::string name;
};

struct LINGO_API ArrayIndex final : Node {
  ArrayIndex(NodePtr x, NodePtr i) : Node(Kind::array_index), operand(std::move(x)), index(std::move(i)) {}
  NodePtr operand;
  NodePtr index;  // already 1-based
};

struct LINGO_API Excluded final : Node {
  explicit Excluded(std::string c) : Node(Kind::excluded), column(std::move(c)) {}
  std::string column;
};

// The parts of a date or time that extract() reads.
enum class DatePart : std::uint8_t { year, month, day, hour, minute, second, epoch };
[[nodiscard]] LINGO_API std::string_view to_string(DatePart part) noexcept;  // "YEAR", ..., "EPOCH"

enum class DateOp : std::uint8_t { extract, from_epoch };
struct LINGO_API Date final : Node {
  Date(DateOp o, DatePart p, NodePtr x) : Node(Kind::date), op(o), part(p), operand(std::move(x)) {}
  DateOp op;
  DatePart part;  // for extract
  NodePtr operand;
};

}  // namespace lingo::ast
