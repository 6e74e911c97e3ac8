// The query builders: SELECT, INSERT, UPDATE, DELETE as data, compiled by the
// database's dialect and run with every value bound.
//
//     auto rows = db.select(account.id, account.balance)
//                   .from(account)
//                   .where(account.balance > lingo::Decimal("100") && account.owner.like("h%"))
//                   .order_by(account.balance.desc())
//                   .limit(10)
//                   .all();
//     for (const lingo::Row row : rows) use(row[account.id], row[account.balance]);
//
// Builders are values: each call changes the builder and returns it, and a
// copy is independent of the original.
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lingo/connection.h"
#include "lingo/export.h"
#include "lingo/expr.h"
#include "lingo/result.h"
#include "lingo/system_time.h"
#include "lingo/table.h"

namespace lingo {

class Database;
class Compiler;

// Where a prepared query's argument goes: params[param] takes argument
// `slot`, converted by `kind` (a custom field's to_db) when there is one.
struct LINGO_API ArgumentSlot {
  std::size_t param;
  std::size_t slot;
  const FieldKind* kind;
  ValueType type = ValueType::null;  // what the argument must be (lingo::arg<T>); null: anything
};

struct LINGO_API CompiledQuery {
  std::string sql;
  std::vector<Value> params;
  std::vector<ArgumentSlot> arguments;  // lingo::arg placeholders, for prepare()
  // What the query selects (or returns), one expression per column; null
  // for SELECT * and for statements without RETURNING. See SelectedColumns.
  std::shared_ptr<const SelectedColumns> selected;
  // What a trace reports (lingo/trace.h): the operation, the table it
  // reads or writes, and the other tables a join reads, space-separated.
  std::string_view operation{};
  std::string collection{};
  std::string joined{};
};

class PreparedQuery;

struct LINGO_API FromItem {
  std::string table;  // a table name, or the alias of a subquery
  std::string alias;
  std::shared_ptr<const SelectData> subquery;
  bool model_alias = false;  // the alias is a lingo::alias's, whose columns say it
};

enum class JoinType : std::uint8_t { inner, left, cross };

// A locking read: SELECT ... FOR UPDATE / FOR SHARE.
enum class RowLock : std::uint8_t { none, update, share };

struct LINGO_API JoinItem {
  JoinType type;
  FromItem target;
  ast::NodePtr on;
};

struct LINGO_API CommonTable {
  std::string name;
  std::shared_ptr<const SelectData> query;
};

struct LINGO_API SelectData {
  std::vector<CommonTable> ctes;
  bool distinct = false;
  std::vector<ast::NodePtr> columns;  // empty: *
  std::optional<FromItem> from;
  std::vector<JoinItem> joins;
  ast::NodePtr where;
  std::vector<ast::NodePtr> group_by;
  ast::NodePtr having;
  std::vector<Ordering> order_by;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  RowLock lock = RowLock::none;
  std::optional<SystemTime> as_of;  // AS OF SYSTEM TIME, after the FROM clause
  std::vector<std::pair<bool, std::shared_ptr<const SelectData>>> unions;  // (ALL?, query)
};

enum class ConflictAction : std::uint8_t { none, ignore, update, replace };

struct LINGO_API Assignment {
  const ColumnBase* column;
  ast::NodePtr value;
};

struct LINGO_API InsertData {
  const Table* table = nullptr;
  std::vector<const ColumnBase*> columns;
  // The rows, in one of two forms. While every cell is a plain value, the
  // values themselves, row after row (columns.size() to a row): a million-row
  // insert holds a million rows of Values and no node per cell. Once a row
  // holds an expression, every row as expressions (a value is an ast::Param).
  // At most one of the two is non-empty.
  std::vector<Value> values;
  std::vector<std::vector<ast::NodePtr>> rows;
  [[nodiscard]] std::size_t row_count() const noexcept {
    return values.empty() ? rows.size() : values.size() / columns.size();
  }
  std::shared_ptr<const SelectData> from_select;
  ConflictAction on_conflict = ConflictAction::none;
  std::vector<const ColumnBase*> conflict_target;
  std::string conflict_constraint;  // ON CONFLICT ON CONSTRAINT, instead of the target columns
  std::vector<Assignment> conflict_updates;
  ast::NodePtr conflict_where;  // DO UPDATE SET ... WHERE
  std::vector<ast::NodePtr> returning;
};

struct LINGO_API UpdateData {
  const Table* table = nullptr;
  std::vector<Assignment> assignments;
  ast::NodePtr where;
  std::vector<ast::NodePtr> returning;
};

struct LINGO_API DeleteData {
  const Table* table = nullptr;
  ast::NodePtr where;
  std::vector<ast::NodePtr> returning;
};

// What the four builders share: the database they run on and the running of it.
class LINGO_API QueryBase {
 public:
  explicit QueryBase(Database* db) noexcept : db_(db) {}
  // Runs the statement and returns every row (RETURNING rows for writes).
  [[nodiscard]] virtual Result all() const;
  Result execute() const { return all(); }
  // The result, checked to hold exactly one row: DoesNotExist on none,
  // MultipleRowsReturned on several.
  [[nodiscard]] Row one_row() const;
  [[nodiscard]] CompiledQuery compile() const;
  // Compiles once for running many times: lingo::arg<T>(n) in the query
  // stands for the n-th value passed to each run.
  //     auto by_id = db.select(a.name).from(a).where(a.id == lingo::arg<std::int64_t>(0)).prepare();
  //     lingo::Row row = by_id.one({42});
  [[nodiscard]] PreparedQuery prepare() const;
  // Queues the statement to go with the open transaction's COMMIT
  // (Database::defer): on_result, when given, gets its result (RETURNING
  // rows for writes) once it arrives.
  void defer(DeferredCallback on_result = {}) const;
  virtual ~QueryBase() = default;

