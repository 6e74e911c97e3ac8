// metrics: a service's database metrics in OpenTelemetry's names, served as
// Prometheus text on GET /metrics (docs/observability.md).
//
// Every statement the pooled Database sends is recorded by a
// lingo::ClientMetrics (db.client.operation.duration); the pool reports its
// db.client.connection.* figures; lingo::to_prometheus writes both. A small
// workload runs on four threads so that there is something to see.
//
//   metrics [URI] [--serve PORT]
//
// The URI defaults to an SQLite file in the working directory; a "+pool"
// scheme is used as given, any other gets one. Without --serve the program
// prints the page once and exits; with it, it serves the page until stopped
// (Ctrl-C or SIGTERM), e.g. for `curl localhost:9464/metrics`.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "lingo/lingo.h"
#include "lingo/metrics.h"

namespace {

struct Visit : lingo::Table {
  lingo::Column<std::int64_t> id = column("id", lingo::BigIntegerField{}.primary_key());
  lingo::Column<std::string> page = column("page", lingo::TextField{});
  Visit() : Table("metrics_visit") {}
};
const Visit visit;

std::string pooled(std::string uri) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos || uri.substr(0, scheme_end).find('+') != std::string::npos) return uri;
  return uri.insert(scheme_end, "+pool");
}

// Four threads record and read visits; one insert per thread repeats a key,
// so that a failure (23505) shows in the metrics too.
void workload(lingo::Database& db) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&db, t] {
      for (int i = 0; i < 25; ++i) {
        db.insert(visit)
            .set(visit.id, std::int64_t{t * 1000 + i})
            .set(visit.page, "/item/" + std::to_string(i))
            .execute();
        (void)db.select(visit.page).from(visit).where(visit.id == std::int64_t{t * 1000 + i}).one();
      }
      try {
        db.insert(visit).set(visit.id, std::int64_t{t * 1000}).set(visit.page, "/again").execute();
      } catch (const lingo::IntegrityError&) {  // expected: the key exists
      }
      db.close();  // the thread's connection goes back to the pool
    });
  }
  for (auto& thread : threads) thread.join();
}

class MetricsPage : public Poco::Net::HTTPRequestHandler {
 public:
  MetricsPage(const lingo::ClientMetrics& metrics, lingo::Database& db) : metrics_(metrics), db_(db) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    if (request.getURI() != "/metrics") {
      response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      response.send() << "try /metrics\n";
      return;
    }
    response.setContentType("text/plain; version=0.0.4");
    response.send() << page(metrics_, db_);
  }
  static std::string page(const lingo::ClientMetrics& metrics, lingo::Database& db) {
    const std::vector<lingo::NamedPoolStats> pools{{"main", db.pool_stats()}};
    return lingo::to_prometheus(&metrics, pools);
  }

 private:
  const lingo::ClientMetrics& metrics_;
  lingo::Database& db_;
};

class Pages : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Pages(const lingo::ClientMetrics& metrics, lingo::Database& db) : metrics_(metrics), db_(db) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new MetricsPage(metrics_, db_);
  }

 private:
  const lingo::ClientMetrics& metrics_;
  lingo::Database& db_;
};

}  // namespace

int main(int argc, char** argv) {
  // Ctrl-C and SIGTERM end --serve; blocked in every thread, awaited in main.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::string uri = "sqlite:///lingo-metrics.db?journal_mode=wal";
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--serve" && i + 1 < argc) {
      port = std::stoi(argv[++i]);
    } else if (arg.starts_with("--")) {
      std::cerr << "usage: metrics [URI] [--serve PORT]\n";
      return 2;
    } else {
      uri = arg;
    }
  }
  try {
    lingo::ClientMetrics metrics;  // declared before the Database: it must outlive the tracer
    lingo::Database db(pooled(uri));
    db.set_tracer(metrics.tracer());
    db.drop_tables({&visit}, /*safe=*/true);
    db.create_tables({&visit});
    db.close();
    workload(db);
    if (port == 0) {
      std::cout << MetricsPage::page(metrics, db);
      return 0;
    }
    Poco::Net::HTTPServer server(new Pages(metrics, db),
                                 Poco::Net::ServerSocket(static_cast<Poco::UInt16>(port)),
                                 new Poco::Net::HTTPServerParams);
    server.start();
    std::cout << "serving http://localhost:" << port << "/metrics; Ctrl-C stops\n" << std::flush;
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
    db.set_tracer(nullptr);
  } catch (const lingo::Error& e) {
    std::cerr << "metrics: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
