#!/usr/bin/env bash
# Builds the Node base runtime image: lays out @sfn/runtime with its production dependencies
# (`pnpm deploy --prod`) into runtimes/node/context/, then `docker build` with the interface hash and
# version as build arguments (they become the image labels io.sfn.interface-hash and io.sfn.runtime.version).
#   runtimes/node/image/build.sh [tag]     default tag: sfn/runtime-node:<version>
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
source scripts/lib/toolchain.sh
sfn_ensure_toolchain
version="$(node -p 'require("./packages/runtime/package.json").version')"
hash="$(node -p 'require("./runtimes/node/src/generated/interface-hash.json").interfaceHash')"
tag="${1:-sfn/runtime-node:$version}"
rm -rf "$here/context"
pnpm --filter @sfn/runtime --prod deploy "$here/context/runtime" >&2
docker build -f "$here/Dockerfile" \
  --build-arg "SFN_INTERFACE_HASH=$hash" \
  --build-arg "SFN_RUNTIME_VERSION=$version" \
  -t "$tag" "$here"
echo "$tag  io.sfn.interface-hash=$hash"
