# Shared by scripts/demo, scripts/test and scripts/bench. Sourced, not run.

LINGO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs Debian packages that are missing; runs apt-get update first when
# anything has to be installed.
install_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building Lingo needs.
BUILD_PACKAGES=(g++ cmake ninja-build pkg-config make libpq-dev libsqlite3-dev libboost-json1.81-dev
                libpoco-dev libcppunit-dev ca-certificates)

# configure_and_build BUILD_DIR [cmake args...]
configure_and_build() {
  local dir=$1; shift
  cmake -S "$LINGO_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

# run_asan_suites BUILD_DIR [ctest args...]
# Runs the suites of an AddressSanitizer build. LeakSanitizer's own
# stop-the-world tracer sometimes crashes at the exit of a process that
# loaded libpq ("Tracer caught signal 11 ... LeakSanitizer has encountered a
# fatal error": google/sanitizers#1353, a runtime defect, not a leak), in a
# suite or in a program a suite runs and checks. A suite whose output shows
# that crash, and no leak report or sanitizer error, is run once more and the
# rerun is said; its result stands. Any other failure stands at once.
run_asan_suites() {
  local dir=$1; shift
  local log; log=$(mktemp)
  local rc=0
  ctest --test-dir "$dir" --output-on-failure "$@" 2>&1 | tee "$log" || rc=$?
  if [ "$rc" -eq 0 ]; then rm -f "$log"; return 0; fi
  local failed="$dir/Testing/Temporary/LastTestsFailed.log" name section again=()
  [ -f "$failed" ] || { rm -f "$log"; return 1; }
  while IFS=: read -r _ name; do
    section=$(awk -v name="$name" '
      $0 ~ ("Test +#[0-9]+: " name " ") && /\*\*\*/ { on = 1; next }
      on && /^ +Start +[0-9]+: / { exit }
      on { print }' "$log")
    if grep -q "LeakSanitizer has encountered a fatal error" <<<"$section" &&
       grep -q "^Tracer caught signal" <<<"$section" &&
       ! grep -qE "ERROR: (LeakSanitizer|AddressSanitizer)|runtime error:" <<<"$section"; then
      again+=("$name")
    else
      rm -f "$log"; return 1
    fi
  done <"$failed"
  rm -f "$log"
  for name in "${again[@]}"; do
    say "rerunning $name once: LeakSanitizer's tracer crashed in it (google/sanitizers#1353); the rerun decides"
    ctest --test-dir "$dir" --output-on-failure -R "^${name}\$" || return 1
  done
}
