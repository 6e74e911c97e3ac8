# A throwaway PostgreSQL 15 cluster on a free port, for tests and benchmarks.
# Sourced. pg_start sets LINGO_PG_URI, LINGO_PG_DIR and LINGO_PG_PORT;
# pg_stop stops the server by its pid file and removes the folder.
# Never touches the system cluster.

PG_BIN=/usr/lib/postgresql/15/bin

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PostgreSQL refuses to run as root: as root, run it as the postgres user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  LINGO_PG_DIR=$(mktemp -d /tmp/lingo-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$LINGO_PG_DIR"
  as_pg "$PG_BIN/initdb" -D "$LINGO_PG_DIR/data" -A trust -U lingo -E UTF8 --locale=C.UTF-8 >"$LINGO_PG_DIR/initdb.log" 2>&1 \
    || { cat "$LINGO_PG_DIR/initdb.log" >&2; return 1; }
  local tries=0
  while :; do
    LINGO_PG_PORT=$(( 20000 + RANDOM % 20000 ))
    if ! port_in_use "$LINGO_PG_PORT" &&
       as_pg "$PG_BIN/pg_ctl" -D "$LINGO_PG_DIR/data" -l "$LINGO_PG_DIR/log" -w -t 60 \
         -o "-p $LINGO_PG_PORT -k $LINGO_PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1 -c max_connections=200" \
         start >/dev/null; then
      break
    fi
    tries=$((tries + 1))
    if [ "$tries" -ge 5 ]; then cat "$LINGO_PG_DIR/log" >&2; return 1; fi
  done
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$LINGO_PG_PORT" -U lingo lingo_test
  LINGO_PG_URI="postgresql://lingo@127.0.0.1:$LINGO_PG_PORT/lingo_test"
  export LINGO_PG_URI LINGO_PG_DIR LINGO_PG_PORT
  say "PostgreSQL 15 running on port $LINGO_PG_PORT (pid $(head -1 "$LINGO_PG_DIR/data/postmaster.pid"), data in $LINGO_PG_DIR)"
}

pg_stop() {
  [ -n "${LINGO_PG_DIR:-}" ] && [ -d "$LINGO_PG_DIR" ] || return 0
  if [ -f "$LINGO_PG_DIR/data/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$LINGO_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 \
      || kill "$(head -1 "$LINGO_PG_DIR/data/postmaster.pid")" 2>/dev/null
  fi
  rm -rf "$LINGO_PG_DIR"
  LINGO_PG_DIR=
}
