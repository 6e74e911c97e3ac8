#include "crdb_dialect.h"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/join.hpp>
#include <locale>
#include <regex>

#include "crdb_compiler.h"
#include "lingo/errors.h"
#include "lingo/postgres/pg_connection.h"
#include "lingo/postgres/pg_introspection.h"

namespace lingo::crdb {
namespace {

const std::vector<std::string> kOwnOptions = {"savepoints", "retry", "follower_reads"};
// With follower_reads on, libpq's `options` is rebuilt, so it is dropped too.
const std::vector<std::string> kOwnOptionsAndOptions = {"savepoints", "retry", "follower_reads", "options"};

// The server version comes from SELECT version(): CockroachDB reports a
// PostgreSQL compatibility number (13.0) in the protocol, not its own.
//
// BEGIN goes to the server on its own here, not deferred to the first
// statement as on PostgreSQL: CockroachDB takes it either way, but the
// project's simulator, which these tests run against, reads transaction
// control only from simple queries (tests/crdb_sim). For the same reason
// statements deferred to the COMMIT go as a pipeline of their own, and
// COMMIT (or run_transaction's RELEASE SAVEPOINT) after it.
class CrdbConnection final : public postgres::PgConnection {
 public:
  CrdbConnection(PGconn* conn, std::string dialect) : PgConnection(conn, std::move(dialect)) {
    set_deferred_begin(false);
    set_pipelined_commit(false);
  }
  [[nodiscard]] int server_version() override {
    const Result result = execute("SELECT version()");
    const std::string banner = result[0][0].as<std::string>();
    if (auto version = parse_version_banner(banner)) return *version;
    // Not a CockroachDB banner: fall back, as peewee does, to the protocol's
    // number (below 200100, so nested transactions stay off).
    return PgConnection::server_version();
  }

