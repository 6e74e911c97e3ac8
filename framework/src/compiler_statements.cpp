// The statement-level half of the standard compiler: SELECT, INSERT, UPDATE,
// DELETE. Expressions are in compiler.cpp, DDL in compiler_schema.cpp.
#include <charconv>

#include "lingo/compiler.h"
#include "lingo/errors.h"

namespace lingo {
namespace {

void append_int(std::int64_t v, std::string& out) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

}  // namespace

void Compiler::qualified(const ColumnBase& c, SqlWriter& w) const {
  identifier(c.name(), w.sql);
}

void Compiler::limit_offset(const SelectData& q, SqlWriter& w) const {
  if (q.limit) {
    w.sql += " LIMIT ";
    append_int(*q.limit, w.sql);
  }
  if (q.offset) {
    w.sql += " OFFSET ";
    append_int(*q.offset, w.sql);
  }
}

void Compiler::locking(const SelectData& q, SqlWriter& w) const {
  w.sql += q.lock == RowLock::share ? " FOR SHARE" : " FOR UPDATE";
}

void Compiler::select(const SelectData& q, SqlWriter& w) const {
  if (!q.ctes.empty()) {
    w.sql += "WITH ";
    for (std::size_t i = 0; i < q.ctes.size(); ++i) {
      if (i) w.sql += ", ";
      identifier(q.ctes[i].name, w.sql);
      w.sql += " AS (";
      select(*q.ctes[i].query, w);
      w.sql += ')';
    }
    w.sql += ' ';
  }
  const bool compound = !q.unions.empty();
  const bool parens = compound && parenthesize_compound();
  if (parens) w.sql += '(';
  w.sql += q.distinct ? "SELECT DISTINCT " : "SELECT ";
  if (q.columns.empty())
    w.sql += '*';
  else
    expr_list(q.columns, w);
  auto from_item = [&](const FromItem& f) {
    if (f.subquery) {
      w.sql += '(';
      select(*f.subquery, w);
      w.sql += ')';
    } else {
      identifier(f.table, w.sql);
    }
    if (!f.alias.empty()) {
      w.sql += " AS ";
      identifier(f.alias, w.sql);
    }
  };
  if (q.from) {
    w.sql += " FROM ";
    from_item(*q.from);
  }
  for (const auto& j : q.joins) {
    w.sql += j.type == JoinType::inner  ? " INNER JOIN "
             : j.type == JoinType::left ? " LEFT OUTER JOIN "
                                        : " CROSS JOIN ";
    from_item(j.target);
    if (j.on) {
      w.sql += " ON ";
      expr(*j.on, w);
    }
  }
  if (q.as_of) as_of_system_time(*q.as_of, w);
  if (q.where) {
    w.sql += " WHERE ";
    expr(*q.where, w);
  }
  if (!q.group_by.empty()) {
    w.sql += " GROUP BY ";
    expr_list(q.group_by, w);
  }
  if (q.having) {
    w.sql += " HAVING ";
    expr(*q.having, w);
  }
  auto order_limit = [&] {
    if (!q.order_by.empty()) {
      w.sql += " ORDER BY ";
      for (std::size_t i = 0; i < q.order_by.size(); ++i) {
        if (i) w.sql += ", ";
        // A compound select is ordered by its result columns, named bare.
        const ast::Node& item = *q.order_by[i].expr;
        if (compound && item.kind == ast::Kind::column)
          identifier(static_cast<const ast::Column&>(item).name, w.sql);
        else
          expr(item, w);
        if (q.order_by[i].descending) w.sql += " DESC";
        if (q.order_by[i].nulls == Ordering::Nulls::first) w.sql += " NULLS FIRST";
        if (q.order_by[i].nulls == Ordering::Nulls::last) w.sql += " NULLS LAST";
      }
    }
    limit_offset(q, w);
  };
  if (compound) {
    // ORDER BY and LIMIT of a compound select apply to the whole of it.
    if (parens) w.sql += ')';
    for (const auto& [all, other] : q.unions) {
      w.sql += all ? " UNION ALL " : " UNION ";
      if (parens) w.sql += '(';
      select(*other, w);
      if (parens) w.sql += ')';
    }
  }
  order_limit();
  if (q.lock != RowLock::none) locking(q, w);
}

void Compiler::as_of_system_time(const SystemTime& /*time*/, SqlWriter& /*w*/) const {
  not_supported("AS OF SYSTEM TIME", "historical reads are CockroachDB's");
}

void Compiler::returning(const std::vector<ast::NodePtr>& columns, SqlWriter& w) const {
  if (columns.empty()) return;
  if (!supports_returning()) not_supported("RETURNING");
  w.sql += " RETURNING ";
  expr_list(columns, w);
}

void Compiler::on_conflict(const InsertData& q, SqlWriter& w) const {
  auto target = [&] {
    if (!q.conflict_constraint.empty()) {
      w.sql += " ON CONSTRAINT ";
      identifier(q.conflict_constraint, w.sql);
      return;
    }
    if (q.conflict_target.empty()) return;
    w.sql += " (";
    for (std::size_t i = 0; i < q.conflict_target.size(); ++i) {
      if (i) w.sql += ", ";
      identifier(q.conflict_target[i]->name(), w.sql);
    }
    w.sql += ')';
  };
  switch (q.on_conflict) {
    case ConflictAction::none:
      return;
    case ConflictAction::ignore:
      w.sql += " ON CONFLICT";
      target();
      w.sql += " DO NOTHING";
      return;
    case ConflictAction::update:
    case ConflictAction::replace: {
      if (q.conflict_target.empty() && q.conflict_constraint.empty())
        not_supported("ON CONFLICT ... DO UPDATE without conflict columns",
                      "name the unique columns the conflict is on");
      w.sql += " ON CONFLICT";
      target();
      w.sql += " DO UPDATE SET ";
      if (q.on_conflict == ConflictAction::replace) {
        // Replace: every inserted column takes the proposed value.
        bool first = true;
        for (const ColumnBase* c : q.columns) {
          if (!first) w.sql += ", ";
          first = false;
          identifier(c->name(), w.sql);
          w.sql += " = EXCLUDED.";
          identifier(c->name(), w.sql);
        }
        return;
      }
      for (std::size_t i = 0; i < q.conflict_updates.size(); ++i) {
        if (i) w.sql += ", ";
        identifier(q.conflict_updates[i].column->name(), w.sql);
        w.sql += " = ";
        value_for(*q.conflict_updates[i].value, q.conflict_updates[i].column->field().custom().get(), w);
      }
      if (q.conflict_where) {
        w.sql += " WHERE ";
        expr(*q.conflict_where, w);
      }
      return;
    }
  }
}

void Compiler::insert_target(const InsertData& q, std::string& out) const {
  identifier(q.table->name(), out);
  if (q.columns.empty()) return;
  out += " (";
  for (std::size_t i = 0; i < q.columns.size(); ++i) {
    if (i) out += ", ";
    identifier(q.columns[i]->name(), out);
  }
  out += ')';
}

void Compiler::insert(const InsertData& q, SqlWriter& w) const {
  w.sql += "INSERT INTO ";
  insert_target(q, w.sql);
  if (q.from_select) {
    w.sql += ' ';
    select(*q.from_select, w);
  } else if (q.row_count() == 0 || q.columns.empty()) {
    w.sql += " DEFAULT VALUES";
  } else {
    w.sql += " VALUES ";
    const std::size_t width = q.columns.size();
    for (std::size_t i = 0; i < q.values.size(); ++i) {  // plain values, row after row
      const std::size_t c = i % width;
      if (c == 0) w.sql += i == 0 ? "(" : "), (";
      else w.sql += ", ";
      const FieldKind* kind = q.columns[c]->field().custom().get();
      const Value& v = q.values[i];
      param(kind != nullptr && kind->to_db && !v.is_null() ? kind->to_db(v) : v, w);
      if (i + 1 == q.values.size()) w.sql += ')';
    }
    for (std::size_t r = 0; r < q.rows.size(); ++r) {
      if (r) w.sql += ", ";
      w.sql += '(';
      for (std::size_t c = 0; c < q.rows[r].size(); ++c) {
        if (c) w.sql += ", ";
        value_for(*q.rows[r][c], c < q.columns.size() ? q.columns[c]->field().custom().get() : nullptr, w);
      }
      w.sql += ')';
    }
  }
  on_conflict(q, w);
  returning(q.returning, w);
}

void Compiler::update(const UpdateData& q, SqlWriter& w) const {
  if (q.assignments.empty()) not_supported("UPDATE with nothing to set", "call set() at least once");
  w.sql += "UPDATE ";
  identifier(q.table->name(), w.sql);
  w.sql += " SET ";
  for (std::size_t i = 0; i < q.assignments.size(); ++i) {
    if (i) w.sql += ", ";
    identifier(q.assignments[i].column->name(), w.sql);
    w.sql += " = ";
    value_for(*q.assignments[i].value, q.assignments[i].column->field().custom().get(), w);
  }
  if (q.where) {
    w.sql += " WHERE ";
    expr(*q.where, w);
  }
  returning(q.returning, w);
}

void Compiler::remove(const DeleteData& q, SqlWriter& w) const {
  w.sql += "DELETE FROM ";
  identifier(q.table->name(), w.sql);
  if (q.where) {
    w.sql += " WHERE ";
    expr(*q.where, w);
  }
  returning(q.returning, w);
}

}  // namespace lingo
