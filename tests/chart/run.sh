#!/usr/bin/env bash
# The chart lints strictly and renders in both shapes (standalone with and without
# discovery, every option used, the CI Role for an Ingress and an HTTPRoute, and the sidecar
# example that includes the agent's container); each render holds exactly the objects, Roles
# and agent configuration it should (check_render.py), and the agent configuration it
# renders is accepted by the nova-agent binary itself (--check-config), rule files included.
# The agent's Roles and the CI Role allow exactly the requests nova-agent and novactl send
# (agent_role_check, ci_role_check against the fake API server), and the CI examples call only novactl commands and flags that exist.
set -euo pipefail
root=$1
agent=$2
novactl=$3
ci_role_check=$4
agent_role_check=$5
here=$(cd "$(dirname "$0")" && pwd)
chart="$root/deploy/helm/nova-agent"
sidecar="$root/examples/agent/sidecar"
helm=$("$root/scripts/helm.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The chart ships rules/default.yaml through a symlink, so the two can never drift apart.
cmp "$chart/files/default.yaml" "$root/rules/default.yaml"
# The example's subchart is the chart itself, through a symlink.
[ "$(cd "$sidecar/charts/nova-agent" && pwd -P)" = "$(cd "$chart" && pwd -P)" ]

"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" --set shape=sidecar --set serviceAccount.create=false
"$helm" lint --strict "$sidecar"

cat >"$work/options.values.yaml" <<'VALUES'
policy:
  high: {investigate: 2m}
arming: {mode: always, interval: 2s}
discovery:
  namespace: production-green
  port: 8081
  labels: {tier: api}
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

cat >"$work/kube.values.yaml" <<'VALUES'
replicas: 2
switch:
  type: kubernetes-ingress
  settings:
    target: null
    namespace: production
    ingress: api-ingress
    blue_service: user-service-blue
    green_service: user-service-green
    blue_deployment: user-service-blue
ci:
  rbac:
    create: true
    serviceAccount: {name: deployer, namespace: ci}
    greenDeployment: user-service-green
    green:
      namespace: production-green
      configMaps: [user-service-config]
      secrets: [user-service-db]
      deployment: user-service-green
    nodes: true
VALUES

sed -e 's/kubernetes-ingress/gateway-httproute/' -e 's/ingress: api-ingress/httproute: api-ingress/' \
  -e 's/create: true/create: true\n    switchType: gateway-httproute/' \
  "$work/kube.values.yaml" >"$work/httproute.values.yaml"

# Outside a pod there is no in-cluster configuration: a render that uses it must fail the
# check for exactly that reason, and pass once an API server is named the way a pod's
# environment would name it (nothing is contacted by --check-config).
check_config() {
  local name=$1 in_cluster=$2
  shift 2
  local out="$work/$name.check"
  if [ -n "$in_cluster" ]; then
    if NOVA_AGENT_TOKEN=test-token "$agent" --check-config --config "$work/$name/agent.yaml" >"$out" 2>&1; then
      echo "chart: $name: --check-config passed outside a cluster; the render does not use in-cluster credentials" >&2
      exit 1
    fi
    grep -q "$in_cluster: in-cluster config: not in cluster" "$out" || {
      cat "$out" >&2
      echo "chart: $name: --check-config failed for another reason than the missing cluster" >&2
      exit 1
    }
  fi
  NOVA_AGENT_TOKEN=test-token "$agent" --check-config --config "$work/$name/agent.yaml" "$@" >"$out"
  echo "chart: $name: nova-agent --check-config passed"
}

# render NAME EXPECT_JSON CHART HELM_ARGS...: helm template, check_render.py.
render() {
  local name=$1 expect=$2 source=$3
  shift 3
  "$helm" template t "$source" -n ops "$@" >"$work/$name.yaml" 2>"$work/$name.log" || {
    cat "$work/$name.log" >&2
    exit 1
  }
  printf '%s' "$expect" >"$work/$name.expect.json"
  /usr/bin/python3 "$here/check_render.py" "$work/$name.yaml" "$work/$name" "$work/$name.expect.json"
}

discovery_role='{"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"],
                 "verbs": ["list", "watch"]}'
# Leader election: get and update on the named Lease; create cannot be narrowed by name.
leader_rules() {  # LEASE
  cat <<JSON
[{"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "resourceNames": ["$1"],
  "verbs": ["get", "update"]},
 {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]}]
