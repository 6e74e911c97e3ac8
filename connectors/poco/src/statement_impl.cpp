#include "statement_impl.h"

#include <Poco/Data/DataException.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>

#include "errors.h"
#include "session_impl.h"

namespace lingo::poco::detail {

namespace {

using Poco::Data::MetaColumn;

// How a RecordSet stores a column of each Lingo type. Exact decimals, JSON
// and arrays are text: nothing is rounded on the way.
MetaColumn::ColumnDataType poco_type(lingo::ValueType type) {
  switch (type) {
    case lingo::ValueType::boolean:
      return MetaColumn::FDT_BOOL;
    case lingo::ValueType::int16:
      return MetaColumn::FDT_INT16;
    case lingo::ValueType::int32:
      return MetaColumn::FDT_INT32;
    case lingo::ValueType::int64:
      return MetaColumn::FDT_INT64;
    case lingo::ValueType::float32:
      return MetaColumn::FDT_FLOAT;
    case lingo::ValueType::float64:
      return MetaColumn::FDT_DOUBLE;
    case lingo::ValueType::bytes:
      return MetaColumn::FDT_BLOB;
    case lingo::ValueType::date:
      return MetaColumn::FDT_DATE;
    case lingo::ValueType::time:
      // Poco::Data::Time holds whole seconds; text keeps the microseconds.
      return MetaColumn::FDT_STRING;
    case lingo::ValueType::timestamp:
    case lingo::ValueType::timestamptz:
      return MetaColumn::FDT_TIMESTAMP;
    case lingo::ValueType::uuid:
      return MetaColumn::FDT_UUID;
    default:  // null (a column the driver cannot type), text, decimal, json, array
      return MetaColumn::FDT_STRING;
  }
}

// The width in bytes of a fixed-width type; 0 for the others.
std::size_t fixed_length(lingo::ValueType type) {
  switch (type) {
    case lingo::ValueType::boolean:
      return 1;
    case lingo::ValueType::int16:
      return 2;
    case lingo::ValueType::int32:
    case lingo::ValueType::float32:
      return 4;
    case lingo::ValueType::int64:
    case lingo::ValueType::float64:
      return 8;
    case lingo::ValueType::uuid:
      return 16;
    default:
      return 0;
  }
}

}  // namespace

StatementImpl::StatementImpl(SessionImpl& session) : Poco::Data::StatementImpl(session), session_(session) {}

void StatementImpl::compileImpl() {
  can_compile_ = false;
  sql_ = translate_placeholders(toString());
  if (std::all_of(sql_.sql.begin(), sql_.sql.end(), [](unsigned char c) { return std::isspace(c) != 0; }))
    throw Poco::InvalidArgumentException("the statement is empty: give Poco::Data::Statement some SQL");
  columns_.clear();
  affected_ = 0;
  bind_and_run();
  ran_ahead_ = true;
}

void StatementImpl::bindImpl() {
  if (ran_ahead_) {
    ran_ahead_ = false;
    return;
  }
  bind_and_run();
}

void StatementImpl::bind_and_run() {
  auto& sets = bindings();
  binder_->start(sql_.placeholders);
  std::size_t pos = 0;
  if (!sets.empty()) {
    const std::size_t rows = sets.front()->numOfRowsHandled();
    for (auto& binding : sets) {
      if (binding->numOfRowsHandled() != rows) {
        throw Poco::Data::BindingException("every use() of one statement must bind as many rows: one binds " +
                                           std::to_string(rows) + ", another " +
                                           std::to_string(binding->numOfRowsHandled()));
      }
      if (!binding->canBind()) continue;
      // fixupBinding() does this too, but only after compileImpl() has run.
      binding->setBinder(binder_);
      binding->bind(pos);
      pos += binding->numOfColumnsHandled();
    }
    more_to_bind_ = sets.front()->canBind();
  } else {
    more_to_bind_ = false;
  }
  // Without any `?` the SQL may use the dialect's own $n; the server counts those.
  if (sql_.placeholders != 0 && pos != sql_.placeholders) {
    throw Poco::Data::BindingException("the statement has " + std::to_string(sql_.placeholders) +
                                       " ? placeholders but " + std::to_string(pos) +
                                       " values were bound: give one use() or bind() per ?");
  }
  if (binder_->rows() != 0) {
    run_bulk();
    return;
  }
  session_.before_statement();
  result_ = translated([&] { return session_.database().execute_sql(sql_.sql, binder_->values()); });
  row_ = 0;
  if (columns_.empty()) describe_columns();
  if (result_.column_count() != 0 && result_.size() == 0) empty_bulk_extractions();
  if (result_.column_count() == 0)
    affected_ += static_cast<int>(std::max<std::int64_t>(0, result_.rows_affected()));
}

// One statement per bound row, all sent in one pipeline. Outside a
// transaction the lot runs in one transaction of its own: PostgreSQL would
// otherwise commit each batch of 256 on its own, so that a failing row would
// leave the earlier batches in. All rows or none, as in one INSERT.
void StatementImpl::run_bulk() {
  if (!extractions().empty()) {
    throw Poco::Data::BindingException(
        "use(..., bulk) runs the statement once per row and cannot hand rows to into(): bind one row "
        "at a time (use() without bulk) for a query, or select with WHERE ... IN (...)");
  }
  std::vector<lingo::PipelineStatement> statements;
  statements.reserve(binder_->rows());
  for (std::size_t row = 0; row < binder_->rows(); ++row) statements.push_back({sql_.sql, binder_->row(row)});
  session_.before_statement();
  std::int64_t affected = 0;
  const auto send = [&] {
    session_.database().pipeline(statements, [&](std::size_t, const lingo::Result& result) {
      affected += std::max<std::int64_t>(0, result.rows_affected());
    });
  };
  translated([&] {
    if (session_.isTransaction()) {
      send();
    } else {
      session_.database().transaction(session_.transaction_options(), send);
    }
  });
  result_ = lingo::Result();
  row_ = 0;
  affected_ += static_cast<int>(affected);
}

void StatementImpl::describe_columns() {
  columns_.reserve(result_.column_count());
  for (std::size_t i = 0; i < result_.column_count(); ++i) {
    const lingo::ValueType type = result_.column_type(i);
    // Lingo's results carry neither declared lengths nor nullability: a
    // column is reported nullable, and its length is that of fixed-width types.
    columns_.emplace_back(i, std::string(result_.column_name(i)), poco_type(type), fixed_length(type), 0,
                          true);
  }
}

const Poco::Data::MetaColumn& StatementImpl::metaColumn(std::size_t pos) const {
  if (pos >= columns_.size()) {
    throw Poco::RangeException("column " + std::to_string(pos) + " does not exist: the statement returns " +
                               std::to_string(columns_.size()) + " columns");
  }
  return columns_[pos];
}

bool StatementImpl::hasNext() {
  return result_.column_count() != 0 && row_ < result_.size();
}

std::size_t StatementImpl::next() {
  if (!hasNext()) throw Poco::Data::NoDataException("next() past the last row of: " + sql_.sql);
  if (!extractions().empty() && extractions().front()->isBulk()) return next_bulk();
  extractor_->set_row(&result_, row_);
  std::size_t pos = 0;
  for (auto& extraction : extractions()) {
    extraction->extract(pos);
    pos += extraction->numOfColumnsHandled();
  }
  ++row_;
  ++affected_;
  return 1;
}

// Poco sizes a bulk extraction's container to its limit when the statement
// is made; with no rows at all next() is never called, so it is emptied here.
void StatementImpl::empty_bulk_extractions() {
  extractor_->set_rows(&result_, 0, 0);
  std::size_t pos = 0;
  for (auto& extraction : extractions()) {
    if (extraction->isBulk()) {
      extraction->setExtractor(extractor_);  // as in bind_and_run: compile() has not done it yet
      extraction->extract(pos);
    }
    pos += extraction->numOfColumnsHandled();
  }
}

// Poco resizes a bulk extraction's container to its limit, and asks the
// extractor to fill it; the last chunk may be shorter, and the container
// then shrinks to the rows there were.
std::size_t StatementImpl::next_bulk() {
  const std::size_t limit = extractions().front()->getLimit();
  if (limit == 0)
    throw Poco::InvalidArgumentException("bulk(0) extracts nothing: give bulk(n) a size of 1 or more");
  const std::size_t count = std::min<std::size_t>(limit, result_.size() - row_);
  extractor_->set_rows(&result_, row_, count);
  std::size_t pos = 0;
  for (auto& extraction : extractions()) {
    if (!extraction->isBulk()) {
      throw Poco::Data::ExtractException("column " + std::to_string(pos) +
                                         ": bulk and non-bulk into() cannot be mixed in one statement; give "
                                         "every into() the same bulk(n)");
    }
    extraction->extract(pos);
    pos += extraction->numOfColumnsHandled();
  }
  row_ += count;
  affected_ += static_cast<int>(count);
  return count;
}

}  // namespace lingo::poco::detail
