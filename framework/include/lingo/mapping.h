// Plain structs mapped onto tables.
//
//     struct Account { std::int64_t id = 0; std::string owner; lingo::Decimal balance; };
//
//     // Found by argument-dependent lookup: define it beside the struct.
//     inline const lingo::Mapping<Account>& lingo_mapping(lingo::tag<Account>) {
//       static const auto m = lingo::Mapping<Account>(accounts)
//                                  .field(&Account::id, accounts.id)
//                                  .field(&Account::owner, accounts.owner)
//                                  .field(&Account::balance, accounts.balance);
//       return m;
//     }
//
//     Account a{0, "huey", lingo::Decimal("10.00")};
//     db.insert(a);                        // a.id now holds the generated key
//     auto b = db.get<Account>(a.id);      // DoesNotExist when there is none
//     b.balance = lingo::Decimal("12.00");
//     db.save(b);                          // UPDATE ... WHERE id = b.id
//     db.remove(b);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lingo/database.h"
#include "lingo/errors.h"
#include "lingo/query.h"
#include "lingo/table.h"

namespace lingo {

template <class T>
struct tag {};

template <class T>
class Mapping {
 public:
  struct Member {
    const ColumnBase* column;
    ast::NodePtr node;
    std::function<Value(const T&)> read;
    std::function<void(T&, const Value&)> write;
  };

  explicit Mapping(const Table& table) : table_(&table) {}

  template <class M, class C>
  Mapping& field(M T::*member, const Column<C>& column) {
    static_assert(std::is_same_v<M, C>, "the struct member must have the column's C++ type");
    if (&column.table() != table_)
      throw_error<InterfaceError>("column " + column.name() + " does not belong to table " + table_->name());
    members_.push_back({&column, column.node(), [member](const T& o) { return Value(o.*member); },
                        [member, node = column.node()](T& o, const Value& v) {
                          o.*member = detail::from_db(*node, v).template as<M>();
                        }});
    return *this;
  }

  [[nodiscard]] const Table& table() const noexcept { return *table_; }
  [[nodiscard]] const std::vector<Member>& members() const noexcept { return members_; }
  // The member mapped to the table's single-column primary key.
  [[nodiscard]] const Member& key() const {
    const auto pk = table_->primary_key();
    if (pk.size() == 1)
      for (const auto& m : members_)
        if (m.column == pk[0]) return m;
    throw_error<InterfaceError>("the mapping of table " + table_->name() +
                                " has no member for a single-column primary key");
  }

  void fill(T& object, const Row& row) const {
    for (std::size_t i = 0; i < members_.size(); ++i) members_[i].write(object, row[i]);
  }

 private:
  const Table* table_;
  std::vector<Member> members_;
};

template <class T>
const Mapping<T>& mapping_of() {
  return lingo_mapping(tag<T>{});
}

template <class T>
requires(!std::is_base_of_v<Table, T>) void Database::insert(T& object) {
  const auto& m = mapping_of<T>();
  const auto& key = m.key();
  Insert q(this, m.table());
  for (const auto& member : m.members()) {
    if (member.column->field().is_generated()) continue;  // the database assigns it
    q.set_value(*member.column, member.read(object));
  }
  q.returning(Expr(key.node));
  const Result r = q.all();
  if (!r.empty()) key.write(object, r[0][0]);
}

template <class T>
T Database::get(const Value& key_value) {
  const auto& m = mapping_of<T>();
  std::vector<ast::NodePtr> columns;
  for (const auto& member : m.members()) columns.push_back(member.node);
  Select q(this, std::move(columns));
  q.from(m.table()).where(TypedExpr<bool>(std::make_shared<ast::Binary>(
      ast::BinaryOp::eq, m.key().node, std::make_shared<ast::Param>(key_value))));
  T object{};
  m.fill(object, q.one());
  return object;
}

template <class T>
std::int64_t Database::save(const T& object) {
  const auto& m = mapping_of<T>();
  const auto& key = m.key();
  Update q(this, m.table());
  for (const auto& member : m.members())
    if (&member != &key) q.set_value(*member.column, member.read(object));
  q.where(TypedExpr<bool>(std::make_shared<ast::Binary>(ast::BinaryOp::eq, key.node,
                                                        std::make_shared<ast::Param>(key.read(object)))));
  return q.all().rows_affected();
}

template <class T>
std::int64_t Database::remove(const T& object) {
  const auto& m = mapping_of<T>();
  const auto& key = m.key();
  Delete q(this, m.table());
  q.where(TypedExpr<bool>(std::make_shared<ast::Binary>(ast::BinaryOp::eq, key.node,
                                                        std::make_shared<ast::Param>(key.read(object)))));
  return q.all().rows_affected();
}

}  // namespace lingo
