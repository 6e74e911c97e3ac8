// What liblingo exports. The library is built with hidden visibility, so a
// class or function is part of its binary interface only when marked here;
// everything else (the connection pool, the SQL text helpers, the plugin
// loader's internals) stays inside the library and may change freely. The
// interface that is exported is pinned by docs/abi.md and checked against a
// committed baseline (abi/) by scripts/test.
#pragma once

#define LINGO_API __attribute__((visibility("default")))
