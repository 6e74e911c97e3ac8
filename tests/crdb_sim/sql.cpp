#include "sql.h"

#include <cctype>
#include <regex>

namespace crdb_sim {
namespace {

const auto kIcase = std::regex::icase | std::regex::ECMAScript;

std::string trimmed(std::string_view sql) {
  std::size_t start = 0;
  std::size_t end = sql.size();
  while (start < end && (std::isspace(static_cast<unsigned char>(sql[start])) != 0)) ++start;
  while (end > start && (std::isspace(static_cast<unsigned char>(sql[end - 1])) != 0 || sql[end - 1] == ';'))
    --end;
  return std::string(sql.substr(start, end - start));
}

// An identifier as CockroachDB folds it: quoted keeps its case.
std::string identifier(const std::string& text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return text.substr(1, text.size() - 2);
  return lower(text);
}

std::string unquoted(std::string value) {
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

// The modes of BEGIN / SET TRANSACTION, comma-separated or not.
void parse_modes(std::string rest, Statement& s) {
  static const std::regex aost(R"(AS\s+OF\s+SYSTEM\s+TIME\s+((?:[A-Za-z_]+\([^)]*\))|'[^']*'|\$\d+|[^\s,]+))",
                               kIcase);
  std::smatch m;
  if (std::regex_search(rest, m, aost)) {
    s.modes.aost = m[1].str();
    rest = m.prefix().str() + " " + m.suffix().str();
  }
  static const std::regex isolation(
      R"(ISOLATION\s+LEVEL\s+(READ\s+UNCOMMITTED|READ\s+COMMITTED|REPEATABLE\s+READ|SNAPSHOT|SERIALIZABLE))",
      kIcase);
  if (std::regex_search(rest, m, isolation)) {
    s.modes.isolation = std::regex_replace(m[1].str(), std::regex(R"(\s+)"), " ");
    for (char& c : s.modes.isolation) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    rest = m.prefix().str() + " " + m.suffix().str();
  }
  static const std::regex priority(R"(PRIORITY\s+(\w+))", kIcase);
  if (std::regex_search(rest, m, priority)) {
    s.modes.priority = lower(m[1].str());
    if (s.modes.priority != "low" && s.modes.priority != "normal" && s.modes.priority != "high") {
      s.error_state = "42601";
      s.error = "syntax error: unknown transaction priority " + m[1].str();
    }
    rest = m.prefix().str() + " " + m.suffix().str();
  }
  static const std::regex not_deferrable(R"(NOT\s+DEFERRABLE)", kIcase);
  rest = std::regex_replace(rest, not_deferrable, " ");
  static const std::regex deferrable(R"(\bDEFERRABLE\b)", kIcase);
  if (std::regex_search(rest, deferrable)) s.modes.deferrable = true;
  rest = std::regex_replace(rest, deferrable, " ");
  static const std::regex read_only(R"(READ\s+ONLY)", kIcase);
  static const std::regex read_write(R"(READ\s+WRITE)", kIcase);
  if (std::regex_search(rest, read_only)) s.modes.read_only = true;
  if (std::regex_search(rest, read_write)) s.modes.read_only = false;
  rest = std::regex_replace(std::regex_replace(rest, read_only, " "), read_write, " ");
  // Whatever is left must be commas and spaces.
  for (const char c : rest) {
    if (c != ',' && std::isspace(static_cast<unsigned char>(c)) == 0 && s.error.empty()) {
      s.error_state = "42601";
      s.error = "at or near \"" + trimmed(rest) + "\": syntax error";
      break;
    }
  }
}

}  // namespace

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_restart(std::string_view savepoint) {
  return savepoint.starts_with("cockroach_restart");
}

// Transaction control and session commands are short; std::regex recurses
// once per character, so a long text would exhaust the stack (BEGIN followed
// by 100 KB did). Longer statements are data, which PostgreSQL judges.
constexpr std::size_t kLongestControl = 4096;

Statement classify(std::string_view text) {
  Statement s;
  const std::string sql = trimmed(text);
  if (sql.size() > kLongestControl) return s;
  std::smatch m;
  static const std::regex begin(R"(^(?:BEGIN|START)(?:\s+TRANSACTION)?\b(.*)$)", kIcase);
  static const std::regex set_txn(R"(^SET\s+TRANSACTION\b(.*)$)", kIcase);
  static const std::regex commit(R"(^(?:COMMIT|END)(?:\s+TRANSACTION)?$)", kIcase);
  static const std::regex rollback(R"(^(?:ROLLBACK|ABORT)(?:\s+TRANSACTION)?$)", kIcase);
  static const std::regex rollback_to(
      R"(^ROLLBACK(?:\s+TRANSACTION)?\s+TO\s+(?:SAVEPOINT\s+)?("[^"]+"|\w+)$)", kIcase);
  static const std::regex savepoint(R"(^SAVEPOINT\s+("[^"]+"|\w+)$)", kIcase);
  static const std::regex release(R"(^RELEASE\s+(?:SAVEPOINT\s+)?("[^"]+"|\w+)$)", kIcase);
  static const std::regex set_var(R"(^SET\s+(?:SESSION\s+)?(\w+(?:\.\w+)?)\s*(?:=|TO)\s*(.+)$)", kIcase);
  static const std::regex reset_var(R"(^RESET\s+(\w+(?:\.\w+)?)$)", kIcase);
  static const std::regex show_priority(R"(^SHOW\s+TRANSACTION\s+PRIORITY$)", kIcase);
  static const std::regex show_var(R"(^SHOW\s+(\w+(?:\.\w+)?)$)", kIcase);
  static const std::regex version(R"(^SELECT\s+version\s*\(\s*\)$)", kIcase);
  if (std::regex_match(sql, m, rollback_to)) {
    s.kind = Kind::rollback_to;
    s.name = identifier(m[1].str());
  } else if (std::regex_match(sql, m, begin)) {
    s.kind = Kind::begin;
    parse_modes(m[1].str(), s);
  } else if (std::regex_match(sql, m, set_txn)) {
    s.kind = Kind::set_transaction;
    parse_modes(m[1].str(), s);
  } else if (std::regex_match(sql, commit)) {
    s.kind = Kind::commit;
  } else if (std::regex_match(sql, rollback)) {
    s.kind = Kind::rollback;
  } else if (std::regex_match(sql, m, savepoint)) {
    s.kind = Kind::savepoint;
    s.name = identifier(m[1].str());
  } else if (std::regex_match(sql, m, release)) {
    s.kind = Kind::release;
    s.name = identifier(m[1].str());
  } else if (std::regex_match(sql, show_priority)) {
    s.kind = Kind::show_var;
    s.name = "transaction_priority";
  } else if (std::regex_match(sql, m, set_var)) {
    s.kind = Kind::set_var;
    s.name = lower(m[1].str());
    s.value = unquoted(trimmed(m[2].str()));
  } else if (std::regex_match(sql, m, reset_var)) {
    s.kind = Kind::reset_var;
    s.name = lower(m[1].str());
  } else if (std::regex_match(sql, m, show_var)) {
    s.kind = Kind::show_var;
    s.name = lower(m[1].str());
  } else if (std::regex_match(sql, version)) {
    s.kind = Kind::version;
  }
  return s;
}

std::optional<std::string> check_aost(const std::string& expr, bool in_transaction, std::string& state) {
  static const std::regex placeholder(R"(^\$\d+$)");
  static const std::regex negative_interval(R"(^'-(\d+(\.\d+)?(h|m|s|ms|us|ns))+'$)");
  static const std::regex positive_interval(R"(^'(\d+(\.\d+)?(h|m|s|ms|us|ns))+'$)");
  static const std::regex tiny(R"(^'-0*'$)");
  static const std::regex timestamp(
      R"(^'\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2}(\.\d+)?)?([+-]\d{2}(:\d{2})?|Z)?'$)");
  static const std::regex nanos(R"(^\d+(\.\d{10})?$)");
  static const std::regex follower(R"(^(experimental_)?follower_read_timestamp\(\)$)", kIcase);
  static const std::regex bounded(R"(^with_(min_timestamp|max_staleness)\(.*\)$)", kIcase);
  state = "XXUUU";
  if (std::regex_match(expr, placeholder)) {
    state = "42P02";
    return "no value provided for placeholder: " + expr;
  }
  if (std::regex_match(expr, follower)) return std::nullopt;
  if (std::regex_match(expr, bounded)) {
    if (in_transaction) {
      state = "0A000";
      return std::string("cannot use a bounded staleness query in a transaction");
    }
    return std::nullopt;
  }
  if (std::regex_match(expr, negative_interval)) {
    // The interval's size in nanoseconds: it must be at least 1µs.
    static const std::regex part(R"((\d+(?:\.\d+)?)(h|ms|m|s|us|ns))");
    long double nanos_total = 0;
    for (auto it = std::sregex_iterator(expr.begin(), expr.end(), part); it != std::sregex_iterator(); ++it) {
      const std::string unit = (*it)[2].str();
      const long double scale = unit == "h"    ? 3600e9L
                                : unit == "m"  ? 60e9L
                                : unit == "s"  ? 1e9L
                                : unit == "ms" ? 1e6L
                                : unit == "us" ? 1e3L
                                               : 1.0L;
      nanos_total += std::stold((*it)[1].str()) * scale;
    }
    if (nanos_total == 0) return std::string("AS OF SYSTEM TIME: zero timestamp is invalid");
    if (nanos_total < 1000) {
      return "AS OF SYSTEM TIME: interval value " + expr + " too small, absolute value must be >= 1µs";
    }
    return std::nullopt;
  }
  if (std::regex_match(expr, tiny)) return std::string("AS OF SYSTEM TIME: zero timestamp is invalid");
  if (std::regex_match(expr, timestamp)) return std::nullopt;
  if (std::regex_match(expr, nanos)) {
    if (expr.find_first_not_of("0.") == std::string::npos)
      return std::string("AS OF SYSTEM TIME: zero timestamp is invalid");
    return std::nullopt;
  }
  if (std::regex_match(expr, positive_interval)) {
    return "AS OF SYSTEM TIME: cannot specify timestamp in the future (" + expr + ")";
  }
  return std::string(
      "AS OF SYSTEM TIME: only constant expressions, with_min_timestamp, with_max_staleness, or "
      "follower_read_timestamp are allowed");
}

std::string rewrite_ddl(const std::string& sql, std::string& error) {
  // Types are written in CREATE TABLE, and in ALTER TABLE's ADD COLUMN and
  // ALTER COLUMN ... TYPE.
  static const std::regex create(R"(^\s*(CREATE|ALTER)\s+TABLE\b)", kIcase);
  if (!std::regex_search(sql, create)) return sql;
  static const std::regex nested(R"(\[\s*\]\s*\[\s*\])");
  if (std::regex_search(sql, nested)) {
    error = "at or near \"[\": syntax error: unimplemented: this syntax";
    return sql;
  }
  std::string out = sql;
  out = std::regex_replace(out, std::regex(R"(\bSTRING\b)", kIcase), "TEXT");
  out = std::regex_replace(out, std::regex(R"(\bBYTES\b)", kIcase), "BYTEA");
  out = std::regex_replace(out, std::regex(R"(\bJSON\b)", kIcase), "JSONB");
  out = std::regex_replace(out, std::regex(R"(\b(BIG|SMALL)?SERIAL\b)", kIcase),
                           "BIGINT DEFAULT unique_rowid()");
  // CockroachDB's INT and INTEGER are 64-bit.
  out = std::regex_replace(out, std::regex(R"(\b(INTEGER|INT)\b)", kIcase), "BIGINT");
  return out;
}

std::optional<std::string> strip_aost(std::string& sql) {
  static const std::regex aost(
      R"(\s+AS\s+OF\s+SYSTEM\s+TIME\s+((?:[A-Za-z_]+\([^)]*\))|'[^']*'|\$\d+|[0-9.]+))", kIcase);
  std::smatch m;
  if (!std::regex_search(sql, m, aost)) return std::nullopt;
  std::string expr = m[1].str();
  sql = m.prefix().str() + m.suffix().str();
  return expr;
}

std::optional<std::string> rewrite_upsert(
    const std::string& sql, const std::function<std::vector<std::string>(const std::string&)>& pk_of,
    std::string& error) {
  static const std::regex upsert(
      R"(^\s*UPSERT\s+INTO\s+((?:"[^"]+"|\w+)(?:\.(?:"[^"]+"|\w+))?)\s*\(([^)]*)\)([\s\S]*)$)", kIcase);
  std::smatch m;
  if (!std::regex_match(sql, m, upsert)) return std::nullopt;
  const std::string table = m[1].str();
  std::vector<std::string> columns;
  {
    const std::string list = m[2].str();
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t comma = list.find(',', start);
      std::string c = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      columns.push_back(identifier(trimmed(c)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  std::string rest = m[3].str();
  std::string returning;
  static const std::regex returning_clause(R"(\s+RETURNING\s+[\s\S]*$)", kIcase);
  std::smatch r;
  if (std::regex_search(rest, r, returning_clause)) {
    returning = r[0].str();
    rest = r.prefix().str();
  }
  const std::vector<std::string> pk = pk_of(table);
  if (pk.empty()) {
    error = "relation " + table + " has no primary key for UPSERT to decide by";
    return sql;
  }
  auto quote = [](const std::string& name) { return "\"" + name + "\""; };
  std::string out = "INSERT INTO " + table + " (" + m[2].str() + ")" + rest + " ON CONFLICT (";
  for (std::size_t i = 0; i < pk.size(); ++i) out += (i ? ", " : "") + quote(pk[i]);
  out += ")";
  std::vector<std::string> updates;
  for (const auto& c : columns) {
    if (std::find(pk.begin(), pk.end(), c) == pk.end())
      updates.push_back(quote(c) + " = excluded." + quote(c));
  }
  if (updates.empty()) {
    out += " DO NOTHING";
  } else {
    out += " DO UPDATE SET ";
    for (std::size_t i = 0; i < updates.size(); ++i) out += (i ? ", " : "") + updates[i];
  }
  return out + returning;
}

std::string rewrite_functions(const std::string& sql) {
  // EXTRACT(part FROM x) is PostgreSQL's syntax too; only the call form with
  // a comma differs.
  static const std::regex extract_call(R"(\bextract\s*\(\s*(\$\d+|'[^']*')\s*,)", kIcase);
  return std::regex_replace(sql, extract_call, "date_part($1,");
}

}  // namespace crdb_sim
