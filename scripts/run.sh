#!/usr/bin/env bash
# The main job: build the FC code package (Native AOT), start it exactly as FC would (dist/code/bootstrap,
# port 9000), start a local OSS that checks signatures, and run the reference flow the way FC invokes it:
# oss-put-object with STS-style credentials in the x-fc-* headers, then read the object back (oss-get-object,
# oss-list-objects). Then it keeps serving until Ctrl+C, printing curl lines to try.
#
#   scripts/run.sh            the flow against the local OSS, then serve
#   scripts/run.sh --once     the flow, then stop (exit code says whether it worked)
#
# Real OSS instead of the local one: set OSS_ENDPOINT (e.g. oss-cn-hangzhou.aliyuncs.com: an Alibaba Cloud OSS host, https),
# OSS_BUCKET, and the usual ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET (/ ALIBABA_CLOUD_SECURITY_TOKEN).
# With the local OSS the function is started with OSS_ALLOW_LOOPBACK_ENDPOINTS=true (the samples refuse loopback otherwise).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
once=false
[[ "${1:-}" == "--once" ]] && once=true
fc_port="${FC_SERVER_PORT:-9000}"
oss_port="${OSS_EMULATOR_PORT:-9100}"
region="${OSS_REGION:-cn-hangzhou}"
say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_for() { # url what
  for _ in $(seq 1 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done
  echo "run.sh: $2 did not start (see $3)" >&2; tail -n 20 "$3" >&2; exit 1
}
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

"$root/scripts/setup.sh"
if [[ "${SKIP_PACKAGE:-0}" != 1 ]]; then "$root/scripts/package.sh"; fi
logs="$(mktemp -d)"

if [[ -n "${OSS_ENDPOINT:-}" ]]; then
  endpoint="$OSS_ENDPOINT"; bucket="${OSS_BUCKET:?set OSS_BUCKET with OSS_ENDPOINT}"
  key_id="${ALIBABA_CLOUD_ACCESS_KEY_ID:?set ALIBABA_CLOUD_ACCESS_KEY_ID}"
  key_secret="${ALIBABA_CLOUD_ACCESS_KEY_SECRET:?set ALIBABA_CLOUD_ACCESS_KEY_SECRET}"
  token="${ALIBABA_CLOUD_SECURITY_TOKEN:-}"
  say "Using real OSS at $endpoint, bucket $bucket"
else
  # STS-shaped credentials made up for this run; the local OSS accepts exactly these.
  key_id="STS.local$(hex 10)"; key_secret="$(hex 20)"; token="CAIS$(hex 48)"
  endpoint="http://127.0.0.1:$oss_port"; bucket="demo-bucket"
  # The samples send signed requests only to Alibaba Cloud OSS over https unless the function's environment opts in
  # to loopback endpoints (127.0.0.1, ::1, localhost): this local run does, for the local OSS.
  export OSS_ALLOW_LOOPBACK_ENDPOINTS=true
  say "Building and starting the local OSS on $endpoint (bucket $bucket) ..."
  dotnet build "$root/tools/OssEmulator/OssEmulator.csproj" -c Release -nologo -v q >&2
  OSS_EMULATOR_ACCESS_KEY_SECRET="$key_secret" OSS_EMULATOR_SECURITY_TOKEN="$token" \
    dotnet "$root/tools/OssEmulator/bin/Release/net10.0/OssEmulator.dll" \
      --port "$oss_port" --bucket "$bucket" --region "$region" --access-key-id "$key_id" >"$logs/oss.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$oss_port/_emulator/health" "the local OSS" "$logs/oss.log"
fi

# Loopback only: with OSS_ENDPOINT the function's callers pass real keys, and no other host may call it.
say "Starting the function: FC_SERVER_PORT=$fc_port FunctionCompute__ListenAddress=127.0.0.1${OSS_ALLOW_LOOPBACK_ENDPOINTS:+ OSS_ALLOW_LOOPBACK_ENDPOINTS=$OSS_ALLOW_LOOPBACK_ENDPOINTS} dist/code/bootstrap"
FC_SERVER_PORT="$fc_port" FC_REGION="$region" FunctionCompute__ListenAddress=127.0.0.1 "$root/dist/code/bootstrap" >"$logs/function.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$fc_port/" "the function" "$logs/function.log"

invoke() { # handler event -> prints the body; fails on a non-200 answer
  local out status
  out="$(mktemp)"
  status=$(curl -s -o "$out" -w '%{http_code}' -X POST "http://127.0.0.1:$fc_port/invoke" \
    -H "x-fc-control-path: /invoke" -H "x-fc-request-id: run-$(hex 6)" -H "x-fc-function-handler: $1" \
    -H "x-fc-region: $region" -H "x-fc-function-timeout: 30" \
    -H "x-fc-access-key-id: $key_id" -H "x-fc-access-key-secret: $key_secret" -H "x-fc-security-token: $token" \
    --data-binary "$2")
  cat "$out"; echo; rm -f "$out"
  [[ "$status" == 200 ]] || { echo "run.sh: $1 answered $status" >&2; return 1; }
}

object="hello/from-dotnet-$(date +%s).txt"
message="Hello OSS, from .NET $(dotnet --version) on a Function Compute custom runtime"
say "1. oss-put-object  (as FC calls it: POST /invoke with the invocation's STS credentials in x-fc-* headers)"
invoke oss-put-object "{\"endpoint\":\"$endpoint\",\"bucket\":\"$bucket\",\"objectName\":\"$object\",\"message\":\"$message\"}"
say "2. oss-get-object  (the stored object, read back)"
stored="$(invoke oss-get-object "{\"endpoint\":\"$endpoint\",\"bucket\":\"$bucket\",\"objectName\":\"$object\"}")"
echo "$stored"
[[ "$stored" == "$message" ]] || { echo "run.sh: the object read back differs from what was put" >&2; exit 1; }
say "3. oss-list-objects"
invoke oss-list-objects "{\"endpoint\":\"$endpoint\",\"bucket\":\"$bucket\",\"prefix\":\"hello/\"}"
say "Function log (stdout of dist/code/bootstrap):"
sed 's/^/  /' "$logs/function.log" >&2

if $once; then say "OK"; exit 0; fi
say "Serving on port $fc_port (Ctrl+C stops). Try:"
echo "  curl -s -X POST localhost:$fc_port/invoke -H 'x-fc-control-path: /invoke' -H 'x-fc-function-handler: echo' -d 'hello'" >&2
echo "  curl -s -X POST localhost:$fc_port/invoke -H 'x-fc-control-path: /invoke' -H 'x-fc-function-handler: greet' -d '{\"name\":\"Ada\"}'" >&2
echo "  curl -s localhost:$fc_port/whoami" >&2
wait "${pids[-1]}"
