#!/usr/bin/env bash
# Packs everything a user consumes into one folder feed, dist/packages/ (PACKAGES_DIR overrides it):
#   FunctionCompute.Runtime, .Oss, .Credentials, .Events, .Testing    libraries (+ .snupkg symbol packages)
#   FunctionCompute.Runtime.OpenTelemetry                             OTLP export from OTEL_* variables (opt-in: its own package)
#   FunctionCompute.OssEmulator                                       the local OSS emulator as a library (tests start it in process)
#   FunctionCompute.FcLocal, FunctionCompute.OssEmulator.Tool         .NET tools: fc-local, oss-emulator
#   FunctionCompute.Templates                                         dotnet new fc-event, fc-web, fc-oss
# One version for all: Directory.Build.props' VersionPrefix, or PACKAGE_VERSION. Metadata, readmes, symbols and
# package validation come from Directory.Build.props/.targets. Then, for example:
#   dotnet new install dist/packages/FunctionCompute.Templates.0.1.0.nupkg
#   dotnet new fc-oss -n MyFunction --feed "$PWD/dist/packages"
#   dotnet tool install -g FunctionCompute.FcLocal --add-source dist/packages
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${PACKAGES_DIR:-$root/dist/packages}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
flags=(-c Release -o "$out" -nologo -v q)
[[ -n "${PACKAGE_VERSION:-}" ]] && flags+=(-p:Version="$PACKAGE_VERSION")

pack() { # project [extra msbuild arguments]
  echo "pack.sh: $1" >&2
  dotnet pack "$root/$1" "${flags[@]}" "${@:2}" >&2
}
# FunctionCompute.Testing builds Runtime and Credentials on the way; the later packs of those reuse the build.
for project in Testing Oss Events Runtime Credentials Runtime.OpenTelemetry; do
  pack "runtime/FunctionCompute.$project/FunctionCompute.$project.csproj"
done
pack tools/FcLocal/FcLocal.csproj
pack tools/OssEmulator/OssEmulator.csproj
pack tools/OssEmulator/OssEmulator.csproj -p:OssEmulatorPackage=library
pack templates/FunctionCompute.Templates.csproj
echo "pack.sh: packages in $out:" >&2
(cd "$out" && ls -1 ./*.nupkg | sed 's|^\./|  |') >&2
version="$(cd "$out" && ls -1t FunctionCompute.Templates.*.nupkg | head -1 | sed 's/^FunctionCompute\.Templates\.//; s/\.nupkg$//')"
cat >&2 <<NEXT
pack.sh: next, to start a function from these packages:
  dotnet new install "$out/FunctionCompute.Templates.$version.nupkg"
  dotnet tool install -g FunctionCompute.FcLocal --version $version --add-source "$out"
  dotnet new fc-event -n MyFunction --feed "$out"      # or fc-web, fc-oss
  cd MyFunction && dotnet test && ./package.sh && fc-local invoke -e '{"name":"Ada"}'
NEXT
