// The error hierarchy, shared by the core and every plugin.
//
// It follows PEP 249 as peewee does: Error at the root, InterfaceError for
// misuse of the library, DatabaseError and its children for what the server
// (or the embedded engine) reported. Every error carries what a caller needs
// to act without a plugin header: the SQLSTATE (five characters, empty when
// there is none), the dialect, the statement that failed (never its
// parameters), the engine's own numeric code, and whether retrying the whole
// transaction may succeed.
//
// All of these types live in the core library, so an exception thrown inside a
// plugin is caught by its type in the application.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "lingo/export.h"

namespace lingo {

// What a driver knows about a failure, gathered before the exception is made.
struct LINGO_API ErrorInfo {
  std::string message{};
  std::string sqlstate{};   // "23505"; empty when the engine gives none
  std::string dialect{};    // "postgres", "sqlite", ...
  std::string statement{};  // the SQL text, never the bound values
  long native_code = 0;     // SQLite's extended result code; 0 for PostgreSQL
  bool retryable = false;   // the dialect's verdict: retrying the transaction may succeed
};

class LINGO_API Error : public std::runtime_error {
 public:
  // The message alone, kept in info() as every other error's is.
  explicit Error(const std::string& message) : Error(ErrorInfo{message}) {}
  explicit Error(ErrorInfo info);

  [[nodiscard]] const std::string& sqlstate() const noexcept { return info_.sqlstate; }
  [[nodiscard]] const std::string& dialect() const noexcept { return info_.dialect; }
  [[nodiscard]] const std::string& statement() const noexcept { return info_.statement; }
  [[nodiscard]] long native_code() const noexcept { return info_.native_code; }
  // True when the whole transaction may be retried (serialization failure,
  // deadlock, SQLite busy). Never true for an ambiguous commit.
  [[nodiscard]] bool is_retryable() const noexcept { return info_.retryable; }
  [[nodiscard]] const ErrorInfo& info() const noexcept { return info_; }

 private:
  ErrorInfo info_;
};

// The application or its configuration is wrong: a bad URI, an unknown
// scheme, a plugin that cannot be loaded.
class LINGO_API ImproperlyConfigured : public Error {
 public:
  using Error::Error;
};
class LINGO_API UriError : public ImproperlyConfigured {
 public:
  using ImproperlyConfigured::ImproperlyConfigured;
};
class LINGO_API PluginError : public ImproperlyConfigured {
 public:
  using ImproperlyConfigured::ImproperlyConfigured;
};

// The library was used in a way it does not allow (a closed database, a value
// read as the wrong type).
class LINGO_API InterfaceError : public Error {
 public:
  using Error::Error;
};

// An argument has a value the operation cannot accept: an unknown priority, a
// malformed system time, atomic() inside manual_commit() (peewee's ValueError).
class LINGO_API ValueError : public InterfaceError {
 public:
  using InterfaceError::InterfaceError;
};

class LINGO_API DatabaseError : public Error {
 public:
  using Error::Error;
};
class LINGO_API DataError : public DatabaseError {  // SQLSTATE class 22
 public:
  using DatabaseError::DatabaseError;
};
class LINGO_API IntegrityError : public DatabaseError {  // class 23
 public:
  using DatabaseError::DatabaseError;
};
class LINGO_API InternalError : public DatabaseError {  // classes 24, 25, 2B, 2D, XX
 public:
  using DatabaseError::DatabaseError;
};
class LINGO_API NotSupportedError : public DatabaseError {  // class 0A
 public:
  using DatabaseError::DatabaseError;
};
class LINGO_API ProgrammingError : public DatabaseError {  // classes 42, 3D, 3F, 26, ...
 public:
  using DatabaseError::DatabaseError;
};
class LINGO_API OperationalError : public DatabaseError {  // classes 08, 40, 53, 57, ...
 public:
  using DatabaseError::DatabaseError;
};
// The connection could not be made or was lost (class 08).
class LINGO_API ConnectionError : public OperationalError {
 public:
  using OperationalError::OperationalError;
};
// 40001: the transaction lost a conflict and may be retried from the start.
class LINGO_API SerializationFailure : public OperationalError {
 public:
  using OperationalError::OperationalError;
};
// 40P01: the transaction was chosen as a deadlock victim; retryable.
class LINGO_API DeadlockDetected : public OperationalError {
 public:
  using OperationalError::OperationalError;
};
// The outcome of a COMMIT is unknown (40003, or the connection was lost while
// committing). Never retried automatically: the transaction may have been
// applied, and applying it twice could move money twice.
class LINGO_API AmbiguousCommitError : public OperationalError {
 public:
  using OperationalError::OperationalError;
};

// run_transaction ran out of attempts (or past its deadline) while every
// failure was retryable. Carries how many attempts ran and the last failure.
class LINGO_API ExceededMaxAttempts : public OperationalError {
 public:
  ExceededMaxAttempts(ErrorInfo info, int attempts, std::exception_ptr last_error)
      : OperationalError(std::move(info)), attempts_(attempts), last_error_(std::move(last_error)) {}
  [[nodiscard]] int attempts() const noexcept { return attempts_; }
  // The error of the last attempt (a SerializationFailure, say); rethrow it
  // with std::rethrow_exception to inspect it by type.
  [[nodiscard]] const std::exception_ptr& last_error() const noexcept { return last_error_; }

 private:
  int attempts_;
  std::exception_ptr last_error_;
};

// A pool had no connection to lend within its timeout. peewee derives this
// from ValueError; here it is an OperationalError, so that code which backs
// off on operational trouble (timeouts, lost connections) handles it too.
class LINGO_API MaxConnectionsExceeded : public OperationalError {
 public:
  using OperationalError::OperationalError;
};

// one() found no row (peewee's DoesNotExist).
class LINGO_API DoesNotExist : public InterfaceError {
 public:
  using InterfaceError::InterfaceError;
};
// one() found several rows where one was expected.
class LINGO_API MultipleRowsReturned : public InterfaceError {
 public:
  using InterfaceError::InterfaceError;
};

// Throws the class that the SQLSTATE's class selects (peewee's / psycopg's
// mapping; see docs/errors.md). 40001, 40P01 and 40003 get their own classes;
// class 08 is a ConnectionError.
[[noreturn]] LINGO_API void throw_database_error(ErrorInfo info);

// Throws E with `message` and what `details` adds (SQLSTATE, dialect, statement, ...):
//   throw_error<NotSupportedError>("...", {.sqlstate = "0A000", .dialect = "sqlite"});
// E = DatabaseError picks the class from the SQLSTATE, as throw_database_error does.
// When the message is built from `details` itself (a caught error's info), pass
// `details` by copy, not std::move: the order in which arguments are evaluated
// is unspecified, and GCC moves the second before it reads the first.
template <class E>
[[noreturn]] void throw_error(std::string message, ErrorInfo details = {}) {
  static_assert(std::is_base_of_v<Error, E> && std::is_constructible_v<E, ErrorInfo>,
                "throw_error needs an error class constructed from an ErrorInfo alone");
  details.message = std::move(message);
  if constexpr (std::is_same_v<E, DatabaseError>) {
    throw_database_error(std::move(details));
  } else {
    throw E(std::move(details));
  }
}

}  // namespace lingo
