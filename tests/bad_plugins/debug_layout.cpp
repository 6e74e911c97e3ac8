// A real plugin, declared with LINGO_PLUGIN like any other, but compiled with
// -D_GLIBCXX_DEBUG (tests/CMakeLists.txt): libstdc++'s debug containers are
// larger, so SelectData, Value's Array and the rest have another layout than
// the core's. Nothing in the handshake's plain fields differs; only the
// layout fingerprint tells. (It calls nothing of the core whose mangled name
// names a std container: those would be std::__debug ones, which the core
// does not define, and dlopen would refuse the file before the handshake.)
#include "lingo/plugin.h"
#include "lingo/plugin_registry.h"

#ifndef _GLIBCXX_DEBUG
#error "this test plugin must be built with -D_GLIBCXX_DEBUG"
#endif

namespace {

const lingo::Dialect& sqlite() {
  return lingo::PluginRegistry::instance().dialect_for(lingo::Uri::parse("sqlite://"));
}

class DebugLayoutDialect final : public lingo::Dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "debuglayout"; }
  [[nodiscard]] std::unique_ptr<lingo::Connection> connect(const lingo::Uri& uri) const override {
    return sqlite().connect(uri);
  }
  [[nodiscard]] const lingo::Compiler& compiler() const override { return sqlite().compiler(); }
  [[nodiscard]] std::string begin_statement(const lingo::TransactionOptions& options) const override {
    return sqlite().begin_statement(options);
  }
};

}  // namespace

LINGO_PLUGIN(debuglayout, "SQLite seen through libstdc++'s debug containers, for tests", DebugLayoutDialect,
             "debuglayout")
