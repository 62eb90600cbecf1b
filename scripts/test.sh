#!/usr/bin/env bash
# Builds everything and runs every test, in three stages:
#   1. the regular build: unit, conformance, scenario, fuzz-corpus and integration tests,
#      and clang-tidy on the C++ files changed (scripts/clang-tidy-changed.sh);
#   2. the unit tests again, built with -fsanitize=address,undefined, and those of the
#      modules with threads built with -fsanitize=thread;
#   3. the container image, packed from stage 1's binaries, run as the chart runs it.
# Installs missing Debian packages first (the dashboard's npm bundle and Chromium included).
# Usage: scripts/test.sh [--no-sanitize]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${NOVA_JOBS:-2}
# One compiler cache for every checkout of the project: paths are made relative to the
# checkout, so a fresh clone (as CI makes) hits the cache of the last build.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
sanitize=1
[ "${1:-}" = "--no-sanitize" ] && sanitize=0

scripts/deps.sh build test dashboard
scripts/check-format.sh

echo "== stage 1: build and run all tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== stage 1b: clang-tidy on the C++ files changed (.clang-tidy)"
time scripts/clang-tidy-changed.sh --build-dir build
status=0
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 600 || status=$?
# The headline of Prometheus's own PromQL test scripts, shown whatever the outcome above.
ctest --test-dir build -R '^conformance\.promql$' -V 2>/dev/null | grep -o 'promql conformance: .*' || true
[ "$status" = 0 ] || exit "$status"

if [ "$sanitize" = 1 ]; then
  echo "== stage 2: unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNOVA_SANITIZE=ON >/dev/null
  # Only the executables the unit label runs, by the naming of cmake/NovaHelpers.cmake and
  # tests/fuzz: unit.<name> runs <name>_test, fuzz_replay.<name> runs <name>_fuzz_replay.
  mapfile -t unit_targets < <(ctest --test-dir build-asan -N -L unit |
    sed -n -e 's/^ *Test *#[0-9]*: unit\.\(.*\)$/\1_test/p' \
      -e 's/^ *Test *#[0-9]*: fuzz_replay\.\(.*\)$/\1_fuzz_replay/p')
  cmake --build build-asan -j"$jobs" --target "${unit_targets[@]}"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan -L unit --output-on-failure -j"$jobs"
fi

if [ "$sanitize" = 1 ]; then
  echo "== stage 2b: unit tests of the threaded modules under ThreadSanitizer"
  # The modules with threads of their own: notify's delivery threads, the HTTP server and
  # multi client, kube's retries on the clock, the daemon's loop, inbox and action worker,
  # the traffic switches' reload waits, the rollout's lease renewal, the remote source's
  # rounds and the target pool's shared client.
  tsan_modules=(notify http kube daemon traffic rollout remote scrape)
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNOVA_TSAN=ON >/dev/null
  cmake --build build-tsan -j"$jobs" --target "${tsan_modules[@]/%/_test}"
  # A reported race fails the stage. A test that failed without a race report ran under the
  # sanitizer's slowdown (five to fifteen times), where a wall-clock bound of a real-socket
  # test can run out: it runs once more on its own, and the stage fails unless it passes.
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  tsan_log=build-tsan/stage-2b.log
  if ctest --test-dir build-tsan -R "^unit\.($(IFS='|'; echo "${tsan_modules[*]}"))\$" \
    --output-on-failure -j"$jobs" >"$tsan_log" 2>&1; then
    cat "$tsan_log"
  else
    cat "$tsan_log"
    if grep -q 'WARNING: ThreadSanitizer' "$tsan_log"; then
      echo "stage 2b: ThreadSanitizer reported a race (above)" >&2
      exit 1
    fi
    echo "stage 2b: a test failed without a race report (above); it runs once more, alone"
    ctest --test-dir build-tsan --rerun-failed --output-on-failure -j1
  fi
fi

echo "== stage 3: container image"
scripts/image.sh --build-dir build
