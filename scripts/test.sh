#!/usr/bin/env bash
# Runs every test: builds the FC code package first (the end-to-end tests start dist/code/bootstrap as
# a real process; SKIP_PACKAGE=1 reuses the one there), then all test projects of the solution. Ends with one summary line: 'N passed, N failed'.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh"
if [[ "${SKIP_PACKAGE:-0}" != 1 ]]; then "$root/scripts/package.sh"; fi
# The custom.debian10 package (AOT linked against glibc 2.28 with Zig) is tested too.
if [[ "${SKIP_PACKAGE:-0}" != 1 || ! -f "$root/dist/code-debian10.zip" ]]; then PACKAGE_TARGET=debian10 "$root/scripts/package.sh"; fi

# The container tests need a Docker engine; without one they are left out, and this says so.
filter=()
if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
  if [[ "${FC_REQUIRE_DOCKER:-0}" == 1 ]]; then echo "test.sh: FC_REQUIRE_DOCKER=1 but no Docker engine answers" >&2; exit 1; fi
  echo "test.sh: no Docker engine answers here: the container tests (tests/Container.Tests) are NOT run" >&2
  filter=(--filter "Category!=Container")
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
if (( $# == 0 )); then
  # The reliability suite measures the function's memory and behaviour under 200 concurrent callers: it runs after the
  # other projects (which dotnet test runs in parallel), so their CPU load does not grow the function's thread pool
  # and resident memory under it. Same tests, same bounds, a quiet machine.
  parallel="FullyQualifiedName!~Reliability.Tests"
  if (( ${#filter[@]} )); then parallel="${filter[1]}&$parallel"; fi
  dotnet test "$root/FunctionCompute.slnx" -nologo --filter "$parallel" 2>&1 | tee "$log" || status=$?
  dotnet test "$root/tests/Reliability.Tests" -nologo --no-build "${filter[@]}" 2>&1 | tee -a "$log" || status=$?
else
  dotnet test "$root/FunctionCompute.slnx" -nologo "${filter[@]}" "$@" 2>&1 | tee "$log" || status=$?
fi

# dotnet test prints one "Passed!/Failed! - Failed: N, Passed: N, Skipped: N, Total: N" line per test project.
read -r passed failed skipped projects < <(awk '
  /(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
    line = $0
    gsub(/[^0-9,]/, " ", line); split(line, n, ",")
    f += n[1]; p += n[2]; s += n[3]; k++
  }
  END { printf "%d %d %d %d\n", p, f, s, k }' "$log")
if (( projects == 0 )); then
  echo "test.sh: no test results were reported (build failure?)" >&2
  status=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
