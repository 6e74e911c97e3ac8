#include "lingo/postgres/pg_connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "lingo/errors.h"
#include "pg_errors.h"
#include "pg_params.h"
#include "pg_result.h"

namespace lingo::postgres {
namespace {

// Past this many cached statements, a new one takes the place of the least
// recently used, which is deallocated without a round trip of its own.
constexpr std::size_t kMaxCachedStatements = 1024;

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

bool succeeded(const PGresult* res) {
  const auto status = PQresultStatus(res);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
}

bool is_plan_invalidated(const PGresult* res) {
  // PostgreSQL refuses to run a prepared statement whose result columns
  // changed under it (a table altered since PREPARE).
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const char* msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  return state && std::strcmp(state, "0A000") == 0 && msg &&
         std::strstr(msg, "cached plan must not change result type") != nullptr;
}

}  // namespace

PgConnection::PgConnection(PGconn* conn, std::string dialect)
    : conn_(conn),
      dialect_(std::move(dialect)),
      encoder_(std::make_unique<ParamEncoder>()),
      last_used_(std::chrono::steady_clock::now()) {
  // Notices are not errors and stay quiet; a FATAL the server sends while
  // the session is idle (it is ending it) arrives as one, and is kept.
  if (conn_ != nullptr) PQsetNoticeReceiver(conn_, &PgConnection::on_notice, this);
}

std::string PgConnection::server_address() const {
  const char* host = conn_ != nullptr ? PQhost(conn_) : nullptr;
  return host != nullptr ? host : "";
}

int PgConnection::server_port() const noexcept {
  const char* port = conn_ != nullptr ? PQport(conn_) : nullptr;
  if (port == nullptr) return 0;
  int value = 0;
  for (const char* c = port; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9' || value > 65535) return 0;
    value = value * 10 + (*c - '0');
  }
  return value;
}

void PgConnection::on_notice(void* self, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity == nullptr || (std::strcmp(severity, "FATAL") != 0 && std::strcmp(severity, "PANIC") != 0))
    return;
  auto* conn = static_cast<PgConnection*>(self);
  const char* state = PQresultErrorField(notice, PG_DIAG_SQLSTATE);
  const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  conn->farewell_state_ = state != nullptr ? state : "";
  conn->farewell_ = std::string(message != nullptr ? message : "") +
                    (state != nullptr ? std::string(" (SQLSTATE ") + state + ")" : "");
}

namespace {
// A session idle this long is looked at (one system call, no round trip)
// before a statement outside a transaction goes out.
constexpr auto kLookAfterIdle = std::chrono::milliseconds(10);
}  // namespace

PgConnection::~PgConnection() {
  close();
}

void PgConnection::close() noexcept {
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  prepared_.clear();
  last_ = nullptr;
  cached_count_ = 0;
  forgotten_.clear();
  seen_once_.clear();
  pending_begin_.clear();
  begin_lost_ = false;
  host_token_.reset();
}

void PgConnection::ensure_open(std::string_view sql) const {
  if (conn_ != nullptr) return;
  throw_error<InterfaceError>("the connection is closed",
                              {.sqlstate = "08003", .dialect = dialect_, .statement = std::string(sql)});
}

void PgConnection::start_statement(std::string_view sql) {
  ensure_open(sql);
  const auto now = std::chrono::steady_clock::now();
  const bool rested = now - last_used_ > kLookAfterIdle;
  last_used_ = now;
  if (rested && pending_begin_.empty() && PQtransactionStatus(conn_) == PQTRANS_IDLE && !do_probe() &&
      PQstatus(conn_) != CONNECTION_OK) {
    throw_error<ConnectionError>("the server had ended this session while it sat idle" +
                                     (farewell_.empty() ? std::string() : ": " + farewell_) +
                                     "; the statement was not sent",
                                 {.sqlstate = farewell_state_.empty() ? "08003" : farewell_state_,
                                  .dialect = dialect_,
                                  .statement = std::string(sql)});
  }
  if (!begin_lost_) return;
  throw_error<DatabaseError>(
      "current transaction is aborted, commands ignored until end of transaction block (its BEGIN failed)",
      {.sqlstate = "25P02", .dialect = dialect_, .statement = std::string(sql)});
}

void PgConnection::flush_begin() {
  if (pending_begin_.empty()) return;
  const std::string begin = std::exchange(pending_begin_, {});
  begin_lost_ = true;  // until the server says it began
  ResultPtr res(exec_text(begin));
  if (res == nullptr || !succeeded(res.get())) fail(res.get(), begin);
  begin_lost_ = false;
}

PGresult* PgConnection::answer(std::string_view sql) {
  ResultPtr res(next_result(sql));
  if (res != nullptr)
    while (PGresult* rest = next_result(sql)) PQclear(rest);
  return res.release();
}

void PgConnection::await_sync(std::string_view sql) {
  for (;;) {
    ResultPtr sync(next_result(sql));
    if (sync == nullptr || PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC) return;
  }
}

