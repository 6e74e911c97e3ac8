// The plugin loader: the handshake checks, every error a broken plugin can
// cause, the search order, and what `nosuch://` tells the user.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "lingo/abi.h"
#include "lingo/database.h"
#include "lingo/errors.h"
#include "lingo/plugin_registry.h"
#include "lingo/version.h"
#include "test_support.h"

using lingo::PluginError;
using lingo::PluginRegistry;
using lingo::Uri;
using lingo_test::expect_throw;
namespace fs = std::filesystem;

namespace {

std::string bad(const std::string& name) {
  return std::string(LINGO_BAD_PLUGIN_DIR) + "/liblingo-" + name + ".so";
}

std::string built_plugin(const std::string& name) {
  return lingo_test::build_dir() + "/lib/lingo/plugins/liblingo-" + name + ".so";
}

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

class PluginLoaderTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PluginLoaderTest);
  CPPUNIT_TEST(testBuiltInPluginsServePeeweeSchemes);
  CPPUNIT_TEST(testWrongAbiIsRefusedNamingBothVersions);
  CPPUNIT_TEST(testLibraryWithoutEntryPointIsRefused);
  CPPUNIT_TEST(testWrongMagicIsRefused);
  CPPUNIT_TEST(testPluginForAnotherCoreVersionIsRefused);
  CPPUNIT_TEST(testPluginOfAnotherCxxRuntimeIsRefused);
  CPPUNIT_TEST(testPluginOfAnotherBoostIsRefused);
  CPPUNIT_TEST(testPluginWithAnotherLayoutIsRefused);
  CPPUNIT_TEST(testFileThatIsNotALibraryIsRefused);
  CPPUNIT_TEST(testMissingFileIsRefused);
  CPPUNIT_TEST(testFifoInAPluginFolderDoesNotHangDiscovery);
  CPPUNIT_TEST(testUnknownSchemeListsSchemesFoldersAndBrokenPlugins);
  CPPUNIT_TEST(testSchemeVariantsAreRefusedClearly);
  CPPUNIT_TEST(testPluginPathComesFirstAndIgnoresRelativeEntries);
  CPPUNIT_TEST(testFirstPluginOfANameWins);
  CPPUNIT_TEST(testCurrentDirectoryIsNeverSearched);
  CPPUNIT_TEST(testLoadingTwiceReturnsTheSamePlugin);
  CPPUNIT_TEST(testRelativePluginPathIsRefused);
  CPPUNIT_TEST(testPluginAnyoneMayReplaceIsRefused);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testBuiltInPluginsServePeeweeSchemes() {
    PluginRegistry registry;
    CPPUNIT_ASSERT_EQUAL(std::string("postgres"),
                         std::string(registry.dialect_for(Uri::parse("postgres://h/db")).name()));
    CPPUNIT_ASSERT_EQUAL(std::string("postgres"),
                         std::string(registry.dialect_for(Uri::parse("postgresql://h/db")).name()));
    CPPUNIT_ASSERT_EQUAL(std::string("sqlite"),
                         std::string(registry.dialect_for(Uri::parse("sqlite://")).name()));
  }

  void testWrongAbiIsRefusedNamingBothVersions() {
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(bad("wrongabi")); }, "wrong ABI");
    LINGO_ASSERT_CONTAINS(e.what(), "built for plugin ABI " + std::to_string(LINGO_PLUGIN_ABI + 41));
    LINGO_ASSERT_CONTAINS(e.what(), "speaks plugin ABI " + std::to_string(LINGO_PLUGIN_ABI));
  }

  void testLibraryWithoutEntryPointIsRefused() {
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(bad("noentry")); }, "no entry point");
    LINGO_ASSERT_CONTAINS(e.what(), "is not a Lingo plugin: it exports no 'lingo_plugin_entry'");
  }

  void testWrongMagicIsRefused() {
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(bad("wrongmagic")); }, "wrong magic");
    LINGO_ASSERT_CONTAINS(e.what(), "magic number 0xDEADBEEF");
  }

  void testPluginForAnotherCoreVersionIsRefused() {
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(bad("futurecore")); }, "future core");
    LINGO_ASSERT_CONTAINS(e.what(), "needs a Lingo core from 99.0.0 to 99.99.99, but this core is 0.1.0");
  }

  void testPluginOfAnotherCxxRuntimeIsRefused() {
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(bad("wrongruntime")); }, "libc++ plugin");
    LINGO_ASSERT_CONTAINS(e.what(), "C++ runtime 'libc++'");
  }

  void testPluginOfAnotherBoostIsRefused() {
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(bad("wrongboost")); }, "Boost 1.74 plugin");
    LINGO_ASSERT_CONTAINS(e.what(), "was built against Boost 1.74.0, but the core against Boost " +
                                        std::to_string(BOOST_VERSION / 100000) + "." +
                                        std::to_string(BOOST_VERSION / 100 % 1000) + ".");
    LINGO_ASSERT_CONTAINS(e.what(), "rebuild the plugin against the core's Boost");
  }

  void testPluginWithAnotherLayoutIsRefused() {
    // Built with -D_GLIBCXX_DEBUG: the layouts differ, nothing else does.
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(bad("debuglayout")); }, "_GLIBCXX_DEBUG plugin");
    LINGO_ASSERT_CONTAINS(e.what(), "sees Lingo's C++ types with another layout than the core does");
    char core[24];
    std::snprintf(core, sizeof core, "0x%016llX",
                  static_cast<unsigned long long>(lingo::abi_layout_fingerprint()));
    LINGO_ASSERT_CONTAINS(e.what(), std::string("the core's ") + core);
    // Refused before its dialect was made: its scheme is not served.
    expect_throw<PluginError>([&] { (void)registry.dialect_for(Uri::parse("debuglayout://")); },
                              "the refused plugin's scheme");
  }

  void testFileThatIsNotALibraryIsRefused() {
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(bad("notelf")); }, "text file");
    LINGO_ASSERT_CONTAINS(e.what(), "cannot load plugin");
  }

  void testMissingFileIsRefused() {
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load("/nonexistent/liblingo-x.so"); }, "missing");
    LINGO_ASSERT_CONTAINS(e.what(), "'/nonexistent/liblingo-x.so' does not exist");
  }

  void testFifoInAPluginFolderDoesNotHangDiscovery() {
    // dlopen of a FIFO waits for a writer for ever: discovery must skip it,
    // saying why, and go on to the good plugins.
    const std::string dir = lingo_test::temp_dir();
    const std::string fifo = dir + "/liblingo-fifo.so";
    CPPUNIT_ASSERT(::mkfifo(fifo.c_str(), 0600) == 0);
    ScopedEnv env("LINGO_PLUGIN_PATH", dir);
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load(fifo); }, "a FIFO");
    LINGO_ASSERT_CONTAINS(e.what(), "is not a regular file");
    CPPUNIT_ASSERT_EQUAL(std::string("sqlite"),
                         std::string(registry.dialect_for(Uri::parse("sqlite://")).name()));
    const auto problems = registry.problems();
    CPPUNIT_ASSERT(
        std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.path == fifo; }));
    std::filesystem::remove_all(dir);
  }

  void testUnknownSchemeListsSchemesFoldersAndBrokenPlugins() {
    ScopedEnv env("LINGO_PLUGIN_PATH", LINGO_BAD_PLUGIN_DIR);
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { (void)registry.dialect_for(Uri::parse("nosuch://u:pw@x/db")); },
                                       "unknown scheme");
    const std::string msg = e.what();
    LINGO_ASSERT_CONTAINS(msg, "no plugin serves the scheme 'nosuch'");
    LINGO_ASSERT_CONTAINS(msg, "postgres, postgresql, sqlite");
    LINGO_ASSERT_CONTAINS(msg, std::string("LINGO_PLUGIN_PATH: ") + LINGO_BAD_PLUGIN_DIR);
    LINGO_ASSERT_CONTAINS(msg, "beside the core library");
    LINGO_ASSERT_CONTAINS(msg, "liblingo-wrongabi.so");
    LINGO_ASSERT_CONTAINS(msg, "liblingo-noentry.so");
    CPPUNIT_ASSERT(msg.find("pw@") == std::string::npos);
    // The broken plugins do not stop the good ones from working.
    CPPUNIT_ASSERT_EQUAL(std::string("postgres"),
                         std::string(registry.dialect_for(Uri::parse("postgresql://h/db")).name()));
    CPPUNIT_ASSERT(registry.problems().size() >= 6);
  }

  void testSchemeVariantsAreRefusedClearly() {
    PluginRegistry registry;
    // Plugins serve base schemes; the core serves "+pool" forms itself.
    auto e = expect_throw<PluginError>(
        [&] { (void)registry.dialect_for(Uri::parse("postgresql+pool://h/db")); }, "pool scheme");
    LINGO_ASSERT_CONTAINS(e.what(), "serves 'postgresql' but not its '+pool' form");
    LINGO_ASSERT_CONTAINS(e.what(), "open them with lingo::Database");
    // A variant nobody serves is refused by Database too, before connecting.
    auto v = expect_throw<PluginError>([&] { lingo::Database db("postgresql+replica://h/db"); },
                                       "unknown variant");
    LINGO_ASSERT_CONTAINS(v.what(), "not its '+replica' form");
    // A pooled database resolves to the plugin of its base scheme, lazily.
    lingo::Database pooled("postgresql+pool://h/db?max_connections=3");
    CPPUNIT_ASSERT(pooled.is_pooled());
    CPPUNIT_ASSERT_EQUAL(std::string("postgres"), std::string(pooled.dialect_name()));
    CPPUNIT_ASSERT_EQUAL(3, pooled.pool_stats().max_connections);
    // Bad pool options are UriErrors naming the option.
    auto bad = expect_throw<lingo::UriError>(
        [&] { lingo::Database db("postgresql+pool://h/db?timeout=soon"); }, "bad pool timeout");
    LINGO_ASSERT_CONTAINS(bad.what(), "timeout=soon");
    auto neg = expect_throw<lingo::UriError>(
        [&] { lingo::Database db("sqlite+pool:///x.db?max_connections=-1"); }, "negative max_connections");
    LINGO_ASSERT_CONTAINS(neg.what(), "max_connections=-1");
  }

  void testPluginPathComesFirstAndIgnoresRelativeEntries() {
    ScopedEnv env("LINGO_PLUGIN_PATH", "relative/dir:/abs/one::/abs/two");
    const auto folders = PluginRegistry::search_path();
    CPPUNIT_ASSERT(folders.size() >= 3);
    CPPUNIT_ASSERT_EQUAL(std::string("/abs/one"), folders[0].path);
    CPPUNIT_ASSERT_EQUAL(std::string("/abs/two"), folders[1].path);
    CPPUNIT_ASSERT_EQUAL(std::string("beside the core library"), folders[2].origin);
    for (const auto& f : folders) CPPUNIT_ASSERT(f.path.find("relative") == std::string::npos);
  }

  void testFirstPluginOfANameWins() {
    const std::string dir = lingo_test::temp_dir();
    fs::copy_file(built_plugin("sqlite"), dir + "/liblingo-sqlite.so");
    ScopedEnv env("LINGO_PLUGIN_PATH", dir);
    PluginRegistry registry;
    bool found = false;
    for (const auto& p : registry.plugins())
      if (p.name == "sqlite") {
        CPPUNIT_ASSERT_EQUAL(dir + "/liblingo-sqlite.so", p.path);
        found = true;
      }
    CPPUNIT_ASSERT(found);
    fs::remove_all(dir);
  }

  void testCurrentDirectoryIsNeverSearched() {
    const std::string dir = lingo_test::temp_dir();
    fs::copy_file(bad("wrongabi"), dir + "/liblingo-cwdonly.so");
    const auto old = fs::current_path();
    fs::current_path(dir);
    PluginRegistry registry;
    const auto problems = registry.problems();
    const auto plugins = registry.plugins();
    fs::current_path(old);
    for (const auto& p : problems) CPPUNIT_ASSERT(p.path.find("cwdonly") == std::string::npos);
    for (const auto& p : plugins) CPPUNIT_ASSERT(p.path.find(dir) == std::string::npos);
    fs::remove_all(dir);
  }

  void testLoadingTwiceReturnsTheSamePlugin() {
    PluginRegistry registry;
    const auto& first = registry.load(built_plugin("postgres"));
    const auto& second = registry.load(built_plugin("postgres"));
    CPPUNIT_ASSERT_EQUAL(&first, &second);
    CPPUNIT_ASSERT_EQUAL(std::string("postgres"), first.name);
  }

  void testRelativePluginPathIsRefused() {
    const std::string dir = lingo_test::temp_dir();
    fs::copy_file(built_plugin("sqlite"), dir + "/liblingo-sqlite.so");
    const auto old = fs::current_path();
    fs::current_path(dir);
    PluginRegistry registry;
    auto e = expect_throw<PluginError>([&] { registry.load("./liblingo-sqlite.so"); }, "./ path");
    auto bare = expect_throw<PluginError>([&] { registry.load("liblingo-sqlite.so"); }, "bare name");
    fs::current_path(old);
    LINGO_ASSERT_CONTAINS(e.what(), "plugin path './liblingo-sqlite.so' is not absolute");
    LINGO_ASSERT_CONTAINS(bare.what(), "is not absolute");
    for (const auto& p : registry.plugins()) CPPUNIT_ASSERT(p.path.find(dir) == std::string::npos);
    fs::remove_all(dir);
  }

  void testPluginAnyoneMayReplaceIsRefused() {
    const std::string dir = lingo_test::temp_dir();
    const std::string file = dir + "/liblingo-sqlite.so";
    fs::copy_file(built_plugin("sqlite"), file);
    ScopedEnv env("LINGO_PLUGIN_PATH", dir);
    auto refused = [&](const std::string& what) {
      PluginRegistry registry;
      auto e = expect_throw<PluginError>([&] { registry.load(file); }, what);
      // Discovery skips it too, saying why, and the built-in plugin serves sqlite://.
      CPPUNIT_ASSERT(registry.dialect_for(Uri::parse("sqlite://")).name() == std::string("sqlite"));
      for (const auto& p : registry.plugins()) CPPUNIT_ASSERT(p.path != file);
      const auto problems = registry.problems();
      CPPUNIT_ASSERT(
          std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.path == file; }));
      return std::string(e.what());
    };
    fs::permissions(file, fs::perms::others_write, fs::perm_options::add);
    LINGO_ASSERT_CONTAINS(refused("a world-writable file"),
                          "plugin file '" + file + "' is writable by every user");
    fs::permissions(file, fs::perms::others_write, fs::perm_options::remove);
    fs::permissions(dir, fs::perms::others_all | fs::perms::sticky_bit, fs::perm_options::add);
    LINGO_ASSERT_CONTAINS(refused("a world-writable folder"),
                          "plugin folder '" + dir + "' (of '" + file + "') is writable by every user");
    // Put right, the same file loads.
    fs::permissions(dir, fs::perms::others_all | fs::perms::sticky_bit, fs::perm_options::remove);
    PluginRegistry registry;
    CPPUNIT_ASSERT_EQUAL(file, registry.load(file).path);
    fs::remove_all(dir);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginLoaderTest);