 protected:
  virtual void compile_into(const Compiler& c, CompiledQuery& out) const = 0;
  // Reads are safe to run again after a lost connection (Database::execute_sql).
  [[nodiscard]] virtual Idempotence idempotence() const noexcept { return Idempotence::unknown; }
  [[nodiscard]] Database& database() const;
  Database* db_;
};

// A query compiled once (QueryBase::prepare), run with new arguments each
// time: what a hot loop should use instead of building the same query again.
// The database's driver prepares the statement on each connection once, as
// for any statement. Runs on the thread's connection, in its transaction.
class LINGO_API PreparedQuery {
 public:
  PreparedQuery(Database* db, CompiledQuery compiled, Idempotence idempotence = Idempotence::unknown);
  // Every row (RETURNING rows for writes). InterfaceError, before anything is
  // sent, when the number of arguments is not arity().
  [[nodiscard]] Result all(std::span<const Value> args) const;
  [[nodiscard]] Result all(std::initializer_list<Value> args = {}) const {
    return all(std::span<const Value>(args.begin(), args.size()));
  }
  Result execute(std::initializer_list<Value> args = {}) const { return all(args); }
  // The only row; DoesNotExist on none, MultipleRowsReturned on several.
  [[nodiscard]] Row one(std::initializer_list<Value> args = {}) const;
  // A run with these arguments as one statement of a pipeline
  // (Database::pipeline), its arguments checked and converted now, as for
  // all(). Rows of its result are read by name.
  [[nodiscard]] PipelineStatement statement(std::span<const Value> args) const;
  [[nodiscard]] PipelineStatement statement(std::initializer_list<Value> args) const {
    return statement(std::span<const Value>(args.begin(), args.size()));
  }
  // Queues a run with these arguments to go with the open transaction's
  // COMMIT (Database::defer); arguments are checked now.
  void defer(std::span<const Value> args, DeferredCallback on_result = {}) const;
  void defer(std::initializer_list<Value> args, DeferredCallback on_result = {}) const {
    defer(std::span<const Value>(args.begin(), args.size()), std::move(on_result));
  }
  [[nodiscard]] std::size_t arity() const noexcept { return arity_; }
  [[nodiscard]] const std::string& sql() const noexcept { return compiled_.sql; }

