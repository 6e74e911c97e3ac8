// A small library built three ways (tests/abi/CMakeLists.txt) to show that
// scripts/abi-check lets additions through and refuses a break, with real
// compiled code and abidiff's real judgement.
#pragma once

#include <string>

#define ABI_FIXTURE_API __attribute__((visibility("default")))

namespace abi_fixture {

struct ABI_FIXTURE_API Options {
#ifdef ABI_FIXTURE_BROKEN
  bool verbose = false;  // inserted first: the size and every member's offset change
#endif
  std::string name;
  int retries = 0;
};

class ABI_FIXTURE_API Runner {
 public:
  virtual ~Runner();
  virtual int run(const Options& options) const;
};

ABI_FIXTURE_API int run(const Options& options);
#ifdef ABI_FIXTURE_ADDED
ABI_FIXTURE_API int run_twice(const Options& options);  // a new function: compatible
#endif

}  // namespace abi_fixture
