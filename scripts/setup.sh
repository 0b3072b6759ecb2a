#!/usr/bin/env bash
# Idempotent project set-up: Debian packages, .venv, locked Python packages,
# the package in editable mode. Called by `make setup` (and so by `make test`
# and `make brief`). Each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(fonts-noto-cjk fontconfig chromium poppler-utils)
VENV=.venv
STAMP="$VENV/.pxanalysis-installed"

# --- 1. Debian packages -------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    echo "setup: missing system packages ${missing[*]} and no apt-get (this project targets Debian 12)" >&2
    exit 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run this, then 'make setup' again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present (${APT_PACKAGES[*]})"
fi

# --- 2. virtual environment ---------------------------------------------------
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: $PYTHON is $("$PYTHON" --version 2>&1); pxanalysis needs Python >= 3.11" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

# --- 3. locked Python packages + editable install -----------------------------
want=$(cat requirements/lock.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && "$VENV/bin/python" -c 'import pxanalysis' 2>/dev/null; then
  echo "setup: Python packages up to date ($VENV)"
else
  echo "setup: installing locked Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c requirements/lock.txt -e '.[test]'
  echo "$want" >"$STAMP"
fi

# --- 4. JupyterLab: no news/update pop-ups (they cover screenshots) -----------
settings="$VENV/share/jupyter/lab/settings"
mkdir -p "$settings"
cat >"$settings/overrides.json" <<'JSON'
{
  "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}
}
JSON
echo "setup: done"
