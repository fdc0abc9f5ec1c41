#!/usr/bin/env bash
# Builds the FC code package: dist/code/ (the Native AOT binary + bootstrap) and dist/code.zip (exec bits kept).
#   bash package.sh                                 Native AOT for custom.debian12 (links against this machine's glibc: build on glibc <= 2.36)
#   PACKAGE_MODE=self-contained bash package.sh     framework bundled, JIT: also runs on custom.debian10/11
# Needs the .NET 10 SDK, clang (or gcc) for AOT linking, and zip.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
case "${PACKAGE_MODE:-aot}" in
  aot) flags=(-p:PublishAot=true) ;;
  self-contained) flags=(-p:PublishAot=false --self-contained true) ;;
  *) echo "package.sh: PACKAGE_MODE must be aot or self-contained" >&2; exit 1 ;;
esac
rm -rf "$root/dist"
dotnet publish "$root/src/MyFunction/MyFunction.csproj" -c Release -r linux-x64 -o "$root/dist/publish" -nologo -v q "${flags[@]}" >&2
mkdir -p "$root/dist/code"
if [[ "${PACKAGE_MODE:-aot}" == aot ]]; then cp "$root/dist/publish/MyFunction" "$root/dist/code/"; else cp -a "$root/dist/publish/." "$root/dist/code/"; rm -f "$root/dist/code/"*.pdb; fi
cp "$root/bootstrap" "$root/dist/code/bootstrap"
chmod +x "$root/dist/code/bootstrap" "$root/dist/code/MyFunction"
(cd "$root/dist/code" && zip -q -r -X "$root/dist/code.zip" .)
echo "package.sh: wrote dist/code ($(du -sh "$root/dist/code" | cut -f1)) and dist/code.zip ($(du -sh "$root/dist/code.zip" | cut -f1))" >&2
