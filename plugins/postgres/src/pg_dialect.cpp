#include "lingo/postgres/pg_dialect.h"

#include <memory>
#include <vector>

#include "lingo/errors.h"
#include "lingo/postgres/pg_compiler.h"
#include "lingo/postgres/pg_connection.h"
#include "lingo/postgres/pg_introspection.h"

namespace lingo::postgres {
namespace {

struct OptionsDeleter {
  void operator()(PQconninfoOption* o) const noexcept { PQconninfoFree(o); }
};

// libpq's messages can quote the URI; never let a password through.
std::string scrub(std::string message, const Uri& uri) {
  if (const auto& pw = uri.password(); pw && !pw->empty())
    for (auto pos = message.find(*pw); pos != std::string::npos; pos = message.find(*pw, pos))
      message.replace(pos, pw->size(), "****");
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

std::unique_ptr<Connection> PgDialect::connect(const Uri& uri) const {
  const std::string conninfo = libpq_uri(uri);
  char* parse_error = nullptr;
  std::unique_ptr<PQconninfoOption, OptionsDeleter> options(PQconninfoParse(conninfo.c_str(), &parse_error));
  if (!options) {
    ErrorInfo info;
    info.message = "libpq cannot use the URI '" + uri.masked() +
                   "': " + scrub(parse_error ? parse_error : "out of memory", uri) +
                   " (see https://www.postgresql.org/docs/15/libpq-connect.html for the options it accepts)";
    info.dialect = std::string(name());
    PQfreemem(parse_error);
    throw UriError(std::move(info));
  }

  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (auto o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    keywords.push_back(o->keyword);
    values.push_back(o->val);
  }
  // Lingo decodes text as UTF-8; a URI that asks for another encoding wins.
  if (!has_value(options.get(), "client_encoding")) {
    keywords.push_back("client_encoding");
    values.push_back("UTF8");
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);

  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), 0);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    ErrorInfo info;
    info.message = "cannot connect to " + uri.masked() + ": " +
                   scrub(conn ? PQerrorMessage(conn) : "out of memory", uri);
    info.sqlstate = "08001";
    info.dialect = std::string(name());
    PQfinish(conn);
    throw ConnectionError(std::move(info));
  }
  // Server notices (NOTICE: ... skipping) are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);

  auto connection = std::make_unique<PgConnection>(conn, std::string(name()));
  // Dates and times are decoded from ISO text; make sure that is what comes.
  const char* datestyle = PQparameterStatus(conn, "DateStyle");
  if (datestyle == nullptr || std::string_view(datestyle).substr(0, 3) != "ISO")
    connection->execute("SET DateStyle = ISO", {});
  return connection;
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
