// A valid plugin whose dialect forbids savepoints, as CockroachDB's does
// before 20.1: it is SQLite in every other respect (it borrows the SQLite
// plugin's dialect), so the transaction suite can show that a nested atomic()
// and savepoint() fail before anything is sent.
#include "lingo/plugin.h"
#include "lingo/plugin_registry.h"

namespace {

const lingo::Dialect& sqlite() {
  return lingo::PluginRegistry::instance().dialect_for(lingo::Uri::parse("sqlite://"));
}

class NoSavepointsDialect final : public lingo::Dialect {
 public:
  [[nodiscard]] std::string_view name() const noexcept override { return "nosavepoints"; }
  [[nodiscard]] std::unique_ptr<lingo::Connection> connect(const lingo::Uri& uri) const override {
    return sqlite().connect(lingo::Uri::parse(uri.rebuild("sqlite")));
  }
  [[nodiscard]] const lingo::Compiler& compiler() const override { return sqlite().compiler(); }
  [[nodiscard]] std::string begin_statement(const lingo::TransactionOptions& options) const override {
    return sqlite().begin_statement(options);
  }
  [[nodiscard]] std::optional<std::string> savepoint_restriction(
      const lingo::Uri& /*uri*/, const std::function<int()>& /*server_version*/) const override {
    return "the nosavepoints test dialect has no savepoints";
  }
};

}  // namespace

LINGO_PLUGIN(nosavepoints, "SQLite without savepoints, for tests", NoSavepointsDialect, "nosavepoints")
