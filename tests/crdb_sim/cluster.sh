#!/usr/bin/env bash
# cluster.sh: a simulated CockroachDB cluster of N nodes (crdb_sim processes)
# in front of one PostgreSQL, on free ports, stopped by their process ids.
#
#   cluster.sh start CRDB_SIM UPSTREAM_URI N DIR
#       starts nodes 1..N (localities region=r1..r3, zone=z<i>) and writes,
#       in DIR: n<i>.pid, n<i>.port, n<i>.ctl (control port), and uri, the
#       cluster's multi-host URI cockroachdb://root@127.0.0.1:p1,.../db
#   cluster.sh ctl CRDB_SIM DIR I COMMAND [SECONDS...]
#       sends a fault control to node I (status, kill, drain, stall, revive;
#       see crdb_sim --help); prints the reply
#   cluster.sh stop DIR
#       stops every node by its recorded process id (SIGTERM, then SIGKILL
#       after 5 s), never by name
set -euo pipefail

die() { echo "cluster.sh: $*" >&2; exit 2; }

start() {
  local sim=$1 upstream=$2 n=$3 dir=$4
  mkdir -p "$dir"
  local db=${upstream##*/}
  db=${db%%\?*}
  local hosts=""
  for i in $(seq "$n"); do
    # One node after another: each sets up its helper functions upstream.
    "$sim" --upstream "$upstream" --listen 0 --port-file "$dir/n$i.port" --node-id "$i" \
      --locality "region=r$(( (i - 1) % 3 + 1 )),zone=z$i" --control-port 0 \
      --control-port-file "$dir/n$i.ctl" >"$dir/n$i.log" 2>&1 &
    echo $! >"$dir/n$i.pid"
    for _ in $(seq 1000); do
      [ -s "$dir/n$i.port" ] && [ -s "$dir/n$i.ctl" ] && break
      kill -0 "$(cat "$dir/n$i.pid")" 2>/dev/null || { cat "$dir/n$i.log" >&2; die "node $i did not start"; }
      sleep 0.01
    done
    [ -s "$dir/n$i.port" ] || die "node $i wrote no port"
    hosts+="${hosts:+,}127.0.0.1:$(cat "$dir/n$i.port")"
  done
  echo "cockroachdb://root@$hosts/$db" >"$dir/uri"
  cat "$dir/uri"
}

ctl() {
  local sim=$1 dir=$2 i=$3
  shift 3
  [ -s "$dir/n$i.ctl" ] || die "no node $i in $dir"
  "$sim" --control "$(cat "$dir/n$i.ctl")" "$@"
}

stop() {
  local dir=$1 pid
  for f in "$dir"/n*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  for f in "$dir"/n*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-}" in
  start) shift; [ $# -eq 4 ] || die "usage: cluster.sh start CRDB_SIM UPSTREAM_URI N DIR"; start "$@" ;;
  ctl) shift; [ $# -ge 4 ] || die "usage: cluster.sh ctl CRDB_SIM DIR I COMMAND"; ctl "$@" ;;
  stop) shift; [ $# -eq 1 ] || die "usage: cluster.sh stop DIR"; stop "$@" ;;
  *) die "usage: cluster.sh start|ctl|stop ... (see the comment at the top)" ;;
esac
