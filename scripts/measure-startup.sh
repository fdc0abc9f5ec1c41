#!/usr/bin/env bash
# Measures the packaged function's cold start (process start -> first successful /invoke of echo)
# and its resident memory (after the first invoke, and after 100 more), over N runs.
#   scripts/measure-startup.sh [runs=20]      (expects dist/code from scripts/package.sh)
# Resolution is a few ms: the first invoke is one curl (its own start-up time is included in every run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-20}"
bootstrap="$root/dist/code/bootstrap"
[[ -x "$bootstrap" ]] || { echo "measure-startup.sh: run scripts/package.sh first" >&2; exit 1; }
port=$(( 20000 + RANDOM % 20000 ))
starts=(); rss_first=(); rss_after=()

for i in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  FC_SERVER_PORT=$port "$bootstrap" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/invoke" -H 'x-fc-control-path: /invoke' -H 'x-fc-function-handler: echo' --data 'ping' 2>/dev/null; do :; done
  t1=$(date +%s%N)
  starts+=($(( (t1 - t0) / 1000000 )))
  rss_first+=($(awk '/VmRSS/ {print $2}' "/proc/$pid/status"))
  for _ in $(seq 1 100); do curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/invoke" -H 'x-fc-control-path: /invoke' -H 'x-fc-function-handler: echo' --data 'ping'; done
  rss_after+=($(awk '/VmRSS/ {print $2}' "/proc/$pid/status"))
  kill -TERM "$pid"; wait "$pid" || true
done

stats() { sort -n | awk '{a[NR]=$1} END {printf "median %s, p90 %s, min %s, max %s", a[int((NR+1)/2)], a[int(NR*0.9+0.5)], a[1], a[NR]}'; }
echo "cold start to first successful invoke (ms, $runs runs): $(printf '%s\n' "${starts[@]}" | stats)"
echo "RSS after first invoke (KiB):                 $(printf '%s\n' "${rss_first[@]}" | stats)"
echo "RSS after 100 more invokes (KiB):             $(printf '%s\n' "${rss_after[@]}" | stats)"
echo "package: $(du -sh "$root/dist/code" | cut -f1) ($(stat -c %s "$root/dist/code/SampleFunctions") bytes binary)"