PGresult* PgConnection::begin_and(std::string_view sql, const std::function<int()>& send) {
  const std::string begin = std::exchange(pending_begin_, {});
  begin_lost_ = true;  // until the server says it began
  if (PQenterPipelineMode(conn_) == 0) fail(nullptr, sql);
  if (PQsendQueryParams(conn_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 0 || send() == 0 ||
      PQpipelineSync(conn_) == 0) {
    PQexitPipelineMode(conn_);
    fail(nullptr, sql);
  }
  ResultPtr began;
  ResultPtr executed;
  try {
    began.reset(answer(sql));
    if (began != nullptr && succeeded(began.get())) begin_lost_ = false;
    executed.reset(answer(sql));  // PGRES_PIPELINE_ABORTED when BEGIN failed
    await_sync(sql);
  } catch (...) {
    if (conn_ != nullptr) PQexitPipelineMode(conn_);
    throw;
  }
  PQexitPipelineMode(conn_);
  if (begin_lost_) fail(began.get(), begin);
  return executed.release();
}

PGresult* PgConnection::begin_and_simple(std::string_view sql) {
  const std::string begin = std::exchange(pending_begin_, {});
  begin_lost_ = true;  // until the server says it began
  const std::string text = begin + ";\n" + std::string(sql);
  if (PQsendQuery(conn_, text.c_str()) == 0) fail(nullptr, sql);
  // The first answer is BEGIN's, or the error that stopped the whole text
  // (the server parses all of it first, and BEGIN never ran): that error's
  // position says whose text it is.
  ResultPtr began(next_result(sql));
  if (began == nullptr || !succeeded(began.get())) {
    while (PGresult* rest = next_result(sql)) PQclear(rest);
    const char* at = began == nullptr ? nullptr : PQresultErrorField(began.get(), PG_DIAG_STATEMENT_POSITION);
    const bool in_begin = at == nullptr || std::strtoul(at, nullptr, 10) <= begin.size();
    fail(began.get(), in_begin ? std::string_view(begin) : sql);
  }
  begin_lost_ = false;
  ResultPtr res(collect(sql));
  if (res == nullptr && PQstatus(conn_) == CONNECTION_OK) return began.release();  // a blank statement
  if (res == nullptr || !succeeded(res.get())) fail(res.get(), sql);
  return res.release();
}

void PgConnection::fail(const PGresult* res, std::string_view sql) {
  throw_failure(error_info(conn_, res, sql, dialect_));
}

void PgConnection::throw_failure(ErrorInfo info) {
  // Whatever the server said last (57P01 when terminated by an administrator),
  // a connection that is gone is what the caller must act on.
  if (PQstatus(conn_) == CONNECTION_BAD) throw ConnectionError(std::move(info));
  // 08P01 on a healthy connection means the statement was given the wrong
  // number of parameters: the caller's mistake, not a connection failure.
  if (info.sqlstate == "08P01") throw ProgrammingError(std::move(info));
  throw_database_error(std::move(info));
}

PGresult* PgConnection::exec_text(const std::string& sql) {
  if (!query_timeout_) return PQexec(conn_, sql.c_str());
  if (PQsendQuery(conn_, sql.c_str()) == 0) return nullptr;
  return collect(sql);
}

PGresult* PgConnection::collect(std::string_view sql) {
  PGresult* kept = nullptr;
  while (PGresult* res = next_result(sql)) {
    if (kept != nullptr && !succeeded(kept)) {
      PQclear(res);
      continue;
    }
    PQclear(kept);
    kept = res;
  }
  return kept;
}

bool PgConnection::wait_for_answer(std::chrono::steady_clock::time_point deadline) {
  while (PQisBusy(conn_) != 0) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd watched{PQsocket(conn_), POLLIN, 0};
    if (watched.fd < 0) return true;  // broken: PQgetResult says so
    const int ready = ::poll(&watched, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
    if (ready < 0 && errno != EINTR) return true;
    if (ready > 0 && PQconsumeInput(conn_) == 0) return true;
  }
  return true;
}

bool PgConnection::drain_within(std::chrono::steady_clock::time_point deadline) {
  // In pipeline mode the answers run on to the sync's; otherwise to the end.
  const bool pipelined = PQpipelineStatus(conn_) != PQ_PIPELINE_OFF;
  for (;;) {
    if (!wait_for_answer(deadline)) return false;
    PGresult* res = PQgetResult(conn_);
    if (res == nullptr) {
      if (!pipelined || PQstatus(conn_) != CONNECTION_OK) return true;
      continue;
    }
    const bool synced = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
    PQclear(res);
    // A pipeline of several batches has a sync for each: exiting succeeds
    // only once nothing more is due.
    if (synced && PQexitPipelineMode(conn_) == 1) return true;
  }
}

PGresult* PgConnection::next_result(std::string_view sql) {
  if (query_timeout_ && !wait_for_answer(std::chrono::steady_clock::now() + *query_timeout_)) timed_out(sql);
  return PQgetResult(conn_);
}

void PgConnection::timed_out(std::string_view sql) {
  const std::string waited = std::to_string(query_timeout_->count()) + " ms";
  // PQcancel connects to the server and waits for its answer, which a server
  // that stopped answering may never give: it runs on a thread of its own,
  // and this one waits a bounded time for the statement to end.
  if (PGcancel* cancel = PQgetCancel(conn_)) {
    std::thread([cancel] {
      char error[256];
      PQcancel(cancel, error, sizeof error);
      PQfreeCancel(cancel);
    }).detach();
  }
  const auto grace = std::min<std::chrono::milliseconds>(*query_timeout_, std::chrono::seconds(1));
  if (drain_within(std::chrono::steady_clock::now() + grace)) {
    throw_error<DatabaseError>("no answer from the server within query_timeout (" + waited +
                                   "): the statement was cancelled; the connection is still usable",
                               {.sqlstate = "57014", .dialect = dialect_, .statement = std::string(sql)});
  }
  std::string statement(sql);  // copied first: close() frees the prepared statements sql may view
  close();
  throw_error<ConnectionError>(
      "no answer from the server within query_timeout (" + waited +
          "), nor to the cancel request: the connection was closed (outside a transaction the "
          "next statement opens a new one)",
      {.sqlstate = "08006", .dialect = dialect_, .statement = std::move(statement)});
}

PGresult* PgConnection::run_simple(std::string_view sql) {
  start_statement(sql);
  if (!pending_begin_.empty()) return begin_and_simple(sql);
  const std::string text(sql);
  PGresult* res = exec_text(text);
  if (res == nullptr || !succeeded(res)) {
    ResultPtr guard(res);
    fail(res, sql);
  }
  return res;
}

const PgConnection::Prepared* PgConnection::find_prepared(std::string_view sql, std::size_t hash,
                                                          const std::vector<Oid>& types) const {
  const auto it = prepared_.find(hash);
  if (it == prepared_.end()) return nullptr;
  for (const auto& p : it->second)
    if (p.sql == sql && p.types == types) return &p;
  return nullptr;
}

const PgConnection::Prepared* PgConnection::remember(std::string_view sql, std::size_t hash,
                                                     const std::vector<Oid>& types) {
  if (cached_count_ >= kMaxCachedStatements) evict_least_recent();
  std::string name = "lingo_" + std::to_string(++next_statement_);
  auto& bucket = prepared_[hash];
  last_ = nullptr;  // the push may move the bucket's statements
  bucket.push_back(Prepared{std::string(sql), types, std::move(name), ++clock_});
  ++cached_count_;
  return &bucket.back();
}

void PgConnection::evict_least_recent() {
  // A linear scan: it runs only beside a round trip that prepares a new
  // statement, and costs far less than one.
  const Prepared* oldest = nullptr;
  for (const auto& [hash, bucket] : prepared_)
    for (const auto& p : bucket)
      if (oldest == nullptr || p.used < oldest->used) oldest = &p;
  if (oldest != nullptr) forget_prepared(oldest);
}

void PgConnection::discard(std::size_t hash, const std::string& name) {
  auto& bucket = prepared_[hash];
  const auto it =
      std::find_if(bucket.begin(), bucket.end(), [&](const Prepared& p) { return p.name == name; });
  if (it == bucket.end()) return;
  --cached_count_;
  last_ = nullptr;
  bucket.erase(it);
}

bool PgConnection::admit(std::size_t hash) {
  if (cached_count_ < kMaxCachedStatements) return true;
  // The cache is full: a text earns a place (and evicts the least recently
  // used) on its second run. Seen once, it runs unnamed, in one round trip
  // and with nothing left on the server: texts that never repeat cost 1.75x
  // less that way than prepared, evicted and deallocated
  // (bench/statement_cache.cpp). The hashes of texts seen once are a bounded
  // set, forgotten wholesale when it fills.
  const std::size_t key =
      hash ^
      (std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(encoder_->types().data()),
                                                      encoder_->types().size() * sizeof(Oid))) +
       0x9e3779b97f4a7c15ULL);
  if (seen_once_.erase(key) != 0) return true;
  if (seen_once_.size() >= kMaxCachedStatements) seen_once_.clear();
  seen_once_.insert(key);
  return false;
}

