#!/usr/bin/env bash
# Sourced by the top-level scripts: puts Node >= 22 and the pinned pnpm on PATH.
# Both come from the npm registry (the `node` package ships the binary), cached
# outside the checkout so fresh clones on the same machine reuse them.
set -euo pipefail

SFN_NODE_MAJOR=22
SFN_PNPM_VERSION=12.21.0
SFN_TOOLCHAIN_DIR="${SFN_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sfn/toolchain/node${SFN_NODE_MAJOR}-pnpm${SFN_PNPM_VERSION}}"

sfn_log() { printf '\033[1;34m[sfn]\033[0m %s\n' "$*" >&2; }
sfn_die() { printf '\033[1;31m[sfn] error:\033[0m %s\n' "$*" >&2; exit 1; }

node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

sfn_ensure_toolchain() {
  command -v npm >/dev/null 2>&1 || sfn_die "npm is required to bootstrap the toolchain (install Node.js and npm first)"
  local bin="$SFN_TOOLCHAIN_DIR/node_modules/.bin"
  if [ ! -x "$bin/pnpm" ] || { [ "$(node_major)" -lt "$SFN_NODE_MAJOR" ] && [ ! -x "$bin/node" ]; }; then
    local packages=("pnpm@$SFN_PNPM_VERSION")
    [ "$(node_major)" -lt "$SFN_NODE_MAJOR" ] && packages+=("node@$SFN_NODE_MAJOR")
    sfn_log "installing ${packages[*]} into $SFN_TOOLCHAIN_DIR"
    mkdir -p "$SFN_TOOLCHAIN_DIR"
    npm install --prefix "$SFN_TOOLCHAIN_DIR" --loglevel=error "${packages[@]}" >&2 \
      || sfn_die "could not install ${packages[*]} from the npm registry"
  fi
  export PATH="$bin:$PATH"
  [ "$(node_major)" -ge "$SFN_NODE_MAJOR" ] || sfn_die "Node $SFN_NODE_MAJOR+ is required, found $(node --version)"
  [ "$(pnpm --version)" = "$SFN_PNPM_VERSION" ] || sfn_die "pnpm $SFN_PNPM_VERSION expected, found $(pnpm --version)"
  export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
  export npm_config_update_notifier=false
}

sfn_install_dependencies() {
  local flags=(--prefer-offline)
  [ "${CI:-}" = "true" ] && flags+=(--frozen-lockfile)
  sfn_log "pnpm install ${flags[*]}"
  pnpm install "${flags[@]}" --reporter=append-only >&2 || sfn_die "pnpm install failed"
}
