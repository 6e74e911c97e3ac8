#!/usr/bin/env bash
# under_faults.sh BANK CRDB_SIM CLUSTER_SH
#
# The bank sample on a simulated three-node CockroachDB cluster (one
# simulator process per node, tests/crdb_sim/cluster.sh) through one pool
# spread over the nodes, while node 1 is killed and then node 2 drained. The
# sample's own check decides: not a cent made or lost, and no failed
# transfer (ambiguous commits are reported, not failures). Exits 77 (skipped)
# without a test server.
set -euo pipefail
[ -n "${LINGO_TEST_PG_URI:-}" ] || { echo "SKIPPED: needs LINGO_TEST_PG_URI (scripts/test starts one)"; exit 77; }
bank=$1 sim=$2 cluster=$3
dir=$(mktemp -d)
trap '"$cluster" stop "$dir"; rm -rf "$dir"' EXIT
uri=$("$cluster" start "$sim" "$LINGO_TEST_PG_URI" 3 "$dir")
pool="${uri/cockroachdb:/cockroachdb+pool:}?load_balance_hosts=random&max_connections=8&timeout=10"
# connect_timeout=3: the faults here are a killed node (refused at once) and a
# drained one (57P01 at once); the live node must only answer in time, and on
# a busy two-core machine a new session there once took more than 1 s.
pool+="&stale_timeout=2&host_recheck=0.5&connect_timeout=3"
"$bank" "$pool" --threads 8 --transfers 6000 --accounts 200 >"$dir/bank.log" 2>&1 &
bank_pid=$!
sleep 1.5
echo "node 1: $("$cluster" ctl "$sim" "$dir" 1 kill)"
sleep 1
echo "node 2: $("$cluster" ctl "$sim" "$dir" 2 drain 1)"
status=0
wait "$bank_pid" || status=$?
cat "$dir/bank.log"
exit "$status"
