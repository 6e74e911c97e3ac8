// Expressions: typed handles over the query tree.
//
// TypedExpr<T> is an expression whose SQL value reads back as T. Operators on
// it build new nodes; values on either side become bound parameters, never
// SQL text:
//
//     account.balance - amount            TypedExpr<Decimal>
//     account.id == 7 && !account.closed  TypedExpr<bool>
//     account.owner.like("h%")            TypedExpr<bool>
//     account.closed_at == std::nullopt   renders IS NULL
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "lingo/ast.h"
#include "lingo/export.h"
#include "lingo/result.h"
#include "lingo/value.h"

namespace lingo {

class Select;
template <class T>
class TypedExpr;

class Expr;

// ORDER BY item: an expression, its direction and where NULLs go. An
// expression on its own orders ascending, as in peewee: order_by(item.id).
struct LINGO_API Ordering {
  enum class Nulls : std::uint8_t { unspecified, first, last };
  Ordering() = default;
  Ordering(ast::NodePtr e, bool desc, Nulls n = Nulls::unspecified) noexcept
      : expr(std::move(e)), descending(desc), nulls(n) {}
  Ordering(const Expr& e);  // NOLINT(google-explicit-constructor): ascending
  ast::NodePtr expr;
  bool descending = false;
  Nulls nulls = Nulls::unspecified;
  Ordering nulls_first() const {
    Ordering o = *this;
    o.nulls = Nulls::first;
    return o;
  }
  Ordering nulls_last() const {
    Ordering o = *this;
    o.nulls = Nulls::last;
    return o;
  }
};

// An expression of no particular C++ type.
class LINGO_API Expr {
 public:
  Expr() = default;
  explicit Expr(ast::NodePtr node) noexcept : node_(std::move(node)) {}
  [[nodiscard]] const ast::NodePtr& node() const noexcept { return node_; }
  [[nodiscard]] Ordering asc() const { return {node_, false}; }
  [[nodiscard]] Ordering desc() const { return {node_, true}; }
  // The name a selected expression is read back by ("AS name").
  [[nodiscard]] std::string_view result_name() const;  // points into the node: no copy per read

