// A valid plugin whose dialect has no introspector (the default hook), for
// the NotSupportedError that Database gives such a dialect. It never connects.
#include "lingo/errors.h"
#include "lingo/plugin.h"

namespace {

class BareDialect final : public lingo::Dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "bare"; }
  [[nodiscard]] std::unique_ptr<lingo::Connection> connect(const lingo::Uri&) const override {
    throw lingo::ConnectionError("the bare test dialect never connects");
  }
};

}  // namespace

LINGO_PLUGIN(nointrospection, "a dialect without introspection, for tests", BareDialect, "bare")
