// What the trace learns from the caller rather than from the SQL: the built
// query whose statement this thread is sending (its operation and tables),
// and the attempt of run_transaction it belongs to. Set for the length of a
// call by the scopes below and read by Connection when it reports the
// statement; thread-local, so nothing crosses threads.
#pragma once

#include "lingo/query.h"

namespace lingo::detail {

inline thread_local const CompiledQuery* labelled_query = nullptr;
inline thread_local int labelled_attempt = 0;

class QueryLabel {
 public:
  explicit QueryLabel(const CompiledQuery& query) noexcept : saved_(labelled_query) {
    labelled_query = &query;
  }
  ~QueryLabel() { labelled_query = saved_; }
  QueryLabel(const QueryLabel&) = delete;
  QueryLabel& operator=(const QueryLabel&) = delete;

 private:
  const CompiledQuery* saved_;
};

class AttemptLabel {
 public:
  explicit AttemptLabel(int attempt) noexcept : saved_(labelled_attempt) { labelled_attempt = attempt; }
  ~AttemptLabel() { labelled_attempt = saved_; }
  void set(int attempt) noexcept { labelled_attempt = attempt; }
  AttemptLabel(const AttemptLabel&) = delete;
  AttemptLabel& operator=(const AttemptLabel&) = delete;

 private:
  int saved_;
};

}  // namespace lingo::detail