 protected:
  ast::NodePtr node_;
};

inline Ordering::Ordering(const Expr& e) : expr(e.node()) {}

namespace detail {

template <class T>
struct strip_optional {
  using type = T;
};
template <class T>
struct strip_optional<std::optional<T>> {
  using type = T;
};

// An unsigned integer as SQL's signed 64-bit one; ValueError when it does not fit.
LINGO_API std::int64_t unsigned_to_int64(unsigned long long v);

template <class V>
ast::NodePtr operand(const V& v) {
  if constexpr (std::is_base_of_v<Expr, V>)
    return v.node();
  else if constexpr (std::is_integral_v<V> && std::is_unsigned_v<V> && !std::is_same_v<V, bool>)
    return std::make_shared<ast::Param>(Value(unsigned_to_int64(v)));
  else
    return std::make_shared<ast::Param>(Value(v));
}

// A typed expression: a TypedExpr, a Column or an Argument.
template <class E>
concept typed_expression = std::is_base_of_v<Expr, E> && requires {
  typename E::value_type;
};

// What a C++ type is on the SQL side, for checking comparisons at compile
// time: numbers compare with numbers, text with text, and every other type
// only with itself. Value, a JSON value and a raw sql<>() fragment are
// checked by the server instead.
enum class Family : std::uint8_t { any, boolean, number, text, other };
template <class T>
constexpr Family family_of() {
  using U = std::remove_cvref_t<typename strip_optional<std::remove_cvref_t<T>>::type>;
  if constexpr (std::is_same_v<U, Value> || std::is_same_v<U, boost::json::value> ||
                std::is_same_v<U, std::nullopt_t> || std::is_same_v<U, std::nullptr_t> ||
                std::is_base_of_v<Expr, U>)  // an expression of no particular type
    return Family::any;
  else if constexpr (std::is_same_v<U, bool>)
    return Family::boolean;
  else if constexpr (std::is_arithmetic_v<U> || std::is_same_v<U, Decimal>)
    return Family::number;
  else if constexpr (std::is_same_v<U, std::string> || std::is_same_v<U, std::string_view> ||
                     std::is_same_v<std::decay_t<U>, const char*> || std::is_same_v<std::decay_t<U>, char*>)
    return Family::text;
  else
    return Family::other;
}
template <class T, class V>
constexpr bool comparable() {
  using A = std::remove_cvref_t<typename strip_optional<std::remove_cvref_t<T>>::type>;
  using B = std::remove_cvref_t<typename strip_optional<std::remove_cvref_t<V>>::type>;
  constexpr Family a = family_of<A>(), b = family_of<B>();
  if constexpr (a == Family::any || b == Family::any) return true;
  if constexpr (a == Family::other || b == Family::other) return std::is_same_v<A, B>;
  return a == b;
}
// The C++ type an operand is compared as: an expression's value type, or the value's own.
template <class V>
struct compared_type {
  using type = V;
};
template <typed_expression E>
struct compared_type<E> {
  using type = typename E::value_type;
};

template <class V>
constexpr bool is_null_literal = std::is_same_v<V, std::nullopt_t> || std::is_same_v<V, std::nullptr_t>;

// Checks at compile time that a value (or an expression) of C++ type V may
// be written into a column of C++ type T: insert set() and row(), update
// set(). Each refusal says what to do instead.
template <class T, class V>
constexpr void check_writable() {
  using W = typename compared_type<std::remove_cvref_t<V>>::type;
  using A = std::remove_cvref_t<typename strip_optional<T>::type>;
  using B = std::remove_cvref_t<typename strip_optional<std::remove_cvref_t<W>>::type>;
  constexpr bool column_nullable = optional_traits<T>::is_optional;
  if constexpr (!std::is_base_of_v<Expr, std::remove_cvref_t<V>>) {
    static_assert(column_nullable || !is_null_literal<std::remove_cvref_t<V>>,
                  "lingo: NULL written to a NOT NULL column (its C++ type T is not std::optional): give it a "
                  "value, or declare the field .null() and the column Column<std::optional<...>>");
    static_assert(column_nullable || !optional_traits<std::remove_cvref_t<V>>::is_optional,
                  "lingo: a std::optional value written to a NOT NULL column (its C++ type T is not "
                  "std::optional): pass the value itself, having checked that it is there");
  }
  static_assert(comparable<A, B>(),
                "lingo: this value cannot be written to this column: the column's C++ type (T in this "
                "instantiation) and the value's (V) are not both numbers, both text, or the same type. "
                "Convert the value first");
  if constexpr (std::is_same_v<A, boost::json::value>)
    static_assert(std::is_same_v<B, boost::json::value> || std::is_same_v<B, Value> || is_null_literal<B> ||
                      std::is_base_of_v<Expr, B>,
                  "lingo: a JSON column (T in this instantiation) takes a boost::json::value: parse text "
                  "with boost::json::parse, or build the document");
  if constexpr (std::is_integral_v<A> && !std::is_same_v<A, bool>)
    static_assert(!std::is_floating_point_v<B> && !std::is_same_v<B, Decimal>,
                  "lingo: a floating-point or Decimal value written to an integer column (T in this "
                  "instantiation): round or convert it to an integer first");
}

template <class R>
TypedExpr<R> binary(ast::BinaryOp op, ast::NodePtr l, ast::NodePtr r) {
  return TypedExpr<R>(std::make_shared<ast::Binary>(op, std::move(l), std::move(r)));
}

// Checks a function or type name written into SQL as text.
LINGO_API void check_identifier(std::string_view name, std::string_view what);

}  // namespace detail

template <class T>
class TypedExpr : public Expr {
 public:
  using value_type = T;
  TypedExpr() = default;
  explicit TypedExpr(ast::NodePtr node) noexcept : Expr(std::move(node)) {}

