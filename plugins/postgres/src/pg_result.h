// A PGresult seen as a lingo::ResultSource: values are decoded from libpq's
// text format by column type OID when they are read, never before.
#pragma once

#include <libpq-fe.h>

#include <string_view>

#include "lingo/result.h"

namespace lingo::postgres {

class PgResult final : public ResultSource {
 public:
  explicit PgResult(PGresult* res) noexcept : res_(res) {}
  ~PgResult() override { PQclear(res_); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  [[nodiscard]] std::size_t row_count() const noexcept override;
  [[nodiscard]] std::size_t column_count() const noexcept override;
  [[nodiscard]] std::string_view column_name(std::size_t column) const override;
  [[nodiscard]] ValueType column_type(std::size_t column) const override;
  [[nodiscard]] bool is_null(std::size_t row, std::size_t column) const override;
  [[nodiscard]] Value value(std::size_t row, std::size_t column) const override;
  [[nodiscard]] std::int64_t rows_affected() const noexcept override;
  [[nodiscard]] std::size_t find_column(std::string_view name) const override;

 private:
  PGresult* res_;
};

// The value type a column of this OID decodes to (text for types Lingo does
// not model).
[[nodiscard]] ValueType value_type_of(Oid type) noexcept;
// Decodes one value in libpq's text format.
[[nodiscard]] Value decode_text(Oid type, std::string_view text);

}  // namespace lingo::postgres
