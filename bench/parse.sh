#!/usr/bin/env bash
# Exposition parser throughput: nova::expo::Parser beside Prometheus's own parsers, in one run.
#
#   bench/parse.sh
#
# Anchors, all built from Debian packages at bench time (no Prometheus code is committed):
#   textparse  model/textparse PromParser (Prometheus's scrape parser) from Debian's prometheus
#              source package, in two modes (see below)
#   expfmt     client_golang's expfmt.TextParser (golang-github-prometheus-common-dev)
#   python     prometheus_client.parser (python3-prometheus-client) under /usr/bin/python3
#
# Two like-for-like pairs on every corpus, each pair run back to back:
#   steady     nova-views (label views, no allocation per sample) against textparse-steady
#              (Next() + Series(): the scrape cache's hit path)
#   labels     nova-labels (a nova::Labels built per sample) against textparse-labels
#              (Next() + Series() + Metric(): the cache-miss path)
#
# Environment:
#   NOVA_BENCH_BUILD_DIR  CMake build dir for nova_parse_bench (default <repo>/build-bench)
#   BENCH_MIN_SECONDS     time each parser at least this long per corpus (default 2)
#   BENCH_SIZES           corpus sizes in samples (default "1000 10000 100000")
#
# The last line is: parse-10k: nova_steady_mbps=A textparse_steady_mbps=B steady_ratio=A/B
# nova_labels_mbps=C textparse_labels_mbps=D labels_ratio=C/D expfmt_mbps=E python_mbps=F.
# Exits non-zero when the parsers disagree on a corpus's sample count.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${NOVA_BENCH_BUILD_DIR:-$repo/build-bench}
min_seconds=${BENCH_MIN_SECONDS:-2}
sizes=${BENCH_SIZES:-1000 10000 100000}
python=/usr/bin/python3
anchor_pkgs=(golang-go dpkg-dev xz-utils python3-prometheus-client
  golang-github-prometheus-common-dev golang-github-prometheus-client-model-dev
  golang-github-gogo-protobuf-dev golang-github-grafana-regexp-dev
  golang-github-cespare-xxhash-dev golang-github-pkg-errors-dev)

work=$(mktemp -d /tmp/nova-parse-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
log() { echo "parse.sh: $*" >&2; }

install_packages() {
  "$repo/scripts/deps.sh" build
  local missing=() pkg
  for pkg in "${anchor_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The Debian mirror this machine already uses for `main`, for a deb-src line of our own.
mirror_for() {
  local suffix=$1 found
  found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v '^[[:space:]]*#' |
    grep -oE '(https?://[^ ]+/'"$suffix"')/?( |$)' | head -n1 | tr -d ' ' || true)
  echo "${found%/}"
}

# Fetches prometheus's Debian source into $work/gopath with a private apt state, leaving the
# machine's /etc/apt and lists untouched.
fetch_prometheus_source() {
  local apt="$work/apt" codename main security keyring=""
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  main=$(mirror_for debian)
  security=$(mirror_for debian-security)
  main=${main:-http://deb.debian.org/debian}
  security=${security:-http://deb.debian.org/debian-security}
  [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] &&
    keyring="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/src"
  cat >"$apt/sources.list" <<EOF
deb-src ${keyring}$main $codename main
deb-src ${keyring}$main $codename-updates main
deb-src ${keyring}$security $codename-security main
EOF
  local opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update >"$apt/update.log" 2>&1 || {
    cat "$apt/update.log" >&2
    exit 1
  }
  (cd "$apt/src" && apt-get "${opts[@]}" source prometheus >"$apt/source.log" 2>&1) || {
    cat "$apt/source.log" >&2
    exit 1
  }
  local tree
  tree=$(find "$apt/src" -mindepth 1 -maxdepth 1 -type d -name 'prometheus-*' | head -n1)
  [ -f "$tree/model/textparse/promparse.go" ] || {
    log "no model/textparse in the prometheus source package"
    exit 1
  }
  log "prometheus source: $(basename "$tree")"
  mkdir -p "$work/gopath/src/github.com/prometheus"
  ln -s "$tree" "$work/gopath/src/github.com/prometheus/prometheus"
}

# GOPATH mode: our harness sources plus the prometheus tree in $work/gopath, every other
# import from the Debian -dev packages under /usr/share/gocode.
build_anchors() {
  ln -s "$repo/bench/anchors" "$work/gopath/src/novabench"
  mkdir -p "$build/bench-anchors"
  local name
  for name in textparse expfmt; do
    (cd "$work/gopath/src/novabench/$name" &&
      GO111MODULE=off GOFLAGS= GOPATH="$work/gopath:/usr/share/gocode" \
        GOCACHE="$build/bench-anchors/go-cache" go build -o "$build/bench-anchors/$name" .)
  done
}

build_nova() {
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work/cmake.log" ||
      { cat "$work/cmake.log" >&2; exit 1; }
  fi
  local type
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
  case "$type" in
    Release | RelWithDebInfo) ;;
    *) log "warning: $build is a '$type' build; numbers are only fair from -O2" ;;
  esac
  cmake --build "$build" --target nova_parse_bench -j2 >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; exit 1; }
}

