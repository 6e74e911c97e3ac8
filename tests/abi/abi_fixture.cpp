#include "abi_fixture.h"

namespace abi_fixture {

Runner::~Runner() = default;

int Runner::run(const Options& options) const { return abi_fixture::run(options); }

int run(const Options& options) { return static_cast<int>(options.name.size()) + options.retries; }

#ifdef ABI_FIXTURE_ADDED
int run_twice(const Options& options) { return 2 * run(options); }
#endif

}  // namespace abi_fixture