 protected:
  // CockroachDB's COPY accepts less than PostgreSQL's (and the project's
  // simulator none of it): many rows go as multi-row INSERTs instead.
  std::optional<std::int64_t> do_copy_rows(std::string_view, std::size_t,
                                           std::span<const Value* const>) override {
    return std::nullopt;
  }
  std::unique_ptr<BulkLoad> do_bulk_load(std::string_view, std::size_t) override { return nullptr; }
};

// CockroachDB lists the primary key's index among the others; peewee, and
// this, leave it out.
class CrdbIntrospector final : public postgres::PgIntrospector {
 public:
  [[nodiscard]] std::vector<IndexMetadata> get_indexes(Connection& conn, std::string_view table,
                                                       std::string_view schema) const override {
    auto indexes = PgIntrospector::get_indexes(conn, table, schema);
    std::erase_if(indexes, [](const IndexMetadata& i) { return i.primary; });
    return indexes;
  }
  // CockroachDB's generated keys are a default on a plain column: INT8
  // DEFAULT unique_rowid() (what SERIAL becomes too) and UUID DEFAULT
  // gen_random_uuid(); its JSONField is JSONB.
  [[nodiscard]] FieldSpec field_spec(const ColumnMetadata& column, bool sole_key) const override {
    FieldSpec spec = PgIntrospector::field_spec(column, sole_key);
    const std::string_view default_sql = column.default_sql ? std::string_view(*column.default_sql) : "";
    if (sole_key && spec.values == ValueType::int64 && default_sql == "unique_rowid()") {
      spec.kind = "RowIDField";
      spec.default_implied = true;
    } else if (sole_key && spec.values == ValueType::uuid && default_sql == "gen_random_uuid()") {
      spec.kind = "UUIDKeyField";
      spec.default_implied = true;
    } else if (spec.kind == "BinaryJSONField") {
      spec.kind = "JSONField";
    }
    return spec;
  }
};

std::string lower(std::string text) {
  boost::algorithm::to_lower(text, std::locale::classic());
  return text;
}

}  // namespace

std::optional<int> parse_version_banner(std::string_view banner) {
  static const std::regex pattern(R"(^CockroachDB.+?v(\d+)\.(\d+)\.(\d+))");
  std::cmatch m;
  if (!std::regex_search(banner.data(), banner.data() + banner.size(), m, pattern)) return std::nullopt;
  const int major = std::stoi(m[1].str());
  const int minor = std::stoi(m[2].str());
  const int patch = std::stoi(m[3].str());
  if (minor > 99 || patch > 99) return std::nullopt;
  return major * 10000 + minor * 100 + patch;
}

std::string CrdbDialect::libpq_uri(const Uri& uri) const {
  for (const auto& [key, value] : uri.options()) {
    if (key == "savepoints" && lower(value) != "native" && lower(value) != "off") {
      throw UriError("cockroachdb URI option savepoints=" + value +
                     " is not valid: expected native or off (" + uri.masked() + ")");
    }
    if (key == "retry" && lower(value) != "savepoint" && lower(value) != "restart") {
      throw UriError("cockroachdb URI option retry=" + value +
                     " is not valid: expected savepoint or restart (" + uri.masked() + ")");
    }
    if (key == "follower_reads" && lower(value) != "on" && lower(value) != "off") {
      throw UriError("cockroachdb URI option follower_reads=" + value +
                     " is not valid: expected on or off (" + uri.masked() + ")");
    }
  }
  const auto follower = uri.option("follower_reads");
  if (!follower || lower(*follower) != "on") return with_defaults(uri, kDefaultPort, "root", kOwnOptions);
  // Every transaction of the session read-only, and every read-only one at
  // follower_read_timestamp() (CockroachDB's default_transaction_use_
  // follower_reads): reads served by the nearest replica, a few seconds stale.
  std::string options = uri.option("options").value_or("");
  options += std::string(options.empty() ? "" : " ") +
             "-c default_transaction_use_follower_reads=on -c default_transaction_read_only=on";
  std::string out = with_defaults(uri, kDefaultPort, "root", kOwnOptionsAndOptions);
  out += out.find('?') == std::string::npos ? "?" : "&";
  return out + "options=" + percent_encode(options);
}

std::unique_ptr<postgres::PgConnection> CrdbDialect::make_connection(PGconn* conn) const {
  return std::make_unique<CrdbConnection>(conn, std::string(name()));
}

const Compiler& CrdbDialect::compiler() const {
  static const CrdbCompiler instance;
  return instance;
}

const Introspector* CrdbDialect::introspector() const noexcept {
  static const CrdbIntrospector instance;
  return &instance;
}

std::string CrdbDialect::begin_statement(const TransactionOptions& options) const {
  if (options.lock_type) unsupported_transaction_option(name(), "lock_type", "it is SQLite's");
  if (options.deferrable) {
    unsupported_transaction_option(name(), "deferrable", "CockroachDB has no DEFERRABLE transactions");
  }
  std::vector<std::string> modes;
  if (options.isolation_level)
    modes.push_back("ISOLATION LEVEL " + std::string(to_string(*options.isolation_level)));
  if (options.read_only) modes.emplace_back("READ ONLY");
  if (options.priority) modes.push_back("PRIORITY " + std::string(to_string(*options.priority)));
  if (options.system_time) {
    if (options.system_time->is_bounded_staleness()) {
      throw ValueError(
          "with_min_timestamp / with_max_staleness cannot be used in a transaction: use them with "
          "Select::as_of_system_time on a single read");
    }
    modes.push_back("AS OF SYSTEM TIME " + options.system_time->sql());
  }
  if (modes.empty()) return "BEGIN";
  return "BEGIN TRANSACTION " + boost::algorithm::join(modes, ", ");
}

std::optional<std::string> CrdbDialect::savepoint_restriction(
    const Uri& uri, const std::function<int()>& server_version) const {
  const auto option = uri.option("savepoints");
  if (!option || lower(*option) != "native") {
    return std::string(
        "CockroachDB does not support nested transactions here: use transaction(), whose nested blocks fold "
        "into the outermost, and run_transaction() for retries (or savepoints=native in the URI on "
        "CockroachDB 20.1 or later)");
  }
  if (const int version = server_version(); version < kNestedTransactionsMinVersion) {
    return "savepoints=native needs CockroachDB 20.1 or later, and this server is " +
           std::to_string(version) + " (versions before 20.1 have no nested savepoints)";
  }
  return std::nullopt;
}

std::optional<std::string> CrdbDialect::restart_savepoint(const Uri& uri) const {
  const auto option = uri.option("retry");
  if (option && lower(*option) == "restart") return std::nullopt;
  return std::string("cockroach_restart");
}

}  // namespace lingo::crdb
