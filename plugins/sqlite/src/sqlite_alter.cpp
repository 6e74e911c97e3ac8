// Schema changes on SQLite. ALTER TABLE there adds a plain column and renames
// columns and tables; everything else goes through the procedure SQLite's
// documentation gives (lang_altertable.html, "making other kinds of table
// schema changes"), inside the batch's transaction with foreign key
// enforcement off:
//   1. read the table's CREATE TABLE text and edit the one column definition
//      (or table constraint) the change is about, keeping everything else as
//      written: other columns, CHECKs, COLLATEs, table constraints;
//   2. create the edited table under a new name and copy every row into it;
//   3. drop the old table and give the new one its name;
//   4. create the table's indexes and triggers again (an index over a dropped
//      column goes with it, as on PostgreSQL);
//   5. PRAGMA foreign_key_check: a change that leaves a key dangling fails,
//      and the batch rolls back.
#include <algorithm>
#include <array>
#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/join.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <cctype>
#include <locale>
#include <optional>

#include "lingo/errors.h"
#include "sqlite_compiler.h"
#include "sqlite_connection.h"
#include "sqlite_dialect.h"

namespace lingo::sqlite {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  boost::algorithm::to_upper(out, std::locale::classic());
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  // SQLite's names compare without regard to ASCII case
  return boost::algorithm::iequals(a, b, std::locale::classic());
}

std::string quoted(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Where the quoted text starting at `at` ends (one past its closing quote);
// a quote is escaped by doubling it.
std::size_t skip_quoted(std::string_view sql, std::size_t at) {
  const char close = sql[at] == '[' ? ']' : sql[at];
  for (std::size_t i = at + 1; i < sql.size(); ++i) {
    if (sql[i] != close) continue;
    if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
      ++i;
      continue;
    }
    return i + 1;
  }
  return sql.size();
}

bool opens_quote(char c) {
  return c == '\'' || c == '"' || c == '`' || c == '[';
}

// Where the comment starting at `at` ends (`-- ...` to the line's end,
// `/* ... */`), or `at` when none starts there.
std::size_t skip_comment(std::string_view sql, std::size_t at) {
  if (sql.substr(at, 2) == "--") {
    const auto end = sql.find('\n', at);
    return end == std::string_view::npos ? sql.size() : end + 1;
  }
  if (sql.substr(at, 2) == "/*") {
    const auto end = sql.find("*/", at + 2);
    return end == std::string_view::npos ? sql.size() : end + 2;
  }
  return at;
}

// Where the parenthesized group starting at `at` ends (one past its ')').
std::size_t skip_group(std::string_view sql, std::size_t at) {
  int depth = 0;
  for (std::size_t i = at; i < sql.size();) {
    if (opens_quote(sql[i])) {
      i = skip_quoted(sql, i);
      continue;
    }
    if (const auto end = skip_comment(sql, i); end != i) {
      i = end;
      continue;
    }
    if (sql[i] == '(') ++depth;
    if (sql[i] == ')' && --depth == 0) return i + 1;
    ++i;
  }
  return sql.size();
}

// The top-level tokens of a column definition or table constraint: quoted
// names and strings (a blob literal X'..' too), parenthesized groups and
// signed numbers are one token each; comments are left out.
std::vector<std::string> tokens_of(std::string_view part) {
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < part.size();) {
    const char c = part[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (const auto end = skip_comment(part, i); end != i) {
      i = end;
      continue;
    }
    std::size_t end = i + 1;
    if ((c == 'x' || c == 'X') && i + 1 < part.size() && part[i + 1] == '\'') {
      end = skip_quoted(part, i + 1);
    } else if (opens_quote(c)) {
      end = skip_quoted(part, i);
    } else if (c == '(') {
      end = skip_group(part, i);
    } else {
      while (end < part.size() && !std::isspace(static_cast<unsigned char>(part[end])) && part[end] != '(' &&
             !opens_quote(part[end]) && skip_comment(part, end) == end)
        ++end;
    }
    tokens.emplace_back(part.substr(i, end - i));
    i = end;
  }
  return tokens;
}

// A name token without its quotes.
std::string unquote(std::string_view token) {
  if (token.empty() || !opens_quote(token[0])) return std::string(token);
  const char close = token[0] == '[' ? ']' : token[0];
  std::string out;
  for (std::size_t i = 1; i + 1 < token.size(); ++i) {
    out += token[i];
    if (token[i] == close && close != ']') ++i;
  }
  return out;
}

