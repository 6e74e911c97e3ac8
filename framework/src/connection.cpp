#include "lingo/connection.h"

namespace lingo {
namespace {

// The fallback stream: the whole result, handed out row by row.
class BufferedStream final : public RowStream {
 public:
  explicit BufferedStream(Result result) : result_(std::move(result)) {}
  bool next() override { return ++position_ <= result_.size(); }
  [[nodiscard]] Row row() const override { return result_[position_ - 1]; }

 private:
  Result result_;
  std::size_t position_ = 0;
};

}  // namespace

std::unique_ptr<RowStream> Connection::stream(std::string_view sql, std::span<const Value> params) {
  return std::make_unique<BufferedStream>(execute(sql, params));
}

}  // namespace lingo
