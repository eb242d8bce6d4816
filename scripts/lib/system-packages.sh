#!/usr/bin/env bash
# Sourced by scripts/test: installs the Debian packages the language checks need, only when missing.
# (Mosquitto and PostgreSQL are installed by the fixture itself, `sfn-fixture up`.)

sfn_ensure_apt_packages() {
  local missing=()
  local package
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || sfn_die "need root or sudo to install: ${missing[*]}"
    sudo="sudo"
  fi
  # Wait for a dpkg lock someone else holds (unattended-upgrades) instead of failing at once. A fresh
  # machine has no package lists: when the install fails, refresh them once and try again.
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  sfn_log "apt-get install ${missing[*]}"
  if ! $sudo "${apt[@]}" install -y -qq "${missing[@]}" >&2; then
    sfn_log "apt-get install failed; running apt-get update and retrying"
    $sudo "${apt[@]}" update -qq >&2 || true
    $sudo "${apt[@]}" install -y -qq "${missing[@]}" >&2 \
      || sfn_die "could not install ${missing[*]} with apt-get"
  fi
}

# C#: no .NET SDK is installable here; codegen compiles its Newtonsoft output with Mono.
# The sidecar's tests publish to a real OCI registry (Debian's docker-registry) and read it back with skopeo;
# installing them here, before turbo starts the suites in parallel, keeps apt runs one at a time.
SFN_LANGUAGE_APT_PACKAGES=(mono-mcs mono-runtime libnewtonsoft-json-cil-dev docker-registry skopeo)
