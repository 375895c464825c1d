# A throwaway PostgreSQL cluster for the test and benchmark scripts; source it, then:
#   start_postgres DIR [server options...]   starts a cluster under DIR on a free loopback port (sets PG_PORT)
#   stop_postgres                            stops it and removes DIR (safe to call twice, and from a trap)
# PostgreSQL refuses to run as root, so the cluster runs as the postgres system user, which owns its folders.

PG_ROOT=""
PG_DATA=""
PG_SOCKET=""
PG_PORT=""
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [[ -n "$PG_BIN" && -x "$PG_BIN/initdb" ]]; then
  INITDB="$PG_BIN/initdb"; PG_CTL="$PG_BIN/pg_ctl"; CREATEDB="$PG_BIN/createdb"
else
  INITDB="$(command -v initdb || true)"; PG_CTL="$(command -v pg_ctl || true)"; CREATEDB="$(command -v createdb || true)"
fi

start_postgres() {
  PG_ROOT="$1"
  shift
  PG_PORT="$("${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  rm -rf "$PG_ROOT"
  mkdir -p "$PG_ROOT"
  PG_SOCKET="$PG_ROOT/sock"
  # Unix socket paths are limited to ~107 bytes; a deep checkout gets a short directory under /tmp instead.
  if (( ${#PG_SOCKET} > 80 )); then PG_SOCKET="$(mktemp -d /tmp/soisua-pg.XXXXXX)"; fi
  mkdir -p "$PG_SOCKET"
  chown postgres: "$PG_ROOT" "$PG_SOCKET"
  PG_DATA="$PG_ROOT/data"
  runuser -u postgres -- "$INITDB" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$PG_CTL" -D "$PG_DATA" -l "$PG_ROOT/postgres.log" -w -o \
    "-p $PG_PORT -k $PG_SOCKET -c listen_addresses=127.0.0.1 $*" start >/dev/null
  echo "$("$PG_CTL" --version) on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  if [[ -n "$PG_DATA" && -d "$PG_DATA" ]]; then
    echo "stopping the throwaway PostgreSQL cluster"
    runuser -u postgres -- "$PG_CTL" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_ROOT"
    [[ "$PG_SOCKET" == /tmp/soisua-pg.* ]] && rm -rf "$PG_SOCKET"
    PG_DATA=""
  fi
}
