#include "lingo/query.h"

#include <algorithm>
#include <utility>

#include <boost/container/small_vector.hpp>

#include "lingo/compiler.h"
#include "lingo/database.h"
#include "lingo/errors.h"
#include "query_names.h"
#include "statement_label.h"

namespace lingo {
namespace {

[[noreturn]] void usage_error(std::string message) {
  throw_error<InterfaceError>(std::move(message));
}

Row only_row(Result result, std::string_view what) {
  if (result.size() == 1) return std::move(result).owned_row(0);
  std::string message =
      std::string(what) + " expected exactly one row and got " + std::to_string(result.size());
  if (result.empty()) throw_error<DoesNotExist>(std::move(message));
  throw_error<MultipleRowsReturned>(std::move(message));
}

// A condition added to a clause that may hold one already: joined with AND
// (where(), having(), on_conflict_where() called again).
void and_into(ast::NodePtr& clause, ast::NodePtr condition) {
  clause = clause ? std::make_shared<ast::Binary>(ast::BinaryOp::logical_and, clause, std::move(condition))
                  : std::move(condition);
}

// An ON CONFLICT clause: the action, and its target as columns or as a
// constraint's name (never both).
void set_conflict(InsertData& d, ConflictAction action, std::vector<const ColumnBase*> target,
                  std::string constraint = {}) {
  d.on_conflict = action;
  d.conflict_target = std::move(target);
  d.conflict_constraint = std::move(constraint);
}

// A table a statement writes to: its model checked, and never an alias.
const Table& write_target(const Table& table, std::string_view statement) {
  table.check();
  if (!table.alias().empty())
    usage_error(std::string(statement) + " through lingo::alias(" + table.name() + ", \"" + table.alias() +
                "\") is refused: an alias is for reading; write to the table itself");
  return table;
}

// The RETURNING list as a query's selected columns (none: no RETURNING).
std::shared_ptr<const SelectedColumns> returned(const std::vector<ast::NodePtr>& returning) {
  if (returning.empty()) return nullptr;
  return std::make_shared<const SelectedColumns>(returning);
}

}  // namespace

// --- Values written to columns ---

namespace {

bool is_integer(ValueType t) {
  return t == ValueType::int16 || t == ValueType::int32 || t == ValueType::int64;
}
bool is_number(ValueType t) {
  return is_integer(t) || t == ValueType::float32 || t == ValueType::float64 || t == ValueType::decimal;
}

// Whether a value of type `v` may be written to a column holding `column`
// values, by the rules check_writable applies at compile time: integers to
// any number column, other numbers to non-integer ones, every other type only
// to its own. NULL is the server's to judge (NOT NULL).
bool writable(ValueType column, ValueType v) {
  if (v == ValueType::null || v == column) return true;
  if (is_integer(v)) return is_number(column);
  if (is_number(v)) return is_number(column) && !is_integer(column);
  return false;
}

std::string column_label(const ColumnBase& column) {
  return "column " + column.table().name() + "." + column.name();
}

}  // namespace

void detail::check_value(const ColumnBase& column, const Value& value) {
  const ValueType type = column.field().type();
  if (!writable(type, value.type())) {
    throw_error<ValueError>(column_label(column) + " holds " + std::string(to_string(type)) +
                            " values and cannot take a " + std::string(to_string(value.type())) + " value");
  }
  if ((type == ValueType::int16 || type == ValueType::int32) && is_integer(value.type())) {
    const std::int64_t v = value.as<std::int64_t>();
    const bool fits = type == ValueType::int16 ? std::in_range<std::int16_t>(v) : std::in_range<std::int32_t>(v);
    if (!fits) {
      throw_error<ValueError>(column_label(column) + " holds " + std::string(to_string(type)) +
                              " values, and the integer written to it does not fit");
    }
  }
}

Database& QueryBase::database() const {
  if (db_ == nullptr) usage_error("this query is not bound to a database");
  return *db_;
}

CompiledQuery QueryBase::compile() const {
  CompiledQuery out;
  out.sql.reserve(256);
  compile_into(database().compiler(), out);
  return out;
}

namespace {
void refuse_arguments(const CompiledQuery& q) {
  if (q.arguments.empty()) return;
  usage_error("this query holds lingo::arg(" + std::to_string(q.arguments.front().slot) +
              "): build it once with .prepare() and pass the arguments to each run");
}

}  // namespace

PreparedQuery QueryBase::prepare() const {
  return PreparedQuery(db_, compile(), idempotence());
}

PreparedQuery::PreparedQuery(Database* db, CompiledQuery compiled, Idempotence idempotence)
    : db_(db), compiled_(std::move(compiled)), idempotence_(idempotence) {
  if (db_ == nullptr) usage_error("this query is not bound to a database");
  for (const auto& a : compiled_.arguments) arity_ = std::max(arity_, a.slot + 1);
  // The usual shape, "... WHERE id = $1" or "VALUES ($1, $2)": each parameter
  // is the argument of the same number, and no field converts it. Such a
  // query sends the caller's values as they are, copying none.
  direct_ = compiled_.arguments.size() == compiled_.params.size();
  for (std::size_t i = 0; direct_ && i < compiled_.arguments.size(); ++i) {
    const ArgumentSlot& a = compiled_.arguments[i];
    direct_ = a.param == i && a.slot == i && a.kind == nullptr;
  }
}

void PreparedQuery::check(std::span<const Value> args) const {
  if (args.size() != arity_)
    usage_error("this prepared query takes " + std::to_string(arity_) + " argument(s), not " +
                std::to_string(args.size()));
  for (const ArgumentSlot& a : compiled_.arguments) {
    if (a.type != ValueType::null && !writable(a.type, args[a.slot].type())) {
      throw_error<ValueError>("argument " + std::to_string(a.slot) +
                              " of this prepared query is lingo::arg<" + std::string(to_string(a.type)) +
                              ">, and a " + std::string(to_string(args[a.slot].type())) + " value was given");
    }
  }
}

Result PreparedQuery::all(std::span<const Value> args) const {
  check(args);
  Result result = run(args);
  result.set_selected(compiled_.selected);
  return result;
}

// The statement's parameters for a run with `args`, into `params` (sized as
// compiled_.params).
template <class Params>
void PreparedQuery::bind(std::span<const Value> args, Params& params) const {
  for (const auto& a : compiled_.arguments) {
    const Value& v = args[a.slot];
    params[a.param] = a.kind != nullptr && !v.is_null() ? a.kind->to_db(v) : v;
  }
}

Result PreparedQuery::run(std::span<const Value> args) const {
  const detail::QueryLabel label(compiled_);
  if (compiled_.arguments.empty())
    return db_->execute_sql(compiled_.sql, std::span<const Value>(compiled_.params), idempotence_);
  if (direct_) return db_->execute_sql(compiled_.sql, args, idempotence_);
  // On the stack for the usual handful of parameters: a prepared query's
  // run allocates nothing of its own.
  boost::container::small_vector<Value, 8> params(compiled_.params.begin(), compiled_.params.end());
  bind(args, params);
  return db_->execute_sql(compiled_.sql, std::span<const Value>(params), idempotence_);
}

PipelineStatement PreparedQuery::statement(std::span<const Value> args) const {
  check(args);
  PipelineStatement out{compiled_.sql, {}};
  if (direct_) {
    out.params.assign(args.begin(), args.end());
  } else {
    out.params = compiled_.params;
    bind(args, out.params);
  }
  return out;
}

void PreparedQuery::defer(std::span<const Value> args, DeferredCallback on_result) const {
  PipelineStatement run = statement(args);
  if (on_result) {  // its rows read by the selected expressions, as all()'s are
    on_result = [on_result = std::move(on_result), selected = compiled_.selected](Result result) {
      result.set_selected(selected);
      on_result(std::move(result));
    };
  }
  db_->defer(std::move(run.sql), std::move(run.params), std::move(on_result));
}

void QueryBase::defer(DeferredCallback on_result) const {
  CompiledQuery q = compile();
  refuse_arguments(q);
  if (on_result) {  // its rows read by the selected expressions, as all()'s are
    on_result = [on_result = std::move(on_result), selected = std::move(q.selected)](Result result) {
      result.set_selected(selected);
      on_result(std::move(result));
    };
  }
  database().defer(std::move(q.sql), std::move(q.params), std::move(on_result));
}

Row PreparedQuery::one(std::initializer_list<Value> args) const {
  return only_row(all(args), "one()");
}

Result QueryBase::all() const {
  const CompiledQuery q = compile();
  refuse_arguments(q);
  const detail::QueryLabel label(q);
  Result result = database().execute_sql(q.sql, std::span<const Value>(q.params), idempotence());
  result.set_selected(q.selected);
  return result;
}

Row QueryBase::one_row() const {
  return only_row(all(), "one()");
}

// --- SELECT ---

Select::Select(Database* db, std::vector<ast::NodePtr> columns)
    : QueryBase(db), data_(std::make_shared<SelectData>()), cdata_(data_) {
  data_->columns = std::move(columns);
}

SelectData& Select::mut() {
  // Copies share their data until one of them changes it.
  if (data_.use_count() > 2) {  // data_ and cdata_ are ours; more means shared
    data_ = std::make_shared<SelectData>(*data_);
    cdata_ = data_;
  }
  return *data_;
}

void Select::from_table(const Table& table, std::string alias) {
  table.check();
  if (!alias.empty() && !table.alias().empty())
    usage_error("from(" + table.name() + ", \"" + alias + "\"): the table is already the alias " +
                table.alias() + "; give one name only");
  const bool model_alias = alias.empty() && !table.alias().empty();
  if (alias.empty()) alias = table.alias();
  mut().from = FromItem{table.name(), std::move(alias), nullptr, model_alias};
}

void Select::from_subquery(const Select& subquery, std::string alias) {
  if (alias.empty()) usage_error("a subquery in FROM needs an alias");
  mut().from = FromItem{{}, std::move(alias), subquery.data()};
}

void Select::add_join(const Table& table, ast::NodePtr on, JoinType type) {
  table.check();
  mut().joins.push_back({type, FromItem{table.name(), table.alias(), nullptr, !table.alias().empty()}, std::move(on)});
}

void Select::add_where(ast::NodePtr condition) {
  and_into(mut().where, std::move(condition));
}

void Select::add_having(ast::NodePtr condition) {
  and_into(mut().having, std::move(condition));
}

void Select::compile_into(const Compiler& c, CompiledQuery& out) const {
  detail::check_names(*data_);
  SqlWriter w{out.sql, out.params, &out.arguments};
  c.select(*data_, w);
  // Shares this query's data: no copy, and a later change to the query
  // copies the data first (mut()), leaving these columns as they were.
  if (!data_->columns.empty()) out.selected = {cdata_, &cdata_->columns};
  out.operation = "SELECT";
  if (data_->from && data_->from->subquery == nullptr) out.collection = data_->from->table;
  for (const JoinItem& join : data_->joins) {
    if (join.target.subquery != nullptr) continue;
    if (!out.joined.empty()) out.joined += ' ';
    out.joined += join.target.table;
  }
}

Row Select::one() const {
  return only_row(all(), "one()");
}

RowCursor Select::begin() const {
  const CompiledQuery q = compile();
  refuse_arguments(q);
  const detail::QueryLabel label(q);
  return RowCursor(database().connection().stream(q.sql, std::span<const Value>(q.params), q.selected));
}

std::optional<Row> Select::first() const {
  Select limited = *this;
  if (!data_->limit) limited.limit(1);
  const Result r = limited.all();
  if (r.empty()) return std::nullopt;
  return r.owned_row(0);
}

std::int64_t Select::count() const {
  Select outer(db_, {fn::count().node()});
  outer.from(*this, "_lingo_count");
  return outer.scalar<std::int64_t>();
}

bool Select::exists() const {
  Select probe(db_, {sql<std::int32_t>("1").node()});
  probe.mut().where = lingo::exists(*this).node();
  return !probe.all().empty();
}

// --- INSERT ---

Insert::Insert(Database* db, const Table& table) : QueryBase(db) {
  data_.table = &write_target(table, "INSERT");
}

Insert& Insert::set_value(const ColumnBase& column, Value value) {
  detail::check_value(column, value);
  add_value(column, std::make_shared<ast::Param>(std::move(value)));
  return *this;
}

namespace {

// Plain-value rows as rows of expressions (the first row that is not plain
// turns the rest into its form).
void values_to_rows(InsertData& d) {
  if (d.values.empty()) return;
  const std::size_t width = d.columns.size();
  d.rows.reserve(d.rows.size() + d.values.size() / width);
  for (std::size_t start = 0; start < d.values.size(); start += width) {
    auto& row = d.rows.emplace_back();
    row.reserve(width);
    for (std::size_t c = 0; c < width; ++c) row.push_back(std::make_shared<ast::Param>(std::move(d.values[start + c])));
  }
  d.values.clear();
}

}  // namespace

void Insert::add_value(const ColumnBase& column, ast::NodePtr value) {
  if (&column.table() != data_.table)
    usage_error("column " + column.table().name() + "." + column.name() + " is not a column of " +
                data_.table->name());
  if (data_.row_count() > 1) usage_error("set() adds to a single row; use columns() and row() for several");
  values_to_rows(data_);
  if (data_.rows.empty()) data_.rows.emplace_back();
  data_.columns.push_back(&column);
  data_.rows.back().push_back(std::move(value));
}

Insert& Insert::columns(std::initializer_list<const ColumnBase*> columns) {
  for (const ColumnBase* c : columns)
    if (&c->table() != data_.table)
      usage_error("column " + c->name() + " is not a column of " + data_.table->name());
  data_.columns = columns;
  return *this;
}

Insert& Insert::row(std::vector<Value> values) {
  if (values.size() != data_.columns.size())
    usage_error("row() got " + std::to_string(values.size()) + " values for " +
                std::to_string(data_.columns.size()) + " columns");
  for (std::size_t c = 0; c < values.size(); ++c) detail::check_value(*data_.columns[c], values[c]);
  add_row(std::span<Value>(values));
  return *this;
}

void Insert::add_row(std::vector<ast::NodePtr> values) {
  if (values.size() != data_.columns.size())
    usage_error("row() got " + std::to_string(values.size()) + " values for " +
                std::to_string(data_.columns.size()) + " columns");
  values_to_rows(data_);
  data_.rows.push_back(std::move(values));
}

void Insert::add_row(std::span<Value> values) {
  if (values.size() != data_.columns.size() || values.empty())
    usage_error("row() got " + std::to_string(values.size()) + " values for " +
                std::to_string(data_.columns.size()) + " columns");
  if (data_.rows.empty()) {
    data_.values.insert(data_.values.end(), std::make_move_iterator(values.begin()),
                        std::make_move_iterator(values.end()));
    return;
  }
  auto& row = data_.rows.emplace_back();
  row.reserve(values.size());
  for (auto& v : values) row.push_back(std::make_shared<ast::Param>(std::move(v)));
}

Insert& Insert::from_select(std::initializer_list<const ColumnBase*> columns, const Select& query) {
  data_.columns = columns;
  data_.from_select = query.data();
  return *this;
}

Insert& Insert::on_conflict_ignore(std::initializer_list<const ColumnBase*> target) {
  set_conflict(data_, ConflictAction::ignore, target);
  return *this;
}

Insert& Insert::on_conflict_replace() {
  set_conflict(data_, ConflictAction::replace, data_.table->primary_key());
  return *this;
}

Insert& Insert::on_conflict_update(std::initializer_list<const ColumnBase*> target) {
  set_conflict(data_, ConflictAction::update, target);
  return *this;
}

Insert& Insert::on_conflict_update(ConflictConstraint target) {
  if (target.name.empty()) usage_error("on_conflict_update(lingo::constraint(name)) needs a constraint name");
  set_conflict(data_, ConflictAction::update, {}, std::move(target.name));
  return *this;
}

Insert& Insert::on_conflict_ignore(ConflictConstraint target) {
  if (target.name.empty()) usage_error("on_conflict_ignore(lingo::constraint(name)) needs a constraint name");
  set_conflict(data_, ConflictAction::ignore, {}, std::move(target.name));
  return *this;
}

Insert& Insert::on_conflict_where(const TypedExpr<bool>& condition) {
  and_into(data_.conflict_where, condition.node());
  return *this;
}

namespace {

constexpr std::size_t kMaxParamsPerStatement = 30000;
// Below this many rows one multi-row INSERT (one round trip) beats COPY (two).
constexpr std::size_t kCopyMinRows = 100;

// The results of several statements seen as one (the RETURNING rows of a
// batched insert, in order).
class ConcatenatedResult final : public ResultSource {
 public:
  ConcatenatedResult(std::vector<Result> parts, std::int64_t affected)
      : parts_(std::move(parts)), affected_(affected) {
    for (const auto& p : parts_) rows_ += p.size();
  }
  std::size_t row_count() const noexcept override { return rows_; }
  std::size_t column_count() const noexcept override {
    return parts_.empty() ? 0 : parts_.front().column_count();
  }
  std::string_view column_name(std::size_t c) const override { return parts_.front().column_name(c); }
  ValueType column_type(std::size_t c) const override { return parts_.front().column_type(c); }
  bool is_null(std::size_t row, std::size_t c) const override { return locate(row).is_null(c); }
  Value value(std::size_t row, std::size_t c) const override { return locate(row)[c]; }
  std::int64_t rows_affected() const noexcept override { return affected_; }

