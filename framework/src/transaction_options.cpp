// Transaction options: their names, their parsing, and the dialect defaults
// that accept none of them.
#include <Poco/String.h>
#include <algorithm>
#include <string>

#include "lingo/dialect.h"
#include "lingo/errors.h"
#include "lingo/transaction.h"

namespace lingo {
namespace {

// Lower case, with '_' and '-' read as spaces: "READ_COMMITTED" -> "read committed".
std::string normalized(std::string_view text) {
  std::string out;
  for (const char c : text) out += (c == '_' || c == '-') ? ' ' : c;
  Poco::toLowerInPlace(out);
  return out;
}

}  // namespace

std::string_view to_string(IsolationLevel level) noexcept {
  switch (level) {
    case IsolationLevel::read_uncommitted:
      return "READ UNCOMMITTED";
    case IsolationLevel::read_committed:
      return "READ COMMITTED";
    case IsolationLevel::repeatable_read:
      return "REPEATABLE READ";
    case IsolationLevel::serializable:
      return "SERIALIZABLE";
  }
  return "?";
}

std::string_view to_string(LockType type) noexcept {
  switch (type) {
    case LockType::deferred:
      return "DEFERRED";
    case LockType::immediate:
      return "IMMEDIATE";
    case LockType::exclusive:
      return "EXCLUSIVE";
  }
  return "?";
}

std::string_view to_string(Priority priority) noexcept {
  switch (priority) {
    case Priority::low:
      return "LOW";
    case Priority::normal:
      return "NORMAL";
    case Priority::high:
      return "HIGH";
  }
  return "?";
}

Priority parse_priority(std::string_view text) {
  const std::string word = normalized(text);
  if (word == "low") return Priority::low;
  if (word == "normal") return Priority::normal;
  if (word == "high") return Priority::high;
  throw ValueError("'" + std::string(text) +
                   "' is not a transaction priority: expected low, normal or high (in any case)");
}

IsolationLevel parse_isolation_level(std::string_view text) {
  const std::string words = normalized(text);
  if (words == "read uncommitted") return IsolationLevel::read_uncommitted;
  if (words == "read committed") return IsolationLevel::read_committed;
  if (words == "repeatable read") return IsolationLevel::repeatable_read;
  if (words == "serializable") return IsolationLevel::serializable;
  throw ValueError("'" + std::string(text) +
                   "' is not an isolation level: expected read uncommitted, read committed, repeatable "
                   "read or serializable");
}

void unsupported_transaction_option(std::string_view dialect, std::string_view option,
                                    std::string_view detail) {
  std::string message = "the " + std::string(dialect) + " dialect does not support the transaction option '" +
                        std::string(option) + "'";
  if (!detail.empty()) message += ": " + std::string(detail);
  message += "; nothing was sent";
  throw_error<NotSupportedError>(std::move(message), {.sqlstate = "0A000", .dialect = std::string(dialect)});
}

std::string Dialect::begin_statement(const TransactionOptions& options) const {
  if (options.isolation_level) unsupported_transaction_option(name(), "isolation_level");
  if (options.read_only) unsupported_transaction_option(name(), "read_only");
  if (options.deferrable) unsupported_transaction_option(name(), "deferrable");
  if (options.lock_type) unsupported_transaction_option(name(), "lock_type");
  if (options.priority) unsupported_transaction_option(name(), "priority");
  if (options.system_time) unsupported_transaction_option(name(), "system_time");
  return "BEGIN";
}

std::optional<std::string> Dialect::restart_savepoint(const Uri& /*uri*/) const {
  return std::nullopt;
}

std::optional<std::string> Dialect::savepoint_restriction(
    const Uri& /*uri*/, const std::function<int()>& /*server_version*/) const {
  return std::nullopt;
}

}  // namespace lingo