bool is_table_constraint(const std::vector<std::string>& tokens) {
  if (tokens.empty()) return false;
  const std::string first = upper(tokens[0]);
  return first == "CONSTRAINT" || first == "PRIMARY" || first == "UNIQUE" || first == "CHECK" ||
         first == "FOREIGN";
}

bool starts_constraint(std::string_view token) {
  static const std::array<std::string_view, 11> words{"CONSTRAINT", "PRIMARY",   "NOT",     "NULL",
                                                      "UNIQUE",     "CHECK",     "DEFAULT", "COLLATE",
                                                      "REFERENCES", "GENERATED", "AS"};
  const std::string word = upper(token);
  return std::find(words.begin(), words.end(), word) != words.end();
}

// CREATE TABLE text split into the definitions between its parentheses.
struct TableText {
  std::vector<std::string> parts;
  std::string suffix;  // after the closing parenthesis: WITHOUT ROWID, STRICT
};

TableText split_create(std::string_view sql) {
  std::size_t open = 0;
  while (open < sql.size() && sql[open] != '(') {
    if (opens_quote(sql[open]))
      open = skip_quoted(sql, open);
    else if (const auto end = skip_comment(sql, open); end != open)
      open = end;
    else
      ++open;
  }
  const std::size_t close = skip_group(sql, open);  // one past ')'
  TableText text;
  text.suffix = std::string(sql.substr(close));
  std::size_t start = open + 1;
  for (std::size_t i = start; i + 1 < close;) {
    if (opens_quote(sql[i])) {
      i = skip_quoted(sql, i);
    } else if (const auto end = skip_comment(sql, i); end != i) {
      i = end;
    } else if (sql[i] == '(') {
      i = skip_group(sql, i);
    } else if (sql[i] == ',') {
      text.parts.emplace_back(sql.substr(start, i - start));
      start = ++i;
    } else {
      ++i;
    }
  }
  text.parts.emplace_back(sql.substr(start, close - 1 - start));
  return text;
}

// Removes `NOT NULL` (and an ON CONFLICT clause after it); an `IS NOT NULL`
// inside a CHECK is inside a group token and never seen here.
void remove_not_null(std::vector<std::string>& tokens) {
  for (std::size_t i = 1; i + 1 < tokens.size();) {
    if (upper(tokens[i]) == "NOT" && upper(tokens[i + 1]) == "NULL") {
      std::size_t end = i + 2;
      if (end + 1 < tokens.size() && upper(tokens[end]) == "ON" && upper(tokens[end + 1]) == "CONFLICT")
        end += 3;
      tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                   tokens.begin() + static_cast<std::ptrdiff_t>(std::min(end, tokens.size())));
    } else {
      ++i;
    }
  }
}

// Removes `DEFAULT value`; the DEFAULT of `ON DELETE SET DEFAULT` is an
// action, not a default, and stays.
void remove_default(std::vector<std::string>& tokens) {
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    if (upper(tokens[i]) != "DEFAULT" || upper(tokens[i - 1]) == "SET") continue;
    const std::size_t end = std::min(tokens.size(), i + 2);
    tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                 tokens.begin() + static_cast<std::ptrdiff_t>(end));
    return;
  }
}

std::size_t type_end(const std::vector<std::string>& tokens) {
  std::size_t i = 1;
  while (i < tokens.size() && !starts_constraint(tokens[i])) ++i;
  return i;
}

// Whether a table constraint names the column in its first column list.
bool constraint_mentions(const std::vector<std::string>& tokens, std::string_view column) {
  for (const auto& token : tokens) {
    if (token.empty() || token[0] != '(') continue;
    const auto inner = split_create("x" + token);  // "(a, b)" as a table body
    return std::any_of(inner.parts.begin(), inner.parts.end(), [&](const std::string& part) {
      const auto words = tokens_of(part);
      return !words.empty() && same_name(unquote(words[0]), column);
    });
  }
  return false;
}

[[noreturn]] void no_such(const SchemaChange& change, const std::string& what) {
  throw_error<DatabaseError>(std::string(to_string(change.kind)) + ": " + what,
                             {.sqlstate = "42703",  // undefined_column (or table, below)
                              .dialect = "sqlite"});
}

std::string literal_sql(const Compiler& compiler, const Value& value) {
  std::string out;
  compiler.literal(value, out);
  return out;
}