  // "expr AS name": the result column is then read back by that name.
  [[nodiscard]] TypedExpr<T> as(std::string name) const {
    return TypedExpr<T>(std::make_shared<ast::Alias>(node_, std::move(name)));
  }
  [[nodiscard]] TypedExpr<bool> is_null() const {
    return TypedExpr<bool>(std::make_shared<ast::Unary>(ast::UnaryOp::is_null, node_));
  }
  [[nodiscard]] TypedExpr<bool> is_not_null() const {
    return TypedExpr<bool>(std::make_shared<ast::Unary>(ast::UnaryOp::is_not_null, node_));
  }
  template <class V>
  [[nodiscard]] TypedExpr<bool> in(const std::vector<V>& items) const {
    return in_list(items, false);
  }
  [[nodiscard]] TypedExpr<bool> in(
      std::initializer_list<typename detail::strip_optional<T>::type> items) const {
    return in_list(std::vector(items), false);
  }
  template <class V>
  [[nodiscard]] TypedExpr<bool> not_in(const std::vector<V>& items) const {
    return in_list(items, true);
  }
  [[nodiscard]] TypedExpr<bool> not_in(
      std::initializer_list<typename detail::strip_optional<T>::type> items) const {
    return in_list(std::vector(items), true);
  }
  [[nodiscard]] TypedExpr<bool> in(const Select& query) const;
  [[nodiscard]] TypedExpr<bool> not_in(const Select& query) const;
  template <class A, class B>
  [[nodiscard]] TypedExpr<bool> between(const A& low, const B& high) const {
    return TypedExpr<bool>(
        std::make_shared<ast::Between>(node_, detail::operand(low), detail::operand(high)));
  }
  template <class V>
  [[nodiscard]] TypedExpr<bool> like(const V& pattern) const {
    return detail::binary<bool>(ast::BinaryOp::like, node_, detail::operand(pattern));
  }
  template <class V>
  [[nodiscard]] TypedExpr<bool> ilike(const V& pattern) const {
    return detail::binary<bool>(ast::BinaryOp::ilike, node_, detail::operand(pattern));
  }
  // Text: a || b. JSONB: the shallow merge a || b (keys on the right win).
  template <class V>
  [[nodiscard]] auto concat(const V& other) const {
    using R = std::conditional_t<std::is_same_v<typename detail::strip_optional<T>::type, boost::json::value>,
                                 boost::json::value, std::string>;
    return detail::binary<R>(ast::BinaryOp::concat, node_, detail::operand(other));
  }
  // JSONB: the document without a top-level key (a - 'key').
  [[nodiscard]] TypedExpr<boost::json::value> remove(const std::string& key)
      const requires std::is_same_v<typename detail::strip_optional<T>::type, boost::json::value> {
    return detail::binary<boost::json::value>(ast::BinaryOp::json_remove, node_, detail::operand(key));
  }

  // JSON (boost::json::value) columns: PostgreSQL's operators.
  template <class K>
  [[nodiscard]] TypedExpr<boost::json::value> operator[](const K& key)
      const requires std::is_same_v<typename detail::strip_optional<T>::type, boost::json::value> {
    return detail::binary<boost::json::value>(ast::BinaryOp::json_get, node_, detail::operand(key));
  }
  template <class K>
  [[nodiscard]] TypedExpr<std::string> get_text(const K& key)
      const requires std::is_same_v<typename detail::strip_optional<T>::type, boost::json::value> {
    return detail::binary<std::string>(ast::BinaryOp::json_get_text, node_, detail::operand(key));
  }
  // JSON: the value at a path of keys and array indexes ("0" is the first
  // item), as peewee's path(): col #> '{a,b,0}'. path_text() reads it as
  // text (#>>). Missing paths give NULL.
  [[nodiscard]] TypedExpr<boost::json::value> path(const std::vector<std::string>& keys)
      const requires std::is_same_v<typename detail::strip_optional<T>::type, boost::json::value> {
    return detail::binary<boost::json::value>(ast::BinaryOp::json_path, node_, detail::operand(Value(keys)));
  }
  [[nodiscard]] TypedExpr<std::string> path_text(const std::vector<std::string>& keys)
      const requires std::is_same_v<typename detail::strip_optional<T>::type, boost::json::value> {
    return detail::binary<std::string>(ast::BinaryOp::json_path_text, node_, detail::operand(Value(keys)));
  }
  [[nodiscard]] TypedExpr<bool> has_key(const std::string& key) const {
    return detail::binary<bool>(ast::BinaryOp::has_key, node_, detail::operand(key));
  }
  [[nodiscard]] TypedExpr<bool> has_any_keys(const std::vector<std::string>& keys) const {
    return detail::binary<bool>(ast::BinaryOp::has_any_keys, node_, detail::operand(Value(keys)));
  }
  [[nodiscard]] TypedExpr<bool> has_all_keys(const std::vector<std::string>& keys) const {
    return detail::binary<bool>(ast::BinaryOp::has_all_keys, node_, detail::operand(Value(keys)));
  }
  // JSON: @> a document; arrays: @> the items.
  template <class V>
  [[nodiscard]] TypedExpr<bool> contains(const V& other) const {
    return detail::binary<bool>(ast::BinaryOp::contains, node_, detail::operand(other));
  }
  template <class V>
  [[nodiscard]] TypedExpr<bool> contained_by(const V& other) const {
    return detail::binary<bool>(ast::BinaryOp::contained_by, node_, detail::operand(other));
  }
  // Arrays: && (shares at least one item).
  template <class V>
  [[nodiscard]] TypedExpr<bool> contains_any(const V& other) const {
    return detail::binary<bool>(ast::BinaryOp::overlaps, node_, detail::operand(other));
  }
  // Arrays: the number of elements, over all dimensions (cardinality()).
  [[nodiscard]] TypedExpr<std::int32_t> length() const requires requires {
    typename detail::strip_optional<T>::type::value_type;
  } &&(!std::is_same_v<typename detail::strip_optional<T>::type, std::string>) {
    return TypedExpr<std::int32_t>(
        std::make_shared<ast::Function>("cardinality", std::vector<ast::NodePtr>{node_}));
  }
  // Arrays: the element at a 0-based index (SQL arrays count from 1).
  [[nodiscard]] auto at(std::int64_t index) const requires requires {
    typename detail::strip_optional<T>::type::value_type;
  }
  {
    using E = typename detail::strip_optional<T>::type::value_type;
    return TypedExpr<E>(std::make_shared<ast::ArrayIndex>(node_, detail::operand(index + 1)));
  }

