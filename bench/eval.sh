#!/usr/bin/env bash
# Evaluation rounds of rules/default.yaml over 15 minutes of 1 s scrapes of a 10k-sample
# Nova-shaped target (the corpus of bench/parse.sh), each round one second and one scrape
# after the previous, as in the agent: first from scratch, then incremental (the agent's
# way), each in thread CPU and wall time; then each rule alone. Target: a round's median CPU
# at most 5 ms, its p99 at most 10 ms.
#
#   bench/eval.sh [RULES.yaml]
#   EVAL_ROUNDS=400 bench/eval.sh
#
# The last line (the incremental rounds) is:
#   eval-round-10k-15m: cpu_median_ms=A cpu_p99_ms=B wall_median_ms=C wall_p99_ms=D target_ms=5
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${NOVA_BENCH_BUILD_DIR:-$repo/build-bench}
rules=${1:-$repo/rules/default.yaml}
"$repo/scripts/deps.sh" build
export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=true
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNOVA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"${NOVA_JOBS:-2}" --target nova_eval_bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$repo/bench/corpus/gen_corpus.py" "$work" 10000 >/dev/null
"$build/bench/eval/nova_eval_bench" "$work/corpus-10k.prom" "$rules" 15 "${EVAL_ROUNDS:-200}"
