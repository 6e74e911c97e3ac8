// Deadlines: a connect to a host that never answers, a statement the server
// is slow to answer, and a server that stops answering altogether all end
// within the configured time, with the session usable or clearly broken.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;
using Clock = std::chrono::steady_clock;

namespace {

// A listening socket nobody ever accepts from: the kernel completes the TCP
// handshake, and then nothing is ever said.
class SilentServer {
 public:
  SilentServer() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    CPPUNIT_ASSERT(::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0);
    CPPUNIT_ASSERT(::listen(fd_, 16) == 0);
    CPPUNIT_ASSERT(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  [[nodiscard]] std::string uri(const std::string& options) const {
    return "postgresql://lingo@127.0.0.1:" + std::to_string(port_) + "/nothing" + options;
  }

 private:
  int fd_;
  unsigned port_ = 0;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class PgDeadlineTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PgDeadlineTest);
  CPPUNIT_TEST(testConnectToASilentServerEndsAtConnectTimeout);
  CPPUNIT_TEST(testConnectToASilentServerEndsByDefault);
  CPPUNIT_TEST(testSlowStatementIsCancelledAndTheSessionStaysUsable);
  CPPUNIT_TEST(testSlowStatementOnCockroachDbIsCancelledToo);
  CPPUNIT_TEST(testSilentServerMidSessionClosesTheConnection);
  CPPUNIT_TEST(testBadQueryTimeoutIsAUriError);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testConnectToASilentServerEndsAtConnectTimeout() {
    SilentServer silent;
    const auto start = Clock::now();
    const auto e = expect_throw<ConnectionError>(
        [&] { (void)lingo::connect(silent.uri("?connect_timeout=2")); }, "connect to a silent server");
    const double took = seconds_since(start);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took >= 1.5 && took < 5);
    LINGO_ASSERT_CONTAINS(e.what(), "timeout");
  }

  void testConnectToASilentServerEndsByDefault() {
    // Without connect_timeout libpq would wait for ever; Lingo's default is 10 s.
    SilentServer silent;
    const auto start = Clock::now();
    expect_throw<ConnectionError>([&] { (void)lingo::connect(silent.uri("")); }, "default connect_timeout");
    const double took = seconds_since(start);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took >= 9 && took < 15);
  }

  // On `db` (query_timeout=0.5): a 30-second statement is cancelled at the
  // timeout (57014), and the same connection goes on.
  static void slow_statement_is_cancelled(Database& db) {
    const auto pid = db.execute_sql("SELECT pg_backend_pid()").scalar<std::int64_t>();
    const auto start = Clock::now();
    const auto e = expect_throw<Error>([&] { db.execute_sql("SELECT pg_sleep(30)"); }, "slow statement");
    const double took = seconds_since(start);
    CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took >= 0.4 && took < 3);
    CPPUNIT_ASSERT_EQUAL(std::string("57014"), e.sqlstate());
    LINGO_ASSERT_CONTAINS(e.what(), "query_timeout");
    CPPUNIT_ASSERT_EQUAL(pid, db.execute_sql("SELECT pg_backend_pid()").scalar<std::int64_t>());
  }

  void testSlowStatementIsCancelledAndTheSessionStaysUsable() {
    Database db(lingo_test::pg_uri() + "?query_timeout=0.5");
    slow_statement_is_cancelled(db);
    // With parameters (the prepared path) and inside a transaction too; there
    // the transaction has failed, as after any error.
    db.begin();
    expect_throw<Error>([&] { db.execute_sql("SELECT pg_sleep($1)", {30.0}); }, "slow prepared statement");
    CPPUNIT_ASSERT(db.connection().transaction_status() == TransactionStatus::in_error);
    db.rollback();
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db.execute_sql("SELECT 1").scalar<std::int64_t>());
  }

  void testSlowStatementOnCockroachDbIsCancelledToo() {
    // Through the simulator, whose cancel requests reach PostgreSQL: the
    // statement is cancelled (57014) and the same session goes on.
    lingo_test::CrdbSimulator simulator;
    Database db(simulator.uri("cockroachdb", "query_timeout=0.5"));
    slow_statement_is_cancelled(db);
  }

  void testSilentServerMidSessionClosesTheConnection() {
    // The CockroachDB simulator stands between us and PostgreSQL; stopping
    // its process makes a server that answers nothing, not even a cancel.
    lingo_test::CrdbSimulator simulator;
    Database db(simulator.uri("cockroachdb", "query_timeout=0.5"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, db.execute_sql("SELECT 1").scalar<std::int64_t>());
    simulator.freeze();
    const auto start = Clock::now();
    // A text outside a transaction whose answer never came: whether it took
    // effect is unknown (it is not known to be a read).
    const auto e = expect_throw<AmbiguousCommitError>([&] { db.execute_sql("SELECT 2"); }, "stalled server");
    const double took = seconds_since(start);
    simulator.thaw();
    CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took >= 0.4 && took < 4);
    LINGO_ASSERT_CONTAINS(e.what(), "the connection was closed");
    LINGO_ASSERT_CONTAINS(e.what(), "whether it took effect is unknown");
    CPPUNIT_ASSERT(db.connection().transaction_status() == TransactionStatus::idle);  // a new one
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, db.execute_sql("SELECT 3").scalar<std::int64_t>());
  }

  void testBadQueryTimeoutIsAUriError() {
    const auto e = expect_throw<UriError>(
        [&] { (void)lingo::connect(lingo_test::pg_uri() + "?query_timeout=soon"); }, "query_timeout=soon");
    LINGO_ASSERT_CONTAINS(e.what(), "query_timeout=soon is not valid");
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PgDeadlineTest);

}  // namespace