JSON
}
leader_config() {  # NAMESPACE LEASE
  echo "{\"namespace\": \"$1\", \"name\": \"$2\", \"lease_duration\": \"15s\",
         \"renew_deadline\": \"10s\", \"retry_period\": \"2s\"}"
}
agent_switch_rules='[
  {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses"],
   "resourceNames": ["api-ingress"], "verbs": ["get", "patch"]},
  {"apiGroups": ["apps"], "resources": ["deployments"],
   "resourceNames": ["user-service-blue"], "verbs": ["get"]},
  {"apiGroups": ["apps"], "resources": ["deployments/scale"],
   "resourceNames": ["user-service-blue"], "verbs": ["get", "patch"]}]'
ci_rules() {  # GROUP RESOURCE: the CI Role's rules for that traffic object
  cat <<JSON
[{"apiGroups": ["$1"], "resources": ["$2"], "resourceNames": ["api-ingress"],
  "verbs": ["get", "patch"]},
 {"apiGroups": ["apps"], "resources": ["deployments"],
  "resourceNames": ["user-service-blue", "user-service-green"], "verbs": ["get"]},
 {"apiGroups": ["apps"], "resources": ["deployments/scale"],
  "resourceNames": ["user-service-blue"], "verbs": ["get", "patch"]},
 {"apiGroups": ["apps"], "resources": ["deployments/scale"],
  "resourceNames": ["user-service-green"], "verbs": ["patch"]}]
JSON
}
standalone='"containers": ["nova-agent"], "readiness": true'
kinds_standalone='"ConfigMap", "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"'

# Defaults: discovery of green's Service in the release namespace, a dry-run switch (no Role
# for it), the discovery Role.
render defaults "{$standalone, \"kinds\": [$kinds_standalone], \"leader_election\": null,
  \"discovery\": {\"kind\": \"kubernetes\", \"namespace\": \"ops\",
                  \"service\": \"user-service-green\", \"port\": \"http\"},
  \"roles\": {\"t-nova-agent-discovery\": [$discovery_role]}}" "$chart"
check_config defaults target.discovery --set target.discovery.server=https://127.0.0.1:6443

# Blue as the baseline: blue's pods through its Service. In green's namespace the discovery
# Role already allows listing slices; in a namespace of its own blue gets a Role there.
baseline_config() {  # NAMESPACE
  echo "{\"discovery\": {\"kind\": \"kubernetes\", \"namespace\": \"$1\",
                         \"service\": \"user-service-blue\", \"port\": \"http\"},
         \"metrics_path\": \"/metrics\", \"interval\": \"10s\", \"window\": \"10m\",
         \"keep\": \"1h\"}"
}
green_discovery='"discovery": {"kind": "kubernetes", "namespace": "ops",
                               "service": "user-service-green", "port": "http"}'
render baseline-shared "{$standalone, \"kinds\": [$kinds_standalone], \"leader_election\": null,
  $green_discovery, \"baseline\": $(baseline_config ops),
  \"roles\": {\"t-nova-agent-discovery\": [$discovery_role]}}" "$chart" \
  --set baseline.enabled=true
render baseline-own "{$standalone, \"kinds\": [\"ConfigMap\", \"Deployment\", \"Role\", \"Role\",
  \"RoleBinding\", \"RoleBinding\", \"Service\", \"ServiceAccount\"], \"leader_election\": null,
  $green_discovery, \"baseline\": $(baseline_config production-blue),
  \"roles\": {\"t-nova-agent-discovery\": [$discovery_role],
              \"t-nova-agent-baseline\": [$discovery_role]}}" "$chart" \
  --set baseline.enabled=true --set baseline.namespace=production-blue
check_config baseline-own target.discovery --set target.discovery.server=https://127.0.0.1:6443 \
  --set baseline.discovery.server=https://127.0.0.1:6443

render options "{$standalone, \"kinds\": [$kinds_standalone],
  \"discovery\": {\"kind\": \"kubernetes\", \"namespace\": \"production-green\",
                  \"service\": \"user-service-green\", \"port\": \"8081\",
                  \"labels\": {\"tier\": \"api\"}},
  \"roles\": {\"t-nova-agent-discovery\": [$discovery_role]}}" "$chart" -f "$work/options.values.yaml"
check_config options target.discovery --set target.discovery.server=https://127.0.0.1:6443
grep -q 'checkout_errors' "$work/options/rules/checkout.yaml"
grep -q "mode: always" "$work/options/agent.yaml"
if grep -q 'arming:' "$work/defaults/agent.yaml"; then
  echo "chart: the defaults render an arming section; the agent's own default should apply" >&2
  exit 1