PGresult* PgConnection::exec_unnamed(std::string_view sql) {
  const std::string text(sql);
  if (!pending_begin_.empty()) {
    return begin_and(sql, [&] {
      return PQsendQueryParams(conn_, text.c_str(), encoder_->count(), encoder_->types().data(),
                               encoder_->values(), encoder_->lengths(), encoder_->formats(), 0);
    });
  }
  if (!query_timeout_) {
    return PQexecParams(conn_, text.c_str(), encoder_->count(), encoder_->types().data(), encoder_->values(),
                        encoder_->lengths(), encoder_->formats(), 0);
  }
  if (PQsendQueryParams(conn_, text.c_str(), encoder_->count(), encoder_->types().data(), encoder_->values(),
                        encoder_->lengths(), encoder_->formats(), 0) == 0)
    return nullptr;
  return collect(sql);
}

PGresult* PgConnection::prepare_and_execute(std::string_view sql, std::size_t hash) {
  // One round trip instead of two: a deferred BEGIN, DEALLOCATE of
  // statements evicted or invalidated earlier (only outside a transaction
  // block, where its failure cannot abort the caller's transaction), PREPARE
  // and EXECUTE go out together in pipeline mode behind one sync.
  const Prepared* stmt = remember(sql, hash, encoder_->types());
  const std::string name = stmt->name;
  const std::string begin = std::exchange(pending_begin_, {});
  std::vector<std::string> deallocating;
  if (begin.empty() && PQtransactionStatus(conn_) == PQTRANS_IDLE) deallocating.swap(forgotten_);
  if (!begin.empty()) begin_lost_ = true;  // until the server says it began
  if (PQenterPipelineMode(conn_) == 0) {
    discard(hash, name);
    fail(nullptr, sql);
  }
  // A timeout closes the connection or leaves it with no pipeline to exit.
  bool sent =
      begin.empty() || PQsendQueryParams(conn_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 0;
  for (const auto& old : deallocating) {
    const std::string statement = "DEALLOCATE " + old;
    sent = sent && PQsendQueryParams(conn_, statement.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 0;
  }
  sent = sent && PQsendPrepare(conn_, name.c_str(), stmt->sql.c_str(), encoder_->count(),
                               encoder_->types().data()) != 0;
  sent = sent && PQsendQueryPrepared(conn_, name.c_str(), encoder_->count(), encoder_->values(),
                                     encoder_->lengths(), encoder_->formats(), 0) != 0;
  sent = sent && PQpipelineSync(conn_) != 0;
  if (!sent) {
    PQexitPipelineMode(conn_);
    discard(hash, name);
    fail(nullptr, sql);
  }
  ResultPtr began;
  ResultPtr prepared;
  ResultPtr executed;
  try {
    if (!begin.empty()) {
      began.reset(answer(sql));
      if (began != nullptr && succeeded(began.get())) begin_lost_ = false;
    }
    for (std::size_t i = 0; i < deallocating.size(); ++i) ResultPtr(answer(sql));
    prepared.reset(answer(sql));
    executed.reset(answer(sql));
    await_sync(sql);
  } catch (...) {
    if (conn_ != nullptr) PQexitPipelineMode(conn_);
    discard(hash, name);
    throw;
  }
  PQexitPipelineMode(conn_);
  if (begin_lost_) {
    discard(hash, name);  // its PREPARE was skipped with the rest
    fail(began.get(), begin);
  }
  if (prepared == nullptr || !succeeded(prepared.get())) {
    discard(hash, name);  // the server never made it
    fail(prepared.get(), sql);
  }
  last_ = stmt;
  return executed.release();
}

void PgConnection::forget_prepared(const Prepared* stmt) {
  for (auto& [hash, bucket] : prepared_) {
    for (auto it = bucket.begin(); it != bucket.end(); ++it) {
      if (&*it != stmt) continue;
      forgotten_.push_back(it->name);
      --cached_count_;
      last_ = nullptr;
      bucket.erase(it);
      return;
    }
  }
}

void PgConnection::deallocate_forgotten() {
  // DEALLOCATE fails inside an aborted transaction, so it waits for idle time.
  if (forgotten_.empty() || PQtransactionStatus(conn_) != PQTRANS_IDLE) return;
  std::string statements;
  for (const auto& name : forgotten_) statements += "DEALLOCATE " + name + ";";
  PQclear(PQexec(conn_, statements.c_str()));
  forgotten_.clear();
}

PGresult* PgConnection::exec_prepared(const Prepared* stmt) {
  stmt->used = ++clock_;
  if (!pending_begin_.empty()) {
    return begin_and(stmt->sql, [&] {
      return PQsendQueryPrepared(conn_, stmt->name.c_str(), encoder_->count(), encoder_->values(),
                                 encoder_->lengths(), encoder_->formats(), 0);
    });
  }
  if (!query_timeout_) {
    return PQexecPrepared(conn_, stmt->name.c_str(), encoder_->count(), encoder_->values(),
                          encoder_->lengths(), encoder_->formats(), 0);
  }
  if (PQsendQueryPrepared(conn_, stmt->name.c_str(), encoder_->count(), encoder_->values(),
                          encoder_->lengths(), encoder_->formats(), 0) == 0)
    return nullptr;
  return collect(stmt->sql);
}

const PgConnection::Prepared* PgConnection::cached_statement(std::string_view sql, std::size_t& hash) {
  // A loop runs the same statement again and again: comparing its text with
  // the last one's is cheaper than hashing it and searching the cache.
  if (last_ != nullptr && last_->sql == sql && last_->types == encoder_->types()) return last_;
  hash = std::hash<std::string_view>{}(sql);
  const Prepared* stmt = find_prepared(sql, hash, encoder_->types());
  if (stmt != nullptr) last_ = stmt;
  return stmt;
}

const PgConnection::Prepared* PgConnection::statement_for(std::string_view sql,
                                                          std::span<const Value> params) {
  encoder_->encode(params);  // may throw: nothing has been sent yet
  std::size_t hash = 0;
  if (const Prepared* stmt = cached_statement(sql, hash)) return stmt;
  const Prepared* stmt = remember(sql, hash, encoder_->types());
  ResultPtr res(query_timeout_ ? (PQsendPrepare(conn_, stmt->name.c_str(), stmt->sql.c_str(),
                                                encoder_->count(), encoder_->types().data()) != 0
                                      ? collect(sql)
                                      : nullptr)
                               : PQprepare(conn_, stmt->name.c_str(), stmt->sql.c_str(), encoder_->count(),
                                           encoder_->types().data()));
  if (res == nullptr || !succeeded(res.get())) {
    const std::string name = stmt->name;
    discard(hash, name);  // the server never made it
    fail(res.get(), sql);
  }
  last_ = stmt;
  return stmt;
}

// Rows of one statement in libpq's single-row mode. Leaving early cancels the
// query outside a transaction (a cancelled statement there loses nothing) and
// reads the rest inside one (a cancel would abort the whole transaction).
class PgRowStream final : public RowStream {
 public:
  PgRowStream(PgConnection& conn, std::string sql, bool in_transaction)
      : conn_(conn), sql_(std::move(sql)), in_transaction_(in_transaction) {}
  ~PgRowStream() override {
    if (done_ || conn_.conn_ == nullptr) return;
    if (!in_transaction_) {
      if (PGcancel* cancel = PQgetCancel(conn_.conn_)) {
        char buf[256];
        PQcancel(cancel, buf, sizeof buf);
        PQfreeCancel(cancel);
      }
    }
    drain();
  }
  PgRowStream(const PgRowStream&) = delete;
  PgRowStream& operator=(const PgRowStream&) = delete;

  bool next() override {
    current_.reset();
    if (done_) return false;
    PGresult* res = nullptr;
    try {
      res = conn_.next_result(sql_);
    } catch (...) {
      done_ = true;  // timed out: cancelled and drained, or the connection is closed
      throw;
    }
    if (res == nullptr) {
      done_ = true;
      return false;
    }
    const auto status = PQresultStatus(res);
    if (status == PGRES_SINGLE_TUPLE) {
      current_ = std::make_shared<PgResult>(res);
      return true;
    }
    ResultPtr guard(res);
    done_ = true;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      drain();
      return false;
    }
    drain();
    conn_.fail(res, sql_);
  }

  [[nodiscard]] Row row() const override { return Row(current_, 0); }

 private:
  void drain() {
    while (PGresult* rest = PQgetResult(conn_.conn_)) PQclear(rest);
    done_ = true;
  }
  PgConnection& conn_;
  std::string sql_;
  bool in_transaction_;
  bool done_ = false;
  std::shared_ptr<const PgResult> current_;
};

std::unique_ptr<RowStream> PgConnection::do_stream(std::string_view sql, std::span<const Value> params) {
  start_statement(sql);
  flush_begin();  // single-row mode reads outside pipeline mode
  const bool in_transaction = PQtransactionStatus(conn_) != PQTRANS_IDLE;
  const Prepared* stmt = statement_for(sql, params);
  if (PQsendQueryPrepared(conn_, stmt->name.c_str(), encoder_->count(), encoder_->values(),
                          encoder_->lengths(), encoder_->formats(), 0) == 0)
    fail(nullptr, sql);
  stmt->used = ++clock_;
  PQsetSingleRowMode(conn_);
  return std::make_unique<PgRowStream>(*this, std::string(sql), in_transaction);
}

Result PgConnection::do_execute(std::string_view sql, std::span<const Value> params) {
  start_statement(sql);
  if (params.empty()) return Result(std::make_shared<PgResult>(run_simple(sql)));

  encoder_->encode(params);  // may throw: nothing has been sent yet
  std::size_t hash = 0;
  const Prepared* stmt = cached_statement(sql, hash);
  ResultPtr res(stmt != nullptr ? exec_prepared(stmt)
                : admit(hash)   ? prepare_and_execute(sql, hash)
                                : exec_unnamed(sql));
  if (res != nullptr && stmt != nullptr && is_plan_invalidated(res.get())) {
    forget_prepared(stmt);
    // Outside a transaction nothing was lost: prepare afresh and run it again.
    // Inside one, the transaction is already aborted and the error must stand.
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE)
      res.reset(prepare_and_execute(sql, std::hash<std::string_view>{}(sql)));
  }
  if (res == nullptr || !succeeded(res.get())) fail(res.get(), sql);
  return Result(std::make_shared<PgResult>(res.release()));
}