 private:
  template <class V>
  TypedExpr<bool> in_list(const std::vector<V>& items, bool negated) const {
    std::vector<ast::NodePtr> nodes;
    nodes.reserve(items.size());
    for (const auto& item : items) nodes.push_back(detail::operand(item));
    return TypedExpr<bool>(std::make_shared<ast::InList>(node_, std::move(nodes), negated));
  }
};

// Raw SQL from the program (a default, a function the builder lacks). Never
// pass user input here: it is written into the statement as it is.
template <class T = Value>
[[nodiscard]] TypedExpr<T> sql(std::string text) {
  return TypedExpr<T>(std::make_shared<ast::Raw>(std::move(text)));
}

// A value as an expression (a bound parameter), for the left of an operator.
template <class T>
[[nodiscard]] TypedExpr<T> value(T v) {
  return TypedExpr<T>(std::make_shared<ast::Param>(Value(std::move(v))));
}

// The n-th argument of a prepared query (QueryBase::prepare): a placeholder
// whose value is given at each run. A query holding one cannot run unprepared.
// Its own type, one step from TypedExpr like a Column, so that `column ==
// lingo::arg<T>(0)` reads the same either way round in C++20.
template <class T>
class Argument : public TypedExpr<T> {
 public:
  explicit Argument(std::size_t n) : TypedExpr<T>(std::make_shared<ast::Param>(Value{}, n, expected())) {}

