#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "lingo/database.h"
#include "lingo/uri.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace lingo_test {

std::string pg_uri() {
  const char* uri = std::getenv("LINGO_TEST_PG_URI");
  if (uri == nullptr) CPPUNIT_FAIL("LINGO_TEST_PG_URI is not set");
  return uri;
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

std::string temp_dir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("lingo-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string build_dir() {
  return LINGO_TEST_BINARY_DIR;
}
std::string source_dir() {
  return LINGO_TEST_SOURCE_DIR;
}

CrdbSimulator::CrdbSimulator(const std::string& version)
    : CrdbSimulator(SimulatorOptions{.version = version}) {}

CrdbSimulator::CrdbSimulator(const SimulatorOptions& options) {
  const std::string upstream = pg_uri();
  database_ = lingo::Uri::parse(upstream).path();
  dir_ = temp_dir();
  const std::string port_file = dir_ + "/port";
  const std::string control_file = dir_ + "/control";
  const std::string binary = build_dir() + "/bin/crdb_sim";
  std::vector<std::string> args = {binary,
                                   "--upstream",
                                   upstream,
                                   "--listen",
                                   "0",
                                   "--port-file",
                                   port_file,
                                   "--version",
                                   options.version,
                                   "--node-id",
                                   std::to_string(options.node_id)};
  if (!options.locality.empty()) args.insert(args.end(), {"--locality", options.locality});
  if (options.control) args.insert(args.end(), {"--control-port", "0", "--control-port-file", control_file});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    CPPUNIT_FAIL("cannot start " + binary);
  }
  pid_ = pid;
  for (int i = 0; i < 500 && port_ == 0; ++i) {
    std::ifstream in(port_file);
    if (in >> port_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (port_ == 0) CPPUNIT_FAIL("the CockroachDB simulator did not start (no port in " + port_file + ")");
  if (options.control) {
    // The control port is written before the listening one.
    std::ifstream in(control_file);
    if (!(in >> control_port_)) CPPUNIT_FAIL("the CockroachDB simulator wrote no control port");
  }
}

std::string CrdbSimulator::control(const std::string& command) const {
  if (control_port_ == 0) CPPUNIT_FAIL("this simulator was started without a control port");
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(control_port_));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) ::close(fd);
    CPPUNIT_FAIL("cannot reach the simulator's control port");
  }
  const std::string line = command + "\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    ::close(fd);
    CPPUNIT_FAIL("cannot send to the simulator's control port");
  }
  std::string reply;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') reply += c;
  ::close(fd);
  return reply;
}

CrdbCluster::CrdbCluster(int nodes) {
  for (int i = 1; i <= nodes; ++i) {
    nodes_.push_back(std::make_unique<CrdbSimulator>(SimulatorOptions{
        .node_id = i,
        .locality = "region=r" + std::to_string((i - 1) % 3 + 1) + ",zone=z" + std::to_string(i),
        .control = true}));
  }
}

std::string CrdbCluster::uri(const std::string& options, const std::string& scheme) const {
  std::string hosts;
  for (const auto& n : nodes_) {
    if (!hosts.empty()) hosts += ",";
    hosts += "127.0.0.1:";
    hosts += std::to_string(n->port());
  }
  const std::string database = lingo::Uri::parse(pg_uri()).path();
  return scheme + "://root@" + hosts + "/" + database + (options.empty() ? "" : "?" + options);
}

CrdbSimulator::~CrdbSimulator() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    kill(pid_, SIGCONT);  // a test that failed while it was frozen
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::filesystem::remove_all(dir_);
}

void CrdbSimulator::freeze() const {
  kill(pid_, SIGSTOP);
  const std::string tasks = "/proc/" + std::to_string(pid_) + "/task";
  for (int i = 0; i < 1000; ++i) {
    bool all_stopped = true;
    for (const auto& task : std::filesystem::directory_iterator(tasks)) {
      std::ifstream stat(task.path() / "stat");
      std::string line;
      std::getline(stat, line);
      // pid (comm) state ...: the state follows the last ')'.
      const auto close = line.rfind(')');
      if (close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'T')
        all_stopped = false;
    }
    if (all_stopped) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CPPUNIT_FAIL("the CockroachDB simulator did not stop on SIGSTOP within 2 s");
}

void CrdbSimulator::thaw() const {
  kill(pid_, SIGCONT);
}

std::string CrdbSimulator::uri(const std::string& scheme, const std::string& options) const {
  std::string out = scheme + "://root@127.0.0.1:" + std::to_string(port_) + "/" + database_;
  if (!options.empty()) out += "?" + options;
  return out;
}

std::thread terminate_during_commit(std::atomic<int>& victim) {
  return std::thread([&victim] {
    using namespace std::chrono_literals;
    lingo::Database admin(pg_uri());
    while (victim.load() == 0) std::this_thread::sleep_for(5ms);
    for (int i = 0; i < 400; ++i) {
      const lingo::Result r = admin.execute_sql(
          "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND query = 'COMMIT'", {victim.load()});
      if (r[0][0].as<std::int64_t>() == 1) break;
      std::this_thread::sleep_for(5ms);
    }
    admin.execute_sql("SELECT pg_terminate_backend($1)", {victim.load()});
  });
}

std::string shell_quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CommandRun run_command(const std::string& program, const std::vector<std::string>& args) {
  const std::string err_file = temp_dir() + "/stderr";
  std::string command = shell_quote(program);
  for (const auto& a : args) {
    command += ' ';
    command += shell_quote(a);
  }
  command += " 2>";
  command += shell_quote(err_file);
  FILE* pipe = ::popen(command.c_str(), "r");
  CPPUNIT_ASSERT(pipe != nullptr);
  CommandRun run{};
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) run.out.append(buf, n);
  const int raw = ::pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream in(err_file);
  std::stringstream text;
  text << in.rdbuf();
  run.err = text.str();
  return run;
}

}  // namespace lingo_test