void PgConnection::do_begin(std::string_view statement) {
  ensure_open(statement);
  if (defer_begin_ && pending_begin_.empty() && !begin_lost_ && PQtransactionStatus(conn_) == PQTRANS_IDLE) {
    pending_begin_ = statement;  // sent with the first statement
    return;
  }
  PQclear(run_simple(statement));
}

namespace {

[[noreturn]] void rolled_back_instead(const std::string& dialect, const std::string& why) {
  throw_error<DatabaseError>(why, {.sqlstate = "40000", .dialect = dialect, .statement = "COMMIT"});
}

}  // namespace

void PgConnection::do_commit() {
  ensure_open("COMMIT");
  if (!pending_begin_.empty()) {  // nothing was sent, so nothing is to commit
    pending_begin_.clear();
    return;
  }
  if (begin_lost_ && PQtransactionStatus(conn_) == PQTRANS_IDLE) {
    begin_lost_ = false;
    rolled_back_instead(dialect_,
                        "COMMIT of a transaction whose BEGIN failed: nothing was run in it, so nothing was "
                        "committed");
  }
  begin_lost_ = false;
  ResultPtr res;
  try {
    res.reset(exec_text("COMMIT"));
  } catch (const Error& e) {
    // Timed out: whether the server committed cannot be known.
    ErrorInfo details = e.info();
    details.retryable = false;
    throw_error<AmbiguousCommitError>(
        "COMMIT had no answer, so whether the transaction committed is unknown: " + details.message, details);
  }
  check_commit(res.get());
}

