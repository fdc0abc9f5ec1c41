#!/usr/bin/env bash
# One command for the side-by-side benchmarks: builds the FC package (ours) and the bare Native AOT echo app,
# measures cold start, echo throughput/latency at 1/32/200 connections, memory, oss-put-object round trips
# against the local OSS, and package/image sizes, and writes bench/results/report.md; then the runtime alone
# (bench/RuntimeEcho) against the same baseline into bench/results/report-runtime-only.md.
#   bench/run.sh [cold-start runs=20] [seconds per load run=10]
# BenchmarkDotNet micro-benchmarks (signing, a small put) are separate:
#   dotnet run -c Release --project bench/FunctionCompute.Benchmarks -- --filter '*'
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
if ! command -v wrk >/dev/null; then
  if [[ "$(id -u)" == 0 ]]; then apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else echo "bench: wrk is needed: sudo apt-get install wrk" >&2; exit 1; fi
fi
[[ "${SKIP_PACKAGE:-0}" == 1 ]] || "$root/scripts/package.sh"
echo "bench: publishing the bare baseline (Native AOT) ..." >&2
dotnet publish "$root/bench/BareEcho/BareEcho.csproj" -c Release -r linux-x64 -o "$root/dist/bench/bare" -nologo -v q >&2
# The same kind of bootstrap as ours, so both cold starts include the shell's exec.
printf '#!/bin/bash\ncd "$(dirname "$0")"\nexec ./BareEcho "$@"\n' >"$root/dist/bench/bare/bootstrap"
chmod +x "$root/dist/bench/bare/bootstrap"
echo "bench: publishing the runtime alone (echo only, Native AOT) ..." >&2
dotnet publish "$root/bench/RuntimeEcho/RuntimeEcho.csproj" -c Release -r linux-x64 -o "$root/dist/bench/runtime" -nologo -v q >&2
printf '#!/bin/bash\ncd "$(dirname "$0")"\nexec ./RuntimeEcho "$@"\n' >"$root/dist/bench/runtime/bootstrap"
chmod +x "$root/dist/bench/runtime/bootstrap"
dotnet build "$root/bench/Harness/Harness.csproj" -c Release -nologo -v q >&2
if command -v docker >/dev/null && docker image inspect fc-dotnet-samples:test >/dev/null 2>&1; then
  export BENCH_IMAGE_SIZE_BYTES="$(docker image inspect -f '{{.Size}}' fc-dotnet-samples:test)"
fi
dotnet "$root/bench/Harness/bin/Release/net10.0/Harness.dll" "$root/dist/code/bootstrap" "$root/dist/bench/bare/bootstrap" \
  "$root/bench/results/report.md" "${1:-20}" "${2:-10}"
# The runtime alone against the same baseline: what the runtime costs, apart from the samples it carries.
BENCH_SKIP_OSS=1 BENCH_OURS_LABEL='the runtime alone serving echo (`bench/RuntimeEcho`, Native AOT, no samples)' \
  dotnet "$root/bench/Harness/bin/Release/net10.0/Harness.dll" "$root/dist/bench/runtime/bootstrap" "$root/dist/bench/bare/bootstrap" \
  "$root/bench/results/report-runtime-only.md" "${1:-20}" "${2:-10}"
