#!/usr/bin/env bash
# Installs what soisua needs on a Debian machine, skipping whatever is already there.
#   scripts/bootstrap.sh demo   system packages for documents and translations, the Python environment
#   scripts/bootstrap.sh test   the above, plus Chromium, poppler-utils, LibreOffice (Writer and Calc without their
#                               desktop parts, to open the Word and Excel files the product writes) and the npm
#                               packages (axe-core)
set -euo pipefail

profile="${1:-demo}"
case "$profile" in
  demo | test) ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT=.venv
export UV_LINK_MODE=copy
# Trust the machine's certificate store (it may hold a proxy's authority that uv's bundled roots lack).
export UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}"
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '[bootstrap] %s\n' "$*"; }

# --- Debian packages ---------------------------------------------------------------------------------------
packages=(fonts-noto-core fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 gettext)
if [[ "$profile" == test ]]; then
  packages+=(chromium poppler-utils make libreoffice-writer-nogui libreoffice-calc-nogui)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# The suite also runs on a throwaway PostgreSQL cluster: any installed server version >= 15 will do.
if [[ "$profile" == test ]] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
    && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Python >= 3.12 ----------------------------------------------------------------------------------------
runs_312() { "$1" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; }

find_python() {
  local candidate
  local candidates=(python3.13 python3.12 python3)
  if command -v pyenv >/dev/null 2>&1; then
    local root
    root="$(pyenv root 2>/dev/null || true)"
    if [[ -n "$root" ]]; then
      for candidate in "$root"/versions/3.1[2-9]*/bin/python3; do
        [[ -x "$candidate" ]] && candidates+=("$candidate")
      done
    fi
  elif [[ -d "${PYENV_ROOT:-$HOME/.pyenv}/versions" ]]; then
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
      [[ -x "$candidate" ]] && candidates+=("$candidate")
    done
  fi
  for candidate in "${candidates[@]}"; do
    if runs_312 "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if [[ -x .venv/bin/python ]] && runs_312 .venv/bin/python; then
  :
else
  python="$(find_python)" || {
    say "no Python >= 3.12 found (tried python3.13, python3.12, python3 and pyenv's versions)" >&2
    say "on Debian/Ubuntu: apt-get install python3.12 python3.12-venv" >&2
    exit 1
  }
  [[ -e .venv ]] && { say "removing .venv, which does not run Python >= 3.12"; rm -rf .venv; }
  say "creating .venv with $python ($("$python" --version 2>&1))"
  "$python" -m venv .venv
fi

if [[ ! -x .venv/bin/uv ]]; then
  say "installing uv into .venv"
  # pip also reads the machine's own configuration: a local package index listed there (extra-index-url =
  # file:///…) that does not hold uv makes it warn "Location '…' is ignored" once per index, which says nothing
  # about soisua. Only those lines are dropped: every other warning and error still shows, and a failed install
  # still stops here (pipefail).
  .venv/bin/python -m pip install --quiet uv 2>&1 \
    | { grep -v "^WARNING: Location '[^']*' is ignored: it is neither a file nor a directory\.$" || true; } >&2
fi

# uv sync is a no-op when the environment already matches the lock.
.venv/bin/uv sync --frozen --quiet

# --- npm packages (axe-core for the browser journeys) --------------------------------------------------------
if [[ "$profile" == test ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    say "npm is missing: installing Debian's nodejs and npm"
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
    say "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
fi
# The SQLite database, uploads and collected static files live here (not in git).
mkdir -p var
say "ready ($profile)"