fi
/usr/bin/python3 - "$work/options.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
(role,) = [d for d in docs if d["kind"] == "Role"]
assert role["metadata"]["namespace"] == "production-green", role["metadata"]
PY

# Discovery off: the single URL, and no RBAC at all with the dry-run switch.
render single "{$standalone, \"kinds\": [\"ConfigMap\", \"Deployment\", \"Service\", \"ServiceAccount\"],
  \"discovery\": null, \"roles\": {},
  \"target\": {\"health_url\": \"http://user-service-green.production-green.svc:8081/health\",
             \"metrics_url\": \"http://user-service-green.production-green.svc:8081/metrics\"}}" \
  "$chart" --set discovery.enabled=false
check_config single ""

# A Kubernetes switch and the CI Role: the agent's switch Role, the discovery Role and the
# CI Role, each exactly what the code calls.
# Two replicas: leader election on a Lease, with a Role of its own.
kinds_kube='"ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Role", "Role", "Role", "Role", "Role", "RoleBinding", "RoleBinding", "RoleBinding", "RoleBinding", "RoleBinding", "Service", "ServiceAccount"'
# The CI's Role in green's namespace (the built-in pre-flight checks and deploy) and its
# ClusterRole for the nodes check, as kube.values.yaml asks for them.
ci_green_rules='[
  {"apiGroups": [""], "resources": ["namespaces"], "resourceNames": ["production-green"],
   "verbs": ["get"]},
  {"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]},
  {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["user-service-config"],
   "verbs": ["get"]},
  {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["user-service-db"],
   "verbs": ["get"]},
  {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["user-service-green"],
   "verbs": ["get", "patch"]}]'
ci_cluster_roles='{"t-nova-agent-ci-nodes": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}]}'
render kube "{$standalone, \"kinds\": [$kinds_kube],
  \"leader_election\": $(leader_config ops t-nova-agent),
  \"discovery\": {\"kind\": \"kubernetes\", \"namespace\": \"ops\",
                  \"service\": \"user-service-green\", \"port\": \"http\"},
  \"roles\": {\"t-nova-agent\": $agent_switch_rules,
            \"t-nova-agent-discovery\": [$discovery_role],
            \"t-nova-agent-leader\": $(leader_rules t-nova-agent),
            \"t-nova-agent-ci\": $(ci_rules networking.k8s.io ingresses),
            \"t-nova-agent-ci-green\": $ci_green_rules},
  \"cluster_roles\": $ci_cluster_roles}" "$chart" -f "$work/kube.values.yaml"
check_config kube "switch: kubernetes-ingress" --set switch.server=https://127.0.0.1:6443 \
  --set target.discovery.server=https://127.0.0.1:6443 --set leader_election.server=https://127.0.0.1:6443
/usr/bin/python3 - "$work/kube.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
(ci,) = [d for d in docs if d["kind"] == "RoleBinding" and d["metadata"]["name"] == "t-nova-agent-ci"]
assert ci["metadata"]["namespace"] == "production", ci["metadata"]
assert ci["subjects"] == [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}], ci
PY

# The CI Roles against what novactl really sends: a rollout (with the built-in pre-flight
# checks and deploy), a full rollback and a status against the fake API server, every
# request allowed, every grant used.
# The agent's Roles likewise: the agent runs the rendered configuration against the fake
# API server, discovers, reads the record and rolls back.
/usr/bin/python3 - "$work/kube.yaml" "$work" <<'PY'
import json, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
for role in (d for d in docs if d["kind"] in ("Role", "ClusterRole")):
    json.dump(role, open(f"{sys.argv[2]}/{role['metadata']['name']}.role.json", "w"))
PY
"$ci_role_check" "$work/t-nova-agent-ci.role.json" "$work/t-nova-agent-ci-green.role.json" \
  "$work/t-nova-agent-ci-nodes.role.json" >"$work/ci-role.log" 2>&1 || {
  cat "$work/ci-role.log" >&2
  exit 1
}
tail -1 "$work/ci-role.log"
"$agent_role_check" "$agent" "$work/kube" "$work/t-nova-agent.role.json" \
  "$work/t-nova-agent-discovery.role.json" "$work/t-nova-agent-leader.role.json" \
  >"$work/agent-role.log" 2>&1 || {
  cat "$work/agent-role.log" >&2
  exit 1
}
tail -1 "$work/agent-role.log"

