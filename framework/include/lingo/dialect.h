// What a plugin provides: a dialect, which knows how to open connections for
// the URI schemes it registered.
//
// A plugin keeps one Dialect object for the life of the process; the core
// never deletes it. Later capabilities (compiling queries, field types,
// introspection) arrive as further virtual hooks with defaults.
#pragma once

#include <memory>
#include <string_view>

#include "lingo/connection.h"
#include "lingo/uri.h"

namespace lingo {

class Dialect {
 public:
  virtual ~Dialect() = default;
  // The dialect's name as errors and `lingo plugins` show it: "postgres".
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  // Opens a connection; throws UriError for options the dialect does not
  // accept and ConnectionError when the server cannot be reached.
  [[nodiscard]] virtual std::unique_ptr<Connection> connect(const Uri& uri) const = 0;
};

}  // namespace lingo
