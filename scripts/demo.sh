#!/usr/bin/env bash
# The one-machine demo, no cluster: nginx on loopback in front of blue (v1.2.3) and green
# (v1.2.4) nova-demo-service instances, traffic on green, steady client load through nginx.
# After a few seconds green starts failing; nova-agent sees it, flips nginx back to blue,
# and the demo prints the timeline, "fault-to-blue: S s" and "failed client requests: N of M".
# Installs missing Debian packages (as root), builds into build/, stops everything it
# started on exit.
#   scripts/demo.sh                  errors on half of green's API answers (HIGH path)
#   NOVA_DEMO_FAULT='{"error_ratio":1.0}' scripts/demo.sh     another fault (same JSON as
#                                    POST /admin/faults, see examples/demo-service)
#   NOVA_DEMO_KEEP=1 scripts/demo.sh keeps the logs and configuration in /tmp/nova-demo.*
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
# The agent's log times are read back by nova-demo, which takes them as UTC.
export TZ=UTC
fault=${NOVA_DEMO_FAULT:-'{"error_ratio":0.5}'}
nginx_bin=/usr/sbin/nginx

echo "== dependencies (scripts/deps.sh build test)"
scripts/deps.sh build test
echo "== building nova-agent, nova-demo-service and nova-demo into build/"
log=$(mktemp)
if ! { cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  cmake --build build -j"${NOVA_JOBS:-2}" --target nova-agent nova-demo-service nova-demo; } \
  >"$log" 2>&1; then
  cat "$log"
  exit 1
fi
rm -f "$log"
bin=build
demo=$bin/examples/demo/nova-demo

work=$(mktemp -d /tmp/nova-demo.XXXXXX)
chmod 755 "$work"  # nginx workers (nobody, when run as root) pass through it
pids=()
names=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
  done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    local pid=${pids[i]} n
    for ((n = 0; n < 50; n++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "demo: ${names[i]} (pid $pid) did not stop; killing it" >&2
      # nginx's workers are its children: take them down with the master.
      for child in $(grep -l "^PPid:[[:space:]]*$pid\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3); do
        kill -KILL "$child" 2>/dev/null || true
      done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ]; then
    echo "demo: failed (exit $status); logs:" >&2
    for f in "$work"/*.log; do echo "--- $f" >&2; tail -n 20 "$f" >&2; done
  fi
  if [ -n "${NOVA_DEMO_KEEP:-}" ]; then
    echo "demo: logs kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started() {  # name pid
  names+=("$1")
  pids+=("$2")
}

# Starts nova-demo-service; sets $port from its "listening on" line.
start_service() {  # color version
  "$bin/examples/demo-service/nova-demo-service" --listen 127.0.0.1:0 --threads 2 \
    --color "$1" --version "$2" --ws-simulated 40 >"$work/$1.out" 2>"$work/$1.log" &
  started "$1" $!
  local n line
  for ((n = 0; n < 100; n++)); do
    line=$(head -n 1 "$work/$1.out" 2>/dev/null || true)
    if [[ $line == "listening on "* ]]; then
      port=${line##*:}
      return
    fi
    sleep 0.1
  done
  echo "demo: $1 printed no port" >&2
  exit 1
}

wait_for() {  # what url
  local n
  for ((n = 0; n < 100; n++)); do
    curl -fsS -o /dev/null --max-time 1 "$2" 2>/dev/null && return
    sleep 0.1
  done
  echo "demo: $1 does not answer at $2" >&2
  exit 1
}

start_service blue v1.2.3
blue_port=$port
start_service green v1.2.4
green_port=$port

# nginx on a free loopback port, everything in $work: config, pid, logs, the include.
nginx_port=$("$demo" free-port)
sed -e "s#@PREFIX@#$work#g" -e "s#@PORT@#$nginx_port#g" examples/demo/nginx.conf.in >"$work/nginx.conf"
echo "server 127.0.0.1:$green_port;" >"$work/upstream.conf"
"$nginx_bin" -p "$work/" -c "$work/nginx.conf" -e "$work/error.log" 2>>"$work/error.log" &
started nginx $!
nginx_url=http://127.0.0.1:$nginx_port
wait_for nginx "$nginx_url/health"
curl -fsS -D - -o /dev/null "$nginx_url/health" | grep -qi '^x-nova-version: v1.2.4' ||
  { echo "demo: nginx does not route to green" >&2; exit 1; }

# Demo windows: the default rules and policy with the waits cut, so the run takes seconds.
# error_rate_high (> 5% errors over 1m, HIGH) counts after `for: 0s` instead of its default, and
# HIGH rolls back after a 0s investigation instead of 5m. Everything else is default.
high_for=$(sed -n '/- name: error_rate_high/,/severity:/ s/^ *for: *//p' rules/default.yaml)
sed '/- name: error_rate_high/,/severity:/ s/^\( *for:\) .*$/\1 0s/' rules/default.yaml >"$work/rules.yaml"
if [ -z "$high_for" ] || cmp -s rules/default.yaml "$work/rules.yaml"; then
  echo "demo: could not shorten error_rate_high's for: in rules/default.yaml" >&2
  exit 1
fi
"$bin/agent/cmd/nova-agent" --config examples/demo/agent.yaml \
  --set "target.health_url=http://127.0.0.1:$green_port/health" \
  --set "target.metrics_url=http://127.0.0.1:$green_port/metrics" \
  --set "rule_files=[$work/rules.yaml]" \
  --set "policy.high.investigate=0s" \
  --set "switch.upstream_file=$work/upstream.conf" \
  --set "switch.blue=127.0.0.1:$blue_port" \
  --set "switch.green=127.0.0.1:$green_port" \
  --set "switch.pid_file=$work/nginx.pid" \
  --set "switch.verify_url=$nginx_url/health" \
  --set "state_file=$work/agent-state.json" \
  >"$work/agent.log" 2>&1 &
started nova-agent $!
for ((n = 0; n < 100; n++)); do
  grep -q "first successful scrape" "$work/agent.log" && break
  kill -0 "${pids[-1]}" 2>/dev/null || { echo "demo: nova-agent exited" >&2; exit 1; }
  sleep 0.1
done

cat <<INFO

== the demo on one machine
   blue   nova-demo-service v1.2.3  http://127.0.0.1:$blue_port
   green  nova-demo-service v1.2.4  http://127.0.0.1:$green_port
   nginx  $nginx_url -> green (upstream include $work/upstream.conf)
   agent  nova-agent: default rules and intervals (health 500ms, metrics 1s), nginx switch
   demo windows (shortened so the run takes seconds, not minutes):
     error_rate_high  for: $high_for -> 0s   (rule copy in $work/rules.yaml)
     HIGH policy      page, investigate 5m -> 0s (--set policy.high.investigate=0s), roll back
   fault: $fault on green (HIGH path: error rate > 5%)

INFO
# In the background and waited for, so Ctrl-C and SIGTERM reach the trap at once.
"$demo" run --nginx "$nginx_url" --fault-url "http://127.0.0.1:$green_port/admin/faults" \
  --fault "$fault" --agent-log "$work/agent.log" --warmup 5s --threads 4 --rate 100 &
started nova-demo $!
wait "${pids[-1]}"
