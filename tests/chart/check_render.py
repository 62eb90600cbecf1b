"""Checks one `helm template` render of the nova-agent chart (or of a chart that includes it)
against what it must hold, and lays its agent configuration out as the pod sees it.

usage: check_render.py RENDER.yaml OUT_DIR EXPECT.json

EXPECT names what the render must contain:
  kinds:      the sorted kinds of all objects
  discovery:  the target.discovery section the agent config must have, or null for none
  target:     {health_url, metrics_url} when the agent watches one URL
  roles:      {role name: [rules, exactly, in order]} for every Role (no other Role may exist)
  cluster_roles: likewise for ClusterRoles (optional; none may exist unless listed)
  containers: the container names of the Deployment, in order (the agent's is nova-agent)
  readiness:  whether the agent's container has a readiness probe
  leader_election: the agent config's leader_election section, or null for none (optional);
              with one, the container gets POD_NAME from the pod's name (its identity)
Everything rendered must also be least-privilege: no ClusterRole or ClusterRoleBinding but
those expected, no "*" in any rule, every RoleBinding bound to a Role of the render.
"""

import json
import os
import sys

import yaml

AGENT_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": 65532,
    "runAsGroup": 65532,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}


def fail(what, got):
    sys.exit(f"chart render: {what}\n  got: {json.dumps(got, indent=1, default=str)}")


def check(ok, what, got):
    if not ok:
        fail(what, got)


def one(docs, kind):
    found = [d for d in docs if d["kind"] == kind]
    check(len(found) == 1, f"expected one {kind}", [d["metadata"]["name"] for d in found])
    return found[0]


def check_rbac(docs, expected_roles, expected_cluster_roles):
    cluster_roles = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ClusterRole"}
    check(sorted(cluster_roles) == sorted(expected_cluster_roles),
          "no cluster-wide RBAC but the ClusterRoles expected", sorted(cluster_roles))
    for name, rules in expected_cluster_roles.items():
        got = cluster_roles[name]["rules"]
        check(got == rules, f"ClusterRole {name}: exactly these rules\n  want: {json.dumps(rules)}",
              got)
    for binding in (d for d in docs if d["kind"] == "ClusterRoleBinding"):
        ref = binding["roleRef"]
        check(ref["kind"] == "ClusterRole" and ref["name"] in cluster_roles,
              "ClusterRoleBinding binds a ClusterRole here", ref)
    roles = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Role"}
    check(sorted(roles) == sorted(expected_roles), "the Roles rendered", sorted(roles))
    for name, rules in expected_roles.items():
        got = roles[name]["rules"]
        for rule in got:
            for field in ("apiGroups", "resources", "verbs", "resourceNames"):
                check("*" not in rule.get(field, []), f"Role {name}: no wildcard in {field}", rule)
        check(got == rules, f"Role {name}: exactly these rules\n  want: {json.dumps(rules)}", got)
    for binding in (d for d in docs if d["kind"] == "RoleBinding"):
        ref = binding["roleRef"]
        check(ref["kind"] == "Role" and ref["name"] in roles, "RoleBinding binds a Role here", ref)
        role = roles[ref["name"]]
        check(binding["metadata"]["namespace"] == role["metadata"]["namespace"],
              "RoleBinding in its Role's namespace", binding["metadata"])


def mebibytes(quantity):
    """A Kubernetes memory quantity in MiB (the suffixes the chart uses: Ki, Mi, Gi)."""
    for suffix, factor in (("Ki", 1 / 1024), ("Mi", 1), ("Gi", 1024)):
        if str(quantity).endswith(suffix):
            return float(str(quantity)[: -len(suffix)]) * factor
    return float(quantity) / 1048576


def check_resources(resources):
    """The agent is scheduled for what it uses (requests) and never OOM-killed below it: a
    memory request and a CPU request, and a memory limit at least the request. No CPU
    limit: throttled, the agent would decide a rollback late."""
    requests, limits = resources.get("requests", {}), resources.get("limits", {})
    check("cpu" in requests and "memory" in requests, "CPU and memory requests", resources)
    check("memory" in limits and mebibytes(limits["memory"]) >= mebibytes(requests["memory"]),
          "a memory limit at least the request", resources)
    check("cpu" not in limits, "no CPU limit", resources)


def agent_container(deployment, expect):
    spec = deployment["spec"]["template"]["spec"]
    names = [c["name"] for c in spec["containers"]]
    check(names == expect["containers"], "the Deployment's containers", names)
    (agent,) = [c for c in spec["containers"] if c["name"] == "nova-agent"]
    check(agent["securityContext"] == AGENT_SECURITY, "the agent's securityContext",
          agent["securityContext"])
    check(agent["args"] == ["--config", "/etc/nova-agent/agent.yaml"], "the agent's args",
          agent["args"])
    check(agent["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "nova-probes"},
          "liveness on the probe listener", agent["livenessProbe"])
    check(("readinessProbe" in agent) == expect["readiness"], "readiness probe as expected",
          agent.get("readinessProbe"))
    check_resources(agent.get("resources", {}))
    mounts = {m["name"]: m for m in agent["volumeMounts"]}
    check(mounts.get("nova-agent-config", {}).get("readOnly") is True,
          "the configuration mounted read-only", mounts)
    check("nova-agent-state" in mounts, "the state volume mounted", mounts)
    volumes = {v["name"]: v for v in spec["volumes"]}
    check("emptyDir" in volumes.get("nova-agent-state", {}), "state on an emptyDir", volumes)
    return agent, volumes["nova-agent-config"], mounts


def main():
    render, out_dir, expect_file = sys.argv[1:4]
    expect = json.load(open(expect_file))
    docs = [d for d in yaml.safe_load_all(open(render)) if d]
    kinds = sorted(d["kind"] for d in docs)
    check(kinds == expect["kinds"], f"the kinds rendered\n  want: {expect['kinds']}", kinds)
    check_rbac(docs, expect["roles"], expect.get("cluster_roles", {}))

    config_map = one(docs, "ConfigMap")
    agent, config_volume, mounts = agent_container(one(docs, "Deployment"), expect)
    check(config_volume["configMap"]["name"] == config_map["metadata"]["name"],
          "the config volume is the chart's ConfigMap", config_volume)
    items = config_volume["configMap"]["items"]
    for item in items:
        path = os.path.join(out_dir, item["path"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(config_map["data"][item["key"]])

    config = yaml.safe_load(config_map["data"]["agent.yaml"])
    target = config["target"]
    check(target.get("discovery") == expect["discovery"], "target.discovery", target)
    if expect["discovery"] is None:
        want = expect["target"]
        got = {k: target.get(k) for k in want}
        check(got == want, "the single target's URLs", target)
    else:
        check("health_url" not in target and "metrics_url" not in target,
              "no single URL beside discovery", target)
    if "leader_election" in expect:
        check(config.get("leader_election") == expect["leader_election"], "leader_election",
              config.get("leader_election"))
        env = {e["name"]: e for e in agent.get("env", [])}
        pod_name = {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
        check((env.get("POD_NAME") == pod_name) == (expect["leader_election"] is not None),
              "POD_NAME from the pod's name exactly with leader election", env)
    check(config.get("baseline") == expect.get("baseline"), "baseline", config.get("baseline"))
    state_dir = os.path.dirname(config["state_file"])
    check(mounts["nova-agent-state"]["mountPath"] == state_dir, "the state file on the volume",
          config["state_file"])
    print(f"chart render {os.path.basename(render)}: {len(docs)} objects, {len(items)} config "
          f"files, Roles {sorted(expect['roles'])}")


if __name__ == "__main__":
    main()
