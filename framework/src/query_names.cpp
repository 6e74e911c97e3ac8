// The names a SELECT's expressions use for its tables, checked against what
// its FROM clause shows: see check_names in query_names.h.
#include "query_names.h"

#include <boost/container/small_vector.hpp>

#include "lingo/errors.h"

namespace lingo::detail {
namespace {

[[noreturn]] void usage_error(std::string message) {
  ErrorInfo info;
  info.message = std::move(message);
  throw InterfaceError(std::move(info));
}

// The names one SELECT's FROM clause makes visible to its expressions, and
// the tables it shows only under an alias, inside the scopes that enclose it
// (a subquery's expressions may name the outer query's tables).
struct VisibleName {
  std::string_view name;
  mutable bool used = false;  // a column of the query is qualified by it
};
struct NameScope {
  const NameScope* outer = nullptr;
  boost::container::small_vector<VisibleName, 4> visible;
  boost::container::small_vector<std::pair<std::string_view, std::string_view>, 4> hidden;  // table, alias
  [[nodiscard]] const VisibleName* find(std::string_view name) const {
    for (const auto& v : visible)
      if (v.name == name) return &v;
    return nullptr;
  }
};

void check_select_names(const SelectData& q, const NameScope* outer);

void check_column_name(const ast::Column& c, const NameScope& scope) {
  if (c.table.empty()) return;
  for (const NameScope* s = &scope; s != nullptr; s = s->outer)
    if (const VisibleName* v = s->find(c.table)) {
      v->used = true;
      return;
    }
  for (const NameScope* s = &scope; s != nullptr; s = s->outer)
    for (const auto& [table, alias] : s->hidden)
      if (table == c.table)
        usage_error("column " + c.table + "." + c.name + " says " + c.table + ", but this query names " +
                    c.table + " only as \"" + std::string(alias) + "\": use the columns of lingo::alias(" +
                    c.table + ", \"" + std::string(alias) + "\") instead");
  // A name no FROM here mentions is left to the server to judge.
}

void check_node_names(const ast::Node* node, const NameScope& scope) {
  if (node == nullptr) return;
  using ast::Kind;
  switch (node->kind) {
    case Kind::column:
      return check_column_name(static_cast<const ast::Column&>(*node), scope);
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
      usage_error("this query's FROM names " + std::string(name) +
                  " twice, so its columns could mean either: give one of them another name with "
                  "lingo::alias(table, \"name\")");
    scope.visible.push_back({name});
    if (!f.alias.empty() && !f.table.empty() && f.alias != f.table) scope.hidden.emplace_back(f.table, f.alias);
  };
  if (q.from) add(*q.from);
  for (const auto& j : q.joins) add(j.target);
  for (const auto& c : q.columns) check_node_names(c.get(), scope);
  for (const auto& j : q.joins) check_node_names(j.on.get(), scope);
  check_node_names(q.where.get(), scope);
  for (const auto& g : q.group_by) check_node_names(g.get(), scope);
  check_node_names(q.having.get(), scope);
  for (const auto& o : q.order_by) check_node_names(o.expr.get(), scope);
  for (const auto& [table, alias] : scope.hidden)
    if (scope.find(table) != nullptr && !scope.find(alias)->used)
      usage_error("this query's FROM has " + std::string(table) + " twice, once as \"" + std::string(alias) +
                  "\", and no column says \"" + std::string(alias) + "\": every column of " + std::string(table) +
                  " means the other one. For columns of the alias, use lingo::alias(" + std::string(table) +
                  ", \"" + std::string(alias) + "\")");
  for (const auto& u : q.unions) check_select_names(*u.second, outer);
}

}  // namespace

void check_names(const SelectData& q) {
  check_select_names(q, nullptr);
}

}  // namespace lingo::detail