# novactl against an HTTPRoute: the CI Role names the Gateway API's group and resource.
render httproute "{$standalone, \"kinds\": [$kinds_kube],
  \"discovery\": {\"kind\": \"kubernetes\", \"namespace\": \"ops\",
                  \"service\": \"user-service-green\", \"port\": \"http\"},
  \"roles\": {\"t-nova-agent\": $(echo "$agent_switch_rules" | sed 's/"networking.k8s.io"/"gateway.networking.k8s.io"/; s/"ingresses"/"httproutes"/'),
            \"t-nova-agent-discovery\": [$discovery_role],
            \"t-nova-agent-leader\": $(leader_rules t-nova-agent),
            \"t-nova-agent-ci\": $(ci_rules gateway.networking.k8s.io httproutes),
            \"t-nova-agent-ci-green\": $ci_green_rules},
  \"cluster_roles\": $ci_cluster_roles}" \
  "$chart" -f "$work/httproute.values.yaml"
check_config httproute "switch: gateway-httproute" --set switch.server=https://127.0.0.1:6443 \
  --set target.discovery.server=https://127.0.0.1:6443 --set leader_election.server=https://127.0.0.1:6443

# A switch type without a Kubernetes object has no CI Role to give: the render refuses.
if "$helm" template t "$chart" --set ci.rbac.create=true --set ci.rbac.switchType=nginx \
  >/dev/null 2>"$work/nginx.log"; then
  echo "chart: ci.rbac with an nginx switch rendered a Role" >&2
  exit 1
fi
grep -q "ci.rbac.switchType" "$work/nginx.log"
if "$helm" template t "$chart" --set shape=daemonset >/dev/null 2>"$work/shape.log"; then
  echo "chart: shape=daemonset rendered" >&2
  exit 1
fi
grep -q "shape: standalone or sidecar" "$work/shape.log"

# The sidecar example: green's Deployment with the agent's container beside the
# application; every agent discovers all of green's pods (only the leader acts, so it must
# see its siblings); the chart adds only the configuration and the switch's, discovery's
# and leader election's Roles, bound to green's service account.
render sidecar "{\"containers\": [\"user-service\", \"nova-agent\"], \"readiness\": false,
  \"kinds\": [\"ConfigMap\", \"Deployment\", \"Role\", \"Role\", \"Role\", \"RoleBinding\", \"RoleBinding\", \"RoleBinding\"],
  \"leader_election\": $(leader_config ops t-nova-agent),
  \"discovery\": {\"kind\": \"kubernetes\", \"namespace\": \"ops\",
                  \"service\": \"user-service-green\", \"port\": \"8081\"},
  \"roles\": {\"t-nova-agent\": $agent_switch_rules,
            \"t-nova-agent-discovery\": [$discovery_role],
            \"t-nova-agent-leader\": $(leader_rules t-nova-agent)}}" "$sidecar"
check_config sidecar "switch: kubernetes-ingress" --set switch.server=https://127.0.0.1:6443 \
  --set target.discovery.server=https://127.0.0.1:6443 \
  --set leader_election.server=https://127.0.0.1:6443
# A sidecar without discovery sees its own pod only: with a leader, the other pods would go
# unjudged, so the chart refuses that; without leader election each agent guards its pod.
if "$helm" template x "$sidecar" --set nova-agent.discovery.enabled=false \
  >/dev/null 2>"$work/sidecar-alone.log"; then
  echo "chart: a sidecar without discovery rendered with leader election" >&2
  exit 1
fi
grep -q "judges only the leader's own pod" "$work/sidecar-alone.log"
"$helm" template x "$sidecar" --set nova-agent.discovery.enabled=false \
  --set nova-agent.leaderElection.enabled=false >"$work/sidecar-alone.yaml"
grep -q 'health_url: "http://127.0.0.1:8081/health"' "$work/sidecar-alone.yaml"
/usr/bin/python3 - "$work/sidecar.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
(deployment,) = [d for d in docs if d["kind"] == "Deployment"]
bindings = [d for d in docs if d["kind"] == "RoleBinding"]
account = deployment["spec"]["template"]["spec"]["serviceAccountName"]
assert len(bindings) == 3, bindings  # the switch's, discovery's and leader election's Roles
for binding in bindings:
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account, "namespace": "ops"}], \
        (account, binding["subjects"])
PY
/usr/bin/python3 "$here/check_ci_examples.py" "$novactl" "$root"/examples/ci/*.yml
echo "chart: lint, 6 renders (standalone with and without discovery, options, Ingress and HTTPRoute RBAC, the sidecar example) and the agent config checks passed"