 private:
  [[nodiscard]] Result run(std::span<const Value> args) const;
  // InterfaceError or ValueError, before anything is sent, for arguments
  // that do not fit the query.
  void check(std::span<const Value> args) const;
  template <class Params>
  void bind(std::span<const Value> args, Params& params) const;

  Database* db_;
  CompiledQuery compiled_;
  std::size_t arity_ = 0;
  bool direct_ = false;  // the arguments are the parameters, in order, as given
  Idempotence idempotence_;
};

// Iterates a query's rows as they arrive (see Select::begin()).
class LINGO_API RowCursor {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Row;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Row;
  RowCursor() = default;  // the end
  explicit RowCursor(std::shared_ptr<RowStream> stream) : stream_(std::move(stream)) { advance(); }
  Row operator*() const { return stream_->row(); }
  RowCursor& operator++() {
    advance();
    return *this;
  }
  void operator++(int) { advance(); }
  friend bool operator==(const RowCursor& a, const RowCursor& b) noexcept { return a.stream_ == b.stream_; }

 private:
  void advance() {
    if (stream_ && !stream_->next()) stream_.reset();
  }
  std::shared_ptr<RowStream> stream_;
};

class LINGO_API Select : public QueryBase {
 public:
  explicit Select(Database* db, std::vector<ast::NodePtr> columns = {});

  // Each clause has two forms: on a named builder it changes it and returns
  // it; on a temporary (db.select(...).from(t)...) it returns the builder by
  // value, so that `for (Row r : db.select(...).from(t))` owns its query.
// NOLINTBEGIN(bugprone-macro-parentheses): the arguments are a declarator
// and a statement, which parentheses would break.
#define LINGO_SELECT_CLAUSE(signature, call) \
  Select& signature& {                       \
    call;                                    \
    return *this;                            \
  }                                          \
  Select signature&& {                       \
    call;                                    \
    return std::move(*this);                 \
  }
  // NOLINTEND(bugprone-macro-parentheses)
  template <class... E>
  Select& columns(const E&... exprs) & {
    mut().columns = {exprs.node()...};
    return *this;
  }
  template <class... E>
  Select columns(const E&... exprs) && {
    mut().columns = {exprs.node()...};
    return std::move(*this);
  }
  LINGO_SELECT_CLAUSE(distinct(bool on = true), mut().distinct = on)
  // A table's rows. An alias given here names the table in the SQL, but its
  // columns still say the table's name; a query that uses them is refused
  // when it is compiled. For an alias with typed columns, lingo::alias().
  LINGO_SELECT_CLAUSE(from(const Table& table, std::string alias = {}), from_table(table, std::move(alias)))
  LINGO_SELECT_CLAUSE(from(const Select& subquery, std::string alias),
                      from_subquery(subquery, std::move(alias)))
  LINGO_SELECT_CLAUSE(join(const Table& table, const TypedExpr<bool>& on, JoinType type = JoinType::inner),
                      add_join(table, on.node(), type))
  LINGO_SELECT_CLAUSE(left_join(const Table& table, const TypedExpr<bool>& on),
                      add_join(table, on.node(), JoinType::left))
  LINGO_SELECT_CLAUSE(cross_join(const Table& table), add_join(table, nullptr, JoinType::cross))
  // A historical read (CockroachDB): the rows as they were at that time.
  // Other dialects refuse it with NotSupportedError when it is compiled.
  LINGO_SELECT_CLAUSE(as_of_system_time(const SystemTime& time), mut().as_of = time)
  // Combined with AND when called again.
  LINGO_SELECT_CLAUSE(where(const TypedExpr<bool>& condition), add_where(condition.node()))
  template <class... E>
  Select& group_by(const E&... exprs) & {
    (mut().group_by.push_back(exprs.node()), ...);
    return *this;
  }
  template <class... E>
  Select group_by(const E&... exprs) && {
    (mut().group_by.push_back(exprs.node()), ...);
    return std::move(*this);
  }
  LINGO_SELECT_CLAUSE(having(const TypedExpr<bool>& condition), add_having(condition.node()))
  LINGO_SELECT_CLAUSE(order_by(std::initializer_list<Ordering> orderings),
                      mut().order_by.insert(mut().order_by.end(), orderings.begin(), orderings.end()))
  LINGO_SELECT_CLAUSE(order_by(const Ordering& ordering), mut().order_by.push_back(ordering))
  LINGO_SELECT_CLAUSE(limit(std::int64_t n), mut().limit = n)
  LINGO_SELECT_CLAUSE(offset(std::int64_t n), mut().offset = n)
  // Locking reads. SQLite has neither; CockroachDB refuses them with
  // as_of_system_time(), as a historical read cannot lock.
  LINGO_SELECT_CLAUSE(for_update(bool on = true), mut().lock = on ? RowLock::update : RowLock::none)
  LINGO_SELECT_CLAUSE(for_share(bool on = true), mut().lock = on ? RowLock::share : RowLock::none)
  LINGO_SELECT_CLAUSE(union_(const Select& other), mut().unions.emplace_back(false, other.data_))
  LINGO_SELECT_CLAUSE(union_all(const Select& other), mut().unions.emplace_back(true, other.data_))
  LINGO_SELECT_CLAUSE(with(std::string name, const Select& query),
                      mut().ctes.push_back({std::move(name), query.data()}))
#undef LINGO_SELECT_CLAUSE

