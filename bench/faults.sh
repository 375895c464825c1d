#!/usr/bin/env bash
# Faults under load (bench/README.md, "Faults"): gunicorn workers and the task worker killed with kill -9,
# PostgreSQL stopped under load, MEDIA_ROOT full; prints per fault what the clients were told against what the
# database and the disk hold, and exits non-zero when anything is lost, doubled or half-written.
# Needs root (a tmpfs for MEDIA_ROOT; the throwaway cluster runs as the postgres user). Loopback only: gunicorn on
# 127.0.0.1:8801, PostgreSQL on a free port. Everything it starts is stopped and removed on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PYTHON="$ROOT/.venv/bin/python"
export PYTHONDONTWRITEBYTECODE=1
unset SOISUA_ENV DEBUG SECRET_KEY ALLOWED_HOSTS SQLITE_PATH TASKS_BACKEND EMAIL_BACKEND MEDIA_ROOT STATIC_ROOT

say() { printf '\033[1m[faults] %s\033[0m\n' "$*"; }
if [[ $(id -u) -ne 0 ]]; then
  echo "bench/faults.sh mounts a tmpfs and runs PostgreSQL as the postgres user: run it as root" >&2
  exit 2
fi

WORK="${FAULTS_DIR:-/tmp/faults-$$}"
MEDIA="$WORK/media"
MEDIA_SIZE="${FAULTS_MEDIA_SIZE:-2m}"

# shellcheck source=scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"
cleanup() {
  mountpoint -q "$MEDIA" 2>/dev/null && umount "$MEDIA"
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$WORK"
mkdir -p "$MEDIA"
mount -t tmpfs -o "size=$MEDIA_SIZE" tmpfs "$MEDIA"
say "MEDIA_ROOT on a tmpfs of $MEDIA_SIZE at $MEDIA"
start_postgres "$WORK/pg"
"$CREATEDB" -h 127.0.0.1 -p "$PG_PORT" -U postgres soisua_faults
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/soisua_faults"
say "migrating a fresh database"
"$PYTHON" manage.py migrate --no-input -v 0
say "running the faults (a few minutes)"
FAULTS_RUN=1 timeout 900 "$PYTHON" bench/faults.py --work "$WORK" --media "$MEDIA" --media-size "$MEDIA_SIZE" \
  --pg-data "$PG_DATA" --pg-ctl "$PG_CTL" "$@"
