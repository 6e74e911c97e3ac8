// The benchmark harness: one interface, one implementation per client (raw
// libpq, Lingo, libpqxx, SOCI, Poco::Data), and the data every client gets.
//
// A run of bench_peers is one client doing one workload once; the driver
// (run.py) runs every client, round after round, in fresh processes against
// the same server, so that each process's peak RSS is its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

// One of the seed's transfers: move `amount` (text, two decimals) from one
// account to another when the source can pay.
struct Transfer {
  int from = 0;
  int to = 0;
  std::string amount;
};

// What a workload hands to a client. Everything is generated before the clock
// starts, from fixed seeds, so every client does the same work.
struct Workload {
  std::string uri;                   // a libpq connection URI
  std::vector<std::int64_t> ids;     // point select, pipeline: keys to look up
  int insert_rows = 0;               // single-row insert, bulk insert
  std::vector<Transfer> transfers;   // transfer (one thread's share)
  std::int64_t compile_queries = 0;  // query compile
};

// Decoded values are folded into this so the optimizer keeps the work, and so
// runs can be compared: every client must arrive at the same checksum.
struct Sink {
  std::int64_t sum = 0;
  std::int64_t rows = 0;
  std::int64_t retries = 0;
  std::vector<float> latency_us;  // per transfer, retries included, where the client times them
  void add(std::int64_t v) { sum += v; }
  // Runs one transfer, timing it.
  template <class F>
  void timed(F&& transfer) {
    const auto start = std::chrono::steady_clock::now();
    transfer();
    latency_us.push_back(
        std::chrono::duration<float, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  // One row read, folded the same way by every client (and by
  // peewee_client.py): whole parts of the numbers, the text's length.
  void account(std::int64_t id, double balance, std::size_t owner_size) { row(id, balance, owner_size); }
  void scanned(std::int64_t id, std::size_t label_size, double amount) { row(id, amount, label_size); }

 private:
  void row(std::int64_t id, double number, std::size_t text_size) {
    sum += id + static_cast<std::int64_t>(number) + static_cast<std::int64_t>(text_size);
    ++rows;
  }
};

// A client of one library, connected to one server. Workloads a client does
// not offer throw Unsupported.
class Client {
 public:
  virtual ~Client() = default;
  // 1: SELECT id, balance, owner FROM bench_account WHERE id = $1, per id.
  virtual void point_select(std::span<const std::int64_t> ids, Sink& sink) = 0;
  // 2: INSERT INTO bench_insert (owner, amount) VALUES (...), autocommit, per row.
  virtual void insert(int rows, Sink& sink) = 0;
  // 3: the seed's transfer_funds in a SERIALIZABLE transaction, retried on
  //    serialization failure or deadlock (counted in sink.retries).
  virtual void transfer(std::span<const Transfer> transfers, Sink& sink) = 0;
  // 4: `rows` rows into bench_insert by the library's best bulk path.
  virtual void bulk_insert(int rows, Sink& sink) = 0;
  // 5: every row of bench_scan, decoded.
  virtual void scan(Sink& sink) = 0;
  // 7: the lookups of point_select sent without waiting for each answer.
  virtual void pipeline(std::span<const std::int64_t> ids, Sink& sink);
  // 6: build and compile the reference query `n` times, no I/O.
  virtual void compile(std::int64_t n, Sink& sink);
};

struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The bulk rows: row i is ("owner <i % 1000>", i).
std::string bulk_owner(int i);

// The URI as libpq's keyword=value string, for libraries that take no URIs
// (SOCI, Poco::Data).
std::string keyword_conninfo(const std::string& uri);

// Clients, by the name the driver uses.
std::unique_ptr<Client> make_raw(const std::string& uri);
std::unique_ptr<Client> make_raw_pipeline(const std::string& uri);
std::unique_ptr<Client> make_lingo(const std::string& uri);
std::unique_ptr<Client> make_lingo_adhoc(const std::string& uri);
// make_lingo whose transfers defer their updates to the COMMIT.
std::unique_ptr<Client> make_lingo_deferred(const std::string& uri);
// make_lingo with a lingo::ClientMetrics recording every statement.
std::unique_ptr<Client> make_lingo_traced(const std::string& uri);
// Lingo through postgresql+pool://, one pool shared by every thread, with
// max(8, threads) connections. run_transaction's retry policy comes from the
// environment when LINGO_BENCH_RETRY is set (bench/retry_sweep.py):
// "IMMEDIATE,INITIAL_US,MAX_US".
std::unique_ptr<Client> make_lingo_pool(const std::string& uri);
void set_lingo_pool_threads(int threads);
std::unique_ptr<Client> make_pqxx(const std::string& uri);
std::unique_ptr<Client> make_soci(const std::string& uri);
std::unique_ptr<Client> make_poco(const std::string& uri);
// The same Poco::Data code on Lingo's connector (connectors/poco).
std::unique_ptr<Client> make_poco_lingo(const std::string& uri);

// Retries `attempt` while `retryable` says the exception it threw is a
// serialization failure or a deadlock, up to 100 attempts: the loop a user of
// a library without client-side retries writes by hand.
template <class Retryable>
void with_retries(Sink& sink, Retryable retryable, const std::function<void()>& attempt) {
  sink.timed([&] {
    for (int tries = 1;; ++tries) {
      try {
        attempt();
        return;
      } catch (const std::exception& e) {
        if (tries >= 100 || !retryable(e)) throw;
        ++sink.retries;
      }
    }
  });
}

}  // namespace bench
