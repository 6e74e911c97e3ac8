#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2015  # '$ORIGIN' and '$1' are literal; a && b || fail is meant
# sdk_custom_dialect: the SDK as a plugin author meets it.
#
#   run_sdk_test.sh BUILD_DIR SOURCE_DIR
#
# 1. installs BUILD_DIR into a temporary prefix and checks the tree: headers,
#    libraries, CMake package, .pc files, relative RPATHs, no build paths;
# 2. builds samples/custom_dialect against that prefix, as an outside project
#    would (find_package(lingo)), and runs its tests (URI rewriting, SQL);
# 3. builds a one-file program with `pkg-config lingo` and runs it;
# 4. runs the installed `lingo` with LINGO_PLUGIN_PATH at the sample's build:
#    it must list acmedb beside postgres and sqlite, answer a query through
#    acmedb:// on the test server, and try port 5999 when a URI has no port;
# 5. runs the sample's acme_demo, a program linking the core alone, through
#    acmedb:// and postgresql:// on the test server: AcmeDB's DDL must say
#    CHARACTER VARYING and its SELECT OFFSET ... FETCH FIRST, PostgreSQL's TEXT
#    and LIMIT, and both must return the same rows.
#
# Needs LINGO_TEST_PG_URI (exits 77, skipped, without it). When BUILD_DIR was
# configured with -DLINGO_SANITIZE=ON, the package hands the sanitizer flags to
# the sample and to the pkg-config program, so both are built with them too.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
if [ -z "${LINGO_TEST_PG_URI:-}" ]; then
  echo "skipped: LINGO_TEST_PG_URI is not set (scripts/test sets it)"
  exit 77
fi
cmake=${LINGO_CMAKE:-cmake}
ctest=${LINGO_CTEST:-ctest}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "--- $*"; }
# expect_in TEXT NEEDLE WHAT: fails naming WHAT, and shows TEXT, when NEEDLE is not in it.
# NEEDLE may span lines (a plain substring match, not grep's one pattern per line).
expect_in() {
  [[ "$1" == *"$2"* ]] || fail "$3: expected '$2' in:"$'\n'"$1"
}
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" | head -n 1; }

