#!/usr/bin/env bash
# One evaluation round of rules/default.yaml over 15 minutes of 1 s scrapes of a 10k-sample
# Nova-shaped target (the corpus of bench/parse.sh). Target: under 5 ms per round.
#
#   bench/eval.sh [RULES.yaml]
#
# The last line is: eval-round-10k-15m: median_ms=X p99_ms=Y min_ms=Z target_ms=5 ratio=X/5
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
"$build/bench/eval/nova_eval_bench" "$work/corpus-10k.prom" "$rules" 15 200
