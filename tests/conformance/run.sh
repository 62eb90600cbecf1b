#!/bin/sh
# Runs the promqltest conformance suite and checks that every case classify.py puts in the
# engine-v1 subset ran as in-subset.  Usage: run.sh <promql_conformance> <shared dir>
set -eu
runner=$1
shared=$2
list=$(mktemp)
trap 'rm -f "$list"' EXIT
python3 "$shared/conformance/classify.py" --profile engine-v1 --list >"$list"
"$runner" --classify-list "$list" "$shared/conformance/prometheus/promqltest"