 private:
  // The type each run's value must have (checked by PreparedQuery).
  static constexpr ValueType expected() {
    if constexpr (std::is_same_v<typename detail::strip_optional<T>::type, Value>)
      return ValueType::null;
    else
      return detail::element_type_of<T>();
  }
};

template <class T>
[[nodiscard]] Argument<T> arg(std::size_t n) {
  return Argument<T>(n);
}

// Comparisons, between two expressions or an expression and a value, in
// either order. Comparing with std::nullopt renders IS [NOT] NULL, as peewee
// does. The two sides must be of comparable C++ types (numbers with numbers,
// text with text, any other type with itself): anything else is a compile
// error naming both types, as is an unsigned value that may not fit later
// (checked when the value is bound).
namespace detail {

template <class L, class R>
TypedExpr<bool> compare(ast::BinaryOp op, const L& l, const R& r) {
  using A = typename compared_type<L>::type;
  using B = typename compared_type<R>::type;
  static_assert(comparable<A, B>(),
                "lingo: these two sides cannot be compared: their C++ types (named in this instantiation: "
                "A is the left side's, B the right side's) are not both numbers, both text, or the same "
                "type. Convert the value, or cast the expression with lingo::cast<T>().");
  // = NULL and <> NULL mean IS [NOT] NULL; an ordering against NULL stays
  // what it says (and matches nothing).
  if constexpr (is_null_literal<R>) {
    if (op == ast::BinaryOp::eq) return l.is_null();
    if (op == ast::BinaryOp::ne) return l.is_not_null();
  } else if constexpr (is_null_literal<L>) {
    if (op == ast::BinaryOp::eq) return r.is_null();
    if (op == ast::BinaryOp::ne) return r.is_not_null();
  }
  return binary<bool>(op, operand(l), operand(r));
}

}  // namespace detail

#define LINGO_COMPARISON(op, code)                                  \
  template <detail::typed_expression L, detail::typed_expression R> \
  TypedExpr<bool> operator op(const L& a, const R& b) {             \
    return detail::compare(ast::BinaryOp::code, a, b);              \
  }                                                                 \
  template <detail::typed_expression L, class V>                    \
  requires(!std::is_base_of_v<Expr, V>) TypedExpr<bool>             \
  operator op(const L& a, const V& b) {                             \
    return detail::compare(ast::BinaryOp::code, a, b);              \
  }                                                                 \
  template <class V, detail::typed_expression R>                    \
  requires(!std::is_base_of_v<Expr, V>) TypedExpr<bool>             \
  operator op(const V& a, const R& b) {                             \
    return detail::compare(ast::BinaryOp::code, a, b);              \
  }
LINGO_COMPARISON(==, eq)
LINGO_COMPARISON(!=, ne)
LINGO_COMPARISON(<, lt)
LINGO_COMPARISON(<=, le)
LINGO_COMPARISON(>, gt)
LINGO_COMPARISON(>=, ge)
#undef LINGO_COMPARISON

inline TypedExpr<bool> operator&&(const TypedExpr<bool>& a, const TypedExpr<bool>& b) {
  return detail::binary<bool>(ast::BinaryOp::logical_and, a.node(), b.node());
}
inline TypedExpr<bool> operator||(const TypedExpr<bool>& a, const TypedExpr<bool>& b) {
  return detail::binary<bool>(ast::BinaryOp::logical_or, a.node(), b.node());
}
inline TypedExpr<bool> operator!(const TypedExpr<bool>& a) {
  return TypedExpr<bool>(std::make_shared<ast::Unary>(ast::UnaryOp::logical_not, a.node()));
}

// Arithmetic keeps the left operand's type; + on text is concatenation.
template <class T, class V>
TypedExpr<T> operator+(const TypedExpr<T>& a, const V& b) {
  if constexpr (std::is_same_v<typename detail::strip_optional<T>::type, std::string>)
    return detail::binary<T>(ast::BinaryOp::concat, a.node(), detail::operand(b));
  else
    return detail::binary<T>(ast::BinaryOp::add, a.node(), detail::operand(b));
}
#define LINGO_ARITHMETIC(op, code)                                               \
  template <class T, class V>                                                    \
  TypedExpr<T> operator op(const TypedExpr<T>& a, const V& b) {                  \
    return detail::binary<T>(ast::BinaryOp::code, a.node(), detail::operand(b)); \
  }
LINGO_ARITHMETIC(-, sub)
LINGO_ARITHMETIC(*, mul)
LINGO_ARITHMETIC(/, div)
LINGO_ARITHMETIC(%, mod)
#undef LINGO_ARITHMETIC

template <class T>
TypedExpr<T> operator-(const TypedExpr<T>& a) {
  return TypedExpr<T>(std::make_shared<ast::Unary>(ast::UnaryOp::negate, a.node()));
}

// CAST(x AS type): the dialect spells the type of T.
template <class T>
[[nodiscard]] TypedExpr<T> cast(const Expr& x) {
  return TypedExpr<T>(std::make_shared<ast::Cast>(x.node(), detail::element_type_of<T>(), std::string{}));
}
// CAST(x AS <type_sql>), the type named as the program gives it.
template <class T>
[[nodiscard]] TypedExpr<T> cast(const Expr& x, std::string type_sql) {
  detail::check_identifier(type_sql, "type name");
  return TypedExpr<T>(
      std::make_shared<ast::Cast>(x.node(), detail::element_type_of<T>(), std::move(type_sql)));
}

// CASE WHEN c1 THEN v1 ... ELSE v END, read back as T.
template <class T>
class Case {
 public:
  Case() : node_(std::make_shared<ast::CaseWhen>()) {}
  template <class V>
  Case& when(const TypedExpr<bool>& condition, const V& result) {
    node_->whens.emplace_back(condition.node(), detail::operand(result));
    return *this;
  }
  template <class V>
  TypedExpr<T> otherwise(const V& result) {
    node_->otherwise = detail::operand(result);
    return end();
  }
  TypedExpr<T> end() const { return TypedExpr<T>(node_); }
  operator TypedExpr<T>() const { return end(); }  // NOLINT(google-explicit-constructor)

