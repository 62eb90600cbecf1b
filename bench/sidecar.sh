#!/usr/bin/env bash
# The sidecar budget: nova-agent beside one typical service, as it runs in a green pod.
#
#   bench/sidecar.sh                                 # 5 minutes, as root on Debian bookworm
#   SIDECAR_SECONDS=60 bench/sidecar.sh              # a shorter run for trying it out
#
# Starts nova-demo-service with enough synthetic series for ~1,000 samples per scrape and
# nova-agent (the sidecar build, -DNOVA_SIDECAR_BUILD=ON; or the ordinary dynamic build the
# image ships, with SIDECAR_AGENT_BUILD=dynamic) watching it with the footprint benchmark's
# config (dry-run switch, rules/default.yaml, 1 s scrapes, 500 ms health probes), then
# samples the agent's /proc/PID/status and /proc/PID/stat every second for SIDECAR_SECONDS:
#   peak RSS     VmHWM at the end (the whole life of the process, start-up included), and the
#                largest RssAnon (heap, stacks) and RssFile (binary and shared libraries)
#   CPU          utime+stime over the run from the agent's first answer on, in millicores
#                (thousandths of a core, averaged): what a container's CPU limit sees
#   RSS growth   least-squares slope of VmRSS over the samples after SIDECAR_SETTLE seconds
#                (default 60), in KiB per minute; a leak shows as a steady positive slope
#
# Environment:
#   NOVA_BENCH_BUILD_DIR   CMake build dir of nova-demo-service, and of nova-agent when
#                          SIDECAR_AGENT_BUILD=dynamic (default <repo>/build-bench)
#   SIDECAR_AGENT_BUILD    sidecar (default): nova-agent of NOVA_SIDECAR_BUILD_DIR;
#                          dynamic: the ordinary RelWithDebInfo build of NOVA_BENCH_BUILD_DIR
#   NOVA_SIDECAR_BUILD_DIR CMake build dir of the sidecar build (default <repo>/build-sidecar)
#   SIDECAR_SECONDS        length of the run (default 300)
#   SIDECAR_SETTLE         seconds after which RSS must stop growing (default 60)
#   SIDECAR_EXTRA_SERIES   synthetic series of the demo service (default 946: ~1,000 samples)
#   SIDECAR_NO_BUILD       set: use the binaries already in the build dir
#   SIDECAR_SAMPLES_OUT    set: also write the per-second samples to this file
#
# At the end it prints the agent's resident memory per mapped file (bench/sidecar/smaps.py).
# The last line is: sidecar-1k: rss_mb=X cpu_millicores=Y rss_growth_kb_per_min=Z
# Goals: rss_mb <= 8, cpu_millicores <= 5, no growth.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${NOVA_BENCH_BUILD_DIR:-$repo/build-bench}
seconds=${SIDECAR_SECONDS:-300}
settle=${SIDECAR_SETTLE:-60}
extra_series=${SIDECAR_EXTRA_SERIES:-946}
agent_build_kind=${SIDECAR_AGENT_BUILD:-sidecar}
case $agent_build_kind in
  sidecar) agent_build=${NOVA_SIDECAR_BUILD_DIR:-$repo/build-sidecar} ;;
  dynamic) agent_build=$build ;;
  *) echo "sidecar.sh: SIDECAR_AGENT_BUILD is sidecar or dynamic, not '$agent_build_kind'" >&2
    exit 2 ;;
esac
# shellcheck source=bench/footprint/proc.sh
source "$repo/bench/footprint/proc.sh"
# shellcheck source=bench/footprint/start.sh
source "$repo/bench/footprint/start.sh"

begin_run sidecar
log() { echo "sidecar.sh: $*" >&2; }

# One line per second: elapsed seconds, VmRSS, RssAnon, RssFile (KiB).
sample_rss() {
  awk -v t="$1" '/^VmRSS:/ { rss = $2 } /^RssAnon:/ { anon = $2 } /^RssFile:/ { file = $2 }
    END { print t, rss, anon, file }' "/proc/$agent_pid/status"
}