// PRAGMA foreign_key_check over the whole database: IntegrityError naming the
// first row whose key refers to nothing.
void check_foreign_keys(Connection& conn, const std::string& what) {
  const Result dangling = conn.execute("PRAGMA foreign_key_check", {});
  if (dangling.empty()) return;
  throw_error<DatabaseError>(what + " would leave row " + dangling[0].get<Value>(1).to_string() +
                                 " of table \"" + dangling[0].get<std::string>(0) +
                                 "\" referring to a row of \"" + dangling[0].get<std::string>(2) +
                                 "\" that does not exist; nothing was changed",
                             {.sqlstate = "23503",  // foreign_key_violation
                              .dialect = "sqlite"});
}

void rebuild(Connection& conn, const SqliteCompiler& compiler, const SchemaChange& change) {
  using Kind = SchemaChange::Kind;
  const std::array<Value, 1> table_param{Value(change.table)};
  const Result found = conn.execute(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = $1 COLLATE NOCASE", table_param);
  if (found.empty()) {
    throw_error<DatabaseError>(std::string(to_string(change.kind)) + ": no table \"" + change.table + "\"",
                               {.sqlstate = "42P01", .dialect = "sqlite"});
  }
  const std::string table = found[0].get<std::string>(0);
  TableText text = split_create(found[0].get<std::string>(1));
  // Generated columns are computed, never copied (SQLite refuses to insert them).
  std::vector<std::string> generated;
  for (const Row row : conn.execute("SELECT name FROM pragma_table_xinfo($1) WHERE hidden IN (2, 3)",
                                    std::array<Value, 1>{Value(table)}))
    generated.push_back(row.get<std::string>(0));

  std::vector<std::string> copied;  // the columns whose rows are copied, as quoted names
  bool has_column = false;          // add_foreign_key: the column is there
  bool edited = false;
  for (auto part = text.parts.begin(); part != text.parts.end();) {
    auto tokens = tokens_of(*part);
    if (is_table_constraint(tokens)) {
      if (change.kind == Kind::drop_column && constraint_mentions(tokens, change.column)) {
        part = text.parts.erase(part);  // a key over the dropped column goes with it
        continue;
      }
      ++part;
      continue;
    }
    const std::string name = tokens.empty() ? std::string() : unquote(tokens[0]);
    const bool target = same_name(name, change.column);
    if (target && change.kind == Kind::drop_column) {
      edited = true;
      part = text.parts.erase(part);
      continue;
    }
    if (std::none_of(generated.begin(), generated.end(),
                     [&](const std::string& g) { return same_name(g, name); }))
      copied.push_back(quoted(name));
    has_column = has_column || target;
    if (target) {
      edited = true;
      switch (change.kind) {
        case Kind::alter_type: {
          const std::size_t end = type_end(tokens);
          tokens.erase(tokens.begin() + 1, tokens.begin() + static_cast<std::ptrdiff_t>(end));
          tokens.insert(tokens.begin() + 1, compiler.column_type(*change.field));
          break;
        }
        case Kind::add_not_null: {
          // Already NOT NULL (perhaps with an ON CONFLICT clause): kept as written.
          bool present = false;
          for (std::size_t t = 1; t + 1 < tokens.size(); ++t)
            present = present || (upper(tokens[t]) == "NOT" && upper(tokens[t + 1]) == "NULL");
          if (!present)
            tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(type_end(tokens)), {"NOT", "NULL"});
          break;
        }
        case Kind::drop_not_null:
          remove_not_null(tokens);
          break;
        case Kind::set_default:
          remove_default(tokens);
          tokens.push_back("DEFAULT");
          tokens.push_back(change.default_value ? literal_sql(compiler, *change.default_value)
                                                : change.default_sql);
          break;
        case Kind::drop_default:
          remove_default(tokens);
          break;
        default:
          break;
      }
      *part = ' ';
      *part += boost::algorithm::join(tokens, " ");
    }
    ++part;
  }
  if (change.kind == Kind::add_column) {
    text.parts.push_back(" " + compiler.column_sql(change.column, *change.field));
    edited = true;
  } else if (change.kind == Kind::add_foreign_key) {
    const auto& ref = change.references;
    std::string key = " FOREIGN KEY (" + quoted(change.column) + ") REFERENCES " + quoted(ref.table) + " (" +
                      quoted(ref.column) + ")";
    if (ref.on_delete != ReferentialAction::no_action)
      key += " ON DELETE " + std::string(Compiler::action_sql(ref.on_delete));
    if (ref.on_update != ReferentialAction::no_action)
      key += " ON UPDATE " + std::string(Compiler::action_sql(ref.on_update));
    edited = has_column;
    text.parts.push_back(key);
  }
  if (!edited) no_such(change, "no column \"" + change.column + "\" in table \"" + table + "\"");

  // The table's indexes and triggers, to be made again; an index over a
  // dropped column is not.
  std::vector<std::string> again;
  for (const Row row :
       conn.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = $1 AND type IN "
                    "('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
                    std::array<Value, 1>{Value(table)})) {
    if (change.kind == Kind::drop_column && row.get<std::string>(0) == "index") {
      bool over_dropped = false;
      for (const Row key : conn.execute("SELECT name FROM pragma_index_info($1)",
                                        std::array<Value, 1>{Value(row.get<std::string>(1))})) {
        const auto column = key.get<std::optional<std::string>>(0);
        over_dropped = over_dropped || (column && same_name(*column, change.column));
      }
      if (over_dropped) continue;
    }
    again.push_back(row.get<std::string>(2));
  }

  std::optional<Value> sequence;
  if (!conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'", {}).empty()) {
    const Result seq =
        conn.execute("SELECT seq FROM sqlite_sequence WHERE name = $1", std::array<Value, 1>{Value(table)});
    if (!seq.empty()) sequence = seq[0].get<Value>(0);
  }
  const std::string fresh = "lingo_rebuild_" + table;
  std::string create = "CREATE TABLE " + quoted(fresh) + " (";
  create += boost::algorithm::join(text.parts, ",") + ")" + text.suffix;
  conn.execute(create, {});
  const std::string columns = boost::algorithm::join(copied, ", ");
  conn.execute(
      "INSERT INTO " + quoted(fresh) + " (" + columns + ") SELECT " + columns + " FROM " + quoted(table), {});
  conn.execute("DROP TABLE " + quoted(table), {});
  // Views and other tables' triggers that name the table still do: with
  // legacy_alter_table off, SQLite (>= 3.26) would check them during the
  // rename and fail, since the table they name is gone for the moment.
  conn.execute("PRAGMA legacy_alter_table = ON", {});
  try {
    conn.execute("ALTER TABLE " + quoted(fresh) + " RENAME TO " + quoted(table), {});
  } catch (...) {
    conn.execute("PRAGMA legacy_alter_table = OFF", {});
    throw;
  }
  conn.execute("PRAGMA legacy_alter_table = OFF", {});
  // An AUTOINCREMENT table's counter is kept: the copy would set it to the
  // largest key still there, and a deleted key could come back.
  if (sequence)
    conn.execute("UPDATE sqlite_sequence SET seq = $1 WHERE name = $2",
                 std::array<Value, 2>{*sequence, Value(table)});
  for (const auto& sql : again) conn.execute(sql, {});
  check_foreign_keys(conn, std::string(to_string(change.kind)) + " on table \"" + table + "\"");
}

}  // namespace

