// Database: the object an application holds. It routes its URI to a plugin,
// and opens one connection per thread on demand (as peewee does), so one
// Database may be shared by many threads, each with its own session.
#pragma once

#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "lingo/connection.h"
#include "lingo/introspection.h"
#include "lingo/query.h"
#include "lingo/result.h"
#include "lingo/value.h"

namespace lingo {

class Dialect;

class Database {
 public:
  // Parses the URI and finds its plugin (throwing UriError / PluginError
  // now), but opens no connection until connect() or first use.
  explicit Database(std::string_view uri);
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Opens this thread's connection. Throws OperationalError when it is
  // already open, unless reuse_if_open, which then returns false.
  bool connect(bool reuse_if_open = false);
  // Closes this thread's connection; returns whether one was open.
  bool close();
  [[nodiscard]] bool is_closed() const;

  // Runs SQL with bound parameters, connecting first if needed. Placeholders
  // are the dialect's own; $1..$n work on every built-in dialect.
  Result execute_sql(std::string_view sql, std::initializer_list<Value> params = {});
  Result execute_sql(std::string_view sql, std::span<const Value> params);

  // Raw transaction control on this thread's connection.
  void begin();
  void commit();
  void rollback();

  // The server's version (see Connection::server_version), read once per
  // Database and then remembered.
  [[nodiscard]] int server_version();
  [[nodiscard]] std::string_view dialect_name() const noexcept;
  // The URI with its password masked.
  [[nodiscard]] const std::string& uri() const noexcept;

  // This thread's connection, opened if needed.
  Connection& connection();

  // Queries, compiled by this database's dialect (lingo/query.h).
  template <class... E>
  [[nodiscard]] Select select(const E&... columns) {
    return Select(this, {columns.node()...});
  }
  [[nodiscard]] Insert insert(const Table& table) { return Insert(this, table); }
  [[nodiscard]] Update update(const Table& table) { return Update(this, table); }
  [[nodiscard]] Delete delete_from(const Table& table) { return Delete(this, table); }

  // Plain structs mapped onto tables (lingo/mapping.h). insert() fills the
  // generated key back; get() throws DoesNotExist when no row has the key;
  // save() and remove() return the rows affected.
  template <class T>
  requires(!std::is_base_of_v<Table, T>) void insert(T& object);
  template <class T>
  [[nodiscard]] T get(const Value& key);
  template <class T>
  std::int64_t save(const T& object);
  template <class T>
  std::int64_t remove(const T& object);

  // Schema. create_tables orders the tables so that referenced ones come
  // first, then creates each table's indexes; drop_tables goes in reverse.
  void create_tables(std::initializer_list<const Table*> tables, bool safe = false);
  void drop_tables(std::initializer_list<const Table*> tables, bool safe = false, bool cascade = false);
  void create_index(const Table& table, const IndexDef& index, bool safe = false);
  [[nodiscard]] const Compiler& compiler() const;
  // The dialect plugin serving this database's URI.
  [[nodiscard]] const Dialect& dialect() const noexcept;

  // Schema introspection on this thread's connection (see
  // lingo/introspection.h). An empty schema is the dialect's default
  // ("public", "main"). A dialect without an introspector throws
  // NotSupportedError naming it.
  [[nodiscard]] std::vector<std::string> get_tables(std::string_view schema = {});
  [[nodiscard]] std::vector<ColumnMetadata> get_columns(std::string_view table, std::string_view schema = {});
  [[nodiscard]] std::vector<IndexMetadata> get_indexes(std::string_view table, std::string_view schema = {});
  [[nodiscard]] std::vector<std::string> get_primary_keys(std::string_view table,
                                                          std::string_view schema = {});
  [[nodiscard]] std::vector<ForeignKeyMetadata> get_foreign_keys(std::string_view table,
                                                                 std::string_view schema = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Makes a Database and opens the calling thread's connection, so a bad
// password or an unreachable server is reported here.
[[nodiscard]] Database connect(std::string_view uri);

}  // namespace lingo
