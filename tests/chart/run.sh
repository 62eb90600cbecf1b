#!/usr/bin/env bash
# The chart lints strictly, renders with defaults and with every option used, and the agent configuration it renders is accepted by
# the nova-agent binary itself (--check-config), rule files included.
set -euo pipefail
root=$1
agent=$2
chart="$root/deploy/helm/nova-agent"
helm=$("$root/scripts/helm.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The chart ships rules/default.yaml through a symlink, so the two can never drift apart.
cmp "$chart/files/default.yaml" "$root/rules/default.yaml"

"$helm" lint --strict "$chart"

cat >"$work/values.yaml" <<'VALUES'
policy:
  high: {investigate: 2m}
arming: {mode: always, interval: 2s}
rules:
  extra:
    checkout: |
      rules:
        - name: checkout_errors
          expr: sum(rate(nova_http_errors_total{route="/checkout"}[1m]))
          threshold: "> 1"
          for: 30s
          severity: medium
          summary: "checkout errors at {{ $value }}/s"
secretEnv:
  - {name: NOVA_AGENT_TOKEN, secretName: nova-agent, key: api-token}
apiTokenEnv: NOVA_AGENT_TOKEN
VALUES

check_render() {
  local name=$1
  shift
  "$helm" template t "$chart" -n ops "$@" >"$work/$name.yaml"
  # Lay the ConfigMap out as the pod sees it and let the agent validate it.
  /usr/bin/python3 - "$work/$name.yaml" "$work/$name" <<'PY'
import os, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = sorted(d["kind"] for d in docs)
assert kinds == ["ConfigMap", "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"], kinds
config = next(d for d in docs if d["kind"] == "ConfigMap")
deployment = next(d for d in docs if d["kind"] == "Deployment")
items = deployment["spec"]["template"]["spec"]["volumes"][0]["configMap"]["items"]
for item in items:
    path = os.path.join(sys.argv[2], item["path"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write(config["data"][item["key"]])
print("rendered", len(docs), "objects,", len(items), "config files")
PY
  NOVA_AGENT_TOKEN=test-token "$agent" --check-config --config "$work/$name/agent.yaml"
}

check_render defaults
check_render options -f "$work/values.yaml"
grep -q 'checkout_errors' "$work/options/rules/checkout.yaml"
grep -q "mode: always" "$work/options/agent.yaml"
if grep -q 'arming:' "$work/defaults/agent.yaml"; then
  echo "chart: the defaults render an arming section; the agent's own default should apply" >&2
  exit 1
fi
echo "chart: lint, render and agent config check passed"
