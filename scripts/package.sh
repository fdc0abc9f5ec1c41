#!/usr/bin/env bash
# Builds the FC code package of the sample app (handlers/): a directory with the app and the bootstrap FC starts, and
# the same as a zip (Unix modes kept, so bootstrap and the app stay executable) to upload or to point s.yaml's `code` at.
#
#   scripts/package.sh                                 custom.debian12: Native AOT linked here   -> dist/code/, dist/code.zip
#   PACKAGE_TARGET=debian10 scripts/package.sh         custom.debian10 (and debian11):          -> dist/code-debian10/, dist/code-debian10.zip
#                                                      Native AOT linked by `zig cc` against glibc 2.28 (scripts/zig-cc)
#   PACKAGE_MODE=self-contained scripts/package.sh     framework bundled, JIT (glibc >= 2.27 here; ~106 MB, 47 MB zipped, ~0.4 s cold start)
#                                                      (works with either PACKAGE_TARGET)
# Then: FC_SERVER_PORT=9000 dist/code/bootstrap
#
# The work is done by scripts/package-code.sh (shared with the dotnet new templates' package.sh); its header says
# what each build needs (a C toolchain; Zig 0.11 for debian10, installed when missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
PACKAGE_ROOT="$root" APP_NAME=SampleFunctions APP_PROJECT="$root/handlers/SampleFunctions.csproj" exec bash "$root/scripts/package-code.sh"
