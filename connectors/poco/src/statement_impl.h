// StatementImpl: one Poco statement, run through lingo::Database::execute_sql (private).
//
// Poco asks for a statement's columns when it compiles it, before anything
// is bound (that is when RecordSet's storage is made), and Lingo learns them
// only by running it. So compileImpl() binds the first set of parameters and
// runs the statement at once; the first bindImpl() then has nothing left to
// do, and each later one binds and runs the next set (use() of a vector runs
// once per element). Each run's rows are held in its lingo::Result and handed
// out by next(), one row per call, as far as Poco's limit() lets it.
//
// Bulk binding (use(vector, bulk)) binds every row at once and runs the
// statement once per row in one pipeline (run_bulk); bulk extraction
// (into(vector, bulk(n))) hands out up to n rows per next() call.
#pragma once

#include <Poco/Data/MetaColumn.h>
#include <Poco/Data/StatementImpl.h>

#include <cstddef>
#include <vector>

#include "binder.h"
#include "extractor.h"
#include "lingo/database.h"
#include "placeholders.h"

namespace lingo::poco::detail {

class SessionImpl;

class StatementImpl final : public Poco::Data::StatementImpl {
 public:
  explicit StatementImpl(SessionImpl& session);

 protected:
  [[nodiscard]] std::size_t columnsReturned() const override { return columns_.size(); }
  // Rows changed by the runs so far (summed over a vector's elements); for a
  // query, the rows handed out so far.
  [[nodiscard]] int affectedRowCount() const override { return affected_; }
  [[nodiscard]] const Poco::Data::MetaColumn& metaColumn(std::size_t pos) const override;
  bool hasNext() override;
  std::size_t next() override;
  [[nodiscard]] bool canBind() const override { return more_to_bind_; }
  [[nodiscard]] bool canCompile() const override { return can_compile_; }
  void compileImpl() override;
  void bindImpl() override;
  Poco::Data::AbstractExtraction::ExtractorPtr extractor() override { return extractor_; }
  Poco::Data::AbstractBinding::BinderPtr binder() override { return binder_; }

 private:
  // Binds the next set of parameters and runs the statement.
  void bind_and_run();
  // Runs the rows of a bulk binding (use(vector, bulk)).
  void run_bulk();
  // Hands out the next chunk of rows to bulk extractions (into(vector, bulk(n))).
  std::size_t next_bulk();
  void empty_bulk_extractions();
  void describe_columns();

  SessionImpl& session_;
  Poco::SharedPtr<Binder> binder_ = new Binder;
  Poco::SharedPtr<Extractor> extractor_ = new Extractor;
  TranslatedSql sql_;
  lingo::Result result_;
  std::size_t row_ = 0;
  std::vector<Poco::Data::MetaColumn> columns_;
  int affected_ = 0;
  bool can_compile_ = true;
  bool ran_ahead_ = false;  // compileImpl() ran the first set; the first bindImpl() skips it
  bool more_to_bind_ = false;
};

}  // namespace lingo::poco::detail