void SqliteDialect::alter(Connection& conn, const SchemaChange& change) const {
  using Kind = SchemaChange::Kind;
  const auto& sqlite_compiler = static_cast<const SqliteCompiler&>(compiler());
  switch (change.kind) {
    case Kind::add_column:
      // ALTER TABLE ADD COLUMN takes neither a key nor a UNIQUE column.
      if (change.field->is_primary_key() || change.field->is_unique()) {
        rebuild(conn, sqlite_compiler, change);
        return;
      }
      Dialect::alter(conn, change);
      return;
    case Kind::rename_column:
    case Kind::rename_table:
    case Kind::add_index:
    case Kind::drop_index:
      Dialect::alter(conn, change);
      return;
    default:
      rebuild(conn, sqlite_compiler, change);
      return;
  }
}

void SqliteDialect::before_schema_changes(Connection& conn) const {
  conn.execute("PRAGMA foreign_keys = OFF", {});
}

void SqliteDialect::check_schema_changes(Connection& conn) const {
  check_foreign_keys(conn, "the schema changes");
}

void SqliteDialect::after_schema_changes(Connection& conn) const {
  const auto* sqlite = dynamic_cast<const SqliteConnection*>(&conn);
  if (sqlite && sqlite->foreign_keys() && conn.is_usable()) conn.execute("PRAGMA foreign_keys = ON", {});
}

}  // namespace lingo::sqlite
