# Helpers for bench/footprint.sh: reading a process's footprint from /proc, and counters
# from a Prometheus text page. Sourced, not run.

# Peak resident set (VmHWM) of PID in KiB.
peak_rss_kib() {
  awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# Resident anonymous memory (RssAnon) of PID in KiB: heap and stacks, no file pages.
anon_rss_kib() {
  awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"
}

max() {
  echo $(($1 > $2 ? $1 : $2))
}

# User plus system CPU time of PID in clock ticks (fields 14 and 15 of /proc/PID/stat,
# counted after the parenthesised command name, which may hold spaces).
cpu_ticks() {
  local stat
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}

# Sum of the samples of metric NAME whose line also matches the extended regex FILTER
# (default: any), from the text page at URL. Prints 0 when none.
metric_sum() {
  local url=$1 name=$2 filter=${3:-.}
  curl -fsS --max-time 5 "$url" |
    awk -v name="$name" -v filter="$filter" '
      $0 !~ /^#/ && ($1 == name || index($1, name "{") == 1) && $0 ~ filter { sum += $NF }
      END { printf "%.0f\n", sum }'
}

# A TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to $2 seconds for URL $1 to answer 2xx.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS --max-time 1 -o /dev/null "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
