#!/usr/bin/env bash
# The one-machine mission, no cluster: nginx on loopback in front of three nova-demo-service
# instances (v1.2.3 serving, v1.2.4 and v1.2.5 deployed beside it), steady client load
# through nginx the whole time, and two `novactl rollout`s guarded by nova-agent:
#   1. v1.2.4, a good version: pre-flight, snapshot hook, deploy hook, smoke tests, switch, a
#      shortened monitoring window, blue stopped: exit 0;
#   2. v1.2.5, a bad version that starts failing once traffic is on it: the agent rolls back,
#      `rollout` exits 4 and the incident report is printed.
# Prints each rollout's "rollout VERSION: OUTCOME (exit N)", "fault-to-blue: S s" and
# "failed client requests: N of M"; exits 0 when both outcomes are the expected ones.
# Installs missing Debian packages (as root), builds into build/, stops everything it
# started on exit.
#   NOVA_DEMO_FAULT='{"error_ratio":1.0}' scripts/demo.sh     another fault for v1.2.5 (the
#                                    JSON of POST /admin/faults, see examples/demo-service)
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
echo "== building nova-agent, novactl, nova-demo-service and nova-demo into build/"
log=$(mktemp)
if ! { cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  cmake --build build -j"${NOVA_JOBS:-2}" --target nova-agent novactl nova-demo-service nova-demo; } \
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

