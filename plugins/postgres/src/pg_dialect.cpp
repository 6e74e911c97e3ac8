#include "lingo/postgres/pg_dialect.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "lingo/errors.h"
#include "lingo/postgres/pg_compiler.h"
#include "lingo/postgres/pg_connection.h"
#include "lingo/postgres/pg_introspection.h"
#include "pg_hosts.h"

namespace lingo::postgres {
namespace {

struct OptionsDeleter {
  void operator()(PQconninfoOption* o) const noexcept { PQconninfoFree(o); }
};

// libpq's messages can quote the connection string it was given, whole:
// where it does, the masked URI takes its place. (Never a search for the
// password itself, which would mangle every word that happens to hold it.)
std::string scrub(std::string message, const std::string& conninfo, const Uri& uri) {
  const std::string masked = uri.masked();
  for (auto pos = message.find(conninfo); !conninfo.empty() && pos != std::string::npos;
       pos = message.find(conninfo, pos + masked.size()))
    message.replace(pos, conninfo.size(), masked);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

bool has_value(const PQconninfoOption* options, std::string_view keyword) {
  for (auto o = options; o->keyword != nullptr; ++o)
    if (keyword == o->keyword) return o->val != nullptr && *o->val != '\0';
  return false;
}

}  // namespace

std::string PgDialect::libpq_uri(const Uri& uri) const {
  // libpq knows postgres:// and postgresql:// itself.
  return uri.rebuild("postgresql");
}

namespace {

// query_timeout=SECONDS: Lingo's own option, never libpq's.
std::optional<std::chrono::milliseconds> query_timeout_of(const Uri& uri) {
  const auto text = uri.option("query_timeout");
  if (!text) return std::nullopt;
  double seconds = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, seconds);
  if (ec != std::errc() || ptr != end || !std::isfinite(seconds) || seconds < 0 || seconds > 1e9) {
    throw UriError("URI option query_timeout=" + *text +
                   " is not valid: expected a number of seconds, 0 (no limit) or more (" + uri.masked() +
                   ")");
  }
  if (seconds == 0) return std::nullopt;
  return std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(seconds * 1000)));
}

// A connect to a host that never answers must not hang: libpq waits for
// ever unless told otherwise.
constexpr std::chrono::seconds kDefaultConnectTimeout{10};
// How long a host that failed is tried only after the others.
constexpr std::chrono::seconds kDefaultHostRecheck{5};

// Lingo's own URI options, never passed to libpq.
const std::vector<std::string> kOwnOptions = {"query_timeout", "load_balance_hosts", "host_recheck"};

double seconds_option(const Uri& uri, std::string_view name, std::string_view text,
                      std::string_view expected) {
  double seconds = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, seconds);
  if (ec != std::errc() || ptr != end || !std::isfinite(seconds) || seconds > 1e9) {
    throw UriError("URI option " + std::string(name) + "=" + std::string(text) + " is not valid: expected " +
                   std::string(expected) + " (" + uri.masked() + ")");
  }
  return seconds;
}

Balance balance_of(const Uri& uri) {
  const auto text = uri.option("load_balance_hosts");
  if (!text || *text == "disable") return Balance::disable;
  if (*text == "random") return Balance::random;
  throw UriError("URI option load_balance_hosts=" + *text + " is not valid: expected disable or random (" +
                 uri.masked() + ")");
}

std::chrono::milliseconds host_recheck_of(const Uri& uri) {
  const auto text = uri.option("host_recheck");
  if (!text) return kDefaultHostRecheck;
  const double seconds = seconds_option(uri, "host_recheck", *text, "a number of seconds, 0 or more");
  if (seconds < 0) {
    throw UriError("URI option host_recheck=" + *text +
                   " is not valid: expected a number of seconds, 0 or more (" + uri.masked() + ")");
  }
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

// libpq's connect_timeout, measured by Lingo for each host: fractions of a
// second allowed, 0 or less for no limit (as libpq), and no 2-second floor.
std::optional<std::chrono::milliseconds> connect_timeout_of(const Uri& uri, const char* text) {
  if (text == nullptr) return kDefaultConnectTimeout;
  const double seconds = seconds_option(uri, "connect_timeout", text, "a number of seconds (0: no limit)");
  if (seconds <= 0) return std::nullopt;
  return std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(seconds * 1000)));
}

