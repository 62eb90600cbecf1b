#!/usr/bin/env bash
# Installs the Debian packages a stage needs, only those that are missing.
#   scripts/deps.sh build    compilers' libraries and tools for building and unit tests
#   scripts/deps.sh test     build + the real servers the integration tests start
#   scripts/deps.sh fuzz     build + clang's libFuzzer runtime
#   scripts/deps.sh dashboard  build + npm (the page's charts), rsvg-convert (PNG charts) and
#                              Chromium (the browser test)
#   scripts/deps.sh image    build + podman (run by runc), mmdebstrap and python3-yaml for the image
set -euo pipefail

build_pkgs=(cmake ninja-build g++ ccache pkg-config clang-format clang-tidy python3
  prometheus-cpp-dev libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libyaml-cpp-dev libre2-dev libspdlog-dev doctest-dev libcli11-dev libssl-dev
  libhowardhinnant-date-dev)
test_pkgs=(curl openssl python3-yaml nginx prometheus prometheus-alertmanager)
fuzz_pkgs=(clang libclang-rt-14-dev)
dashboard_pkgs=(librsvg2-bin libcairo2-dev fonts-dejavu-core chromium)
# Debian's npm only where no npm is installed (a Node.js from elsewhere brings its own).
command -v npm >/dev/null 2>&1 || dashboard_pkgs+=(npm)
# crun refuses hybrid cgroups, so podman runs containers with runc; mmdebstrap makes the base
# image from Debian's packages, as no registry may be reachable.
image_pkgs=(podman runc mmdebstrap python3-yaml)

wanted=("${build_pkgs[@]}")
for stage in "$@"; do
  case "$stage" in
    build) ;;
    test) wanted+=("${test_pkgs[@]}") ;;
    fuzz) wanted+=("${fuzz_pkgs[@]}") ;;
    dashboard) wanted+=("${dashboard_pkgs[@]}") ;;
    image) wanted+=("${image_pkgs[@]}") ;;
    *) echo "deps.sh: unknown stage '$stage' (build, test, fuzz, dashboard, image)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "deps.sh: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: need root to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # Servers are installed for tests to start on loopback; their packaged services stay off.
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  for svc in nginx prometheus prometheus-alertmanager prometheus-node-exporter; do
    if systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
  done
fi
