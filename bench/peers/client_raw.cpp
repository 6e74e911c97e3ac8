// Raw libpq: prepared statements, text results decoded with from_chars and
// strtod. The limit for a synchronous client; COPY for the bulk load; the
// pipeline client below is the limit for pipelined lookups.
#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>

#include "harness.h"

namespace bench {
namespace {

struct PgError : std::runtime_error {
  PgError(const std::string& message, std::string state)
      : std::runtime_error(message), sqlstate(std::move(state)) {}
  std::string sqlstate;
};

std::int64_t to_int(const char* s) {
  std::int64_t v = 0;
  std::from_chars(s, s + std::strlen(s), v);
  return v;
}

class Raw : public Client {
 public:
  explicit Raw(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
  }
  ~Raw() override { PQfinish(conn_); }

  void point_select(std::span<const std::int64_t> ids, Sink& sink) override {
    prepare_once("sel", "SELECT id, balance, owner FROM bench_account WHERE id = $1", 1);
    char buf[24];
    for (const auto id : ids) {
      *std::to_chars(buf, buf + sizeof buf, id).ptr = '\0';
      const char* values[] = {buf};
      PGresult* r = check(PQexecPrepared(conn_, "sel", 1, values, nullptr, nullptr, 0));
      add_account(r, sink);
      PQclear(r);
    }
  }

  void insert(int rows, Sink& sink) override {
    prepare_once("ins", "INSERT INTO bench_insert (owner, amount) VALUES ($1, $2)", 2);
    char buf[24];
    for (int i = 0; i < rows; ++i) {
      const std::string owner = bulk_owner(i);
      *std::to_chars(buf, buf + sizeof buf, i).ptr = '\0';
      const char* values[] = {owner.c_str(), buf};
      PGresult* r = check(PQexecPrepared(conn_, "ins", 2, values, nullptr, nullptr, 0));
      sink.add(to_int(PQcmdTuples(r)));
      PQclear(r);
    }
  }

  void transfer(std::span<const Transfer> transfers, Sink& sink) override {
    prepare_once("pair", "SELECT id, balance FROM bench_bank WHERE id IN ($1, $2)", 2);
    prepare_once("debit", "UPDATE bench_bank SET balance = balance - $1 WHERE id = $2 RETURNING balance", 2);
    prepare_once("credit", "UPDATE bench_bank SET balance = balance + $1 WHERE id = $2 RETURNING balance", 2);
    for (const auto& t : transfers) {
      with_retries(
          sink,
          [](const std::exception& e) {
            const auto* pg = dynamic_cast<const PgError*>(&e);
            return pg != nullptr && (pg->sqlstate == "40001" || pg->sqlstate == "40P01");
          },
          [&] {
            try {
              transfer_once(t, sink);
            } catch (...) {
              PQclear(PQexec(conn_, "ROLLBACK"));
              throw;
            }
          });
    }
  }

  void bulk_insert(int rows, Sink& sink) override {
    PQclear(check(PQexec(conn_, "COPY bench_insert (owner, amount) FROM STDIN")));
    std::string buffer;
    char num[24];
    for (int i = 0; i < rows; ++i) {
      buffer += bulk_owner(i);  // no tab, newline or backslash: nothing to escape
      buffer += '\t';
      buffer.append(num, std::to_chars(num, num + sizeof num, i).ptr);
      buffer += '\n';
      if (buffer.size() >= 64 * 1024 || i + 1 == rows) {
        if (PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1)
          throw std::runtime_error(PQerrorMessage(conn_));
        buffer.clear();
      }
    }
    if (PQputCopyEnd(conn_, nullptr) != 1) throw std::runtime_error(PQerrorMessage(conn_));
    PGresult* r = check(PQgetResult(conn_));
    sink.add(to_int(PQcmdTuples(r)));
    PQclear(r);
    while ((r = PQgetResult(conn_)) != nullptr) PQclear(r);
  }