void PgConnection::check_commit(const PGresult* res) {
  if (res == nullptr || !succeeded(res)) {
    ErrorInfo info = error_info(conn_, res, "COMMIT", dialect_);
    // A connection lost while committing leaves the outcome unknown: the
    // server may have committed before the connection dropped. That shows as
    // a class 08 state, or as a server that ended the session (57P01
    // admin_shutdown, 57P02 crash_shutdown) and then the connection.
    if (info.sqlstate.starts_with("08") || info.sqlstate.starts_with("57P") ||
        PQstatus(conn_) == CONNECTION_BAD) {
      info.retryable = false;
      throw_error<AmbiguousCommitError>(
          "the connection was lost during COMMIT, so whether the transaction committed is unknown: " +
              info.message,
          info);
    }
    throw_database_error(std::move(info));
  }
  // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no
  // error; treating that as success would hide lost writes.
  if (std::strcmp(PQcmdStatus(const_cast<PGresult*>(res)), "ROLLBACK") == 0) {
    rolled_back_instead(dialect_,
                        "COMMIT was answered with ROLLBACK: a statement in this transaction had failed, so "
                        "the server rolled the whole transaction back and nothing was committed");
  }
}

void PgConnection::do_rollback() {
  ensure_open("ROLLBACK");
  const bool nothing_began =
      !pending_begin_.empty() || (begin_lost_ && PQtransactionStatus(conn_) == PQTRANS_IDLE);
  pending_begin_.clear();
  begin_lost_ = false;
  if (nothing_began) return;  // the server has no transaction to end
  PQclear(run_simple("ROLLBACK"));
}

