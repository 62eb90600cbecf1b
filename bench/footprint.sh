#!/usr/bin/env bash
# Footprint: nova-agent beside Prometheus 2.42, both scraping one nova-demo-service with ~10k
# samples every second, side by side in one run.
#
#   bench/footprint.sh
#
# Starts nova-demo-service (--extra-series), nova-agent (dry-run switch, default rules, 1 s
# scrapes, 500 ms health probes) and /usr/bin/prometheus (loopback, temporary storage, the
# same target at 1 s), lets both warm up, then measures for FOOTPRINT_SECONDS:
#   peak RSS     VmHWM of /proc/PID/status at the end (the whole life of the process)
#   anon RSS     the largest RssAnon sampled each second in the window (no file pages)
#   CPU          utime+stime of /proc/PID/stat over the window
#   scrapes      over the window, from each one's own metrics: the agent's
#                nova_agent_probes_total{kind="scrape"}, Prometheus's
#                prometheus_target_interval_length_seconds_count{interval="1s"}
#
# Environment:
#   NOVA_BENCH_BUILD_DIR    CMake build dir (default <repo>/build-bench)
#   FOOTPRINT_SECONDS       measuring window (default 60)
#   FOOTPRINT_EXTRA_SERIES  synthetic series of the demo service (default 10000, ~10.1k samples)
#   FOOTPRINT_NO_BUILD      set: use the binaries already in the build dir
#   FOOTPRINT_WARMUP        seconds between steady scraping and the window (default 3)
#
# The last line is: footprint-10k: agent_rss_mb=A prometheus_rss_mb=P rss_ratio=A/P
# agent_cpu_ms_per_scrape=C prometheus_cpu_ms_per_scrape=Q cpu_ratio=C/Q
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${NOVA_BENCH_BUILD_DIR:-$repo/build-bench}
window=${FOOTPRINT_SECONDS:-60}
extra_series=${FOOTPRINT_EXTRA_SERIES:-10000}
warmup=${FOOTPRINT_WARMUP:-3}
prometheus=/usr/bin/prometheus
# shellcheck source=bench/footprint/proc.sh
source "$repo/bench/footprint/proc.sh"
# shellcheck source=bench/footprint/start.sh
source "$repo/bench/footprint/start.sh"

begin_run footprint
log() { echo "footprint.sh: $*" >&2; }

# Prometheus 2.42 from Debian; the package's own service must not run beside ours.
ensure_prometheus() {
  if [[ ! -x $prometheus ]]; then
    log "installing the Debian prometheus package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends prometheus >/dev/null
  fi
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl stop prometheus
  elif [[ -x /etc/init.d/prometheus ]] && /etc/init.d/prometheus status >/dev/null 2>&1; then
    /etc/init.d/prometheus stop >/dev/null
  fi
}

start_prometheus() {
  prometheus_port=$(free_port)
  sed -e "s|@DEMO_PORT@|$demo_port|g" "$repo/bench/footprint/prometheus.yml.in" \
    >"$work/prometheus.yml"
  mkdir -p "$work/tsdb"
  "$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$prometheus_port" --log.level=warn \
    >"$work/prometheus.log" 2>&1 &
  pids+=($!)
  prometheus_pid=$!
  wait_http "http://127.0.0.1:$prometheus_port/-/ready" 30 ||
    { log "prometheus did not start:"; tail -n 20 "$work/prometheus.log" >&2; exit 1; }
}

agent_scrapes() {
  metric_sum "http://127.0.0.1:$agent_port/metrics" nova_agent_probes_total 'kind="scrape"'
}
prometheus_scrapes() {
  metric_sum "http://127.0.0.1:$prometheus_port/metrics" \
    prometheus_target_interval_length_seconds_count 'interval="1s"'
}

ensure_prometheus
build_agent_and_demo "${FOOTPRINT_NO_BUILD:-}"
start_demo "$extra_series"
start_agent
start_prometheus
log "demo service on :$demo_port with $demo_samples samples; agent :$agent_port; prometheus :$prometheus_port"
# Prometheus applies new targets only every 5 s; open the window once both scrape steadily.
deadline=$((SECONDS + 30))
until (($(agent_scrapes) >= 2 && $(prometheus_scrapes) >= 2)); do
  ((SECONDS < deadline)) || { log "no steady scrapes after 30s"; exit 1; }
  sleep 0.5
done
sleep "$warmup"

agent_cpu0=$(cpu_ticks "$agent_pid")
prometheus_cpu0=$(cpu_ticks "$prometheus_pid")
agent_scrapes0=$(agent_scrapes)
prometheus_scrapes0=$(prometheus_scrapes)
log "measuring for ${window}s"
# Anonymous memory (heap, stacks) is sampled each second beside the kernel's VmHWM, which also
# counts the pages of the binary and shared libraries the process touched.
agent_anon=0
prometheus_anon=0
for ((i = 0; i < window; i++)); do
  sleep 1
  agent_anon=$(max "$agent_anon" "$(anon_rss_kib "$agent_pid")")
  prometheus_anon=$(max "$prometheus_anon" "$(anon_rss_kib "$prometheus_pid")")
done
agent_cpu1=$(cpu_ticks "$agent_pid")
prometheus_cpu1=$(cpu_ticks "$prometheus_pid")
agent_scrapes1=$(agent_scrapes)
prometheus_scrapes1=$(prometheus_scrapes)
agent_hwm=$(peak_rss_kib "$agent_pid")
prometheus_hwm=$(peak_rss_kib "$prometheus_pid")
agent_series=$(metric_sum "http://127.0.0.1:$agent_port/metrics" nova_agent_tsdb_series)

python3 "$repo/bench/footprint/report.py" \
  --ticks-per-second "$(getconf CLK_TCK)" --samples "$demo_samples" --window "$window" \
  --agent "$agent_hwm" "$((agent_cpu1 - agent_cpu0))" "$((agent_scrapes1 - agent_scrapes0))" \
  --prometheus "$prometheus_hwm" "$((prometheus_cpu1 - prometheus_cpu0))" \
  "$((prometheus_scrapes1 - prometheus_scrapes0))" --agent-series "$agent_series" \
  --anon "$agent_anon" "$prometheus_anon"
