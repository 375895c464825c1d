#!/usr/bin/env bash
# The benchmarks (docs/testing.md, "Benchmarks"; bench/README.md): a throwaway PostgreSQL cluster under var/benchpg, a freshly
# migrated database per benchmark, then every bench/*.py in turn; prints each one's summary at the end.
# Loopback only; the cluster is stopped and removed on exit, whatever happens.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PYTHON="$ROOT/.venv/bin/python"
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT=.venv
export PYTHONDONTWRITEBYTECODE=1
unset SOISUA_ENV DEBUG SECRET_KEY ALLOWED_HOSTS SQLITE_PATH TASKS_BACKEND EMAIL_BACKEND

say() { printf '\033[1m[bench] %s\033[0m\n' "$*"; }

# --- tools --------------------------------------------------------------------------------------------------
if [[ ! -x "$ROOT/.venv/bin/gunicorn" ]]; then
  bash scripts/bootstrap.sh test
fi
if ! command -v wrk >/dev/null 2>&1; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  if command -v apt-get >/dev/null 2>&1 \
      && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq wrk >/dev/null 2>&1; then
    say "installed wrk"
  else
    say "wrk is not available: the benchmarks fall back to their Python load generator"
  fi
fi

# --- throwaway PostgreSQL -----------------------------------------------------------------------------------
# shellcheck source=scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Default durability settings: the benchmarks measure what production would do.
start_postgres "$ROOT/var/benchpg"

# --- the benchmarks -----------------------------------------------------------------------------------------
LOGS="$PG_ROOT/logs"
mkdir -p "$LOGS"
declare -a NAMES=() STATUSES=()
for script in bench/*.py; do
  name="$(basename "$script" .py)"
  # Not benchmarks: the bench URLs, shared helpers, and load.py's locust scenario (run by load.py itself).
  [[ "$name" == urls || "$name" == common || "$name" == __init__ || "$name" == locustfile || "$name" == faults ]] && continue
  database="bench_${name}"
  "$CREATEDB" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$database"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$database"
  say "$name: migrating a fresh database"
  "$PYTHON" manage.py migrate --no-input -v 0
  say "$name: running"
  status=0
  "$PYTHON" "$script" 2>&1 | tee "$LOGS/$name.log" || status=$?
  NAMES+=("$name")
  STATUSES+=("$status")
done

# --- summaries ----------------------------------------------------------------------------------------------
printf '\n\033[1m==== benchmark summaries ====\033[0m\n'
failed=0
for index in "${!NAMES[@]}"; do
  name="${NAMES[$index]}"
  status="${STATUSES[$index]}"
  printf '\n%s (exit %s)\n' "$name" "$status"
  # A benchmark's summary runs from its first line mentioning "summary" to the end; otherwise its last lines.
  if grep -qi 'summary' "$LOGS/$name.log"; then
    sed -n '/[Ss]ummary/,$p' "$LOGS/$name.log" | sed 's/^/  /'
  else
    tail -n 5 "$LOGS/$name.log" | sed 's/^/  /'
  fi
  ((status == 0)) || failed=1
done
exit "$failed"