# Waits for "listening on HOST:PORT" as the first line of $2; sets $port.
port_of() {  # name file
  local n line
  for ((n = 0; n < 100; n++)); do
    line=$(grep -m 1 "^listening on " "$2" 2>/dev/null || true)
    if [ -n "$line" ]; then
      port=${line##*:}
      return
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "demo: $1 printed no port" >&2
  exit 1
}

# Starts nova-demo-service; sets $port and $pid.
start_service() {  # color version
  "$bin/examples/demo-service/nova-demo-service" --listen 127.0.0.1:0 --threads 2 \
    --color "$1" --version "$2" --ws-simulated 40 >"$work/$2.out" 2>"$work/$2.log" &
  pid=$!
  started "$2" $pid
  port_of "$2" "$work/$2.out"
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

# Blue serves; both new versions are deployed beside it (on hosts, the deploy hook would
# install and start them).
start_service blue v1.2.3
a_port=$port a_pid=$pid
start_service green v1.2.4
b_port=$port b_pid=$pid
start_service green v1.2.5
c_port=$port

# nginx on a free loopback port, everything in $work: config, pid, logs, the include.
nginx_port=$("$demo" free-port)
sed -e "s#@PREFIX@#$work#g" -e "s#@PORT@#$nginx_port#g" examples/demo/nginx.conf.in >"$work/nginx.conf"
echo "server 127.0.0.1:$a_port;" >"$work/upstream.conf"
"$nginx_bin" -p "$work/" -c "$work/nginx.conf" -e "$work/error.log" 2>>"$work/error.log" &
started nginx $!
nginx_url=http://127.0.0.1:$nginx_port
wait_for nginx "$nginx_url/health"
curl -fsS -D - -o /dev/null "$nginx_url/health" | grep -qi '^x-nova-version: v1.2.3' ||
  { echo "demo: nginx does not route to v1.2.3" >&2; exit 1; }

# Demo windows: the default rules and policy with the waits cut, so the run takes a minute.
# error_rate_high (> 5% errors over 1m, HIGH) counts after `for: 5s` instead of its default
# (long enough for a green that has just been given traffic to have a rate to judge), and
# HIGH rolls back after a 0s investigation instead of 5m. Everything else is default.
high_for=$(sed -n '/- name: error_rate_high/,/severity:/ s/^ *for: *//p' rules/default.yaml)
sed '/- name: error_rate_high/,/severity:/ s/^\( *for:\) .*$/\1 5s/' rules/default.yaml >"$work/rules.yaml"
if [ -z "$high_for" ] || cmp -s rules/default.yaml "$work/rules.yaml"; then
  echo "demo: could not shorten error_rate_high's for: in rules/default.yaml" >&2
  exit 1
fi
monitor_good=15s

cat <<INFO

== the mission on one machine
   v1.2.3  nova-demo-service  127.0.0.1:$a_port  (serving: blue of the first rollout)
   v1.2.4  nova-demo-service  127.0.0.1:$b_port  (green of the first rollout, blue of the second)
   v1.2.5  nova-demo-service  127.0.0.1:$c_port  (green of the second rollout; fails once live)
   nginx   $nginx_url -> v1.2.3 (upstream include $work/upstream.conf, rollout record beside it)
   agent   nova-agent beside each rollout's green: default rules and intervals, nginx switch,
           arming from the rollout record (shadow until green is live)
   load    4 keep-alive clients, 100 requests/s through nginx, from now to the end
   demo windows (shortened so the run takes a minute, not an hour):
     monitoring window  10m -> $monitor_good for v1.2.4 (rollout.yaml monitor.duration)
     error_rate_high    for: $high_for -> 5s   (rule copy in $work/rules.yaml)
     HIGH policy        page, investigate 5m -> 0s, roll back
   fault on v1.2.5 once it is live: $fault

INFO

"$demo" load --url "$nginx_url/api/v1/streams/active" --threads 4 --rate 100 \
  --blue-header X-Nova-Version --blue-value v1.2.4 --fault-mark "$work/fault-mark" \
  >"$work/load.out" 2>"$work/load.log" &
started load $!
load_pid=$!

# Starts nova-agent beside green; sets $agent_url.
start_agent() {  # name green_port blue_port blue_version
  "$bin/agent/cmd/nova-agent" --config examples/demo/agent.yaml \
    --set "target.health_url=http://127.0.0.1:$2/health" \
    --set "target.metrics_url=http://127.0.0.1:$2/metrics" \
    --set "rule_files=[$work/rules.yaml]" \
    --set "policy.high.investigate=0s" \
    --set "switch.upstream_file=$work/upstream.conf" \
    --set "switch.blue=127.0.0.1:$3" \
    --set "switch.green=127.0.0.1:$2" \
    --set "switch.pid_file=$work/nginx.pid" \
    --set "switch.verify_url=$nginx_url/health" \
    --set "switch.verify_value=$4" \
    --set "state_file=$work/agent-state.json" \
    >"$work/$1.log" 2>&1 &
  agent_pid=$!
  started "$1" "$agent_pid"
  port_of "$1" "$work/$1.log"
  agent_url=http://127.0.0.1:$port
}

# rollout.yaml for one rollout, from examples/demo/rollout.yaml.in.
rollout_config() {  # file blue_port blue_version blue_pid green_port green_version monitor
  sed -e "s#@WORK@#$work#g" -e "s#@NGINX@#$nginx_url#g" -e "s#@AGENT@#$agent_url#g" \
    -e "s#@BLUE@#127.0.0.1:$2#g" -e "s#@BLUE_VERSION@#$3#g" -e "s#@BLUE_PID@#$4#g" \
    -e "s#@GREEN@#127.0.0.1:$5#g" -e "s#@GREEN_VERSION@#$6#g" -e "s#@MONITOR@#$7#g" \
    examples/demo/rollout.yaml.in >"$1"
}

outcome_of() {  # exit code, as novactl's table names it
  case $1 in
    0) echo succeeded ;; 3) echo failed_before_switch ;; 4) echo rolled_back ;;
    5) echo refused ;; 6) echo timed_out ;; 7) echo needs_person ;; 8) echo parked ;;
    130 | 143) echo interrupted ;; *) echo error ;;
  esac
}

