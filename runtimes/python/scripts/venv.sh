#!/usr/bin/env bash
# Creates (or reuses) the venv of the Python runtime and installs the package editable with its dev tools.
# Usage: scripts/venv.sh <command> [args...]  — runs the command inside the venv from runtimes/python.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One venv per checkout: the editable install points at this checkout's sources, so two clones on one
# machine must not share it.
CHECKOUT_KEY="$(printf '%s' "$HERE" | sha256sum | cut -c1-12)"
VENV="${SFN_PY_VENV:-$HOME/.cache/sfn/venvs/python-runtime-$CHECKOUT_KEY}"
PYTHON="${SFN_PYTHON:-python3}"
STAMP="$VENV/.sfn-installed"
mkdir -p "$(dirname "$VENV")"
# turbo runs build, typecheck, lint and test at once: only one of them may create or install the venv.
exec 9>"$VENV.lock"
flock 9
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ "$HERE/pyproject.toml" -nt "$STAMP" ]; then
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$HERE[dev]"
  # left behind by jsonschema[format-nongpl] in venvs made before pyproject.toml listed the format
  # libraries itself; jsonschema imports it when present (see the comment there)
  "$VENV/bin/python" -m pip uninstall --quiet --yes rfc3987-syntax >/dev/null 2>&1 || true
  touch "$STAMP"
fi
flock -u 9
exec 9>&-
cd "$HERE"
export PATH="$VENV/bin:$PATH"
exec "$@"
