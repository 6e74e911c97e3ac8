// The plugin handshake: what a shared library must export to be a Lingo plugin.
//
// The loader resolves one C symbol, `lingo_plugin_entry`, and reads the plain
// C struct it returns before touching any C++ object: the magic number first,
// then the plugin ABI, the C++ runtime the plugin was built against, the
// Boost release and the layout fingerprint of the C++ types the two share
// (lingo/abi.h), and the range of core versions it accepts. Only when all of
// them match does it call `create_dialect` and treat the result as a
// lingo::Dialect.
//
// A plugin author writes:
//
//     LINGO_PLUGIN(my_dialect, "A dialect for MyDB", MyDialect, "mydb")
//
// in exactly one source file of the plugin.
#pragma once

#include <boost/version.hpp>
#include <cstdint>

#include "lingo/abi.h"
#include "lingo/dialect.h"
#include "lingo/version.h"

extern "C" {

#define LINGO_PLUGIN_MAGIC 0x4C4E474FU /* "LNGO" */
#define LINGO_PLUGIN_ENTRY_SYMBOL "lingo_plugin_entry"

/* The C++ runtime a plugin and the core must share, since C++ objects and
   exceptions cross the boundary. */
#if defined(_GLIBCXX_USE_CXX11_ABI)
#define LINGO_CXX_RUNTIME_IMPL(x) "libstdc++ cxx11-abi=" #x
#define LINGO_CXX_RUNTIME_STR(x) LINGO_CXX_RUNTIME_IMPL(x)
#define LINGO_CXX_RUNTIME LINGO_CXX_RUNTIME_STR(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define LINGO_CXX_RUNTIME "libc++"
#else
#define LINGO_CXX_RUNTIME "unknown"
#endif

#if defined(__clang__)
#define LINGO_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define LINGO_COMPILER "gcc " __VERSION__
#else
#define LINGO_COMPILER "unknown"
#endif

struct lingo_plugin_info {
  uint32_t magic;             /* LINGO_PLUGIN_MAGIC */
  uint32_t abi_version;       /* LINGO_PLUGIN_ABI of the headers it was built with */
  uint32_t core_min;          /* oldest core version it works with (LINGO_VERSION_NUMBER form) */
  uint32_t core_max;          /* newest core version it works with */
  const char* name;           /* "postgres": also the file name, liblingo-<name>.so */
  const char* const* schemes; /* NULL-terminated: "postgres", "postgresql", ... */
  const char* cxx_runtime;    /* LINGO_CXX_RUNTIME: must equal the core's */
  const char* compiler;       /* for display */
  const char* description;
  const void* (*create_dialect)(void); /* returns a const lingo::Dialect*, owned by the plugin */
  /* Since plugin ABI 10 (read only once abi_version matched): */
  uint32_t boost_version; /* BOOST_VERSION the plugin was built with: boost::json::value is in Value */
  uint64_t layout;        /* lingo::abi_layout_fingerprint() as the plugin's compiler saw the types */
};

using lingo_plugin_entry_fn = const lingo_plugin_info* (*)();
}

// Defines the entry point. Pass the plugin's name, a one-line description,
// the Dialect class (default-constructible) and the schemes it serves.
#define LINGO_PLUGIN(plugin_name, plugin_description, DialectClass, ...)                                \
  extern "C" __attribute__((visibility("default"))) const lingo_plugin_info* lingo_plugin_entry(void) { \
    static const char* const schemes[] = {__VA_ARGS__, nullptr};                                        \
    static const lingo_plugin_info info = {                                                             \
        LINGO_PLUGIN_MAGIC,                                                                             \
        LINGO_PLUGIN_ABI,                                                                               \
        LINGO_VERSION_NUMBER,                                                                           \
        LINGO_VERSION_MAJOR * 10000 + 9999,                                                             \
        #plugin_name,                                                                                   \
        schemes,                                                                                        \
        LINGO_CXX_RUNTIME,                                                                              \
        LINGO_COMPILER,                                                                                 \
        plugin_description,                                                                             \
        []() -> const void* {                                                                           \
          static const DialectClass dialect;                                                            \
          return static_cast<const ::lingo::Dialect*>(&dialect);                                        \
        },                                                                                              \
        BOOST_VERSION,                                                                                  \
        ::lingo::abi_layout_fingerprint(),                                                              \
    };                                                                                                  \
    return &info;                                                                                       \
  }
