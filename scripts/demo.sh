#!/usr/bin/env bash
# The main job on a local default: builds novactl and evaluates the runbook's four SLO
# queries over a Nova user-service /metrics page (examples/metrics/user-service.prom, or
# the endpoint given as the first argument).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
scripts/deps.sh build
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
log=$(mktemp)
cmake --build build -j"${NOVA_JOBS:-2}" --target novactl >"$log" 2>&1 || { cat "$log"; exit 1; }
rm -f "$log"
source_args=(--file examples/metrics/user-service.prom)
[ $# -ge 1 ] && source_args=(--url "$1" --scrapes 2 --interval 2s)

run() {
  echo "== $1"
  echo "   $2"
  build/agent/cmd/novactl eval "${source_args[@]}" --expr "$2" | sed 's/^/   /'
}
run "p95 API latency (SLO < 0.2s)" \
  'histogram_quantile(0.95, sum by (le) (nova_http_request_duration_seconds_bucket))'
run "error ratio (SLO < 0.001)" \
  'sum(nova_http_errors_total) / sum(nova_http_requests_total)'
run "WebSocket connections (stable)" 'nova_streaming_websocket_connections'
run "p95 DB query latency (SLO < 0.1s)" \
  'histogram_quantile(0.95, sum by (le) (pg_query_duration_seconds_bucket))'