  // The only row; DoesNotExist on none, MultipleRowsReturned on several.
  [[nodiscard]] Row one() const;
  // The first row, if any. Rows from one() and first() keep their result alive.
  [[nodiscard]] std::optional<Row> first() const;
  template <class T>
  [[nodiscard]] T scalar() const {
    return all().template scalar<T>();
  }
  // SELECT count(*) over this query.
  [[nodiscard]] std::int64_t count() const;
  [[nodiscard]] bool exists() const;

  // Iterating a Select streams its rows: only the current one is held, so a
  // million-row scan needs the memory of one row.
  //     for (const lingo::Row row : db.select(t.id).from(t)) ...
  // Finish (or leave) the loop before running anything else on this thread.
  [[nodiscard]] RowCursor begin() const;
  [[nodiscard]] RowCursor end() const noexcept {
    return {};
  }

  [[nodiscard]] const std::shared_ptr<const SelectData>& data() const noexcept {
    return cdata_;
  }

 private:
  void compile_into(const Compiler& c, CompiledQuery& out) const override;
  [[nodiscard]] Idempotence idempotence() const noexcept override {
    return Idempotence::idempotent;
  }
  SelectData& mut();
  void from_table(const Table& table, std::string alias);
  void from_subquery(const Select& subquery, std::string alias);
  void add_join(const Table& table, ast::NodePtr on, JoinType type);
  void add_where(ast::NodePtr condition);
  void add_having(ast::NodePtr condition);
  std::shared_ptr<SelectData> data_;
  std::shared_ptr<const SelectData> cdata_;  // the same object, for readers
};

template <class... T>
class InsertRows;
template <class... T>
class InsertWriter;

namespace detail {
// The run-time half of check_writable: a lingo::Value of a type the column
// does not hold, or an integer outside the column's range, is a ValueError
// naming the column (never the value).
LINGO_API void check_value(const ColumnBase& column, const Value& value);
// A value written to `column` (of C++ type T), as a bound parameter or an
// expression: checked at compile time, and, for a lingo::Value or an integer
// that may not fit, when it is written.
template <class T, class V>
requires(!std::is_base_of_v<Expr, V>) Value written_value(const ColumnBase& column, const V& value) {
  check_writable<T, V>();
  Value v;
  if constexpr (std::is_integral_v<V> && std::is_unsigned_v<V> && !std::is_same_v<V, bool>)
    v = Value(unsigned_to_int64(value));
  else
    v = Value(value);
  if constexpr (std::is_same_v<V, Value> || (std::is_integral_v<V> && !std::is_same_v<V, bool>))
    check_value(column, v);
  return v;
}
template <class T, class V>
ast::NodePtr written(const ColumnBase& column, const V& value) {
  if constexpr (std::is_base_of_v<Expr, V>) {
    check_writable<T, V>();
    return value.node();
  } else {
    return std::make_shared<ast::Param>(written_value<T>(column, value));
  }
}
}  // namespace detail

// ON CONFLICT ON CONSTRAINT "name": a conflict target given by the name of a
// unique constraint (PostgreSQL, CockroachDB).
struct LINGO_API ConflictConstraint {
  std::string name;
};
[[nodiscard]] inline ConflictConstraint constraint(std::string name) {
  return {std::move(name)};
}

class LINGO_API Insert : public QueryBase {
 public:
  Insert(Database* db, const Table& table);
  // One row, column by column. The value's C++ type is checked against the
  // column's at compile time (see detail::check_writable); a lingo::Value
  // is checked when it is set.
  template <class T, class V>
  Insert& set(const Column<T>& column, const V& value) {
    add_value(column, detail::written<T>(column, value));
    return *this;
  }
  // A value for a column given only as a ColumnBase (mappings use this),
  // checked against the column's type when it is set.
  Insert& set_value(const ColumnBase& column, Value value);
  // Several rows, typed: name the columns, then give each row's values in
  // that order, each checked at compile time against its column.
  //     auto q = db.insert(book).columns(book.title, book.price);
  //     q.row("Dune", lingo::Decimal("9.99")).row("Emma", 12);
  template <class... T>
  [[nodiscard]] InsertRows<T...> columns(const Column<T>&... columns) const;
  // Several rows, untyped: each value is checked against its column's type
  // when the row is added (ValueError naming the column).
  Insert& columns(std::initializer_list<const ColumnBase*> columns);
  Insert& row(std::vector<Value> values);
  Insert& from_select(std::initializer_list<const ColumnBase*> columns, const Select& query);
  // Many rows (100 or more) of plain values, with no RETURNING or ON
  // CONFLICT, go through the driver's bulk path when it has one: on
  // PostgreSQL a single COPY, all rows or none. Otherwise, or when
  // batch_size() is given, they go as multi-row INSERTs of batch_size rows,
  // by default as many as keep a statement under 30 000 parameters (SQLite
  // allows 32 766, PostgreSQL 65 535). Several batches run in one
  // transaction (the caller's, or one of their own), so a failing batch
  // leaves no earlier batch behind.
  Insert& batch_size(std::size_t rows) {
    batch_size_ = rows;
    return *this;
  }
  [[nodiscard]] Result all() const override;
  Insert& on_conflict_ignore(std::initializer_list<const ColumnBase*> target = {});
  Insert& on_conflict_ignore(ConflictConstraint target);
  Insert& on_conflict_replace();
  // ON CONFLICT (target) DO UPDATE SET ...; use excluded(column) for the proposed row's value.
  Insert& on_conflict_update(std::initializer_list<const ColumnBase*> target);
  // ON CONFLICT ON CONSTRAINT "name" DO UPDATE SET ... (not on SQLite).
  Insert& on_conflict_update(ConflictConstraint target);
  template <class T, class V>
  Insert& update_set(const Column<T>& column, const V& value) {
    data_.conflict_updates.push_back({&column, detail::written<T>(column, value)});
    return *this;
  }
  // DO UPDATE SET ... WHERE condition: the conflicting row is updated only
  // when it holds (otherwise it stays, and nothing is inserted). Combined
  // with AND when called again; only with on_conflict_update.
  Insert& on_conflict_where(const TypedExpr<bool>& condition);
  template <class... E>
  Insert& returning(const E&... exprs) {
    data_.returning = {exprs.node()...};
    return *this;
  }
  [[nodiscard]] Row one() const;
  // The generated key of a one-row insert (RETURNING the primary key), if a row was inserted.
  [[nodiscard]] std::optional<Value> execute_returning_key();
  [[nodiscard]] const InsertData& data() const noexcept { return data_; }

