// Round trips counted from libpq's own protocol trace (PQtrace), which
// records every message the client sends: each Sync or simple Query is one
// wait for the server.
#pragma once

#include <libpq-fe.h>

#include <cstdio>
#include <sstream>
#include <string>

namespace lingo_test {

class RoundTrips {
 public:
  explicit RoundTrips(PGconn* conn) : conn_(conn), file_(std::tmpfile()) {
    PQtrace(conn_, file_);
    PQsetTraceFlags(conn_, PQTRACE_SUPPRESS_TIMESTAMPS);
  }
  ~RoundTrips() {
    PQuntrace(conn_);
    std::fclose(file_);
  }
  RoundTrips(const RoundTrips&) = delete;
  RoundTrips& operator=(const RoundTrips&) = delete;

  // Round trips since the last call.
  int since_last() {
    std::fflush(file_);
    int total = 0;
    std::rewind(file_);
    char line[4096];
    while (std::fgets(line, sizeof line, file_) != nullptr) {
      std::istringstream fields(line);
      std::string direction, length, message;
      fields >> direction >> length >> message;
      if (direction == "F" && (message == "Sync" || message == "Query")) ++total;
    }
    const int fresh = total - counted_;
    counted_ = total;
    return fresh;
  }

 private:
  PGconn* conn_;
  std::FILE* file_;
  int counted_ = 0;
};

}  // namespace lingo_test
