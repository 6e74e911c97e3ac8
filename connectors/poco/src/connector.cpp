#include "lingo/poco/connector.h"

#include <Poco/Data/SessionFactory.h>
#include <Poco/Exception.h>

#include "errors.h"
#include "session_impl.h"

namespace lingo::poco {

const std::string Connector::KEY("lingo");

const std::string& Connector::name() const {
  return KEY;
}

Poco::AutoPtr<Poco::Data::SessionImpl> Connector::createSession(const std::string& connectionString,
                                                                std::size_t timeout) {
  return new detail::SessionImpl(connectionString, timeout);
}

void register_connector() {
  Poco::Data::SessionFactory::instance().add(new Connector);
}

void unregister_connector() {
  Poco::Data::SessionFactory::instance().remove(Connector::KEY);
}

lingo::Database& database(Poco::Data::Session& session) {
  auto* impl = dynamic_cast<detail::SessionImpl*>(session.impl());
  if (impl == nullptr) {
    throw Poco::InvalidArgumentException("lingo::poco::database: this session uses the connector '" +
                                         session.connector() + "', not '" + Connector::KEY +
                                         "'; open it as Poco::Data::Session(\"lingo\", uri)");
  }
  return impl->database();
}

void detail::run_transaction_erased(Poco::Data::Session& session,
                                    const std::function<void(Poco::Data::Session&)>& fn,
                                    const lingo::RunOptions& options) {
  lingo::Database& db = database(session);
  translated([&] {
    db.run_transaction(
        [&](lingo::Database&) {
          try {
            fn(session);
          } catch (const LingoException& e) {
            // Lingo decides whether to retry by the error's type and verdict,
            // so it must see the lingo::Error, not its Poco wrapper.
            if (e.original()) std::rethrow_exception(e.original());
            throw;
          }
        },
        options);
  });
}

}  // namespace lingo::poco
