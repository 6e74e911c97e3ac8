#!/usr/bin/env bash
# The simulator's own test, driven with psql (run through with_sim.sh):
# psql_test.sh CRDB_SIM SIM_PG_URI
set -uo pipefail
sim=$1
uri=$2
failures=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# run SQL... : runs the statements through psql (verbose errors, no stop on error)
run() {
  psql -X -q "$uri" -v VERBOSITY=verbose -c '\set VERBOSITY verbose' "$@" >"$out" 2>&1 || true
}
run_on() {
  local target=$1
  shift
  psql -X -q "$target" -c '\set VERBOSITY verbose' "$@" >"$out" 2>&1 || true
}
expect() {
  if grep -q -- "$1" "$out"; then
    echo "ok: $2"
  else
    echo "FAILED: $2 (expected '$1' in:)"
    sed 's/^/    /' "$out"
    failures=$((failures + 1))
  fi
}
refuse() {
  if grep -q -- "$1" "$out"; then
    echo "FAILED: $2 (did not expect '$1' in:)"
    sed 's/^/    /' "$out"
    failures=$((failures + 1))
  else
    echo "ok: $2"
  fi
}

"$sim" --help >"$out"
expect "What it cannot show" "--help says what it emulates and what it cannot"

run -c 'SELECT version()' -c 'SHOW crdb_version' -c 'SHOW server_version'
expect "CockroachDB CCL v23.1.11" "version() is a CockroachDB banner"
expect "13.0.0" "server_version is PostgreSQL 13's"

run_on "$uri?options=-c%20sim_version%3D19.2.0" -c 'SELECT version()'
expect "CockroachDB CCL v19.2.0" "a client can ask for another version"

run -c 'SHOW transaction_isolation'
expect "serializable" "SERIALIZABLE by default"

run -c 'SHOW transaction_priority' -c 'BEGIN PRIORITY HIGH' -c 'SHOW transaction_priority' -c 'COMMIT'
expect "normal" "priority is normal outside a transaction"
expect "high" "BEGIN PRIORITY HIGH"

run -c 'BEGIN' -c 'SET TRANSACTION PRIORITY LOW' -c 'SHOW TRANSACTION PRIORITY' -c 'SELECT 1' -c 'SET TRANSACTION PRIORITY HIGH' -c 'ROLLBACK'
expect "low" "SET TRANSACTION PRIORITY"
expect "cannot change the user priority of a running transaction" "priority is fixed once data was touched"

run -c 'COMMIT'
expect "25P01" "COMMIT outside a transaction is an error"
run -c 'BEGIN' -c 'BEGIN' -c 'ROLLBACK'
expect "25001" "BEGIN inside a transaction is an error"

run -c 'BEGIN' -c 'SAVEPOINT cockroach_restart' -c 'SAVEPOINT cockroach_restart' -c 'SELECT 1' \
    -c 'RELEASE SAVEPOINT cockroach_restart' -c 'SELECT 2' -c 'COMMIT'
expect "25000" "after RELEASE only COMMIT is accepted"
refuse "42601" "re-declaring the restart savepoint at once is a no-op"

run -c 'BEGIN' -c 'SELECT 1' -c 'SAVEPOINT cockroach_restart' -c 'ROLLBACK'
expect "needs to be the first statement in a transaction" "the restart savepoint comes first"
run -c 'BEGIN' -c 'SAVEPOINT foo' -c 'SAVEPOINT cockroach_restart' -c 'ROLLBACK'
expect "cannot be nested" "the restart savepoint is not nested"

run -c 'SET inject_retry_errors_enabled = true' -c 'BEGIN' -c 'SAVEPOINT cockroach_restart' \
    -c 'SELECT 1' -c 'SELECT 2' -c 'ROLLBACK TO SAVEPOINT cockroach_restart' \
    -c 'SELECT 3' -c 'ROLLBACK TO SAVEPOINT cockroach_restart' \
    -c 'SELECT 4' -c 'ROLLBACK TO SAVEPOINT cockroach_restart' \
    -c "SELECT 'fourth' AS attempt" -c 'RELEASE SAVEPOINT cockroach_restart' -c 'COMMIT'
expect "injected by \`inject_retry_errors_enabled\` session variable" "retry errors are injected"
expect "25P02" "an aborted transaction refuses statements"
expect "fourth" "the fourth attempt passes (three injections per transaction)"

run -c 'SET inject_retry_errors_on_commit_enabled = true' -c 'BEGIN' -c 'SELECT 1' -c 'COMMIT'
expect "inject_retry_errors_on_commit_enabled" "retry errors injected at COMMIT"

run -c 'SAVEPOINT x'
expect "25P01" "SAVEPOINT outside a transaction is an error"
run_on "$uri?options=-c%20sim_version%3D19.2.0" -c 'BEGIN' -c 'SAVEPOINT foo' -c 'ROLLBACK'
expect "SAVEPOINT not supported except for cockroach_restart" "19.2 has no nested savepoints"
run -c 'BEGIN' -c 'SAVEPOINT foo' -c 'SELECT 1' -c 'RELEASE SAVEPOINT foo' -c 'COMMIT'
refuse "ERROR" "23.1 has nested savepoints"

run -c 'DROP TABLE IF EXISTS sim_psql' -c 'CREATE TABLE sim_psql (id INT DEFAULT unique_rowid() PRIMARY KEY, s STRING, b BYTES, j JSON)' \
    -c "UPSERT INTO sim_psql (id, s) VALUES (1, 'a')" -c "UPSERT INTO sim_psql (id, s) VALUES (1, 'b') RETURNING s" \
    -c "INSERT INTO sim_psql (s) VALUES ('c') RETURNING id > 1000000 AS big" \
    -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'sim_psql'::regclass AND attname = 'j'"
expect " b" "UPSERT replaces by the primary key"
expect " t" "unique_rowid() makes large ids"
expect "jsonb" "JSON is JSONB"
run -c 'CREATE TABLE sim_psql_grid (id INT PRIMARY KEY, cells INT[][])'
expect "unimplemented" "nested arrays are refused"

run -c "SELECT s FROM sim_psql AS OF SYSTEM TIME '-1ms' WHERE id = 1" \
    -c "SELECT s FROM sim_psql AS OF SYSTEM TIME follower_read_timestamp() WHERE id = 1"
refuse "ERROR" "AS OF SYSTEM TIME with a past interval and follower_read_timestamp()"
run -c "SELECT s FROM sim_psql AS OF SYSTEM TIME '10s'"
expect "cannot specify timestamp in the future" "a future time is refused"
run -c "SELECT s FROM sim_psql AS OF SYSTEM TIME now()"
expect "only constant expressions" "a non-constant time is refused"
run -c "SELECT s FROM sim_psql AS OF SYSTEM TIME '-0.1us'"
expect "too small" "an interval under 1us is refused"
run -c "BEGIN AS OF SYSTEM TIME '-1s'" -c "INSERT INTO sim_psql (s) VALUES ('x')" -c 'ROLLBACK'
expect "25006" "an AS OF SYSTEM TIME transaction is read-only"
run -c "BEGIN" -c "SELECT 1" -c "SET TRANSACTION AS OF SYSTEM TIME '-1s'" -c 'ROLLBACK'
expect "cannot set fixed timestamp" "AS OF SYSTEM TIME must come first"
run -c 'DROP TABLE sim_psql'

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all simulator checks passed"
