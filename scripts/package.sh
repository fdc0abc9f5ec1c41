#!/usr/bin/env bash
# Builds the FC code package into dist/code/: the Native AOT app plus the bootstrap FC starts.
#   scripts/package.sh                  Native AOT (custom.debian12: needs the glibc of the build machine or newer)
#   PACKAGE_MODE=self-contained scripts/package.sh   framework bundled, JIT (runs on any glibc >= 2.23 the runtime supports)
# Then: FC_SERVER_PORT=9000 dist/code/bootstrap
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${PACKAGE_MODE:-aot}"
publish="$root/dist/publish"
code="$root/dist/code"

case "$mode" in
  aot)
    if ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
      echo "package.sh: Native AOT needs a C toolchain to link: apt-get install -y clang (or gcc)" >&2
      exit 1
    fi
    flags=(-p:PublishAot=true) ;;
  self-contained)
    flags=(-p:PublishAot=false --self-contained true -p:PublishSingleFile=false -p:PublishReadyToRun=false) ;;
  *) echo "package.sh: PACKAGE_MODE must be aot or self-contained, not '$mode'" >&2; exit 1 ;;
esac

echo "package.sh: publishing handlers ($mode) ..." >&2
rm -rf "$publish" "$code"
dotnet publish "$root/handlers/SampleFunctions.csproj" -c Release -r linux-x64 -o "$publish" -nologo -v q "${flags[@]}" >&2

mkdir -p "$code"
if [[ "$mode" == aot ]]; then
  # The native binary is the whole app; debug symbols (.dbg) stay out of the package.
  cp "$publish/SampleFunctions" "$code/"
else
  cp -a "$publish/." "$code/"
  rm -f "$code"/*.pdb "$code"/*.dbg
fi
cp "$root/bootstrap" "$code/bootstrap"
chmod +x "$code/bootstrap" "$code/SampleFunctions"
echo "package.sh: wrote $code ($(du -sh "$code" | cut -f1))" >&2
