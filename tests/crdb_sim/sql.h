// What the simulator understands of SQL: it recognizes the statements it
// answers itself or must watch (transaction control, CockroachDB's session
// variables), and rewrites CockroachDB's spellings into PostgreSQL's. These
// are pure functions, so they are easy to check.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crdb_sim {

enum class Kind {
  begin,            // BEGIN / START TRANSACTION [modes]
  set_transaction,  // SET TRANSACTION modes
  commit,           // COMMIT / END
  rollback,         // ROLLBACK / ABORT
  savepoint,        // SAVEPOINT name
  release,          // RELEASE [SAVEPOINT] name
  rollback_to,      // ROLLBACK TO [SAVEPOINT] name
  set_var,          // SET name = value / SET name TO value
  reset_var,        // RESET name
  show_var,         // SHOW name
  version,          // SELECT version()
  data,             // anything else
};

struct Modes {
  std::string isolation;            // "SERIALIZABLE", ... (empty: not given)
  std::optional<bool> read_only;    // READ ONLY / READ WRITE
  std::string priority;             // "low" | "normal" | "high" (empty: not given)
  std::optional<std::string> aost;  // the AS OF SYSTEM TIME expression as written
  bool deferrable = false;
};

struct Statement {
  Kind kind = Kind::data;
  std::string name;         // savepoint or variable name, lower case unless quoted
  std::string value;        // SET value, unquoted
  Modes modes;              // BEGIN / SET TRANSACTION
  std::string error_state;  // set when the statement is malformed: its SQLSTATE
  std::string error;        // and message
};

Statement classify(std::string_view sql);

// Checks an AS OF SYSTEM TIME expression as CockroachDB does. Returns the
// error message (SQLSTATE in `state`), or nullopt when it is acceptable.
// `in_transaction` refuses bounded staleness.
std::optional<std::string> check_aost(const std::string& expr, bool in_transaction, std::string& state);

// CockroachDB type names in CREATE TABLE -> PostgreSQL's; nested arrays are
// an error (message returned in `error`).
std::string rewrite_ddl(const std::string& sql, std::string& error);

// Removes "AS OF SYSTEM TIME <expr>" from a SELECT; the expression, if any.
std::optional<std::string> strip_aost(std::string& sql);

// UPSERT INTO t (cols) ... -> INSERT INTO t (cols) ... ON CONFLICT (pk) DO
// UPDATE SET c = excluded.c, with the primary key read through `pk_of`.
// nullopt when the statement is not an UPSERT.
std::optional<std::string> rewrite_upsert(
    const std::string& sql, const std::function<std::vector<std::string>(const std::string&)>& pk_of,
    std::string& error);

// CockroachDB's function-call forms PostgreSQL spells otherwise:
// extract('part', x) -> date_part('part', x).
std::string rewrite_functions(const std::string& sql);

bool starts_with_restart(std::string_view savepoint);  // cockroach_restart*
std::string lower(std::string_view text);

}  // namespace crdb_sim