 private:
  Row locate(std::size_t row) const {
    for (const auto& p : parts_) {
      if (row < p.size()) return p[row];
      row -= p.size();
    }
    return parts_.back()[row];  // out of range: Result reports it
  }
  std::vector<Result> parts_;
  std::size_t rows_ = 0;
  std::int64_t affected_;
};

}  // namespace

// Many plain rows go through the driver's bulk path when it has one
// (PostgreSQL: COPY), which is several times faster than multi-row INSERTs.
// Only plain values qualify: no RETURNING, no ON CONFLICT, no SELECT, every
// cell a parameter, and no batch_size() asked for (that asks for INSERTs).
// Returns nullopt when the rows must go by INSERT.
std::optional<Result> Insert::copy_rows() const {
  if (data_.row_count() < kCopyMinRows || batch_size_ > 0 || data_.columns.empty() || data_.from_select ||
      !data_.returning.empty() || data_.on_conflict != ConflictAction::none)
    return std::nullopt;
  // The custom fields' conversions, per column; only their results are stored.
  std::vector<const FieldKind*> converts(data_.columns.size(), nullptr);
  std::size_t converting = 0;
  for (std::size_t c = 0; c < converts.size(); ++c) {
    const FieldKind* kind = data_.columns[c]->field().custom().get();
    if (kind != nullptr && kind->to_db) {
      converts[c] = kind;
      ++converting;
    }
  }
  const std::size_t width = data_.columns.size();
  std::vector<const Value*> cells;
  cells.reserve(data_.row_count() * width);
  std::vector<Value> converted;  // reserved in full, so the pointers into it stay put
  converted.reserve(data_.row_count() * converting);
  auto add = [&](const Value& v, std::size_t c) {
    if (const FieldKind* kind = converts[c]; kind != nullptr && !v.is_null()) {
      cells.push_back(&converted.emplace_back(kind->to_db(v)));
    } else {
      cells.push_back(&v);
    }
  };
  for (std::size_t i = 0; i < data_.values.size(); ++i) add(data_.values[i], i % width);
  for (const auto& row : data_.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (row[c]->kind != ast::Kind::param || static_cast<const ast::Param&>(*row[c]).slot)
        return std::nullopt;
      add(static_cast<const ast::Param&>(*row[c]).value, c);
    }
  }
  Database& db = database();
  std::string target;
  db.compiler().insert_target(data_, target);
  const auto loaded = db.connection().copy_rows(target, data_.columns.size(), cells);
  if (!loaded) return std::nullopt;
  return Result(std::make_shared<ConcatenatedResult>(std::vector<Result>{}, *loaded));
}

