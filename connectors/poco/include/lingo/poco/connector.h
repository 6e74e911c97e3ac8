// lingo::poco: a Poco::Data connector that runs on Lingo.
//
// After register_connector(), a Poco::Data::Session opened with the connector
// name "lingo" and a Lingo connection URI runs every statement through a
// lingo::Session of its own, whatever dialect the URI names:
//
//   lingo::poco::register_connector();
//   Poco::Data::Session session("lingo", "postgresql://app@db1/shop");
//   session << "INSERT INTO item (id, name) VALUES (?, ?)", use(ids), use(names), now;
//
// Lingo errors arrive as lingo::poco::LingoException (lingo/poco/exception.h).
// docs/poco-data.md has the type mapping, transactions and what is not supported.
#pragma once

#include <Poco/Data/Connector.h>
#include <Poco/Data/Session.h>

#include <concepts>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "lingo/database.h"
#include "lingo/errors.h"
#include "lingo/poco/exception.h"
#include "lingo/transaction.h"

namespace lingo::poco {

class LINGO_POCO_API Connector : public Poco::Data::Connector {
 public:
  // The name Poco::Data::Session and SessionFactory know this connector by.
  static const std::string KEY;  // "lingo"

  [[nodiscard]] const std::string& name() const override;
  // The connection string is a Lingo URI (docs/uri.md). Throws LingoException
  // when the URI is bad, its scheme has no plugin, or the connection fails.
  Poco::AutoPtr<Poco::Data::SessionImpl> createSession(
      const std::string& connectionString,
      std::size_t timeout = Poco::Data::SessionImpl::LOGIN_TIMEOUT_DEFAULT) override;
};

// Adds / removes the "lingo" connector in Poco::Data::SessionFactory.
// Registering twice is harmless (the factory counts registrations).
LINGO_POCO_API void register_connector();
LINGO_POCO_API void unregister_connector();

// The lingo::Database (a lingo::Session: one connection and its transaction
// stack) behind a session of this connector, for Lingo's own API on the same
// connection. Throws Poco::InvalidArgumentException when the session is not
// a "lingo" one.
[[nodiscard]] LINGO_POCO_API lingo::Database& database(Poco::Data::Session& session);

namespace detail {
// Runs fn through Lingo's run_transaction on the session's database.
LINGO_POCO_API void run_transaction_erased(Poco::Data::Session& session,
                                           const std::function<void(Poco::Data::Session&)>& fn,
                                           const lingo::RunOptions& options);
}  // namespace detail

// Runs fn(session) inside lingo::Database::run_transaction on the session's
// own connection: Poco statements fn executes on `session` are part of that
// transaction, and a retryable failure (a CockroachDB serialization failure,
// SQLite busy) reruns fn from the start, with RunOptions' priority, AS OF
// SYSTEM TIME, attempts and back-off. fn may therefore run several times and
// must not call session.begin(), commit() or rollback(). Returns what fn
// returns; failures are LingoException (ExceededMaxAttempts included).
template <class F>
requires std::invocable<F&, Poco::Data::Session&>
decltype(auto) run_transaction(Poco::Data::Session& session, F&& fn, const lingo::RunOptions& options = {}) {
  using R = std::invoke_result_t<F&, Poco::Data::Session&>;
  if constexpr (std::is_void_v<R>) {
    detail::run_transaction_erased(
        session, [&](Poco::Data::Session& s) { fn(s); }, options);
  } else {
    using V = std::remove_cvref_t<R>;
    std::optional<V> result;
    detail::run_transaction_erased(
        session, [&](Poco::Data::Session& s) { result.emplace(fn(s)); }, options);
    return V(std::move(*result));
  }
}

}  // namespace lingo::poco
