// The exception a Lingo error becomes when it crosses into Poco::Data.
//
// Poco::Data code catches Poco exceptions, so every lingo::Error raised under
// a Poco session is rethrown as a LingoException, a Poco::Data::DataException.
// Nothing is lost on the way: displayText() keeps the server's message, and
// the SQLSTATE, dialect, statement and the original lingo::Error stay at hand.
#pragma once

#include <Poco/Data/DataException.h>

#include <exception>
#include <string>

#define LINGO_POCO_API __attribute__((visibility("default")))

namespace lingo {
class Error;
}

namespace lingo::poco {

class LINGO_POCO_API LingoException : public Poco::Data::DataException {
 public:
  // What kind of failure the lingo::Error was, for code that tells them apart
  // without knowing Lingo's error classes.
  enum class Kind {
    database,          // any other DatabaseError (syntax, permissions, data exceptions, ...)
    integrity,         // IntegrityError: SQLSTATE class 23 (unique, foreign key, not null, check)
    retryable,         // the dialect says retrying the transaction may succeed (40001, 40P01, busy)
    connection,        // ConnectionError: the connection could not be made or was lost
    ambiguous_commit,  // AmbiguousCommitError: whether the COMMIT took effect is unknown
    configuration,     // ImproperlyConfigured: a bad URI, an unknown scheme, a plugin that will not load
    interface,         // InterfaceError: Lingo used in a way it does not allow
  };

  // `original` is the lingo::Error as caught (std::current_exception()).
  LingoException(const lingo::Error& error, std::exception_ptr original);

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  // Five characters ("23505"); empty when the engine gave none.
  [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }
  [[nodiscard]] const std::string& dialect() const noexcept { return dialect_; }
  // The SQL that failed (never its parameters); empty when none was running.
  [[nodiscard]] const std::string& statement() const noexcept { return statement_; }
  [[nodiscard]] bool is_retryable() const noexcept { return kind_ == Kind::retryable; }
  [[nodiscard]] bool is_integrity() const noexcept { return kind_ == Kind::integrity; }
  [[nodiscard]] bool is_connection() const noexcept { return kind_ == Kind::connection; }
  // The lingo::Error itself; std::rethrow_exception(original()) to catch it by its Lingo type.
  [[nodiscard]] const std::exception_ptr& original() const noexcept { return original_; }

  [[nodiscard]] const char* name() const noexcept override;
  [[nodiscard]] const char* className() const noexcept override;
  [[nodiscard]] Poco::Exception* clone() const override;
  [[noreturn]] void rethrow() const override;

 private:
  Kind kind_;
  std::string sqlstate_;
  std::string dialect_;
  std::string statement_;
  std::exception_ptr original_;
};

}  // namespace lingo::poco