 private:
  std::shared_ptr<ast::CaseWhen> node_;
};

[[nodiscard]] LINGO_API TypedExpr<bool> exists(const Select& query);
[[nodiscard]] LINGO_API TypedExpr<bool> not_exists(const Select& query);
// A scalar subquery, read back as T.
template <class T>
[[nodiscard]] TypedExpr<T> subquery(const Select& query);

// "*" or "table".*
[[nodiscard]] LINGO_API Expr star();

using ast::DatePart;  // lingo::DatePart::year, ...

namespace fn {

// f(args...) for any function; the name is checked to be a plain identifier.
template <class T, class... Args>
[[nodiscard]] TypedExpr<T> call(std::string name, const Args&... args) {
  detail::check_identifier(name, "function name");
  return TypedExpr<T>(
      std::make_shared<ast::Function>(std::move(name), std::vector<ast::NodePtr>{detail::operand(args)...}));
}
[[nodiscard]] LINGO_API TypedExpr<std::int64_t> count();  // count(*)
[[nodiscard]] LINGO_API TypedExpr<std::int64_t> count(const Expr& x);
[[nodiscard]] LINGO_API TypedExpr<std::int64_t> count_distinct(const Expr& x);
template <class T>
[[nodiscard]] TypedExpr<std::optional<typename detail::strip_optional<T>::type>> sum(const TypedExpr<T>& x) {
  return call<std::optional<typename detail::strip_optional<T>::type>>("sum", x);
}
template <class T>
[[nodiscard]] TypedExpr<std::optional<double>> avg(const TypedExpr<T>& x) {
  return call<std::optional<double>>("avg", x);
}
template <class T>
[[nodiscard]] TypedExpr<std::optional<typename detail::strip_optional<T>::type>> min(const TypedExpr<T>& x) {
  return call<std::optional<typename detail::strip_optional<T>::type>>("min", x);
}
template <class T>
[[nodiscard]] TypedExpr<std::optional<typename detail::strip_optional<T>::type>> max(const TypedExpr<T>& x) {
  return call<std::optional<typename detail::strip_optional<T>::type>>("max", x);
}
template <class T>
[[nodiscard]] TypedExpr<T> lower(const TypedExpr<T>& x) {
  return call<T>("lower", x);
}
template <class T>
[[nodiscard]] TypedExpr<T> upper(const TypedExpr<T>& x) {
  return call<T>("upper", x);
}
template <class T, class... Rest>
[[nodiscard]] TypedExpr<typename detail::strip_optional<T>::type> coalesce(const TypedExpr<T>& x,
                                                                           const Rest&... rest) {
  return call<typename detail::strip_optional<T>::type>("coalesce", x, rest...);
}
// The current instant; CURRENT_TIMESTAMP on every dialect.
[[nodiscard]] LINGO_API TypedExpr<TimestampTz> now();

// A part of a date, time or timestamp as a number: EXTRACT(YEAR FROM x) on
// PostgreSQL, extract('year', x) on CockroachDB, strftime on SQLite.
template <class T>
[[nodiscard]] TypedExpr<std::optional<double>> extract(DatePart part, const TypedExpr<T>& x) {
  return TypedExpr<std::optional<double>>(std::make_shared<ast::Date>(ast::DateOp::extract, part, x.node()));
}
// A timestamp from seconds since the epoch: to_timestamp(x) on PostgreSQL,
// CAST(CAST(x AS INT) AS TIMESTAMPTZ) on CockroachDB (which cannot cast a
// decimal to a timestamp), datetime(x, 'unixepoch') on SQLite.
template <class T>
[[nodiscard]] TypedExpr<TimestampTz> from_timestamp(const TypedExpr<T>& x) {
  return TypedExpr<TimestampTz>(
      std::make_shared<ast::Date>(ast::DateOp::from_epoch, DatePart::epoch, x.node()));
}

}  // namespace fn

namespace detail {
// The stored value as the application sees it, for a column of a custom kind.
LINGO_API Value from_db(const ast::Node& node, Value stored);
// Rethrows the exception being handled; a DataError (a value that cannot be
// read as the C++ type asked for) first gets the column's name in front.
[[noreturn]] LINGO_API void rethrow_naming(const Expr& column);
}  // namespace detail

// row[expr]: the value of a selected column or aliased expression as T. A
// value that cannot be read as T is a DataError naming the column.
template <class T>
T Row::operator[](const TypedExpr<T>& column) const {
  Value v = read(column);
  try {
    return std::move(v).template as<T>();
  } catch (...) {
    detail::rethrow_naming(column);
  }
}

}  // namespace lingo
