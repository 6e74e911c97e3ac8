#!/usr/bin/env bash
# with_sim.sh CRDB_SIM COMMAND [ARGS...]
#
# Starts the CockroachDB simulator in front of the test PostgreSQL
# (LINGO_TEST_PG_URI) on a free port, runs COMMAND with every @CRDB_URI@ in
# its arguments replaced by cockroachdb://root@127.0.0.1:<port>/<db> (and
# @SIM_PG_URI@ by the same as postgresql://, for psql), then stops the
# simulator by its process id. Exits 77 (skipped) without a test server.
set -euo pipefail
if [ -z "${LINGO_TEST_PG_URI:-}" ]; then
  echo "SKIPPED: needs a PostgreSQL server in LINGO_TEST_PG_URI (scripts/test starts one)"
  exit 77
fi
sim=$1
shift
dir=$(mktemp -d)
"$sim" --upstream "$LINGO_TEST_PG_URI" --listen 0 --port-file "$dir/port" >"$dir/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1000); do
  [ -s "$dir/port" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/log" >&2; exit 1; }
  sleep 0.01
done
port=$(cat "$dir/port")
db=${LINGO_TEST_PG_URI##*/}
db=${db%%\?*}
args=()
for a in "$@"; do
  a=${a//@CRDB_URI@/cockroachdb://root@127.0.0.1:$port/$db}
  a=${a//@SIM_PG_URI@/postgresql://root@127.0.0.1:$port/$db}
  args+=("$a")
done
"${args[@]}"
