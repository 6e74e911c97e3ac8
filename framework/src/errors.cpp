#include "lingo/errors.h"

#include <utility>

namespace lingo {
namespace {

std::string compose(const ErrorInfo& info) {
  if (info.sqlstate.empty()) return info.message;
  return info.message + " (SQLSTATE " + info.sqlstate + ")";
}

bool in(std::string_view cls, std::initializer_list<std::string_view> classes) {
  for (auto c : classes)
    if (c == cls) return true;
  return false;
}

}  // namespace

Error::Error(ErrorInfo info) : std::runtime_error(compose(info)), info_(std::move(info)) {}

void throw_database_error(ErrorInfo info) {
  const std::string& state = info.sqlstate;
  // The three states a retry loop must tell apart get classes of their own.
  if (state == "40001") throw SerializationFailure(std::move(info));
  if (state == "40P01") throw DeadlockDetected(std::move(info));
  if (state == "40003") throw AmbiguousCommitError(std::move(info));

  const std::string_view cls = std::string_view(state).substr(0, 2);
  if (cls == "08") throw ConnectionError(std::move(info));
  if (in(cls, {"40", "53", "54", "55", "57", "58", "3B", "27", "28", "2F", "38", "39", "F0", "HV"}))
    throw OperationalError(std::move(info));
  if (cls == "22") throw DataError(std::move(info));
  if (cls == "23") throw IntegrityError(std::move(info));
  if (in(cls, {"24", "25", "2B", "2D", "XX"})) throw InternalError(std::move(info));
  if (in(cls, {"20", "21", "26", "34", "3D", "3F", "42", "44", "P0"}))
    throw ProgrammingError(std::move(info));
  if (cls == "0A") throw NotSupportedError(std::move(info));
  throw DatabaseError(std::move(info));
}

}  // namespace lingo
