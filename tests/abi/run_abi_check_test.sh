#!/usr/bin/env bash
# scripts/abi-check's judgement on the fixture library built three ways:
# the same library plus a function passes; a member inserted into a public
# struct, or a function removed, fails naming the change. Skipped (77) when
# abigail-tools is not installed (scripts/test installs it).
set -uo pipefail
check=$1 lib_dir=$2 headers=$3
command -v abidw >/dev/null && command -v abidiff >/dev/null || { echo "SKIP: abigail-tools is not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
base=$lib_dir/base/libabi_fixture.so added=$lib_dir/added/libabi_fixture.so broken=$lib_dir/broken/libabi_fixture.so

out=$("$check" --diff "$base" "$added" "$headers" 2>&1) || fail "an added function was refused: $out"
grep -q "1 exported functions or variables added" <<<"$out" || fail "the addition was not counted: $out"
echo "ok: an added function passes"

out=$("$check" --diff "$base" "$broken" "$headers" 2>&1)
[ $? -eq 1 ] || fail "a member inserted into Options was not refused: $out"
grep -q "breaks ABI generation" <<<"$out" || fail "no verdict in: $out"
grep -q "type size changed" <<<"$out" || fail "abidiff's report of the size change is missing: $out"
echo "ok: a member inserted into a public struct fails"

out=$("$check" --diff "$added" "$base" "$headers" 2>&1)
[ $? -eq 1 ] || fail "a removed function was not refused: $out"
grep -q "run_twice" <<<"$out" || fail "the removed function is not named: $out"
echo "ok: a removed function fails"