RowWriter::RowWriter(Insert insert) : insert_(std::move(insert)) {
  const InsertData& d = insert_.data_;
  if (d.columns.empty()) usage_error("writer(): name the columns first (columns(column, ...))");
  if (d.row_count() != 0 || d.from_select)
    usage_error("writer(): the insert already holds rows; a writer starts from columns() alone");
  converts_.assign(d.columns.size(), nullptr);
  for (std::size_t c = 0; c < d.columns.size(); ++c) {
    const FieldKind* kind = d.columns[c]->field().custom().get();
    if (kind != nullptr && kind->to_db) converts_[c] = kind;
  }
  if (insert_.batch_size_ > 0 || !d.returning.empty() || d.on_conflict != ConflictAction::none) return;
  Database& db = insert_.database();
  std::string target;
  db.compiler().insert_target(d, target);
  load_ = db.connection().bulk_load(target, d.columns.size());
}

RowWriter::RowWriter(RowWriter&&) noexcept = default;
RowWriter& RowWriter::operator=(RowWriter&&) noexcept = default;
RowWriter::~RowWriter() = default;  // an open load is abandoned: nothing inserted

void RowWriter::write(std::span<Value> row) {
  if (finished_) usage_error("this writer has finished");
  if (load_ == nullptr) {
    insert_.add_row(row);
    ++written_;
    return;
  }
  boost::container::small_vector<const Value*, 8> cells;
  for (std::size_t c = 0; c < row.size(); ++c) {
    if (const FieldKind* kind = converts_[c]; kind != nullptr && !row[c].is_null()) row[c] = kind->to_db(row[c]);
    cells.push_back(&row[c]);
  }
  load_->add(cells);
  ++written_;
}

