#!/usr/bin/env bash
# The main job: build the FC code package (Native AOT) and serve it locally exactly as FC would start it,
# on port 9000 (or $FC_SERVER_PORT). Invoke it from another terminal, e.g.:
#   curl -s -X POST localhost:9000/invoke -H 'x-fc-function-handler: echo' -d 'hello'
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/package.sh"
export FC_SERVER_PORT="${FC_SERVER_PORT:-9000}"
echo "run.sh: serving dist/code on port $FC_SERVER_PORT (Ctrl+C stops it); try:" >&2
echo "  curl -s -X POST localhost:$FC_SERVER_PORT/invoke -H 'x-fc-function-handler: echo' -d 'hello'" >&2
exec "$root/dist/code/bootstrap"
