#!/usr/bin/env python3
"""Checks the nova-agent container image the way the chart runs it.

Usage: image_test.py --root REPO --image NAME. Run by scripts/image.sh, which builds the
image and sets up podman (CONTAINERS_CONF, and NOVA_OCI_RUNTIME for the runtime). Needs root
(podman image mount) and a helm binary (scripts/helm.sh finds one).

- one version everywhere: CMakeLists.txt, the Dockerfile's default, the chart, the image's
  labels and both binaries;
- the chart's default image is the image under test;
- the image holds the two binaries and the libraries they need, no shell and no package
  manager, and user 65532 can write only to its state volume, /tmp and its home;
- inside it, as the chart runs it (user 65532, read-only root filesystem, no capabilities,
  no network): nova-agent --version and --check-config on the chart's rendered
  configuration, novactl --help, --version and rules check, and the daemon itself, whose
  /metrics novactl scrapes from inside the container, which writes its state to the state
  volume only and stops cleanly on SIGTERM.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chart_pod  # noqa: E402
import image_files  # noqa: E402

PODMAN = ["podman", "--runtime", os.environ.get("NOVA_OCI_RUNTIME", "runc")]
checks = 0


def check(condition, what, detail=""):
    global checks
    if not condition:
        sys.exit(f"image test FAILED: {what}\n{detail}".rstrip())
    checks += 1


def run(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def podman(*args):
    result = run(PODMAN + list(args))
    check(result.returncode == 0, "podman " + " ".join(args), result.stdout + result.stderr)
    return result.stdout


def render(root, work, name, *helm_args):
    helm = run([os.path.join(root, "scripts/helm.sh")], check=True).stdout.strip()
    chart = os.path.join(root, "deploy/helm/nova-agent")
    text = run([helm, "template", "nova", chart, "-n", "ops", *helm_args], check=True).stdout
    secrets = {"nova-agent/api-token": "image-test-token"}
    return chart_pod.from_manifests(text, os.path.join(work, name), secrets)


def in_pod(pod, *args, entrypoint=None):
    """Runs the image once as the pod would, with no network; returns the result."""
    cmd = PODMAN + ["run", "--rm", "--network", "none", *pod.run_flags]
    if entrypoint:
        cmd += ["--entrypoint", entrypoint]
    return run(cmd + [pod.image, *args], timeout=60)


def read_version(path, pattern):
    found = re.search(pattern, open(path).read(), re.M)
    return found[1] if found else None


def check_versions(root, label):
    found = {
        "CMakeLists.txt": read_version(f"{root}/CMakeLists.txt", r"^project\(nova VERSION (\S+)"),
        "Dockerfile": read_version(f"{root}/deploy/image/Dockerfile", r"^ARG VERSION=(\S+)$"),
        "Chart.yaml": read_version(f"{root}/deploy/helm/nova-agent/Chart.yaml",
                                   r'^appVersion: "?([^"\s]+)'),
        "image label": label,
    }
    check(len(set(found.values())) == 1, "one version everywhere", json.dumps(found))


def check_metadata(info, root):
    """Checks the image's configuration; returns its version label."""
    config = info["Config"]
    labels = config.get("Labels") or {}
    check(config.get("User") == "65532:65532", "the image runs as 65532:65532", config.get("User"))
    check("/var/lib/nova-agent" in (config.get("Volumes") or {}), "the state volume is declared")
    check(config.get("Entrypoint") == ["/usr/local/bin/nova-agent"], "nova-agent is the entrypoint")
    check("GNUTLS_NO_IMPLICIT_INIT=1" in (config.get("Env") or []),
          "GnuTLS, which nothing uses, is not initialised", str(config.get("Env")))
    for key in ("title", "description", "vendor", "version", "revision", "created"):
        check(labels.get(f"org.opencontainers.image.{key}"), f"OCI label {key} is set", str(labels))
    head = run(["git", "-C", root, "rev-parse", "HEAD"])
    if head.returncode == 0:  # a checkout
        check(labels["org.opencontainers.image.revision"] == head.stdout.strip(),
              "the revision label is the commit")
    return labels["org.opencontainers.image.version"]


