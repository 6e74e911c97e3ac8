// Database's schema operations: tables in foreign-key order, their indexes,
// and dropping them again.
#include <algorithm>
#include <set>

#include "lingo/compiler.h"
#include "lingo/database.h"
#include "lingo/dialect.h"
#include "lingo/errors.h"

namespace lingo {
namespace {

// Orders tables so that every table comes after the tables it references
// (among those given). A cycle cannot be created in one pass; it is reported.
std::vector<const Table*> dependency_order(std::span<const Table* const> tables) {
  for (const Table* t : tables) {
    t->check();
    if (!t->alias().empty())
      throw_error<InterfaceError>("lingo::alias(" + t->name() + ", \"" + t->alias() +
                                  "\") is not a table of its own: create or drop " + t->name() + " itself");
  }
  std::vector<const Table*> pending(tables.begin(), tables.end());
  std::vector<const Table*> ordered;
  std::set<std::string> done;
  while (!pending.empty()) {
    const auto ready = std::find_if(pending.begin(), pending.end(), [&](const Table* t) {
      return std::all_of(t->columns().begin(), t->columns().end(), [&](const ColumnBase* c) {
        const auto& ref = c->field().references();
        if (!ref || ref->table == t->name() || done.count(ref->table)) return true;
        return std::none_of(pending.begin(), pending.end(),
                            [&](const Table* p) { return p->name() == ref->table; });
      });
    });
    if (ready == pending.end()) {
      std::string names;
      for (const Table* t : pending) names += (names.empty() ? "" : ", ") + t->name();
      throw_error<InterfaceError>(
          "the foreign keys of these tables form a cycle, so they cannot be created in order: " + names);
    }
    done.insert((*ready)->name());
    ordered.push_back(*ready);
    pending.erase(ready);
  }
  return ordered;
}

}  // namespace

FieldSpec Introspector::field_spec(const ColumnMetadata& /*column*/, bool /*sole_key*/) const {
  return {};
}

const Compiler& Database::compiler() const {
  return dialect().compiler();
}

void Database::create_tables(std::span<const Table* const> tables, bool safe) {
  // Every statement is compiled before the first is sent, so a table or index
  // the dialect cannot express is refused with nothing created.
  const Compiler& c = compiler();
  std::vector<std::string> statements;
  for (const Table* t : dependency_order(tables)) {
    std::vector<Value> no_params;  // DDL takes no parameters
    SqlWriter w{statements.emplace_back(), no_params};
    c.create_table(*t, {safe}, w);
    auto add_index = [&](const IndexDef& index) {
      SqlWriter iw{statements.emplace_back(), no_params};
      c.create_index(*t, index, safe, iw);
    };
    for (const ColumnBase* col : t->columns()) {
      const Field& f = col->field();
      if (f.is_indexed() && !f.is_unique() && !f.is_primary_key())
        add_index({.columns = {col}, .method = f.index_method()});
    }
    for (const IndexDef& index : t->indexes()) add_index(index);
  }
  for (const auto& sql : statements) execute_sql(sql);
}

void Database::create_index(const Table& table, const IndexDef& index, bool safe) {
  std::string sql;
  std::vector<Value> params;
  SqlWriter w{sql, params};
  compiler().create_index(table, index, safe, w);
  execute_sql(sql, std::span<const Value>(params));
}

void Database::drop_tables(std::span<const Table* const> tables, bool safe, bool cascade) {
  auto ordered = dependency_order(tables);
  std::reverse(ordered.begin(), ordered.end());
  for (const Table* t : ordered) {
    std::string sql;
    std::vector<Value> params;
    SqlWriter w{sql, params};
    compiler().drop_table(*t, safe, cascade, w);
    execute_sql(sql, std::span<const Value>(params));
  }
}

}  // namespace lingo
