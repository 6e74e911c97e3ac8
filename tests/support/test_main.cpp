// The driver every suite shares: runs the CppUnit tests registered in the
// executable and exits non-zero on any failure. A suite that needs the test
// PostgreSQL server exits 77 (CTest's "skipped") when none was provided.
// One argument runs only the test it names (Fixture::testName).
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/TextTestProgressListener.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
#ifdef LINGO_TEST_NEEDS_POSTGRES
  const char* uri = std::getenv("LINGO_TEST_PG_URI");
  if (uri == nullptr || *uri == '\0') {
    std::cout << "SKIPPED: this suite needs a PostgreSQL server; set LINGO_TEST_PG_URI "
                 "(scripts/test starts one)\n";
    return 77;
  }
#endif
  CppUnit::TestResult controller;
  CppUnit::TestResultCollector collected;
  controller.addListener(&collected);
  CppUnit::TextTestProgressListener progress;
  controller.addListener(&progress);

  CppUnit::TestRunner runner;
  runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
  runner.run(controller, argc > 1 ? argv[1] : "");

  CppUnit::CompilerOutputter outputter(&collected, std::cerr);
  outputter.write();
  std::cout << "\n" << collected.runTests() << " tests, " << collected.testFailuresTotal() << " failures\n";
  return collected.wasSuccessful() ? 0 : 1;
}