 protected:
  friend class RowWriter;
  // A row of nodes, or of plain values, one per column of columns(), for InsertRows.
  void add_row(std::vector<ast::NodePtr> values);
  void add_row(std::span<Value> values);

 private:
  void add_value(const ColumnBase& column, ast::NodePtr value);
  void compile_into(const Compiler& c, CompiledQuery& out) const override;
  [[nodiscard]] std::optional<Result> copy_rows() const;
  InsertData data_;
  std::size_t batch_size_ = 0;
};

// An insert of several rows whose columns were named with their types
// (Insert::columns(column, ...)): row() takes one value per column, each
// checked at compile time. Everything else is Insert's.
template <class... T>
class InsertRows : public Insert {
 public:
  explicit InsertRows(Insert base) : Insert(std::move(base)) {}
  template <class... V>
  InsertRows& row(const V&... values) {
    static_assert(sizeof...(V) == sizeof...(T),
                  "lingo: row() takes exactly one value per column named in columns()");
    if constexpr (sizeof...(V) == sizeof...(T)) {
      std::size_t c = 0;
      // A braced list evaluates left to right: each value meets its own column.
      if constexpr ((std::is_base_of_v<Expr, V> || ...)) {
        add_row({detail::written<T>(*data().columns[c++], values)...});
      } else {
        Value cells[] = {detail::written_value<T>(*data().columns[c++], values)...};
        add_row(std::span<Value>(cells));
      }
    }
    return *this;
  }
  // Insert's calls, returning the typed builder so that row() stays typed.
  InsertRows& batch_size(std::size_t rows) {
    Insert::batch_size(rows);
    return *this;
  }
  InsertRows& on_conflict_ignore(std::initializer_list<const ColumnBase*> target = {}) {
    Insert::on_conflict_ignore(target);
    return *this;
  }
  InsertRows& on_conflict_ignore(ConflictConstraint target) {
    Insert::on_conflict_ignore(std::move(target));
    return *this;
  }
  InsertRows& on_conflict_replace() {
    Insert::on_conflict_replace();
    return *this;
  }
  InsertRows& on_conflict_update(std::initializer_list<const ColumnBase*> target) {
    Insert::on_conflict_update(target);
    return *this;
  }
  InsertRows& on_conflict_update(ConflictConstraint target) {
    Insert::on_conflict_update(std::move(target));
    return *this;
  }
  template <class U, class V>
  InsertRows& update_set(const Column<U>& column, const V& value) {
    Insert::update_set(column, value);
    return *this;
  }
  InsertRows& on_conflict_where(const TypedExpr<bool>& condition) {
    Insert::on_conflict_where(condition);
    return *this;
  }
  template <class... E>
  InsertRows& returning(const E&... exprs) {
    Insert::returning(exprs...);
    return *this;
  }
  // A writer that sends rows as they are written (InsertWriter below),
  // for loads too large to build in memory first.
  [[nodiscard]] InsertWriter<T...> writer() const;
};

// Rows inserted as they are written (InsertRows::writer): where the driver
// has a bulk path (PostgreSQL's COPY) the rows go to the server in 64 KiB
// pieces while the caller produces the next ones, so building and loading
// overlap and memory stays flat; elsewhere, or with RETURNING, ON CONFLICT
// or batch_size(), the rows are kept and finish() runs the insert as
// execute() would. All rows or none either way: a writer destroyed before
// finish(), or one a value could not be sent for, inserts nothing. While a
// bulk load is open the session's connection runs nothing else
// (InterfaceError). Belongs to the session it was opened on.
class LINGO_API RowWriter {
 public:
  explicit RowWriter(Insert insert);
  RowWriter(RowWriter&&) noexcept;
  RowWriter& operator=(RowWriter&&) noexcept;
  ~RowWriter();
  // Ends the load; the number of rows inserted. InterfaceError when called twice.
  std::int64_t finish();
  // Rows written so far.
  [[nodiscard]] std::int64_t written() const noexcept { return written_; }
  // Whether rows go to the server as they are written (a bulk path), or are
  // kept for finish().
  [[nodiscard]] bool streaming() const noexcept { return load_ != nullptr; }

