#!/usr/bin/env bash
# Packs what the `dotnet new` templates need:
#   dist/feed/       FunctionCompute.Credentials and FunctionCompute.Runtime NuGet packages (version $RUNTIME_VERSION, default 0.1.0):
#                    the local folder feed an instantiated template restores the runtime from
#   dist/templates/  FunctionCompute.Templates.<version>.nupkg: the templates fc-event (and fc-web)
# Then:
#   dotnet new install dist/templates/FunctionCompute.Templates.*.nupkg
#   dotnet new fc-event -n MyFunction --feed "$PWD/dist/feed"
# FEED_DIR / TEMPLATES_DIR override the output folders (the template tests use temporary ones).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="${RUNTIME_VERSION:-0.1.0}"
feed="${FEED_DIR:-$root/dist/feed}"
templates="${TEMPLATES_DIR:-$root/dist/templates}"
mkdir -p "$feed" "$templates"
for project in FunctionCompute.Credentials FunctionCompute.Runtime; do
  dotnet pack "$root/runtime/$project/$project.csproj" -c Release -o "$feed" -nologo -v q -p:Version="$version" >&2
done
dotnet pack "$root/templates/FunctionCompute.Templates.csproj" -o "$templates" -nologo -v q -p:Version="$version" >&2
echo "pack-templates.sh: runtime $version in $feed, templates in $templates" >&2