# Runs one harness and appends "corpus parser fields..." to $work/results.
run_one() {
  local corpus=$1 out
  shift
  out=$("$@" 2>"$work/harness.err" | grep '^RESULT ') || {
    cat "$work/harness.err" >&2
    log "failed: $*"
    exit 1
  }
  echo "$corpus ${out#RESULT }" >>"$work/results"
}

label_for() { if (($1 % 1000 == 0)); then echo "$(($1 / 1000))k"; else echo "$1"; fi; }

run_all() {
  local n label file nova="$build/bench/parse/nova_parse_bench"
  local textparse="$build/bench-anchors/textparse"
  : >"$work/results"
  for n in $sizes; do
    label=$(label_for "$n")
    file="$work/corpus/corpus-$label.prom"
    log "corpus $label: $(stat -c %s "$file") bytes"
    # Each pair back to back, so a change in the machine's load hits both sides alike.
    run_one "$label" "$nova" views "$file" "$min_seconds"
    run_one "$label" "$textparse" steady "$file" "$min_seconds"
    run_one "$label" "$nova" labels "$file" "$min_seconds"
    run_one "$label" "$textparse" labels "$file" "$min_seconds"
    run_one "$label" "$build/bench-anchors/expfmt" "$file" "$min_seconds"
    run_one "$label" "$python" -E -s "$repo/bench/anchors/python/parse_bench.py" "$file" \
      "$min_seconds"
  done
}

# Table, sample-count cross-check and the summary line, from $work/results. Each row's vs_tp
# compares it with the textparse mode doing the same work: nova-views with textparse-steady,
# everything that materializes labels (nova-labels, expfmt, python) with textparse-labels.
report() {
  awk '
    function field(k,   i, kv) {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] }
      return ""
    }
    function pairOf(p) {
      return (p == "nova-views" || p == "textparse-steady") ? "textparse-steady" : "textparse-labels"
    }
    function mb(c, p) { return mbps[c SUBSEP p] }
    {
      c = $1; p = field("parser"); key = c SUBSEP p
      order[++rows] = key; corpus[key] = c; parser[key] = p
      mbps[key] = field("mbps"); sps[key] = field("sps"); samples[key] = field("samples")
      if (p == "textparse-labels") { want[c] = samples[key] }
    }
    END {
      printf "%-7s %-17s %10s %12s %10s %9s\n", "corpus", "parser", "MB/s", "samples/s", \
        "vs_tp", "samples"
      for (r = 1; r <= rows; r++) {
        k = order[r]; c = corpus[k]; base = mb(c, pairOf(parser[k]))
        ratio = base > 0 ? mbps[k] / base : 0
        printf "%-7s %-17s %10.1f %12.0f %9.2fx %9d\n", c, parser[k], mbps[k], sps[k], ratio, \
          samples[k]
      }
      # Every parser must count what Prometheus counts; a cheap cross-check of correctness.
      for (r = 1; r <= rows; r++) {
        k = order[r]; c = corpus[k]
        if (samples[k] != want[c]) {
          printf "WARNING: sample count mismatch on corpus %s: %s saw %d, textparse saw %d\n", \
            c, parser[k], samples[k], want[c]
          bad = 1
        }
      }
      c = "10k"
      if (mb(c, "textparse-steady") > 0 && mb(c, "textparse-labels") > 0) {
        printf "parse-10k: nova_steady_mbps=%.1f textparse_steady_mbps=%.1f steady_ratio=%.2f " \
          "nova_labels_mbps=%.1f textparse_labels_mbps=%.1f labels_ratio=%.2f " \
          "expfmt_mbps=%.1f python_mbps=%.1f\n", \
          mb(c, "nova-views"), mb(c, "textparse-steady"), \
          mb(c, "nova-views") / mb(c, "textparse-steady"), \
          mb(c, "nova-labels"), mb(c, "textparse-labels"), \
          mb(c, "nova-labels") / mb(c, "textparse-labels"), \
          mb(c, "expfmt"), mb(c, "python")
      }
      exit bad
    }' "$work/results"
}

install_packages
fetch_prometheus_source
build_anchors
build_nova
"$python" "$repo/bench/corpus/gen_corpus.py" "$work/corpus" $sizes >/dev/null
run_all
report
