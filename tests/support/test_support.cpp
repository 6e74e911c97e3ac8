#include "test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace lingo_test {

std::string pg_uri() {
  const char* uri = std::getenv("LINGO_TEST_PG_URI");
  if (uri == nullptr) CPPUNIT_FAIL("LINGO_TEST_PG_URI is not set");
  return uri;
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

std::string temp_dir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("lingo-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string build_dir() {
  return LINGO_TEST_BINARY_DIR;
}
std::string source_dir() {
  return LINGO_TEST_SOURCE_DIR;
}

}  // namespace lingo_test