  void scan(Sink& sink) override {
    PGresult* r = check(PQexec(conn_, "SELECT id, label, amount FROM bench_scan"));
    for (int row = 0, n = PQntuples(r); row < n; ++row) {
      sink.scanned(to_int(PQgetvalue(r, row, 0)), std::string(PQgetvalue(r, row, 1)).size(),
                   std::strtod(PQgetvalue(r, row, 2), nullptr));
    }
    PQclear(r);
  }

  // Raw libpq has no pipeline in this client: the baseline for pipelined
  // lookups is the same lookups made one by one.
  void pipeline(std::span<const std::int64_t> ids, Sink& sink) override { point_select(ids, sink); }

 protected:
  PGresult* check(PGresult* r) {
    const auto s = PQresultStatus(r);
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_COPY_IN || s == PGRES_PIPELINE_SYNC)
      return r;
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    PgError error(PQresultErrorMessage(r), state ? state : "");
    PQclear(r);
    throw error;
  }

  void prepare_once(const char* name, const char* sql, int params) {
    for (const auto& p : prepared_)
      if (p == name) return;
    PQclear(check(PQprepare(conn_, name, sql, params, nullptr)));
    prepared_.emplace_back(name);
  }

  static void add_account(PGresult* r, Sink& sink) {
    sink.account(to_int(PQgetvalue(r, 0, 0)), std::strtod(PQgetvalue(r, 0, 1), nullptr),
                 std::string(PQgetvalue(r, 0, 2)).size());
  }

  PGconn* conn_;

  // One transfer in its own transaction; a failure leaves the transaction
  // for the caller to roll back.
  virtual void transfer_once(const Transfer& t, Sink& sink) {
    char from[16], to[16];
    *std::to_chars(from, from + sizeof from, t.from).ptr = '\0';
    *std::to_chars(to, to + sizeof to, t.to).ptr = '\0';
    PQclear(check(PQexec(conn_, "BEGIN ISOLATION LEVEL SERIALIZABLE")));
    const char* pair[] = {from, to};
    PGresult* r = check(PQexecPrepared(conn_, "pair", 2, pair, nullptr, nullptr, 0));
    double from_balance = 0;
    for (int row = 0; row < PQntuples(r); ++row) {
      if (to_int(PQgetvalue(r, row, 0)) == t.from) from_balance = std::strtod(PQgetvalue(r, row, 1), nullptr);
    }
    PQclear(r);
    if (from_balance >= std::strtod(t.amount.c_str(), nullptr)) {
      const char* debit[] = {t.amount.c_str(), from};
      r = check(PQexecPrepared(conn_, "debit", 2, debit, nullptr, nullptr, 0));
      sink.add(static_cast<std::int64_t>(std::strtod(PQgetvalue(r, 0, 0), nullptr)));
      PQclear(r);
      const char* credit[] = {t.amount.c_str(), to};
      r = check(PQexecPrepared(conn_, "credit", 2, credit, nullptr, nullptr, 0));
      sink.add(static_cast<std::int64_t>(std::strtod(PQgetvalue(r, 0, 0), nullptr)));
      PQclear(r);
    }
    PQclear(check(PQexec(conn_, "COMMIT")));
    ++sink.rows;
  }

 private:
  std::vector<std::string> prepared_;
};

// Raw libpq in pipeline mode (PostgreSQL 14+ client library): what Lingo's
// pipeline is built on, shown as the limit for the pipelined workload.
class RawPipeline : public Raw {
 public:
  using Raw::Raw;
  void pipeline(std::span<const std::int64_t> ids, Sink& sink) override {
    prepare_once("sel", "SELECT id, balance, owner FROM bench_account WHERE id = $1", 1);
    constexpr std::size_t batch = 1000;
    std::vector<std::string> keys;
    for (std::size_t start = 0; start < ids.size(); start += batch) {
      const std::size_t n = std::min(batch, ids.size() - start);
      if (PQenterPipelineMode(conn_) != 1) throw std::runtime_error(PQerrorMessage(conn_));
      keys.clear();
      for (std::size_t i = 0; i < n; ++i) keys.push_back(std::to_string(ids[start + i]));
      for (std::size_t i = 0; i < n; ++i) {
        const char* values[] = {keys[i].c_str()};
        if (PQsendQueryPrepared(conn_, "sel", 1, values, nullptr, nullptr, 0) != 1)
          throw std::runtime_error(PQerrorMessage(conn_));
      }
      if (PQpipelineSync(conn_) != 1) throw std::runtime_error(PQerrorMessage(conn_));
      for (std::size_t i = 0; i < n; ++i) {
        PGresult* r = check(PQgetResult(conn_));
        add_account(r, sink);
        PQclear(r);
        PQclear(PQgetResult(conn_));  // the null that ends each query's results
      }
      PQclear(check(PQgetResult(conn_)));  // the sync
      if (PQexitPipelineMode(conn_) != 1) throw std::runtime_error(PQerrorMessage(conn_));
    }
  }

