// Turning SQLite result codes into Lingo's error hierarchy.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

namespace lingo::sqlite {

// The SQLSTATE Lingo reports for an extended result code. SQLite has no
// SQLSTATEs of its own, and a plain SQLITE_ERROR covers everything from a
// typo to a missing table, so `message` (sqlite3_errmsg) refines that one.
[[nodiscard]] std::string_view sqlstate_for(int extended_code, std::string_view message) noexcept;

// BUSY and LOCKED: another connection holds a lock, so running the whole
// transaction again may succeed.
[[nodiscard]] bool is_retryable_code(int extended_code) noexcept;

// Throws the lingo::Error subclass for `code`, with the connection's current
// error message. `context`, when given, is added to the message in brackets.
// Call it before anything else touches `db` (a reset or another statement
// would replace the message).
[[noreturn]] void throw_sqlite_error(sqlite3* db, int code, std::string_view sql,
                                     std::string_view context = {});

// For failures Lingo itself detects (placeholder counts, several statements
// with parameters): a ProgrammingError that still carries dialect and SQL.
[[noreturn]] void throw_programming_error(std::string message, std::string_view sqlstate,
                                          std::string_view sql);

}  // namespace lingo::sqlite
