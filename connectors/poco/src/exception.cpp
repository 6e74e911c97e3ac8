#include "lingo/poco/exception.h"

#include <typeinfo>

#include "lingo/errors.h"

namespace lingo::poco {

namespace {

LingoException::Kind kind_of(const lingo::Error& error) {
  // The retryable verdict comes first: a SerializationFailure is also an
  // OperationalError, and what a caller wants to know is that it may retry.
  if (error.is_retryable()) return LingoException::Kind::retryable;
  if (dynamic_cast<const lingo::AmbiguousCommitError*>(&error) != nullptr)
    return LingoException::Kind::ambiguous_commit;
  if (dynamic_cast<const lingo::ConnectionError*>(&error) != nullptr) return LingoException::Kind::connection;
  if (dynamic_cast<const lingo::IntegrityError*>(&error) != nullptr) return LingoException::Kind::integrity;
  if (dynamic_cast<const lingo::ImproperlyConfigured*>(&error) != nullptr)
    return LingoException::Kind::configuration;
  if (dynamic_cast<const lingo::InterfaceError*>(&error) != nullptr) return LingoException::Kind::interface;
  return LingoException::Kind::database;
}

// Poco prints displayText() as "<name>: <message>"; the message says which
// SQLSTATE it was, so a log line alone is enough to act on.
std::string message_of(const lingo::Error& error) {
  std::string message = error.what();
  if (!error.sqlstate().empty() && message.find(error.sqlstate()) == std::string::npos)
    message += " [SQLSTATE " + error.sqlstate() + "]";
  return message;
}

}  // namespace

LingoException::LingoException(const lingo::Error& error, std::exception_ptr original)
    : Poco::Data::DataException(message_of(error)),
      kind_(kind_of(error)),
      sqlstate_(error.sqlstate()),
      dialect_(error.dialect()),
      statement_(error.statement()),
      original_(std::move(original)) {}

const char* LingoException::name() const noexcept {
  return "Lingo error";
}

const char* LingoException::className() const noexcept {
  return typeid(*this).name();
}

Poco::Exception* LingoException::clone() const {
  return new LingoException(*this);
}

void LingoException::rethrow() const {
  throw *this;
}

}  // namespace lingo::poco
