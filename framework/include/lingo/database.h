// Database: the object an application holds. It routes its URI to a plugin,
// and opens one connection per thread on demand (as peewee does), so one
// Database may be shared by many threads, each with its own session.
#pragma once

#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "lingo/connection.h"
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Makes a Database and opens the calling thread's connection, so a bad
// password or an unreachable server is reported here.
[[nodiscard]] Database connect(std::string_view uri);

}  // namespace lingo
