#!/usr/bin/env bash
# Builds the FC code package: the Native AOT binary and the bootstrap FC starts, as a folder and as a zip (exec bits kept).
#   ./package.sh                                for the runtime s.yaml deploys to (FC_RUNTIME_NAME, chosen at creation)
#   PACKAGE_TARGET=debian12 ./package.sh        custom.debian12: Native AOT linked here (build on glibc <= 2.36)  -> dist/code/, dist/code.zip
#   PACKAGE_TARGET=debian10 ./package.sh        custom.debian10 (and 11, 12): Native AOT linked by zig cc against
#                                               glibc 2.28, whatever this machine has (Zig 0.11 installed on first use)  -> dist/code-debian10/
#   PACKAGE_MODE=self-contained ./package.sh    framework bundled, JIT: runs anywhere, ~106 MB
# Needs the .NET 10 SDK, clang (or gcc) for the debian12 link, and zip. build/package-code.sh does the work.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
export PACKAGE_TARGET="${PACKAGE_TARGET:-FC_PACKAGE_TARGET}"
PACKAGE_ROOT="$root" APP_NAME=MyFunction APP_PROJECT="$root/src/MyFunction/MyFunction.csproj" exec bash "$root/build/package-code.sh"