// libpq's message for a failed attempt, without the LOCATION lines verbose
// mode adds.
std::string attempt_message(PGconn* conn) {
  std::string out;
  std::string_view rest = conn ? PQerrorMessage(conn) : "out of memory";
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    if (!line.starts_with("LOCATION:")) {
      out += line;
      out += '\n';
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return out;
}

std::string seconds_text(std::chrono::milliseconds ms) {
  std::string out = std::to_string(ms.count() / 1000);
  if (const auto rest = ms.count() % 1000; rest != 0) {
    std::string fraction = std::to_string(1000 + rest).substr(1);
    while (fraction.back() == '0') fraction.pop_back();
    out += "." + fraction;
  }
  return out + " s";
}

// Answers that every host would give alike (pgx stops on the same ones):
// trying the next host would only repeat them.
bool same_on_every_host(const std::string& sqlstate) {
  return sqlstate == "28P01" || sqlstate == "28000" || sqlstate == "3D000" || sqlstate == "42501";
}

}  // namespace

std::unique_ptr<Connection> PgDialect::connect(const Uri& given) const {
  const auto query_timeout = query_timeout_of(given);
  const Balance balance = balance_of(given);
  const auto recheck = host_recheck_of(given);
  const bool has_own = std::any_of(kOwnOptions.begin(), kOwnOptions.end(),
                                   [&](const std::string& o) { return given.option(o).has_value(); });
  const Uri uri = has_own ? Uri::parse(given.rebuild(given.scheme(), kOwnOptions)) : given;
  const std::string conninfo = libpq_uri(uri);
  char* parse_error = nullptr;
  std::unique_ptr<PQconninfoOption, OptionsDeleter> options(PQconninfoParse(conninfo.c_str(), &parse_error));
  if (!options) {
    std::string message =
        "libpq cannot use the URI '" + uri.masked() +
        "': " + scrub(parse_error ? parse_error : "out of memory", conninfo, uri) +
        " (see https://www.postgresql.org/docs/15/libpq-connect.html for the options it accepts)";
    PQfreemem(parse_error);
    throw_error<UriError>(std::move(message), {.dialect = std::string(name())});
  }

  // Every option but the hosts, which are tried one at a time, and
  // connect_timeout, which Lingo measures itself.
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  const char* host = nullptr;
  const char* port = nullptr;
  const char* hostaddr = nullptr;
  const char* timeout_text = nullptr;
  for (auto o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view keyword = o->keyword;
    if (keyword == "host") {
      host = o->val;
    } else if (keyword == "port") {
      port = o->val;
    } else if (keyword == "hostaddr") {
      hostaddr = o->val;
    } else if (keyword == "connect_timeout") {
      timeout_text = o->val;
    } else {
      keywords.push_back(o->keyword);
      values.push_back(o->val);
    }
  }
  // Lingo decodes text as UTF-8; a URI that asks for another encoding wins.
  if (!has_value(options.get(), "client_encoding")) {
    keywords.push_back("client_encoding");
    values.push_back("UTF8");
  }
  const auto connect_timeout = connect_timeout_of(uri, timeout_text);
  std::string problem;
  const auto hosts = split_hosts(host, port, hostaddr, problem);
  if (!hosts) throw UriError("the URI's hosts cannot be used: " + problem + " (" + uri.masked() + ")");
  const std::size_t fixed = keywords.size();
  keywords.insert(keywords.end(), {"host", "port", "hostaddr", nullptr});
  values.insert(values.end(), {nullptr, nullptr, nullptr, nullptr});

  HostBook& book = HostBook::instance();
  const bool several = hosts->size() > 1;
  std::string failures;
  PGconn* conn = nullptr;
  const HostTarget* chosen = nullptr;
  std::shared_ptr<void> lease;
  std::vector<bool> tried(hosts->size(), false);
  for (;;) {
    const HostTarget* target = &hosts->front();
    if (several) {
      auto choice = book.next(*hosts, tried, balance);
      if (!choice) break;
      tried[choice->index] = true;
      target = &(*hosts)[choice->index];
      lease = std::move(choice->lease);
    }
    values[fixed] = target->host.empty() ? nullptr : target->host.c_str();
    values[fixed + 1] = target->port.empty() ? nullptr : target->port.c_str();
    values[fixed + 2] = target->hostaddr.empty() ? nullptr : target->hostaddr.c_str();
    const Attempt attempt = connect_within(keywords.data(), values.data(), connect_timeout);
    if (attempt.conn != nullptr && PQstatus(attempt.conn) == CONNECTION_OK) {
      conn = attempt.conn;
      chosen = target;
      break;
    }
    std::string why = scrub(attempt_message(attempt.conn), conninfo, uri);
    if (attempt.timed_out) {
      why = "connection to server at \"" + target->key() + "\" failed: no answer within connect_timeout (" +
            seconds_text(*connect_timeout) + ")";
    }
    PQfinish(attempt.conn);
    lease.reset();
    failures += several ? "\n  " + target->key() + ": " + why : why;
    if (!several || same_on_every_host(startup_sqlstate(why))) break;
    book.mark_down(target->key(), recheck);
  }
  if (conn == nullptr) {
    throw_error<ConnectionError>("cannot connect to " + uri.masked() + ": " +
                                     (several ? "no host accepted the connection:" + failures : failures),
                                 {.sqlstate = "08001", .dialect = std::string(name())});
  }
  // Server notices (NOTICE: ... skipping) are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);

  std::unique_ptr<PgConnection> connection = make_connection(conn);
  connection->set_query_timeout(query_timeout);
  if (several) {
    book.mark_up(chosen->key());
    connection->hold_while_open(std::move(lease));
  }
  // Dates and times are decoded from ISO text; make sure that is what comes.
  const char* datestyle = PQparameterStatus(conn, "DateStyle");
  if (datestyle == nullptr || std::string_view(datestyle).substr(0, 3) != "ISO")
    connection->execute("SET DateStyle = ISO", {});
  return connection;
}