# Sleeps until $2 seconds after the epoch time $1, so a slow sample does not stretch the run.
sleep_until() {
  sleep "$(awk -v t0="$1" -v due="$2" -v now="$(date +%s.%N)" \
    'BEGIN { d = t0 + due - now; printf "%.3f\n", (d > 0 ? d : 0) }')"
}

agent_counter() {
  metric_sum "http://127.0.0.1:$agent_port/metrics" "$@"
}

# Configures $1 with the flags after it, unless configured, and builds the target $2 there.
build_target() {
  local dir=$1 target=$2 out
  shift 2
  if [[ ! -f $dir/CMakeCache.txt ]]; then
    cmake -S "$repo" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  fi
  if ! out=$(cmake --build "$dir" --target "$target" -j2 2>&1); then
    log "building $target in $dir failed:"
    tail -n 30 <<<"$out" >&2
    exit 1
  fi
}

if [[ -z ${SIDECAR_NO_BUILD:-} ]]; then
  build_target "$build" nova-demo-service
  if [[ $agent_build_kind == sidecar ]]; then
    build_target "$agent_build" nova-agent -DNOVA_SIDECAR_BUILD=ON -DNOVA_BUILD_TESTS=OFF
  else
    build_target "$build" nova-agent
  fi
fi
start_demo "$extra_series"
# start_agent runs $build's nova-agent: here the one of the build measured.
build=$agent_build start_agent
log "agent: the $agent_build_kind build, $agent_build/agent/cmd/nova-agent"
log "demo service on :$demo_port with $demo_samples samples; agent :$agent_port (pid $agent_pid)"
log "running for ${seconds}s"
# The counters first: reading them costs the agent a little CPU, kept out of the run.
scrapes0=$(agent_counter nova_agent_probes_total 'kind="scrape"')
health0=$(agent_counter nova_agent_probes_total 'kind="health"')
store0=$(agent_counter nova_agent_tsdb_bytes)
cpu0=$(cpu_ticks "$agent_pid")
start_epoch=$(date +%s.%N)
: >"$work/samples"
for ((i = 1; i <= seconds; i++)); do
  sleep_until "$start_epoch" "$i"
  kill -0 "$agent_pid" 2>/dev/null ||
    { log "nova-agent exited:"; tail -n 20 "$work/agent.log" >&2; exit 1; }
  sample_rss "$i" >>"$work/samples"
done
cpu1=$(cpu_ticks "$agent_pid")
elapsed=$(awk -v t0="$start_epoch" -v now="$(date +%s.%N)" 'BEGIN { print now - t0 }')
hwm=$(peak_rss_kib "$agent_pid")
scrapes1=$(agent_counter nova_agent_probes_total 'kind="scrape"')
health1=$(agent_counter nova_agent_probes_total 'kind="health"')
series=$(agent_counter nova_agent_tsdb_series)
store1=$(agent_counter nova_agent_tsdb_bytes)
echo "resident memory per mapping at the end (KiB):"
python3 "$repo/bench/sidecar/smaps.py" "$agent_pid" --top 16
if [[ -n ${SIDECAR_SAMPLES_OUT:-} ]]; then
  cp "$work/samples" "$SIDECAR_SAMPLES_OUT"
fi

python3 "$repo/bench/sidecar/report.py" --samples-file "$work/samples" --settle "$settle" \
  --hwm "$hwm" --cpu-ticks "$((cpu1 - cpu0))" --ticks-per-second "$(getconf CLK_TCK)" \
  --elapsed "$elapsed" --target-samples "$demo_samples" --series "$series" \
  --scrapes "$((scrapes1 - scrapes0))" --health "$((health1 - health0))" \
  --store-bytes "$store0" "$store1" \
  --build "$agent_build_kind" --binary "$agent_build/agent/cmd/nova-agent"
