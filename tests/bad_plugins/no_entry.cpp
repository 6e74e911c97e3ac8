// A shared library named like a plugin that exports no entry point.
extern "C" __attribute__((visibility("default"))) int lingo_something_else() {
  return 42;
}
