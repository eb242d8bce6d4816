#!/usr/bin/env bash
# Builds the wheel into dist/. The canonical schemas/operations of @sfn/contracts and the shared SQL of
# @sfn/datastore are copied into the package first (they are read from the monorepo in an editable install).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PKG="$HERE/src/sfn_runtime"
rm -rf "$PKG/_contracts_data" "$PKG/_sql" "$HERE/dist"
mkdir -p "$PKG/_contracts_data" "$PKG/_sql"
cp -R "$ROOT/packages/contracts/schemas" "$ROOT/packages/contracts/operations" "$PKG/_contracts_data/"
cp "$ROOT"/packages/datastore/sql/*.sql "$PKG/_sql/"
python -m pip wheel --quiet --no-deps --no-build-isolation -w "$HERE/dist" "$HERE" 2>/dev/null \
  || python -m pip wheel --quiet --no-deps -w "$HERE/dist" "$HERE"
ls "$HERE/dist"
# the copies are only for the wheel; an editable install reads the monorepo
rm -rf "$PKG/_contracts_data" "$PKG/_sql"