TransactionStatus PgConnection::transaction_status() const noexcept {
  if (conn_ == nullptr) return TransactionStatus::unknown;
  if (begin_lost_ && PQstatus(conn_) == CONNECTION_OK) return TransactionStatus::in_error;
  if (!pending_begin_.empty()) return TransactionStatus::in_transaction;
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE:
      return TransactionStatus::idle;
    case PQTRANS_INTRANS:
    case PQTRANS_ACTIVE:
      return TransactionStatus::in_transaction;
    case PQTRANS_INERROR:
      return TransactionStatus::in_error;
    default:
      return TransactionStatus::unknown;
  }
}

bool PgConnection::do_probe() noexcept {
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) return false;
  // libpq's socket is non-blocking: each call returns at once, with nothing
  // read when the server sent nothing. A terminated backend's farewell comes
  // before the end of the connection, and libpq sees the end only on a read
  // after the one that took the message: hence two.
  if (PQconsumeInput(conn_) == 0 || PQconsumeInput(conn_) == 0) return false;
  while (PGnotify* notice = PQnotifies(conn_)) PQfreemem(notice);
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool PgConnection::is_usable() const noexcept {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK && !begin_lost_ &&
         PQtransactionStatus(conn_) != PQTRANS_INERROR;
}

int PgConnection::server_version() {
  ensure_open("(server version)");
  return PQserverVersion(conn_);
}

// A pipeline goes in batches of this many statements, each ended by a sync:
// outside a transaction block, the unit of an implicit transaction; and, with
// two batches in flight at most, what bounds the answers held unread.
constexpr std::size_t kPipelineBatch = 256;

// COPY target FROM STDIN in text format, sent in pieces of 64 KiB as rows
// are added. A value that cannot be sent, or a load left unfinished, ends
// the COPY with an error message, which makes the server discard it all.
class PgConnection::CopyLoad final : public BulkLoad {
 public:
  CopyLoad(PgConnection& conn, std::string statement) : conn_(conn), statement_(std::move(statement)) {
    PQclear(conn_.run_copy_start(statement_));
  }
  ~CopyLoad() override {
    if (!ended_) abandon("the load was left unfinished; nothing was loaded");
  }
  CopyLoad(const CopyLoad&) = delete;
  CopyLoad& operator=(const CopyLoad&) = delete;

  void add(std::span<const Value* const> row) override {
    try {
      for (std::size_t c = 0; c < row.size(); ++c) {
        append_copy_field(*row[c], buffer_);
        buffer_ += c + 1 == row.size() ? '\n' : '\t';
      }
    } catch (...) {
      abandon("a value could not be sent; nothing was loaded");
      throw;
    }
    if (buffer_.size() >= kPiece) send();
  }

  std::int64_t finish() override {
    send();
    ended_ = true;
    if (PQputCopyEnd(conn_.conn_, nullptr) != 1) conn_.fail(nullptr, statement_);
    ResultPtr res(PQgetResult(conn_.conn_));
    while (ResultPtr extra{PQgetResult(conn_.conn_)}) {
    }
    if (res == nullptr || PQresultStatus(res.get()) != PGRES_COMMAND_OK) conn_.fail(res.get(), statement_);
    std::int64_t loaded = 0;
    const char* tuples = PQcmdTuples(res.get());
    std::from_chars(tuples, tuples + std::strlen(tuples), loaded);
    return loaded;
  }

 private:
  static constexpr std::size_t kPiece = std::size_t{64} * 1024;

