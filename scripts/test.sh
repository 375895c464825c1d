#!/usr/bin/env bash
# The whole test run (docs/testing.md): lint, migrations, translations, deployment checks, the suite on SQLite and
# on a throwaway PostgreSQL cluster, then the browser journeys. Stops at the first failure.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PYTHON="$ROOT/.venv/bin/python"
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT=.venv
export PYTHONDONTWRITEBYTECODE=1
# The suite must not pick up a developer's own configuration.
unset DATABASE_URL SOISUA_ENV DEBUG SECRET_KEY ALLOWED_HOSTS SQLITE_PATH TASKS_BACKEND EMAIL_BACKEND
# Here the files the product writes must open in LibreOffice: a missing soffice fails those tests, not skips them.
export SOISUA_REQUIRE_LIBREOFFICE=1

declare -a TIMINGS=()
SECTION=""
SECTION_START=0
RUN_START=$SECONDS

section() {
  finish_section
  SECTION="$1"
  SECTION_START=$SECONDS
  printf '\n\033[1m==== %s ====\033[0m\n' "$SECTION"
}

finish_section() {
  if [[ -n "$SECTION" ]]; then
    TIMINGS+=("$(printf '%5ss  %s' $((SECONDS - SECTION_START)) "$SECTION")")
    SECTION=""
  fi
}

report() {
  local status=$?
  if [[ -n "$SECTION" && status -ne 0 ]]; then
    SECTION="$SECTION (failed)"
  fi
  finish_section
  stop_postgres
  printf '\n\033[1m==== timings ====\033[0m\n'
  printf '%s\n' "${TIMINGS[@]}"
  printf '%5ss  total\n' $((SECONDS - RUN_START))
  if ((status == 0)); then
    printf '\n\033[1;32mAll checks passed.\033[0m\n'
  else
    printf '\n\033[1;31mFAILED (exit %s)\033[0m\n' "$status" >&2
  fi
  exit "$status"
}

# shellcheck source=scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"
trap report EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pytest_run() {
  # pytest exits 5 when it collects nothing: that is a failure here, as any non-zero status is.
  "$ROOT/.venv/bin/pytest" "$@"
}

# ------------------------------------------------------------------------------------------------------------
section "bootstrap (test)"
bash scripts/bootstrap.sh test

section "ruff"
.venv/bin/ruff --version
.venv/bin/ruff check .

section "migrations are up to date"
"$PYTHON" manage.py makemigrations --check --dry-run

section "translations"
CATALOGUE=soisua/locale/vi/LC_MESSAGES/django.po
if [[ ! -f "$CATALOGUE" ]]; then
  echo "NOTICE: $CATALOGUE does not exist yet; skipping the translation check"
else
  "$PYTHON" manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var
  translation_check() {
    # $1: a catalogue; fails on any untranslated or fuzzy entry, listing them.
    local po="$1" stats untranslated fuzzy
    stats="$(LC_ALL=C msgfmt --check-format --statistics -o /dev/null "$po" 2>&1)"
    echo "$po: $stats"
    untranslated="$(msgattrib --untranslated --no-obsolete --no-wrap "$po")"
    fuzzy="$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$po")"
    if [[ -n "$untranslated" || -n "$fuzzy" || "$stats" == *fuzzy* || "$stats" == *untranslated* ]]; then
      [[ -n "$untranslated" ]] && printf '\n-- untranslated entries in %s --\n%s\n' "$po" "$untranslated"
      [[ -n "$fuzzy" ]] && printf '\n-- fuzzy entries in %s --\n%s\n' "$po" "$fuzzy"
      return 1
    fi
  }
  echo "-- the committed catalogue --"
  translation_check "$CATALOGUE"
  # A string added to the code but not to the catalogue would show in English: extract the messages into a
  # copy of the source tree and check the merged catalogue too.
  echo "-- the catalogue merged with the strings in the code now --"
  extract_dir="$(mktemp -d)"
  cp -r soisua manage.py "$extract_dir/"
  (cd "$extract_dir" && "$PYTHON" manage.py makemessages --locale=vi --no-wrap --no-location \
      --ignore='*/migrations/*' >/dev/null)
  if ! translation_check "$extract_dir/$CATALOGUE"; then
    echo "Run: .venv/bin/python manage.py makemessages -l vi --no-location, then translate the entries above." >&2
    rm -rf "$extract_dir"
    exit 1
  fi
  rm -rf "$extract_dir"
fi

section "manage.py check --deploy (production settings)"
SOISUA_ENV=production \
  SECRET_KEY="$("$PYTHON" -c 'import secrets, string; a = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"; print("".join(secrets.choice(a) for _ in range(60)))')" \
  ALLOWED_HOSTS=soisua.example.org \
  "$PYTHON" manage.py check --deploy --fail-level WARNING

section "pytest on SQLite just after midnight on New Year's Day then the browser journeys, beside PostgreSQL on the last evening of a year"
# The suite's clock is fixed (tests/conftest.py); these two runs move it, so a test that only passes on the default
# date cannot land: on SQLite to 1 January, 00:20 in Vietnam (still 31 December in UTC: a date taken in UTC shows),
# on PostgreSQL to 31 December, 23:40 (an hour later is another year). They run side by side, one per core; the
# SQLite run is the shorter, so the browser journeys (Chromium against the live server on SQLite) follow it on its
# core. Their output follows when the PostgreSQL run has finished. Durability is off on PostgreSQL: the suite
# measures behaviour, not crash safety. The PostgreSQL run builds its database with the largest tables partitioned
# by province (PARTITION_BY_PROVINCE, docs/deploy.md); the browser journeys keep the plain schema.
side_log="$(mktemp)"
side_status="$(mktemp)"
(
  status=0
  started=$SECONDS
  echo "-- SQLite run --"
  SOISUA_TEST_NOW="2028-01-01T00:20:00+07:00" pytest_run -m "not browser" -q -p no:cacheprovider || status=$?
  echo "(SQLite run: $((SECONDS - started)) s)"
  if ((status == 0)); then
    started=$SECONDS
    echo "-- browser journeys (Chromium, SQLite) --"
    pytest_run -m browser -q -p no:cacheprovider || status=$?
    echo "(browser journeys: $((SECONDS - started)) s)"
  fi
  echo "$status" >"$side_status"
) >"$side_log" 2>&1 &
side_pid=$!
start_postgres "$ROOT/var/pgtest" -c fsync=off -c synchronous_commit=off -c full_page_writes=off
postgres_status=0
postgres_started=$SECONDS
SOISUA_TEST_NOW="2027-12-31T23:40:00+07:00" DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/soisua" \
  PARTITION_BY_PROVINCE=1 pytest_run -m "not browser" -q || postgres_status=$?
echo "(PostgreSQL run: $((SECONDS - postgres_started)) s)"
stop_postgres
wait "$side_pid" || true
side_result="$(cat "$side_status")"
cat "$side_log"
rm -f "$side_log" "$side_status"
((postgres_status == 0)) || { echo "pytest on PostgreSQL failed (exit $postgres_status)" >&2; exit "$postgres_status"; }
[[ "$side_result" == 0 ]] || { echo "pytest on SQLite or the browser journeys failed (exit ${side_result:-?})" >&2
                               exit "${side_result:-1}"; }

finish_section
