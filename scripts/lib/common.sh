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