  void send() {
    if (buffer_.empty()) return;
    if (PQputCopyData(conn_.conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
      ended_ = true;
      conn_.fail(nullptr, statement_);
    }
    buffer_.clear();
  }
  void abandon(const char* why) noexcept {
    ended_ = true;
    if (conn_.conn_ == nullptr) return;
    if (PQputCopyEnd(conn_.conn_, why) == 1) {
      while (ResultPtr rest{PQgetResult(conn_.conn_)}) {
      }
    }
  }

  PgConnection& conn_;
  std::string statement_;
  std::string buffer_;
  bool ended_ = false;
};

std::unique_ptr<BulkLoad> PgConnection::do_bulk_load(std::string_view target, std::size_t) {
  return std::make_unique<CopyLoad>(*this, "COPY " + std::string(target) + " FROM STDIN");
}

std::optional<std::int64_t> PgConnection::do_copy_rows(std::string_view target, std::size_t columns,
                                                       std::span<const Value* const> cells) {
  CopyLoad load(*this, "COPY " + std::string(target) + " FROM STDIN");
  for (std::size_t at = 0; at < cells.size(); at += columns) load.add(cells.subspan(at, columns));
  return load.finish();
}

PGresult* PgConnection::run_copy_start(const std::string& statement) {
  start_statement(statement);
  flush_begin();  // COPY cannot run in pipeline mode
  PGresult* res = PQexec(conn_, statement.c_str());
  if (res == nullptr || PQresultStatus(res) != PGRES_COPY_IN) {
    ResultPtr guard(res);
    fail(res, statement);
  }
  return res;
}

bool PgConnection::send_batch(std::span<const PipelineStatement> statements, std::size_t start,
                              std::size_t end, std::vector<Fresh>& fresh) {
  for (std::size_t i = start; i < end; ++i) {
    const std::string_view sql = statements[i].sql;
    encoder_->encode(statements[i].params);
    const std::size_t hash = std::hash<std::string_view>{}(sql);
    const Prepared* stmt = find_prepared(sql, hash, encoder_->types());
    if (stmt == nullptr) {
      stmt = remember(sql, hash, encoder_->types());
      fresh.push_back(Fresh{i, hash, stmt->name});
      if (PQsendPrepare(conn_, stmt->name.c_str(), stmt->sql.c_str(), encoder_->count(),
                        encoder_->types().data()) == 0)
        return false;
    }
    if (PQsendQueryPrepared(conn_, stmt->name.c_str(), encoder_->count(), encoder_->values(),
                            encoder_->lengths(), encoder_->formats(), 0) == 0)
      return false;
    stmt->used = ++clock_;
  }
  return true;
}

void PgConnection::read_batch(std::span<const PipelineStatement> statements, std::size_t start,
                              std::size_t end, const std::vector<Fresh>& fresh, std::size_t& fresh_read,
                              const PipelineCallback& on_result, std::optional<ErrorInfo>& first_error) {
  for (std::size_t i = start; i < end; ++i) {
    const std::string_view sql = statements[i].sql;
    if (fresh_read < fresh.size() && fresh[fresh_read].index == i) {
      // The PREPARE's own answer comes first.
      ResultPtr prepared(answer(sql));
      if (prepared == nullptr || !succeeded(prepared.get())) {
        if (!first_error) first_error = error_info(conn_, prepared.get(), sql, dialect_);
        discard(fresh[fresh_read].hash, fresh[fresh_read].name);
      }
      ++fresh_read;
    }
    ResultPtr res(answer(sql));
    const ExecStatusType status = res != nullptr ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      on_result(i, Result(std::make_shared<PgResult>(res.release())));
    } else if (status != PGRES_PIPELINE_ABORTED && !first_error) {
      first_error = error_info(conn_, res.get(), sql, dialect_);
    }
  }
}

void PgConnection::read_begin(const std::string& begin, std::optional<ErrorInfo>& first_error) {
  ResultPtr began(answer(begin));
  if (began != nullptr && succeeded(began.get())) {
    begin_lost_ = false;
  } else if (!first_error) {
    first_error = error_info(conn_, began.get(), begin, dialect_);
  }
}