std::int64_t RowWriter::finish() {
  if (finished_) usage_error("this writer has finished");
  finished_ = true;
  if (load_ != nullptr) {
    const std::unique_ptr<BulkLoad> load = std::move(load_);
    return load->finish();
  }
  if (written_ == 0) return 0;
  return insert_.execute().rows_affected();
}

Result Insert::all() const {
  if (auto copied = copy_rows()) return std::move(*copied);
  const std::size_t per_row = std::max<std::size_t>(1, data_.columns.size());
  const std::size_t batch =
      batch_size_ > 0 ? batch_size_ : std::max<std::size_t>(1, kMaxParamsPerStatement / per_row);
  const std::size_t rows = data_.row_count();
  if (rows <= batch) return QueryBase::all();

  Database& db = database();
  const Compiler& compiler = db.compiler();
  auto insert_batches = [&] {
    std::vector<Result> parts;
    std::int64_t affected = 0;
    InsertData part;
    part.table = data_.table;
    part.columns = data_.columns;
    part.on_conflict = data_.on_conflict;
    part.conflict_target = data_.conflict_target;
    part.conflict_constraint = data_.conflict_constraint;
    part.conflict_updates = data_.conflict_updates;
    part.conflict_where = data_.conflict_where;
    part.returning = data_.returning;
    for (std::size_t start = 0; start < rows; start += batch) {
      const std::size_t count = std::min(batch, rows - start);
      if (data_.values.empty()) {
        const auto first = data_.rows.begin() + static_cast<std::ptrdiff_t>(start);
        part.rows.assign(first, first + static_cast<std::ptrdiff_t>(count));
      } else {
        const auto first = data_.values.begin() + static_cast<std::ptrdiff_t>(start * per_row);
        part.values.assign(first, first + static_cast<std::ptrdiff_t>(count * per_row));
      }
      CompiledQuery q;
      SqlWriter w{q.sql, q.params, &q.arguments};
      compiler.insert(part, w);
      refuse_arguments(q);
      q.operation = "INSERT";
      q.collection = data_.table->name();
      const detail::QueryLabel label(q);
      parts.push_back(db.execute_sql(q.sql, std::span<const Value>(q.params)));
      affected += std::max<std::int64_t>(0, parts.back().rows_affected());
    }
    return Result(std::make_shared<ConcatenatedResult>(std::move(parts), affected));
  };
  // All batches or none: in a transaction() block, which folds into one the
  // caller has open. A transaction the caller began by hand is theirs.
  if (db.connection().transaction_status() != TransactionStatus::idle) return insert_batches();
  return db.transaction(insert_batches);
}

