// The names a SELECT's expressions use for its tables, checked against what
// its FROM clause shows: see check_names in query_names.h.
#include "query_names.h"

#include <boost/container/small_vector.hpp>

#include "lingo/errors.h"

namespace lingo::detail {
namespace {

// The names one SELECT's FROM clause makes visible to its expressions, and
// the tables it shows only under an alias, inside the scopes that enclose it
// (a subquery's expressions may name the outer query's tables).
struct VisibleName {
  std::string_view name;
  mutable bool used = false;  // a column of the query is qualified by it
};
struct HiddenName {
  std::string_view table;
  std::string_view alias;
  bool model_alias;  // lingo::alias's: its columns say the alias
};
struct NameScope {
  const NameScope* outer = nullptr;
  boost::container::small_vector<VisibleName, 4> visible;
  boost::container::small_vector<HiddenName, 4> hidden;
  mutable bool opaque = false;  // raw SQL or a bare * here: which names it uses cannot be known
  [[nodiscard]] const VisibleName* find(std::string_view name) const {
    for (const auto& v : visible)
      if (v.name == name) return &v;
    return nullptr;
  }
};

void check_select_names(const SelectData& q, const NameScope* outer);

// How an error names a column or a star.
std::string describe(const ast::Node& node) {
  if (node.kind == ast::Kind::column) {
    const auto& c = static_cast<const ast::Column&>(node);
    return "column " + c.table + "." + c.name;
  }
  return static_cast<const ast::Star&>(node).table + ".*";
}

// A column (or a "table".*) qualified by `qualifier`.
void check_qualifier(const std::string& qualifier, const ast::Node& node, const NameScope& scope) {
  if (qualifier.empty()) {
    if (node.kind == ast::Kind::star) scope.opaque = true;  // a bare *
    return;
  }
  for (const NameScope* s = &scope; s != nullptr; s = s->outer)
    if (const VisibleName* v = s->find(qualifier)) {
      v->used = true;
      return;
    }
  for (const NameScope* s = &scope; s != nullptr; s = s->outer)
    for (const HiddenName& h : s->hidden)
      if (h.table == qualifier) {
        std::string message = describe(node);
        message.append(" says ").append(qualifier).append(", but this query names ").append(qualifier);
        message.append(" only as \"").append(h.alias).append("\": use the columns of lingo::alias(");
        message.append(qualifier).append(", \"").append(h.alias).append("\") instead");
        throw InterfaceError(message);
      }
  // A name no FROM here mentions is left to the server to judge.
}

void check_node_names(const ast::Node* node, const NameScope& scope) {
  if (node == nullptr) return;
  using ast::Kind;
  switch (node->kind) {
    case Kind::column:
      return check_qualifier(static_cast<const ast::Column&>(*node).table, *node, scope);
    case Kind::star:
      return check_qualifier(static_cast<const ast::Star&>(*node).table, *node, scope);
    case Kind::raw:
      scope.opaque = true;
      return;
    case Kind::unary:
      return check_node_names(static_cast<const ast::Unary&>(*node).operand.get(), scope);
    case Kind::binary: {
      const auto& b = static_cast<const ast::Binary&>(*node);
      check_node_names(b.lhs.get(), scope);
      return check_node_names(b.rhs.get(), scope);
    }
    case Kind::in_list: {
      const auto& l = static_cast<const ast::InList&>(*node);
      check_node_names(l.operand.get(), scope);
      for (const auto& item : l.items) check_node_names(item.get(), scope);
      return;
    }
    case Kind::in_select: {
      const auto& i = static_cast<const ast::InSelect&>(*node);
      check_node_names(i.operand.get(), scope);
      return check_select_names(*i.query, &scope);
    }
    case Kind::between: {
      const auto& b = static_cast<const ast::Between&>(*node);
      check_node_names(b.operand.get(), scope);
      check_node_names(b.low.get(), scope);
      return check_node_names(b.high.get(), scope);
    }
    case Kind::function:
      for (const auto& a : static_cast<const ast::Function&>(*node).args) check_node_names(a.get(), scope);
      return;
    case Kind::cast:
      return check_node_names(static_cast<const ast::Cast&>(*node).operand.get(), scope);
    case Kind::case_when: {
      const auto& c = static_cast<const ast::CaseWhen&>(*node);
      for (const auto& [when, then] : c.whens) {
        check_node_names(when.get(), scope);
        check_node_names(then.get(), scope);
      }
      return check_node_names(c.otherwise.get(), scope);
    }
    case Kind::subquery:
      return check_select_names(*static_cast<const ast::Subquery&>(*node).query, &scope);
    case Kind::exists:
      return check_select_names(*static_cast<const ast::Exists&>(*node).query, &scope);
    case Kind::alias:
      return check_node_names(static_cast<const ast::Alias&>(*node).operand.get(), scope);
    case Kind::array_index: {
      const auto& a = static_cast<const ast::ArrayIndex&>(*node);
      check_node_names(a.operand.get(), scope);
      return check_node_names(a.index.get(), scope);
    }
    case Kind::date:
      return check_node_names(static_cast<const ast::Date&>(*node).operand.get(), scope);
    default:
      return;
  }
}

// One SELECT and, through its expressions, the queries inside it.
void check_select_names(const SelectData& q, const NameScope* outer) {
  for (const auto& cte : q.ctes) check_select_names(*cte.query, outer);
  NameScope scope;
  scope.outer = outer;
  auto add = [&](const FromItem& f) {
    if (f.subquery) check_select_names(*f.subquery, outer);
    const std::string_view name = f.alias.empty() ? std::string_view(f.table) : std::string_view(f.alias);
    if (scope.find(name) != nullptr)
      throw InterfaceError("this query's FROM names " + std::string(name) +
                  " twice, so its columns could mean either: give one of them another name with "
                  "lingo::alias(table, \"name\")");
    scope.visible.push_back({name});
    if (!f.alias.empty() && !f.table.empty() && f.alias != f.table)
      scope.hidden.push_back({f.table, f.alias, f.model_alias});
  };
  if (q.from) add(*q.from);
  for (const auto& j : q.joins) add(j.target);
  for (const auto& c : q.columns) check_node_names(c.get(), scope);
  for (const auto& j : q.joins) check_node_names(j.on.get(), scope);
  check_node_names(q.where.get(), scope);
  for (const auto& g : q.group_by) check_node_names(g.get(), scope);
  check_node_names(q.having.get(), scope);
  for (const auto& o : q.order_by) check_node_names(o.expr.get(), scope);
  // A string alias beside the table's own name, which no typed column can
  // say: the user meant the alias's rows and gets the other copy's.
  for (const auto& [table, alias, model_alias] : scope.hidden)
    if (!model_alias && !scope.opaque && scope.find(table) != nullptr && !scope.find(alias)->used)
      throw InterfaceError("this query's FROM has " + std::string(table) + " twice, once as \"" + std::string(alias) +
                  "\", and no column says \"" + std::string(alias) + "\": every column of " + std::string(table) +
                  " means the other one. For columns of the alias, use lingo::alias(" + std::string(table) +
                  ", \"" + std::string(alias) + "\")");
  for (const auto& u : q.unions) check_select_names(*u.second, outer);
}

}  // namespace

void check_names(const SelectData& q) {
  check_select_names(q, nullptr);
}

void check_names(std::string_view target, std::initializer_list<const ast::Node*> nodes,
                 const std::vector<ast::NodePtr>& more) {
  NameScope scope;
  scope.visible.push_back({target});
  for (const ast::Node* node : nodes) check_node_names(node, scope);
  for (const auto& node : more) check_node_names(node.get(), scope);
}

}  // namespace lingo::detail
