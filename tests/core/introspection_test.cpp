// Database's introspection calls on a dialect that has no introspector: each
// is a NotSupportedError naming the dialect, raised before any connection is
// opened. (The dialects that have one are tested beside their plugins.)
#include "lingo/lingo.h"
#include "test_support.h"

using namespace lingo;
using lingo_test::expect_throw;

class IntrospectionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(IntrospectionTest);
  CPPUNIT_TEST(testDialectWithoutIntrospectorIsNotSupported);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testDialectWithoutIntrospectorIsNotSupported() {
    PluginRegistry::instance().load(std::string(LINGO_BAD_PLUGIN_DIR) + "/liblingo-nointrospection.so");
    Database db("bare://somewhere");
    auto e = expect_throw<NotSupportedError>([&] { (void)db.get_tables(); }, "get_tables");
    CPPUNIT_ASSERT_EQUAL(std::string("0A000"), e.sqlstate());
    CPPUNIT_ASSERT_EQUAL(std::string("bare"), e.dialect());
    LINGO_ASSERT_CONTAINS(e.what(), "the bare dialect does not support schema introspection");
    // The bare dialect cannot connect, so reaching these errors proves none was tried.
    expect_throw<NotSupportedError>([&] { (void)db.get_columns("t"); }, "get_columns");
    expect_throw<NotSupportedError>([&] { (void)db.get_indexes("t"); }, "get_indexes");
    expect_throw<NotSupportedError>([&] { (void)db.get_primary_keys("t"); }, "get_primary_keys");
    expect_throw<NotSupportedError>([&] { (void)db.get_foreign_keys("t", "s"); }, "get_foreign_keys");
    CPPUNIT_ASSERT(db.is_closed());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IntrospectionTest);