void Insert::compile_into(const Compiler& c, CompiledQuery& out) const {
  if (data_.conflict_where && data_.on_conflict != ConflictAction::update)
    usage_error("on_conflict_where() belongs to on_conflict_update(): it is DO UPDATE SET ... WHERE");
  if (data_.from_select) detail::check_names(*data_.from_select);
  detail::check_names(data_.table->name(), {data_.conflict_where.get()}, data_.returning);
  for (const Assignment& a : data_.conflict_updates) detail::check_names(data_.table->name(), {a.value.get()});
  SqlWriter w{out.sql, out.params, &out.arguments};
  c.insert(data_, w);
  out.selected = returned(data_.returning);
  out.operation = "INSERT";
  out.collection = data_.table->name();
}

Row Insert::one() const {
  return only_row(all(), "one()");
}

std::optional<Value> Insert::execute_returning_key() {
  const auto key = data_.table->primary_key();
  if (key.size() != 1) usage_error("execute_returning_key() needs a table with a single-column primary key");
  data_.returning = {std::make_shared<ast::Column>(std::string{}, key[0]->name())};
  const Result r = all();
  if (r.empty()) return std::nullopt;  // a conflict was ignored
  return r[0][0];
}

// --- UPDATE / DELETE ---

Update::Update(Database* db, const Table& table) : QueryBase(db) {
  data_.table = &write_target(table, "UPDATE");
}