std::unique_ptr<PgConnection> PgDialect::make_connection(PGconn* conn) const {
  return std::make_unique<PgConnection>(conn, std::string(name()));
}

namespace {

// A host as libpq's URI parser reads it back: IPv6 in brackets, anything not
// plainly safe percent-encoded (a socket folder /var/run/db -> %2Fvar%2Frun%2Fdb).
std::string host_text(const UriHost& host) {
  const bool ipv6 = host.name.find(':') != std::string::npos;
  const std::string encoded = PgDialect::percent_encode(host.name, ipv6 ? ":" : "");
  return ipv6 ? "[" + encoded + "]" : encoded;
}

}  // namespace

std::string PgDialect::percent_encode(std::string_view text, std::string_view also_keep) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' ||
        also_keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

std::string PgDialect::with_defaults(const Uri& uri, unsigned default_port, std::string_view default_user,
                                     const std::vector<std::string>& drop_options) {
  std::string out = uri.rebuild("postgresql", drop_options);
  auto add_option = [&](const std::string& option) {
    out += out.find('?') == std::string::npos ? "?" : "&";
    out += option;
  };
  if (!default_user.empty() && !uri.user() && !uri.option("user"))
    add_option("user=" + std::string(default_user));
  if (uri.option("port")) return out;  // libpq applies it to every host without a port
  if (uri.hosts().empty()) {
    add_option("port=" + std::to_string(default_port));
    return out;
  }
  std::string hosts;
  for (const auto& host : uri.hosts()) {
    if (!hosts.empty()) hosts += ',';
    hosts += host_text(host) + ":" + std::to_string(host.port.value_or(default_port));
  }
  // The authority ends at the first '/' or '?'; the user info ends at its last '@'.
  const std::size_t start = out.find("://") + 3;
  const std::size_t end = out.find_first_of("/?", start);
  const std::string_view authority = std::string_view(out).substr(start, end - start);
  const std::size_t at = authority.rfind('@');
  const std::size_t hosts_start = at == std::string_view::npos ? start : start + at + 1;
  out.replace(hosts_start, start + authority.size() - hosts_start, hosts);
  return out;
}

const Introspector* PgDialect::introspector() const noexcept {
  static const PgIntrospector introspector;
  return &introspector;
}

const Compiler& PgDialect::compiler() const {
  static const PgCompiler compiler;
  return compiler;
}

std::string PgDialect::begin_statement(const TransactionOptions& options) const {
  if (options.lock_type) {
    unsupported_transaction_option(name(), "lock_type",
                                   "it is SQLite's; use isolation_level (and row locks: FOR UPDATE)");
  }
  if (options.priority)
    unsupported_transaction_option(name(), "priority", "transaction priorities are CockroachDB's");
  if (options.system_time)
    unsupported_transaction_option(name(), "system_time", "AS OF SYSTEM TIME is CockroachDB's");
  std::string sql = "BEGIN";
  if (options.isolation_level) sql += " ISOLATION LEVEL " + std::string(to_string(*options.isolation_level));
  if (options.read_only) sql += " READ ONLY";
  if (options.deferrable) sql += " DEFERRABLE";
  return sql;
}

}  // namespace lingo::postgres
