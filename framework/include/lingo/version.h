// The core's version and the plugin ABI it speaks.
//
// A plugin records the ABI number and the range of core versions it was built
// for; the loader refuses it when either does not match (see plugin.h).
#pragma once

#define LINGO_VERSION_MAJOR 0
#define LINGO_VERSION_MINOR 1
#define LINGO_VERSION_PATCH 0

// major * 10000 + minor * 100 + patch: comparable as an integer.
#define LINGO_VERSION_NUMBER (LINGO_VERSION_MAJOR * 10000 + LINGO_VERSION_MINOR * 100 + LINGO_VERSION_PATCH)
#define LINGO_VERSION_STRING "0.1.0"

// The ABI generation (docs/abi.md). Bumped whenever an exported interface
// changes incompatibly: a class a plugin implements or calls, the layout of
// a public type, a removed or changed exported function. It is also the
// SONAME version of liblingo and liblingo-postgres (liblingo.so.12), so a
// bump makes programs and plugins built before it refuse to load rather than
// misread objects; scripts/abi-check holds the exported interface to the
// committed baseline of this generation.
#define LINGO_PLUGIN_ABI 12

namespace lingo {

inline constexpr int version_number = LINGO_VERSION_NUMBER;
inline constexpr const char* version_string = LINGO_VERSION_STRING;
inline constexpr unsigned plugin_abi = LINGO_PLUGIN_ABI;

}  // namespace lingo