# Runs novactl rollout, its progress lines (stderr) on the screen; sets $code to its exit
# code. Its log lines (stdout) stay in the folder.
rollout() {  # config version id
  : >"$work/novactl-$3.progress"
  "$bin/agent/cmd/novactl" rollout -f "$1" --version "$2" --rollout-id "$3" \
    --window-override "demo on one machine" --events "$work/events-$3.jsonl" \
    >"$work/novactl-$3.log" 2>"$work/novactl-$3.progress" &
  local pid=$!
  started "novactl-$3" "$pid"
  tail -s 0.1 -n +1 -f --pid="$pid" "$work/novactl-$3.progress" | sed -u 's/^/   /' &
  local shown=$!
  code=0
  wait "$pid" || code=$?
  wait "$shown" || true
}

echo "== rollout 1: v1.2.4 (good); the agent beside it starts in shadow"
start_agent agent-1 "$b_port" "$a_port" v1.2.3
rollout_config "$work/rollout-1.yaml" "$a_port" v1.2.3 "$a_pid" "$b_port" v1.2.4 "$monitor_good"
rollout "$work/rollout-1.yaml" v1.2.4 demo-1
code_good=$code
echo "rollout v1.2.4: $(outcome_of "$code_good") (exit $code_good)"
kill -TERM "$agent_pid" 2>/dev/null || true  # agent-1: its rollout is finished
wait "$agent_pid" 2>/dev/null || true

echo
echo "== rollout 2: v1.2.5 (bad: fails once traffic is on it); a new agent beside it"
start_agent agent-2 "$c_port" "$b_port" v1.2.4
rollout_config "$work/rollout-2.yaml" "$b_port" v1.2.4 "$b_pid" "$c_port" v1.2.5 1m
# The fault comes once the switch is verified and the monitoring window runs.
(
  for ((n = 0; n < 600; n++)); do
    grep -q '"phase":"monitor"' "$work/events-demo-2.jsonl" 2>/dev/null && break
    sleep 0.1
  done
  sleep 1
  date +%s%3N >"$work/fault-mark.tmp"
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d "$fault" \
    "http://127.0.0.1:$c_port/admin/faults" && mv "$work/fault-mark.tmp" "$work/fault-mark"
  echo "   $(date -u +%H:%M:%S) fault injected on v1.2.5: POST /admin/faults $fault"
) &
started fault-injector $!
rollout "$work/rollout-2.yaml" v1.2.5 demo-2
code_bad=$code
echo "rollout v1.2.5: $(outcome_of "$code_bad") (exit $code_bad)"

echo
echo "== the agents' log: arming, shadow and the rollback"
for agent in agent-1 agent-2; do
  # In shadow before the switch: the first thing it would have done, and that it did not.
  grep -m 1 'shadow: would' "$work/$agent.log" || true
  grep -E 'arming: record|armed for rollout|disarmed|discarding the restored state|^[^ ]+ [a-z]+ decision .*action=(page|rollback)|rollback of incident .* done' \
    "$work/$agent.log" || true
done | sed 's/^/   /' | cut -c1-200
report=$work/reports/demo-2-report.md
if [ -f "$report" ]; then
  echo
  echo "== incident report ($report)"
  sed 's/^/   /' "$report"
fi

sleep 1  # the load sees blue answer for a moment
kill -TERM "$load_pid"
wait "$load_pid" || true
echo
cat "$work/load.out"
echo "rollout v1.2.4: $(outcome_of "$code_good") (exit $code_good)"
echo "rollout v1.2.5: $(outcome_of "$code_bad") (exit $code_bad)"
if [ "$code_good" -ne 0 ] || [ "$code_bad" -ne 4 ]; then
  echo "demo: expected v1.2.4 to succeed (exit 0) and v1.2.5 to be rolled back (exit 4)" >&2
  exit 1
fi
grep -q '^fault-to-blue: [0-9]' "$work/load.out" || { echo "demo: traffic never reached v1.2.4" >&2; exit 1; }