 protected:
  [[nodiscard]] const ColumnBase& column(std::size_t index) const { return *insert_.data_.columns[index]; }
  // One row of values, a value per column, each already checked.
  void write(std::span<Value> row);

 private:
  Insert insert_;                          // the columns, and the rows kept when not streaming
  std::unique_ptr<BulkLoad> load_;         // the driver's bulk load, when streaming
  std::vector<const FieldKind*> converts_;  // a custom field's conversion per column, or null
  std::int64_t written_ = 0;
  bool finished_ = false;
};

template <class... T>
class InsertWriter : public RowWriter {
 public:
  using RowWriter::RowWriter;
  // One row: a value per column named in columns(), each checked at compile
  // time against its column's type, as InsertRows::row checks them.
  template <class... V>
  InsertWriter& row(const V&... values) {
    static_assert(sizeof...(V) == sizeof...(T),
                  "lingo: row() takes exactly one value per column named in columns()");
    static_assert(!(std::is_base_of_v<Expr, V> || ...),
                  "lingo: a writer's rows hold values; an expression needs InsertRows::row");
    if constexpr (sizeof...(V) == sizeof...(T) && !(std::is_base_of_v<Expr, V> || ...)) {
      std::size_t c = 0;
      // A braced list evaluates left to right: each value meets its own column.
      Value cells[] = {detail::written_value<T>(column(c++), values)...};
      write(std::span<Value>(cells));
    }
    return *this;
  }
};

template <class... T>
InsertWriter<T...> InsertRows<T...>::writer() const {
  return InsertWriter<T...>(*this);
}

template <class... T>
InsertRows<T...> Insert::columns(const Column<T>&... columns) const {
  Insert typed = *this;
  typed.columns({static_cast<const ColumnBase*>(&columns)...});
  return InsertRows<T...>(std::move(typed));
}

// EXCLUDED.column: the value a conflicting insert proposed.
template <class T>
[[nodiscard]] TypedExpr<T> excluded(const Column<T>& column) {
  return TypedExpr<T>(std::make_shared<ast::Excluded>(column.name()));
}

class LINGO_API Update : public QueryBase {
 public:
  Update(Database* db, const Table& table);
  // The value's C++ type is checked against the column's at compile time.
  template <class T, class V>
  Update& set(const Column<T>& column, const V& value) {
    data_.assignments.push_back({&column, detail::written<T>(column, value)});
    return *this;
  }
  // Checked against the column's type when it is set (ValueError).
  Update& set_value(const ColumnBase& column, Value value);
  Update& where(const TypedExpr<bool>& condition);
  template <class... E>
  Update& returning(const E&... exprs) {
    data_.returning = {exprs.node()...};
    return *this;
  }
  [[nodiscard]] Row one() const;
  [[nodiscard]] const UpdateData& data() const noexcept { return data_; }

 private:
  void compile_into(const Compiler& c, CompiledQuery& out) const override;
  UpdateData data_;
};

class LINGO_API Delete : public QueryBase {
 public:
  Delete(Database* db, const Table& table);
  Delete& where(const TypedExpr<bool>& condition);
  template <class... E>
  Delete& returning(const E&... exprs) {
    data_.returning = {exprs.node()...};
    return *this;
  }
  [[nodiscard]] Row one() const;
  [[nodiscard]] const DeleteData& data() const noexcept { return data_; }

 private:
  void compile_into(const Compiler& c, CompiledQuery& out) const override;
  DeleteData data_;
};

template <class T>
TypedExpr<bool> TypedExpr<T>::in(const Select& query) const {
  return TypedExpr<bool>(std::make_shared<ast::InSelect>(node_, query.data(), false));
}
template <class T>
TypedExpr<bool> TypedExpr<T>::not_in(const Select& query) const {
  return TypedExpr<bool>(std::make_shared<ast::InSelect>(node_, query.data(), true));
}
template <class T>
TypedExpr<T> subquery(const Select& query) {
  return TypedExpr<T>(std::make_shared<ast::Subquery>(query.data()));
}

}  // namespace lingo
