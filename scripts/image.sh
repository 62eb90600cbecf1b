#!/usr/bin/env bash
# Builds the container image of deploy/image/Dockerfile under the name the chart deploys by
# default, tests it (tests/image/image_test.py) and prints its size.
#
#   scripts/image.sh [--build-dir DIR]   pack DIR's nova-agent and novactl (default: build),
#                                        the Dockerfile's `prebuilt` target: no second compile
#   scripts/image.sh --from-source       the Dockerfile's default target: compile in the image
#
# Needs no registry: the Debian base the Dockerfile starts from is made with mmdebstrap and
# kept in $NOVA_TOOL_CACHE/image (default ~/.cache/nova/image; remade after 30 days), unless
# podman already holds that image. Installs what it needs (scripts/deps.sh image).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build_dir=build
from_source=0
while (($#)); do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --from-source) from_source=1; shift ;;
    *) echo "image.sh: unknown argument '$1' (--build-dir DIR, --from-source)" >&2; exit 2 ;;
  esac
done

started=$(date +%s.%N)
scripts/deps.sh image
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cache=${NOVA_TOOL_CACHE:-$HOME/.cache/nova}/image
mkdir -p "$cache"
# The two settings podman needs on these machines (hybrid cgroups v1, no rlimit changes);
# the Dockerfile itself depends on neither.
printf '[containers]\ndefault_ulimits = []\n' >"$cache/containers.conf"
export CONTAINERS_CONF="$cache/containers.conf" NOVA_OCI_RUNTIME=runc
pm() { podman --runtime "$NOVA_OCI_RUNTIME" "$@"; }

# The base the Dockerfile names. One made here carries the label nova.base.stamp (its
# tarball's time), so a remade tarball replaces it; a pulled one is used as it is.
base=$(sed -n 's/^ARG DEBIAN_IMAGE=//p' deploy/image/Dockerfile)
stamp=$(pm image inspect --format '{{index .Labels "nova.base.stamp"}}' "$base" 2>/dev/null ||
  echo missing)
if [ "$stamp" = missing ] || [ -n "$stamp" ]; then
  tarball="$cache/debian-bookworm-minbase.tar"
  if [ ! -s "$tarball" ] || [ -n "$(find "$tarball" -mtime +30)" ]; then
    echo "image.sh: making the base $base with mmdebstrap"
    # minbase has apt, which the Dockerfile's stages use; the merged-usr hook keeps perl out.
    # (mmdebstrap picks the format by the name's extension: .tar)
    partial="$cache/partial-base.tar"
    mmdebstrap --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr bookworm \
      "$partial" >"$work/mmdebstrap.log" 2>&1 || { cat "$work/mmdebstrap.log" >&2; exit 1; }
    mv "$partial" "$tarball"
  fi
  mtime=$(stat -c %Y "$tarball")
  if [ "$stamp" != "$mtime" ]; then
    echo "image.sh: importing $tarball as $base"
    pm import --quiet --change "LABEL nova.base.stamp=$mtime" "$tarball" "$base" >/dev/null
  fi
fi

# The name and tag the chart deploys by default.
"$(scripts/helm.sh)" template nova deploy/helm/nova-agent --show-only templates/deployment.yaml \
  >"$work/deployment.yaml" 2>"$work/helm.log" || { cat "$work/helm.log" >&2; exit 1; }
image=$(python3 -c 'import sys, yaml
print(yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]["image"])' \
  "$work/deployment.yaml")
version=$(sed -n 's/^project(nova VERSION \([^ ]*\) .*/\1/p' CMakeLists.txt)
revision=$(git rev-parse HEAD 2>/dev/null || true)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
args=(--network host --pull=never -f deploy/image/Dockerfile -t "$image")
for arg in "VERSION=$version" "REVISION=$revision" "CREATED=$created"; do
  args+=(--build-arg "$arg")
done
previous=$(pm image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)

# The build's output goes to a log, shown when the build fails.
build() { pm build "$@" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }; }
if [ "$from_source" = 1 ]; then
  echo "image.sh: building $image from source"
  build "${args[@]}" .
else
  context="$work/context"
  mkdir "$context"
  for bin in nova-agent novactl; do
    if [ ! -x "$build_dir/agent/cmd/$bin" ]; then
      echo "image.sh: $build_dir/agent/cmd/$bin is missing: build nova-agent and novactl first" >&2
      exit 1
    fi
    strip --strip-unneeded -o "$context/$bin" "$build_dir/agent/cmd/$bin"
  done
  echo "image.sh: building $image from $build_dir's binaries"
  build "${args[@]}" --target prebuilt "$context"
fi
# The labels that name this build go on in a step of their own, never taken from the cache:
# buildah reuses a whole cached image, labels and all, when its layers are unchanged (a commit
# that changes only tests strips to the same binaries), whatever --build-arg or --label says.
labels="$work/labels"
mkdir "$labels"
{
  echo "FROM $image"
  printf 'LABEL org.opencontainers.image.version="%s" org.opencontainers.image.revision="%s" \\\n' \
    "$version" "$revision"
  printf '      org.opencontainers.image.created="%s"\n' "$created"
} >"$labels/Dockerfile"
build --network host --pull=never --no-cache -t "$image" "$labels"
current=$(pm image inspect --format '{{.Id}}' "$image")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
  pm rmi "$previous" >/dev/null 2>&1 || true # still used by a container: keep it
fi

python3 tests/image/image_test.py --root "$root" --image "$image"

# Size as stored locally, and as a registry would hold it (gzip-compressed layers).
layout="$work/layout"
pm push --quiet --compression-format gzip "$image" "oci:$layout:image" >/dev/null
compressed=$(python3 - "$layout" <<'PY'
import json, os, sys
blobs = os.path.join(sys.argv[1], "blobs", "sha256")
index = json.load(open(os.path.join(sys.argv[1], "index.json")))
manifest = json.load(open(os.path.join(blobs, index["manifests"][0]["digest"].split(":")[1])))
print(sum(layer["size"] for layer in manifest["layers"]))
PY
)
size=$(pm image inspect --format '{{.Size}}' "$image")
awk -v image="$image" -v size="$size" -v gz="$compressed" -v t0="$started" -v t1="$(date +%s.%N)" \
  'BEGIN { printf "image: %s, %.1f MB (%.1f MB compressed), built and tested in %.0f s\n",
    image, size / 1e6, gz / 1e6, t1 - t0 }'
