# Starting nova-demo-service and nova-agent for the benchmarks that run them (footprint.sh,
# sidecar.sh). Sourced, not run: the caller defines $repo, $build and log(), sources proc.sh
# first and calls begin_run before starting anything.

# Creates $work (a temporary folder named after $1) and the empty array `pids`, and traps
# exit so every process started is stopped and $work removed.
begin_run() {
  work=$(mktemp -d "/tmp/nova-$1.XXXXXX")
  pids=()
  trap 'stop_started; rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
}

# Starts the demo service on a free loopback port with $1 synthetic series; sets demo_pid,
# demo_port and demo_samples (sample lines of one /metrics page).
start_demo() {
  "$build/examples/demo-service/nova-demo-service" --listen 127.0.0.1:0 \
    --extra-series "$1" >"$work/demo.out" 2>"$work/demo.err" &
  pids+=($!)
  demo_pid=$!
  local deadline=$((SECONDS + 10))
  until grep -q "listening on" "$work/demo.out" 2>/dev/null; do
    ((SECONDS < deadline)) || { log "nova-demo-service did not start"; exit 1; }
    sleep 0.1
  done
  demo_port=$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$work/demo.out" | head -n1)
  demo_samples=$(curl -fsS "http://127.0.0.1:$demo_port/metrics" | grep -cv '^#' || true)
}

# Starts nova-agent on the demo service with bench/footprint/agent.yaml.in (dry-run switch,
# rules/default.yaml, 1 s scrapes, 500 ms health probes) and waits for it to answer; sets
# agent_pid and agent_port.
start_agent() {
  agent_port=$(free_port)
  sed -e "s|@DEMO_PORT@|$demo_port|g" -e "s|@AGENT_PORT@|$agent_port|g" \
    -e "s|@REPO@|$repo|g" "$repo/bench/footprint/agent.yaml.in" >"$work/agent.yaml"
  # The image's environment (deploy/image/Dockerfile): GnuTLS, which nothing uses, left
  # uninitialised.
  GNUTLS_NO_IMPLICIT_INIT=1 "$build/agent/cmd/nova-agent" --config "$work/agent.yaml" \
    >"$work/agent.log" 2>&1 &
  pids+=($!)
  agent_pid=$!
  wait_http "http://127.0.0.1:$agent_port/healthz" 15 ||
    { log "nova-agent did not start:"; tail -n 20 "$work/agent.log" >&2; exit 1; }
}

# Builds nova-agent and nova-demo-service (RelWithDebInfo) in $build, unless $1 is non-empty.
build_agent_and_demo() {
  if [[ -n ${1:-} ]]; then
    return
  fi
  local out
  if [[ ! -f $build/CMakeCache.txt ]]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  if ! out=$(cmake --build "$build" --target nova-agent nova-demo-service -j2 2>&1); then
    log "build failed:"
    tail -n 30 <<<"$out" >&2
    exit 1
  fi
}

# Stops every process in `pids` and waits for each: the caller's exit trap.
stop_started() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