 protected:
  // The transfer in two round trips, as pipelined as it can be by hand:
  // BEGIN with the read of the pair, then both updates and COMMIT (the
  // limit for Lingo's deferred statements).
  void transfer_once(const Transfer& t, Sink& sink) override {
    char from[16], to[16];
    *std::to_chars(from, from + sizeof from, t.from).ptr = '\0';
    *std::to_chars(to, to + sizeof to, t.to).ptr = '\0';
    if (PQenterPipelineMode(conn_) != 1) throw std::runtime_error(PQerrorMessage(conn_));
    try {
      send_text("BEGIN ISOLATION LEVEL SERIALIZABLE");
      const char* pair[] = {from, to};
      send_prepared("pair", pair);
      sync();
      PQclear(next());  // BEGIN
      PGresult* r = next();
      double from_balance = 0;
      for (int row = 0; row < PQntuples(r); ++row) {
        if (to_int(PQgetvalue(r, row, 0)) == t.from)
          from_balance = std::strtod(PQgetvalue(r, row, 1), nullptr);
      }
      PQclear(r);
      PQclear(check(PQgetResult(conn_)));  // the sync
      const bool move = from_balance >= std::strtod(t.amount.c_str(), nullptr);
      if (move) {
        const char* debit[] = {t.amount.c_str(), from};
        send_prepared("debit", debit);
        const char* credit[] = {t.amount.c_str(), to};
        send_prepared("credit", credit);
      }
      send_text("COMMIT");
      sync();
      for (int i = 0; move && i < 2; ++i) {
        r = next();
        sink.add(static_cast<std::int64_t>(std::strtod(PQgetvalue(r, 0, 0), nullptr)));
        PQclear(r);
      }
      PQclear(next());                     // COMMIT
      PQclear(check(PQgetResult(conn_)));  // the sync
    } catch (...) {
      // Read on to the sync of the round trip that failed, so that the
      // caller's ROLLBACK finds the connection out of pipeline mode.
      for (;;) {
        PGresult* r = PQgetResult(conn_);
        const bool synced = r != nullptr && PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (synced || (r == nullptr && PQstatus(conn_) == CONNECTION_BAD)) break;
      }
      PQexitPipelineMode(conn_);
      throw;
    }
    if (PQexitPipelineMode(conn_) != 1) throw std::runtime_error(PQerrorMessage(conn_));
    ++sink.rows;
  }

 private:
  void send_text(const char* sql) {
    if (PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
      throw std::runtime_error(PQerrorMessage(conn_));
  }
  void send_prepared(const char* name, const char* const (&values)[2]) {
    if (PQsendQueryPrepared(conn_, name, 2, values, nullptr, nullptr, 0) != 1)
      throw std::runtime_error(PQerrorMessage(conn_));
  }
  void sync() {
    if (PQpipelineSync(conn_) != 1) throw std::runtime_error(PQerrorMessage(conn_));
  }
  // A statement's checked result, and the null that ends it.
  PGresult* next() {
    PGresult* r = check(PQgetResult(conn_));
    PQclear(PQgetResult(conn_));
    return r;
  }
};

}  // namespace

std::unique_ptr<Client> make_raw(const std::string& uri) {
  return std::make_unique<Raw>(uri);
}
std::unique_ptr<Client> make_raw_pipeline(const std::string& uri) {
  return std::make_unique<RawPipeline>(uri);
}

}  // namespace bench