def check_commands(defaults, token, version):
    """One-shot runs: both binaries' --version, the configuration check, novactl's commands."""
    flags = " ".join(defaults.run_flags)
    for flag in ("--user 65532:65532", "--read-only", "--cap-drop all"):
        check(flag in flags, f"the chart runs the image with {flag}", flags)
    out = in_pod(defaults, "--version")
    check(out.stdout.strip() == f"nova-agent {version}", "nova-agent --version",
          out.stdout + out.stderr)
    for pod in (defaults, token):
        out = in_pod(pod, *pod.args, "--check-config")
        check(out.returncode == 0, "nova-agent --check-config on the chart's configuration",
              out.stdout + out.stderr)
    novactl = "/usr/local/bin/novactl"
    out = in_pod(defaults, "--help", entrypoint=novactl)
    check(out.returncode == 0 and "rules" in out.stdout, "novactl --help", out.stdout + out.stderr)
    out = in_pod(defaults, "--version", entrypoint=novactl)
    check(out.stdout.strip() == f"novactl {version}", "novactl --version", out.stdout + out.stderr)
    out = in_pod(defaults, "rules", "check", "/etc/nova-agent/rules/default.yaml",
                 entrypoint=novactl)
    check(out.returncode == 0, "novactl rules check on the chart's rules", out.stdout + out.stderr)


def scrape_build_info(name, port):
    """novactl inside the container scrapes the agent's /metrics, until it answers (30 s)."""
    url = f"http://127.0.0.1:{port}/metrics"
    deadline = time.monotonic() + 30
    while True:
        scraped = run(PODMAN + ["exec", name, "novactl", "eval", "--url", url,
                                "--expr", "nova_agent_build_info", "--output", "json"])
        if scraped.returncode == 0 or time.monotonic() > deadline:
            return scraped
        time.sleep(0.5)


def check_daemon(pod, version):
    """Runs the agent as the chart does; returns the files it wrote to its state volume."""
    state_dir = os.path.dirname(pod.config["state_file"])
    check(state_dir in pod.mounts, "the state file lies on a volume", f"{state_dir} {pod.mounts}")
    state_volume = pod.mounts[state_dir]
    name = f"nova-image-test-{os.getpid()}"
    podman("run", "-d", "--name", name, "--network", "none", *pod.run_flags, pod.image, *pod.args)
    try:
        scraped = scrape_build_info(name, pod.port)
        if scraped.returncode != 0:
            check(False, "novactl scrapes the agent's /metrics inside the container",
                  scraped.stdout + scraped.stderr + podman("logs", name))
        versions = [r["metric"].get("version") for r in json.loads(scraped.stdout)["result"]]
        check(versions == [version], "the running agent publishes its version", scraped.stdout)
        state = os.path.join(state_volume, "state.json")
        deadline = time.monotonic() + 10
        while not os.path.exists(state) and time.monotonic() < deadline:
            time.sleep(0.2)
        podman("stop", "--time", "10", name)
        exit_code = podman("inspect", "--format", "{{.State.ExitCode}}", name).strip()
        logs = podman("logs", name)
        check(exit_code == "0", "the agent stops cleanly on SIGTERM", exit_code + "\n" + logs)
        # A write anywhere but the volume fails on the read-only root and is logged as an error.
        errors = [line for line in logs.splitlines()
                  if re.search(r'"level":"(error|critical)"', line)]
        check(not errors, "the agent logs no errors", logs)
        written = sorted(os.listdir(state_volume))
        check(os.path.exists(state) and os.path.getsize(state) > 0
              and os.stat(state).st_uid == 65532,
              "the agent writes its state to the state volume as 65532", str(written))
        return written
    finally:
        run(PODMAN + ["rm", "--force", "--volumes", name])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--image", required=True)
    options = parser.parse_args()
    root, image = options.root, options.image

    (info,) = json.loads(podman("image", "inspect", image))
    version = check_metadata(info, root)
    check_versions(root, version)

    mounted = podman("image", "mount", image).strip()
    try:
        packages = image_files.check(mounted, f"{root}/deploy/image/Dockerfile", check)
    finally:
        run(PODMAN + ["image", "unmount", image])

    with tempfile.TemporaryDirectory() as work:
        defaults = render(root, work, "defaults")
        check(defaults.image == image, "the chart's default image is the image under test",
              defaults.image)
        token = render(root, work, "token", "--set", "apiTokenEnv=NOVA_AGENT_TOKEN",
                       "--set", "secretEnv[0].name=NOVA_AGENT_TOKEN",
                       "--set", "secretEnv[0].secretName=nova-agent",
                       "--set", "secretEnv[0].key=api-token")
        check_commands(defaults, token, version)
        # The state directory is a setting: the daemon runs with another one. Without a
        # network no API server answers discovery (whose failures are logged as errors), so
        # the daemon watches the single URL.
        written = check_daemon(render(root, work, "daemon", "--set", "stateDir=/run/nova-state",
                                      "--set", "discovery.enabled=false"),
                               version)

    print(f"image test: {checks} checks passed; {image} holds {len(packages)} Debian packages; "
          "ran in it as 65532 with a read-only root, no capabilities, no network: "
          "nova-agent --version and --check-config (2 chart renders), novactl --help, "
          f"--version and rules check, the daemon (its /metrics scraped by novactl, "
          f"{', '.join(written)} written to the state volume, stopped by SIGTERM)")


if __name__ == "__main__":
    main()
