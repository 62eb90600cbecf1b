#!/bin/sh
# Runs the promqltest conformance suite and checks that every case classify.py puts in the
# float profile (all of stable PromQL over floats) and in the engine-v1 profile ran as
# in-subset.  Usage: run.sh <promql_conformance> <shared dir>
set -eu
runner=$1
shared=$2
lists=$(mktemp -d)
trap 'rm -rf "$lists"' EXIT
for profile in float engine-v1; do
  python3 "$shared/conformance/classify.py" --profile "$profile" --list >"$lists/$profile.list"
done
"$runner" --classify-list "$lists/float.list" --classify-list "$lists/engine-v1.list" \
  "$shared/conformance/prometheus/promqltest"