bool PgConnection::flush_pipeline() {
  for (;;) {
    const int left = PQflush(conn_);
    if (left <= 0) return left == 0;
    // The server may be waiting for us to read its answers before it reads
    // more: take them in (into libpq's buffer) while waiting to write.
    pollfd watched{PQsocket(conn_), POLLIN | POLLOUT, 0};
    if (watched.fd < 0) return false;
    const int ready = ::poll(&watched, 1, 60'000);
    if (ready < 0 && errno != EINTR) return false;
    if (ready > 0 && (watched.revents & POLLIN) != 0 && PQconsumeInput(conn_) == 0) return false;
  }
}

void PgConnection::do_pipeline(std::span<const PipelineStatement> statements,
                               const PipelineCallback& on_result) {
  if (statements.empty() && pending_begin_.empty()) return;  // nothing to send
  start_statement("(pipeline)");
  deallocate_forgotten();  // a synchronous command: not possible once in pipeline mode
  // A deferred BEGIN goes first in the first batch.
  const std::string begin = std::exchange(pending_begin_, {});
  if (!begin.empty()) begin_lost_ = true;  // until the server says it began
  // Batches of kPipelineBatch statements, each ended by a sync: outside a
  // transaction block a batch is one implicit transaction (a sync per
  // statement costs the server a commit and a flush each: a third of the
  // throughput, measured). The next batch is sent before the answers to the
  // last are read, so the server always has work; sending never blocks
  // (libpq's non-blocking mode), and while it waits to write it takes in
  // the server's answers, so neither side can stall the other.
  const std::size_t batches =
      std::max<std::size_t>(1, (statements.size() + kPipelineBatch - 1) / kPipelineBatch);
  if (PQenterPipelineMode(conn_) == 0) fail(nullptr, "(pipeline)");
  if (PQsetnonblocking(conn_, 1) != 0) {
    PQexitPipelineMode(conn_);
    fail(nullptr, "(pipeline)");
  }
  // A statement seen for the first time on this connection is prepared in
  // the pipeline itself (PQsendPrepare), just before its execution; each
  // statement's parameters are encoded once, as it is sent.
  std::vector<Fresh> fresh;
  std::size_t fresh_read = 0;
  std::optional<ErrorInfo> first_error;
  auto send = [&](std::size_t batch) {
    const std::size_t start = batch * kPipelineBatch;
    const std::size_t end = std::min(statements.size(), start + kPipelineBatch);
    const bool with_begin = batch == 0 && !begin.empty();
    return (!with_begin ||
            PQsendQueryParams(conn_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 0) &&
           send_batch(statements, start, end, fresh) && PQpipelineSync(conn_) != 0 && flush_pipeline();
  };
  try {
    if (!send(0)) fail(nullptr, "(pipeline)");
    for (std::size_t batch = 0; batch < batches; ++batch) {
      if (batch + 1 < batches && !send(batch + 1)) fail(nullptr, "(pipeline)");
      if (batch == 0 && !begin.empty()) read_begin(begin, first_error);
      const std::size_t start = batch * kPipelineBatch;
      read_batch(statements, start, std::min(statements.size(), start + kPipelineBatch), fresh, fresh_read,
                 on_result, first_error);
      await_sync("(pipeline)");
    }
  } catch (...) {
    if (conn_ != nullptr) {
      PQsetnonblocking(conn_, 0);
      PQexitPipelineMode(conn_);
    }
    throw;
  }
  PQsetnonblocking(conn_, 0);
  PQexitPipelineMode(conn_);
  if (first_error) throw_failure(std::move(*first_error));
}

void PgConnection::do_commit_with(std::span<const PipelineStatement> statements,
                                  const PipelineCallback& on_result) {
  ensure_open("COMMIT");
  if (!pipelined_commit_ || begin_lost_) {
    Connection::do_commit_with(statements, on_result);  // a lost BEGIN: each statement says so
    return;
  }
  // More than a batch: the earlier statements go first, as a pipeline of
  // their own (a batch never fills the socket while answers wait unread).
  std::size_t start = 0;
  if (statements.size() > kPipelineBatch) {
    start = statements.size() - kPipelineBatch;
    do_pipeline(statements.first(start), on_result);
  }
  start_statement("COMMIT");
  // BEGIN (when nothing was sent yet), the statements, COMMIT, and one sync.
  const std::string begin = std::exchange(pending_begin_, {});
  if (!begin.empty()) begin_lost_ = true;  // until the server says it began
  if (PQenterPipelineMode(conn_) == 0) fail(nullptr, "COMMIT");
  std::vector<Fresh> fresh;
  bool sent =
      begin.empty() || PQsendQueryParams(conn_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 0;
  sent = sent && send_batch(statements, start, statements.size(), fresh);
  const bool commit_queued =
      sent && PQsendQueryParams(conn_, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) != 0;
  if (!commit_queued || PQpipelineSync(conn_) == 0) {
    ErrorInfo info = error_info(conn_, nullptr, "COMMIT", dialect_);
    PQexitPipelineMode(conn_);
    if (!commit_queued) throw_failure(std::move(info));  // COMMIT never left: nothing was committed
    info.retryable = false;
    throw_error<AmbiguousCommitError>(
        "the connection was lost while sending COMMIT, so whether the transaction committed is unknown: " +
            info.message,
        info);
  }
  std::optional<ErrorInfo> first_error;
  ResultPtr committed;
  try {
    if (!begin.empty()) read_begin(begin, first_error);
    std::size_t fresh_read = 0;
    read_batch(statements, start, statements.size(), fresh, fresh_read, on_result, first_error);
    committed.reset(answer("COMMIT"));
    await_sync("COMMIT");
  } catch (const Error& e) {
    if (conn_ != nullptr && PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) PQexitPipelineMode(conn_);
    if (first_error) throw_failure(std::move(*first_error));  // COMMIT was skipped: nothing committed
    // Timed out, or lost, with COMMIT sent.
    ErrorInfo details = e.info();
    details.retryable = false;
    throw_error<AmbiguousCommitError>(
        "COMMIT, sent with the transaction's last statements, had no answer, so whether the transaction "
        "committed is unknown: " +
            details.message,
        details);
  }
  PQexitPipelineMode(conn_);
  // A failed statement aborted the transaction and the COMMIT behind it was
  // skipped: that statement's error is the one to report.
  if (first_error) throw_failure(std::move(*first_error));
  check_commit(committed.get());
}

}  // namespace lingo::postgres
