#!/usr/bin/env bash
# Runs every libFuzzer target for the given number of seconds (default 60) on a scratch
# copy of its seed corpus. Findings are written to tests/fuzz/artifacts/ and make the
# script fail; copy a minimised crasher into corpus/<name>/ to keep it as a regression test.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/scripts/deps.sh" build fuzz
build="$root/build-fuzz"
CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNOVA_BUILD_FUZZERS=ON -DNOVA_BUILD_TESTS=OFF >/dev/null
targets=()
for harness in "$root"/tests/fuzz/*_fuzzer.cpp; do
  targets+=("$(basename "${harness%.cpp}")")
done
cmake --build "$build" -j"${NOVA_JOBS:-2}" --target "${targets[@]}"
mkdir -p "$root/tests/fuzz/artifacts"
status=0
for target in "${targets[@]}"; do
  name=${target%_fuzzer}
  scratch=$(mktemp -d)
  cp -r "$root/tests/fuzz/corpus/$name/." "$scratch/"
  echo "== $target for ${seconds}s"
  if ! "$build/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$root/tests/fuzz/artifacts/$name-" "$scratch" 2>"$scratch.log"; then
    status=1
    tail -n 40 "$scratch.log"
  fi
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$scratch.log" || true
  rm -rf "$scratch" "$scratch.log"
done
exit $status
