#!/usr/bin/env bash
# Makes sure this machine can build everything: the .NET 10 SDK (required, not installed here) and a
# C toolchain for Native AOT linking (installed with apt-get when missing and we are root).
# Idempotent and quiet when all is there. Called by run.sh and test.sh.
set -euo pipefail
log() { echo "setup.sh: $*" >&2; }

if ! command -v dotnet >/dev/null; then
  log "the .NET SDK is required (dotnet not on PATH): https://dot.net/download"; exit 1
fi
major="$(dotnet --version | cut -d. -f1)"
if (( major < 10 )); then log "the .NET 10 SDK is required, found $(dotnet --version)"; exit 1; fi

if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "installing clang and zlib1g-dev for Native AOT linking"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
  else
    log "Native AOT needs a C toolchain: sudo apt-get install clang zlib1g-dev"; exit 1
  fi
fi
