// Checks, before a SELECT is compiled, that its columns name its tables the
// way its FROM clause shows them (core-internal).
#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>

#include "lingo/query.h"

namespace lingo::detail {

// InterfaceError for the ways a query can name a table that silently read
// the wrong rows: the same name twice in one FROM (a self-join without an
// alias); a column that says the table's name where the FROM shows the table
// only under a string alias; and a table both under its own name and under
// an alias that no column says (from(emp, "e").join(emp, ...), where every
// column of emp means the second copy). Subqueries are checked with the
// names of the queries around them in view; a name no FROM mentions is left
// to the server.
void check_names(const SelectData& q);
// The same for the expressions of an INSERT, UPDATE or DELETE on the table
// named `target` (its WHERE, SET values, RETURNING, ON CONFLICT parts): the
// target is in view of the subqueries among them.
void check_names(std::string_view target, std::initializer_list<const ast::Node*> nodes,
                 const std::vector<ast::NodePtr>& more = {});

}  // namespace lingo::detail
