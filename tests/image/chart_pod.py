"""The nova-agent container of a rendered chart, as podman runs it.

Reads `helm template` output and turns the Deployment's nova-agent container into podman
run arguments with the same meaning: image, arguments, user and group, read-only root
filesystem (without the tmpfs podman would add on /tmp, /run, /var/tmp: Kubernetes adds
none), dropped capabilities, no privilege escalation, environment from Secrets, the
ConfigMap laid out as the pod sees it, emptyDir volumes as fresh host folders with
the pod's fsGroup, and the service account's token and API server address as the kubelet
gives them.
"""

import os
from dataclasses import dataclass, field

import yaml


@dataclass
class Pod:
    image: str
    args: list
    port: int
    run_flags: list = field(default_factory=list)
    # Container path -> host folder, for every volume.
    mounts: dict = field(default_factory=dict)
    # The agent configuration as rendered (the ConfigMap's agent.yaml, parsed).
    config: dict = field(default_factory=dict)


def _by_kind(docs, kind):
    found = [d for d in docs if d and d.get("kind") == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def _config_volume(volume, configmap, host_dir):
    """Writes the ConfigMap's items where the pod would see them."""
    for item in volume["configMap"]["items"]:
        path = os.path.join(host_dir, item["path"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(configmap["data"][item["key"]])
    for dirpath, dirnames, filenames in os.walk(host_dir):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


def _empty_dir(host_dir, fs_group):
    """An emptyDir: with fsGroup, group-owned and group-writable with setgid, as the kubelet
    makes it; without, writable by everyone."""
    os.makedirs(host_dir)
    if fs_group is None:
        os.chmod(host_dir, 0o777)
    else:
        os.chown(host_dir, 0, fs_group)
        os.chmod(host_dir, 0o2770)


def _service_account(host_dir):
    """What the kubelet gives every pod that mounts its service account: the API server's
    address in the environment and the token, CA and namespace files. No API server answers
    there (the container has no network): in-cluster clients start and fail to connect."""
    os.makedirs(host_dir)
    for name, text in (("token", "image-test-token"), ("namespace", "ops"), ("ca.crt", "")):
        with open(os.path.join(host_dir, name), "w") as f:
            f.write(text)
        os.chmod(os.path.join(host_dir, name), 0o644)
    os.chmod(host_dir, 0o755)
    return ["--env", "KUBERNETES_SERVICE_HOST=127.0.0.1", "--env", "KUBERNETES_SERVICE_PORT=6443",
            "--volume", f"{host_dir}:/var/run/secrets/kubernetes.io/serviceaccount:ro"]


def from_manifests(text, work_dir, secret_values=None):
    """The Pod for the rendered manifests `text`; volumes go under `work_dir`.
    `secret_values` maps Secret name/key to the value an env var takes from it."""
    docs = list(yaml.safe_load_all(text))
    deployment = _by_kind(docs, "Deployment")
    configmap = _by_kind(docs, "ConfigMap")
    spec = deployment["spec"]["template"]["spec"]
    (container,) = [c for c in spec["containers"] if c["name"] == "nova-agent"]
    pod_security = spec.get("securityContext", {})
    security = {**pod_security, **container.get("securityContext", {})}

    flags = []
    if "runAsUser" in security:
        flags += ["--user", f"{security['runAsUser']}:{security.get('runAsGroup', 0)}"]
    if security.get("readOnlyRootFilesystem"):
        flags += ["--read-only", "--read-only-tmpfs=false"]
    if "ALL" in security.get("capabilities", {}).get("drop", []):
        flags += ["--cap-drop", "all"]
    if security.get("allowPrivilegeEscalation") is False:
        flags += ["--security-opt", "no-new-privileges"]
    for env in container.get("env", []):
        ref = env["valueFrom"]["secretKeyRef"]
        value = (secret_values or {})[f"{ref['name']}/{ref['key']}"]
        flags += ["--env", f"{env['name']}={value}"]

    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    mounts = {}
    if spec.get("automountServiceAccountToken", True):
        flags += _service_account(os.path.join(work_dir, "serviceaccount"))
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        host_dir = os.path.join(work_dir, mount["name"])
        if "configMap" in volume:
            _config_volume(volume, configmap, host_dir)
        elif "emptyDir" in volume:
            _empty_dir(host_dir, pod_security.get("fsGroup"))
        else:
            raise AssertionError(f"volume {mount['name']}: only configMap and emptyDir run here")
        mode = "ro" if mount.get("readOnly") else "rw"
        flags += ["--volume", f"{host_dir}:{mount['mountPath']}:{mode}"]
        mounts[mount["mountPath"]] = host_dir

    return Pod(
        image=container["image"],
        args=container.get("args", []),
        port=container["ports"][0]["containerPort"],
        run_flags=flags,
        mounts=mounts,
        config=yaml.safe_load(configmap["data"]["agent.yaml"]),
    )
