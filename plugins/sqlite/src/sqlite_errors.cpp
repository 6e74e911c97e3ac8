#include "sqlite_errors.h"

#include <utility>

#include "lingo/errors.h"

namespace lingo::sqlite {

// How SQLite's result codes become SQLSTATEs, and so exception classes
// (lingo::throw_database_error picks the class from the SQLSTATE):
//
//   SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY, _ROWID  23505  IntegrityError
//   SQLITE_CONSTRAINT_FOREIGNKEY                   23503  IntegrityError
//   SQLITE_CONSTRAINT_NOTNULL                      23502  IntegrityError
//   SQLITE_CONSTRAINT_CHECK                        23514  IntegrityError
//   SQLITE_CONSTRAINT_DATATYPE (STRICT tables)     22P02  DataError, as PostgreSQL
//                                                         reports 'abc' into an integer
//   other SQLITE_CONSTRAINT (trigger RAISE, ...)   23000  IntegrityError
//   SQLITE_BUSY*, SQLITE_LOCKED*                   55P03  OperationalError, retryable
//   SQLITE_ERROR, by message:
//     "no such table"                              42P01  ProgrammingError
//     "no such column"                             42703
//     "no such function"                           42883
//     "no such index" / "no such view" / trigger   42704
//     "ambiguous column name"                      42702
//     "syntax error", "incomplete input"           42601
//     "already exists"                             42P07
//     "no transaction is active"                   25P01  InternalError
//     "within a transaction"                       25001  InternalError
//     "integer overflow"                           22003  DataError
//     "malformed JSON"                             22032  DataError
//     anything else                                42000  ProgrammingError
//   SQLITE_MISMATCH                                42804  ProgrammingError
//   SQLITE_RANGE (parameter index out of range)    42P02  ProgrammingError
//   SQLITE_TOOBIG                                  54000
//   SQLITE_READONLY*                               25006  InternalError
//   SQLITE_FULL                                    53100  OperationalError
//   SQLITE_NOMEM                                   53200  OperationalError
//   SQLITE_IOERR*                                  58030  OperationalError
//   SQLITE_INTERRUPT, plain SQLITE_ABORT           57014  OperationalError
//   SQLITE_ABORT_ROLLBACK                          40000  the transaction was rolled back
//   SQLITE_CANTOPEN                                08006  ConnectionError
//   SQLITE_AUTH                                    28000
//   SQLITE_PERM                                    42501  ProgrammingError
//   SQLITE_CORRUPT, SQLITE_NOTADB                  XX001  InternalError
//   SQLITE_MISUSE and everything else              XX000  InternalError
namespace {

bool contains(std::string_view haystack, std::string_view needle) noexcept {
  return haystack.find(needle) != std::string_view::npos;
}

std::string_view sqlstate_for_error_message(std::string_view message) noexcept {
  struct Rule {
    std::string_view fragment;
    std::string_view sqlstate;
  };
  // Order matters: "no such table" must win over a later, vaguer fragment.
  // clang-format off
  static constexpr Rule rules[] = {
      {"no such table", "42P01"},
      {"no such column", "42703"},
      {"no such function", "42883"},
      {"no such index", "42704"},
      {"no such view", "42704"},
      {"no such trigger", "42704"},
      {"ambiguous column name", "42702"},
      {"syntax error", "42601"},
      {"incomplete input", "42601"},
      {"unrecognized token", "42601"},
      {"already exists", "42P07"},
      {"no transaction is active", "25P01"},
      {"within a transaction", "25001"},
      {"integer overflow", "22003"},
      {"malformed JSON", "22032"},
  };
  // clang-format on
  for (const auto& rule : rules) {
    if (contains(message, rule.fragment)) return rule.sqlstate;
  }
  return "42000";
}

std::string_view sqlstate_for_constraint(int extended_code) noexcept {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return "23505";
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return "23503";
    case SQLITE_CONSTRAINT_NOTNULL:
      return "23502";
    case SQLITE_CONSTRAINT_CHECK:
      return "23514";
    case SQLITE_CONSTRAINT_DATATYPE:
      return "22P02";
    default:
      return "23000";
  }
}

}  // namespace

std::string_view sqlstate_for(int extended_code, std::string_view message) noexcept {
  switch (extended_code & 0xff) {
    case SQLITE_CONSTRAINT:
      return sqlstate_for_constraint(extended_code);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "55P03";
    case SQLITE_ERROR:
      return sqlstate_for_error_message(message);
    case SQLITE_MISMATCH:
      return "42804";
    case SQLITE_RANGE:
      return "42P02";
    case SQLITE_TOOBIG:
      return "54000";
    case SQLITE_READONLY:
      return "25006";
    case SQLITE_FULL:
      return "53100";
    case SQLITE_NOMEM:
      return "53200";
    case SQLITE_IOERR:
      return "58030";
    case SQLITE_INTERRUPT:
      return "57014";
    case SQLITE_ABORT:
      return extended_code == SQLITE_ABORT_ROLLBACK ? "40000" : "57014";
    case SQLITE_CANTOPEN:
      return "08006";
    case SQLITE_AUTH:
      return "28000";
    case SQLITE_PERM:
      return "42501";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "XX001";
    default:
      return "XX000";
  }
}

bool is_retryable_code(int extended_code) noexcept {
  const int primary = extended_code & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

void throw_sqlite_error(sqlite3* db, int code, std::string_view sql, std::string_view context) {
  // Result codes from the API are already extended (sqlite3_extended_result_codes
  // is on), but the connection's own record is the authority when they differ.
  const int extended = db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (code & 0xff)
                           ? sqlite3_extended_errcode(db)
                           : code;
  const char* native_message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(extended);
  ErrorInfo info;
  info.message = native_message != nullptr ? native_message : sqlite3_errstr(extended);
  info.sqlstate = std::string(sqlstate_for(extended, info.message));
  if (!context.empty()) {
    info.message += " (";
    info.message += context;
    info.message += ")";
  }
  info.dialect = "sqlite";
  info.statement = std::string(sql);
  info.native_code = extended;
  info.retryable = is_retryable_code(extended);
  throw_database_error(std::move(info));
}

void throw_programming_error(std::string message, std::string_view sqlstate, std::string_view sql) {
  throw_error<ProgrammingError>(
      std::move(message),
      {.sqlstate = std::string(sqlstate), .dialect = "sqlite", .statement = std::string(sql)});
}

}  // namespace lingo::sqlite