Update& Update::set_value(const ColumnBase& column, Value value) {
  detail::check_value(column, value);
  data_.assignments.push_back({&column, std::make_shared<ast::Param>(std::move(value))});
  return *this;
}

Update& Update::where(const TypedExpr<bool>& condition) {
  and_into(data_.where, condition.node());
  return *this;
}

void Update::compile_into(const Compiler& c, CompiledQuery& out) const {
  detail::check_names(data_.table->name(), {data_.where.get()}, data_.returning);
  for (const Assignment& a : data_.assignments) detail::check_names(data_.table->name(), {a.value.get()});
  SqlWriter w{out.sql, out.params, &out.arguments};
  c.update(data_, w);
  out.selected = returned(data_.returning);
  out.operation = "UPDATE";
  out.collection = data_.table->name();
}

Row Update::one() const {
  return only_row(all(), "one()");
}

Delete::Delete(Database* db, const Table& table) : QueryBase(db) {
  data_.table = &write_target(table, "DELETE");
}

Delete& Delete::where(const TypedExpr<bool>& condition) {
  and_into(data_.where, condition.node());
  return *this;
}

void Delete::compile_into(const Compiler& c, CompiledQuery& out) const {
  detail::check_names(data_.table->name(), {data_.where.get()}, data_.returning);
  SqlWriter w{out.sql, out.params, &out.arguments};
  c.remove(data_, w);
  out.selected = returned(data_.returning);
  out.operation = "DELETE";
  out.collection = data_.table->name();
}

Row Delete::one() const {
  return only_row(all(), "one()");
}

}  // namespace lingo
