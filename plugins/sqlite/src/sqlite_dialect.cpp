#include "sqlite_dialect.h"

#include <algorithm>
#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/join.hpp>
#include <charconv>
#include <climits>
#include <cmath>
#include <initializer_list>
#include <locale>
#include <string>

#include "lingo/errors.h"
#include "sqlite_compiler.h"
#include "sqlite_introspection.h"

namespace lingo::sqlite {
namespace {

constexpr std::string_view accepted_options =
    "timeout (or busy_timeout), foreign_keys, journal_mode, synchronous, mode";

[[noreturn]] void bad_value(const Uri& uri, const std::string& key, const std::string& value,
                            const std::string& expected) {
  throw UriError("sqlite URI option " + key + "=" + value + " is not valid: expected " + expected + " (" +
                 uri.masked() + ")");
}

// The value lower-cased, when it is one of `choices`; UriError otherwise.
std::string one_of(const Uri& uri, const std::string& key, const std::string& value,
                   std::initializer_list<std::string> choices) {
  std::string v = boost::algorithm::to_lower_copy(value, std::locale::classic());
  if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
    bad_value(uri, key, value, "one of " + boost::algorithm::join(choices, ", "));
  }
  return v;
}

bool parse_flag(const Uri& uri, const std::string& key, const std::string& value) {
  const std::string v = one_of(uri, key, value, {"on", "off", "1", "0", "true", "false"});
  return v == "on" || v == "1" || v == "true";
}

int parse_timeout_ms(const Uri& uri, const std::string& key, const std::string& value) {
  double seconds = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, seconds);
  if (ec != std::errc() || ptr != end || !std::isfinite(seconds) || seconds < 0) {
    bad_value(uri, key, value, "a number of seconds, 0 or more (fractions allowed)");
  }
  const double ms = std::round(seconds * 1000.0);
  return ms >= static_cast<double>(INT_MAX) ? INT_MAX : static_cast<int>(ms);
}

}  // namespace

OpenOptions parse_uri(const Uri& uri) {
  OpenOptions options;
  options.masked_uri = uri.masked();
  if (!uri.hosts().empty() || uri.user().has_value()) {
    throw UriError(
        "sqlite URIs take no host: the database is a file on this machine; write "
        "sqlite:///relative.db, sqlite:////absolute/path.db or sqlite:// for memory (" +
        uri.masked() + ")");
  }
  if (!uri.path().empty() && uri.path() != ":memory:") options.filename = uri.path();

  for (const auto& [key, value] : uri.options()) {
    if (key == "timeout" || key == "busy_timeout") {
      options.busy_timeout_ms = parse_timeout_ms(uri, key, value);
    } else if (key == "foreign_keys") {
      options.foreign_keys = parse_flag(uri, key, value);
    } else if (key == "journal_mode") {
      options.journal_mode =
          one_of(uri, key, value, {"delete", "truncate", "persist", "memory", "wal", "off"});
    } else if (key == "synchronous") {
      options.synchronous = one_of(uri, key, value, {"off", "normal", "full", "extra"});
    } else if (key == "mode") {
      const std::string mode = one_of(uri, key, value, {"ro", "rw", "rwc"});
      options.flags = mode == "ro"   ? SQLITE_OPEN_READONLY
                      : mode == "rw" ? SQLITE_OPEN_READWRITE
                                     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    } else {
      throw UriError("unknown sqlite URI option \"" + key +
                     "\"; accepted options: " + std::string(accepted_options) + " (" + uri.masked() + ")");
    }
  }
  return options;
}

std::unique_ptr<Connection> SqliteDialect::connect(const Uri& uri) const {
  return std::make_unique<SqliteConnection>(parse_uri(uri));
}

const Introspector* SqliteDialect::introspector() const noexcept {
  static const SqliteIntrospector introspector;  // stateless, shared by every connection
  return &introspector;
}

const Compiler& SqliteDialect::compiler() const {
  static const SqliteCompiler compiler;
  return compiler;
}

// SQLite's transactions are always serializable; what it lets a caller choose
// is when the write lock is taken (DEFERRED, IMMEDIATE, EXCLUSIVE).
std::string SqliteDialect::begin_statement(const TransactionOptions& options) const {
  if (options.isolation_level && *options.isolation_level != IsolationLevel::serializable) {
    unsupported_transaction_option(
        name(), "isolation_level",
        "SQLite transactions are always SERIALIZABLE, so only that level is accepted");
  }
  if (options.read_only) unsupported_transaction_option(name(), "read_only");
  if (options.deferrable) unsupported_transaction_option(name(), "deferrable");
  if (options.priority)
    unsupported_transaction_option(name(), "priority", "transaction priorities are CockroachDB's");
  if (options.system_time)
    unsupported_transaction_option(name(), "system_time", "AS OF SYSTEM TIME is CockroachDB's");
  if (options.lock_type) return "BEGIN " + std::string(to_string(*options.lock_type));
  return "BEGIN";
}

}  // namespace lingo::sqlite