[ -f "$build/CMakeCache.txt" ] || fail "$build is not a CMake build folder"
cxx=$(cache_value CMAKE_CXX_COMPILER)
libdir=$(cache_value CMAKE_INSTALL_LIBDIR)
sanitize=$(cache_value LINGO_SANITIZE)
make_program=$(cache_value CMAKE_MAKE_PROGRAM)
version=$(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/package/lingoConfigVersion.cmake" \
  2>/dev/null || true)
[ -n "$cxx" ] && [ -n "$libdir" ] || fail "cannot read the compiler and libdir from $build/CMakeCache.txt"
[ -n "$version" ] || fail "cannot read the version from $build/package/lingoConfigVersion.cmake"
# The ABI generation, which the SONAMEs carry (docs/abi.md).
abi=$(sed -n 's/^#define LINGO_PLUGIN_ABI \([0-9]*\)$/\1/p' "$source/framework/include/lingo/version.h")
[ -n "$abi" ] || fail "cannot read LINGO_PLUGIN_ABI from framework/include/lingo/version.h"

# The test server: postgresql://user[:pw]@host[:port]/db[?options].
pg_re='^postgres(ql)?://([^@/?]*@)?([^/?]*)/([^?]+)(\?.*)?$'
[[ "$LINGO_TEST_PG_URI" =~ $pg_re ]] || fail "cannot read LINGO_TEST_PG_URI='$LINGO_TEST_PG_URI'"
pg_userinfo=${BASH_REMATCH[2]}
pg_hostport=${BASH_REMATCH[3]}
pg_db=${BASH_REMATCH[4]}
pg_query=${BASH_REMATCH[5]}
pg_host=${pg_hostport%:*}
pg_port=5432
if [[ "$pg_hostport" == *:* ]]; then pg_port=${pg_hostport##*:}; fi
[ -n "$pg_host" ] || pg_host=127.0.0.1
[ "$pg_port" != 5999 ] ||
  fail "the test server listens on 5999, AcmeDB's default port; the no-port check needs it free"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lingo-sdk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

step "installing $build into $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" ||
  { cat "$tmp/install.log"; fail "install"; }
for f in include/lingo/lingo.h include/lingo/plugin.h include/lingo/dialect.h \
         include/lingo/postgres/pg_dialect.h include/lingo/postgres/pg_connection.h \
         include/lingo/postgres/export.h \
         "$libdir/liblingo.so" "$libdir/liblingo.so.$abi.$version" \
         "$libdir/lingo/plugins/liblingo-postgres.so" "$libdir/lingo/plugins/liblingo-sqlite.so" \
         bin/lingo \
         "$libdir/cmake/lingo/lingoConfig.cmake" "$libdir/cmake/lingo/lingoConfigVersion.cmake" \
         "$libdir/cmake/lingo/lingoTargets.cmake" "$libdir/cmake/lingo/lingoPostgresTargets.cmake" \
         "$libdir/cmake/lingo/LingoDialectPlugin.cmake" \
         "$libdir/pkgconfig/lingo.pc" "$libdir/pkgconfig/lingo-postgres.pc"; do
  [ -e "$prefix/$f" ] || fail "the install lacks $f"
done
[ -L "$prefix/$libdir/liblingo.so" ] || fail "$libdir/liblingo.so should be a link to the versioned library"
soname=$(readelf -d "$prefix/$libdir/liblingo.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "liblingo.so.$abi" ] || fail "liblingo's SONAME is '$soname', expected liblingo.so.$abi (the ABI generation)"
[ -L "$prefix/$libdir/$soname" ] || fail "the soname link '$soname' is missing"
# liblingo-postgres, which other dialects link, is versioned the same way.
pg_soname=$(readelf -d "$prefix/$libdir/lingo/plugins/liblingo-postgres.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$pg_soname" = "liblingo-postgres.so.$abi" ] ||
  fail "liblingo-postgres's SONAME is '$pg_soname', expected liblingo-postgres.so.$abi"
[ -L "$prefix/$libdir/lingo/plugins/$pg_soname" ] || fail "the soname link '$pg_soname' is missing"

# Relocatable: nothing installed may point back into the build or source tree,
# nor at the prefix itself (the package finds its prefix from where it lies).
for dir in "$build" "$source" "$tmp"; do
  if grep -rlF -- "$dir" "$prefix/$libdir/cmake" "$prefix/$libdir/pkgconfig" >"$tmp/hits"; then
    fail "installed package files name '$dir': $(cat "$tmp/hits")"
  fi
done
runpath() { readelf -d "$1" | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p'; }
[ "$(runpath "$prefix/$libdir/liblingo.so")" = '$ORIGIN' ] ||
  fail "liblingo.so RUNPATH is '$(runpath "$prefix/$libdir/liblingo.so")', expected \$ORIGIN"
[ "$(runpath "$prefix/bin/lingo")" = "\$ORIGIN/../$libdir" ] ||
  fail "bin/lingo RUNPATH is '$(runpath "$prefix/bin/lingo")', expected \$ORIGIN/../$libdir"
for p in postgres sqlite; do
  rp=$(runpath "$prefix/$libdir/lingo/plugins/liblingo-$p.so")
  [ "$rp" = '$ORIGIN:$ORIGIN/../..' ] ||
    fail "liblingo-$p.so RUNPATH is '$rp', expected \$ORIGIN:\$ORIGIN/../.."
done

step "building samples/custom_dialect against the installed package (sanitizers: ${sanitize:-OFF})"
sample=$tmp/acme
generator_args=(-G Ninja)
if ! command -v ninja >/dev/null && [ -n "$make_program" ]; then
  generator_args+=("-DCMAKE_MAKE_PROGRAM=$make_program")
fi
# The same compiler as the core: the plugin handshake refuses another C++ runtime.
"$cmake" -S "$source/samples/custom_dialect" -B "$sample" "${generator_args[@]}" \
  "-DCMAKE_PREFIX_PATH=$prefix" "-DCMAKE_CXX_COMPILER=$cxx" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log"; fail "configuring the sample"; }
configure_log=$(cat "$tmp/configure.log")
expect_in "$configure_log" "Building against Lingo $version" "the sample's configure output"
"$cmake" --build "$sample" -v >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "building the sample"; }
plugin=$sample/liblingo-acmepg.so
[ -f "$plugin" ] || fail "the sample built no $plugin"
if [ "$sanitize" = ON ]; then
  grep -q -- '-fsanitize=address,undefined' "$tmp/build.log" ||
    fail "the core is sanitized but the sample was not built with -fsanitize=address,undefined"
fi
# Hidden visibility: the entry point is exported, the dialect's classes are not.
symbols=$(nm -DC --defined-only "$plugin")
expect_in "$symbols" "lingo_plugin_entry" "the plugin's exported symbols"
if grep -qE 'Acme(Dialect|Compiler)' <<<"$symbols"; then
  fail "the plugin exports AcmeDialect or AcmeCompiler symbols; visibility is not hidden"
fi
needed=$(readelf -d "$plugin")
expect_in "$needed" "[liblingo-postgres.so.$abi]" "the plugin's NEEDED libraries"
"$ctest" --test-dir "$sample" --output-on-failure >"$tmp/ctest.log" 2>&1 ||
  { cat "$tmp/ctest.log"; fail "the sample's tests"; }
expect_in "$(cat "$tmp/ctest.log")" "100% tests passed, 0 tests failed out of 2" "the sample's ctest output"
# The demo program uses the core alone; the plugin comes at run time.
demo=$sample/acme_demo
[ -x "$demo" ] || fail "the sample built no $demo"
demo_needed=$(readelf -d "$demo")
expect_in "$demo_needed" "[$soname]" "acme_demo's NEEDED libraries"
if grep -q 'liblingo-' <<<"$demo_needed"; then
  fail "acme_demo links a plugin; it should link lingo::lingo alone:"$'\n'"$demo_needed"
fi

step "building a program with pkg-config lingo"
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
pc_version=$(pkg-config --modversion lingo) || fail "pkg-config finds no lingo in $PKG_CONFIG_PATH"
[ "$pc_version" = "$version" ] || fail "pkg-config --modversion lingo says '$pc_version', expected $version"
pc_flags=$(pkg-config --cflags --libs lingo)
expect_in "$pc_flags" "-llingo" "pkg-config --libs lingo"
expect_in "$pc_flags" "-std=c++20" "pkg-config --cflags lingo (the headers are C++20)"
expect_in "$(pkg-config --libs lingo-postgres)" "-llingo-postgres" "pkg-config --libs lingo-postgres"
if [ "$sanitize" = ON ]; then
  expect_in "$pc_flags" "-fsanitize=address,undefined" "pkg-config lingo (sanitized core)"
fi
cat >"$tmp/consumer.cpp" <<'EOF'
// Links only the core; the sqlite plugin must come from beside the installed core.
#include <lingo/lingo.h>

#include <iostream>

int main() {
  auto db = lingo::connect("sqlite://");
  const auto result = db.execute_sql("SELECT $1 + 1 AS answer", {41});
  for (const lingo::Row row : result) std::cout << "answer " << row.get<std::int64_t>("answer") << "\n";
  for (const auto& p : lingo::PluginRegistry::instance().plugins())
    if (p.name == "sqlite") std::cout << "sqlite from " << p.path << "\n";
  std::cout << "lingo " << lingo::version_string << "\n";
}
EOF
# shellcheck disable=SC2086  # pc_flags is a list of flags
"$cxx" "$tmp/consumer.cpp" -o "$tmp/consumer" $pc_flags "-Wl,-rpath,$prefix/$libdir" 2>&1 ||
  fail "compiling with \$(pkg-config --cflags --libs lingo)"
consumer_out=$(env -u LINGO_PLUGIN_PATH "$tmp/consumer" 2>&1) ||
  fail "the pkg-config program failed: $consumer_out"
expect_in "$consumer_out" "answer 42" "the pkg-config program's output"
expect_in "$consumer_out" "sqlite from $prefix/$libdir/lingo/plugins/liblingo-sqlite.so" \
  "the pkg-config program's plugin (must be the installed one)"
expect_in "$consumer_out" "lingo $version" "the pkg-config program's output"

# The sample again, as a plugin built with pkg-config lingo-postgres alone.
mkdir "$tmp/pc-plugin"
pc_plugin=$tmp/pc-plugin/liblingo-acmepg.so
# shellcheck disable=SC2046  # pkg-config prints a list of flags
"$cxx" -std=c++20 -shared -fPIC -fvisibility=hidden -fvisibility-inlines-hidden \
  "$source/samples/custom_dialect/src/acme_dialect.cpp" "$source/samples/custom_dialect/src/acme_compiler.cpp" \
  "$source/samples/custom_dialect/src/plugin.cpp" \
  $(pkg-config --cflags --libs lingo-postgres) \
  -Wl,-rpath,"\$ORIGIN:\$ORIGIN/../..:$(pkg-config --variable=plugindir lingo-postgres)" \
  -o "$pc_plugin" 2>&1 ||
  fail "building the sample plugin with \$(pkg-config --cflags --libs lingo-postgres)"
pc_plugins_out=$(LINGO_PLUGIN_PATH=$tmp/pc-plugin "$prefix/bin/lingo" plugins 2>&1) ||
  fail "lingo plugins with the pkg-config plugin: $pc_plugins_out"
expect_in "$pc_plugins_out" "file:     $pc_plugin" "lingo plugins with the plugin built by pkg-config"
if grep -q "could not use" <<<"$pc_plugins_out"; then
  fail "the pkg-config plugin was refused: $pc_plugins_out"
fi

step "running the installed lingo with LINGO_PLUGIN_PATH=$sample"
lingo=$prefix/bin/lingo
export LINGO_PLUGIN_PATH=$sample
plugins_out=$("$lingo" plugins 2>"$tmp/plugins.err") || { cat "$tmp/plugins.err"; fail "lingo plugins"; }
plugins_err=$(cat "$tmp/plugins.err")
[ -z "$plugins_err" ] || fail "lingo plugins reported problems:"$'\n'"$plugins_err"
expect_in "$plugins_out" $'acmepg\n  schemes:  acmedb\n' "lingo plugins"
expect_in "$plugins_out" "file:     $plugin" "lingo plugins"
expect_in "$plugins_out" $'postgres\n  schemes:  postgres, postgresql\n' "lingo plugins"
expect_in "$plugins_out" "file:     $prefix/$libdir/lingo/plugins/liblingo-postgres.so" "lingo plugins"
expect_in "$plugins_out" $'sqlite\n  schemes:  sqlite\n' "lingo plugins"

acme_uri="acmedb://${pg_userinfo}${pg_host}:${pg_port}/${pg_db}${pg_query}"
sql_out=$("$lingo" sql "$acme_uri" 'select $1::int + 1 as answer' 41 2>&1) ||
  fail "lingo sql $acme_uri: $sql_out"
grep -qw 42 <<<"$sql_out" || fail "lingo sql through acmedb:// should print 42, printed:"$'\n'"$sql_out"
ping_out=$("$lingo" ping "$acme_uri" 2>&1) || fail "lingo ping $acme_uri: $ping_out"
expect_in "$ping_out" "ok: acmedb server version" "lingo ping (the dialect must call itself acmedb)"

# A host without a port gets 5999; the explicit port of the second host wins.
multi_uri="acmedb://${pg_userinfo}${pg_host},${pg_host}:${pg_port}/${pg_db}${pg_query}"
multi_out=$("$lingo" sql "$multi_uri" 'select $1::int + 1' 41 2>&1) || fail "lingo sql $multi_uri: $multi_out"
grep -qw 42 <<<"$multi_out" || fail "lingo sql $multi_uri should print 42, printed:"$'\n'"$multi_out"

no_port_uri="acmedb://${pg_userinfo}${pg_host}/${pg_db}"
status=0
no_port_out=$("$lingo" sql "$no_port_uri" 'select 1' 2>&1) || status=$?
[ "$status" -eq 1 ] ||
  fail "lingo sql $no_port_uri should exit 1 (nothing listens on 5999), exited $status: $no_port_out"
expect_in "$no_port_out" "5999" "the error for a URI without a port"
expect_in "$no_port_out" "acmedb" "the error for a URI without a port (names the dialect's URI)"

step "running the sample's acme_demo through acmedb:// and postgresql://"
# run_demo URI: acme_demo's output, failing with it when the program fails.
# acme_demo links the core alone; its build RPATH finds the installed
# liblingo.so, and LINGO_PLUGIN_PATH the sample's plugin.
run_demo() {
  local out
  out=$(LINGO_PLUGIN_PATH=$sample "$demo" "$1" 2>&1) || fail "acme_demo $1 failed:"$'\n'"$out"
  printf '%s\n' "$out"
}
# The line of TEXT that starts with PREFIX (the demo prints "ddl: ...", "select: ...").
line_of() { sed -n "s/^$2//p" <<<"$1" | head -n 1; }
expected_rows=$'row: anvil, 3\nrow: giant magnet, 7'

acme_out=$(run_demo "$acme_uri") || exit 1
expect_in "$acme_out" "dialect: acmedb" "acme_demo through acmedb://"
acme_ddl=$(line_of "$acme_out" "ddl: ")
acme_select=$(line_of "$acme_out" "select: ")
expect_in "$acme_ddl" '"name" CHARACTER VARYING NOT NULL' "AcmeDB's CREATE TABLE (TextField respelled)"
[[ "$acme_ddl" != *" TEXT"* ]] || fail "AcmeDB's CREATE TABLE still says TEXT: $acme_ddl"
expect_in "$acme_select" "ORDER BY \"acme_demo_gadget\".\"stock\" OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY" \
  "AcmeDB's SELECT (LIMIT/OFFSET respelled)"
[[ "$acme_select" != *LIMIT* ]] || fail "AcmeDB's SELECT still says LIMIT: $acme_select"
acme_rows=$(grep '^row: ' <<<"$acme_out" || true)
[ "$acme_rows" = "$expected_rows" ] ||
  fail "acme_demo through acmedb:// should print the rows"$'\n'"$expected_rows"$'\n'"in that order, printed:"$'\n'"$acme_out"

# The same program on PostgreSQL itself: only the dialect's SQL differs.
pg_out=$(run_demo "$LINGO_TEST_PG_URI") || exit 1
expect_in "$pg_out" "dialect: postgres" "acme_demo through postgresql://"
expect_in "$(line_of "$pg_out" "ddl: ")" '"name" TEXT NOT NULL' "PostgreSQL's CREATE TABLE"
expect_in "$(line_of "$pg_out" "select: ")" "ORDER BY \"acme_demo_gadget\".\"stock\" LIMIT 2 OFFSET 1" \
  "PostgreSQL's SELECT"
pg_rows=$(grep '^row: ' <<<"$pg_out" || true)
[ "$pg_rows" = "$expected_rows" ] ||
  fail "acme_demo through postgresql:// should print the rows"$'\n'"$expected_rows"$'\n'"in that order, printed:"$'\n'"$pg_out"

echo "sdk_custom_dialect: all checks passed"
