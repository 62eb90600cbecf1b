"""What the image's root filesystem holds, read from a mounted copy of it."""

import os
import re
import stat
import subprocess

USER = 65532
BINARIES = ("usr/local/bin/nova-agent", "usr/local/bin/novactl")
# Where the image's user may write: the agent's state volume, and the two places every
# Unix program may expect (empty, and read-only too under a read-only root filesystem).
WRITABLE = {"var/lib/nova-agent", "tmp", "home/nonroot"}
LIBDIR = "usr/lib/x86_64-linux-gnu"


def _needed(path):
    """The NEEDED entries of an ELF file."""
    dump = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=True)
    return re.findall(r"^\s*NEEDED\s+(\S+)$", dump.stdout, re.M)


def _host_packages(sonames):
    """The Debian packages that ship `sonames` on this (the build) machine; dpkg records a
    library under /lib or /usr/lib, whichever its package names."""
    paths = [f"{d}/{so}" for so in sonames for d in (f"/{LIBDIR}", "/lib/x86_64-linux-gnu")]
    # dpkg -S fails for the paths no package names, and still answers for the others.
    found = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True)
    owners = {}
    for line in found.stdout.splitlines():  # "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6"
        package, path = line.split(": ", 1)
        owners[os.path.basename(path)] = package.split(":")[0]
    return {so: owners.get(so) for so in sonames}


def _writable_by_user(st):
    return ((st.st_uid == USER and st.st_mode & stat.S_IWUSR) or
            (st.st_gid == USER and st.st_mode & stat.S_IWGRP) or st.st_mode & stat.S_IWOTH)


def check(root, dockerfile, check):
    """Checks the root filesystem at `root` with `check(condition, what, detail)`; returns
    the Debian packages the image records."""
    for binary in BINARIES:
        check(os.access(os.path.join(root, binary), os.X_OK), f"{binary} is in the image")

    executables, writable = [], set()
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if _writable_by_user(os.lstat(dirpath)):
            writable.add(rel)
        for name in filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and st.st_mode & 0o111 and not rel.startswith("usr/lib"):
                executables.append(os.path.join(rel, name))
    check(sorted(executables) == sorted(BINARIES),
          "no programs but the two binaries (no shell, no package manager)", str(executables))
    check(writable == WRITABLE, "user 65532 can write only to the state volume, /tmp and home",
          str(sorted(writable)))
    state = os.stat(os.path.join(root, "var/lib/nova-agent"))
    check((state.st_uid, state.st_gid) == (USER, USER), "the state folder belongs to 65532")

    bundle = open(os.path.join(root, "etc/ssl/certs/ca-certificates.crt")).read()
    check(bundle.count("BEGIN CERTIFICATE") >= 100, "the CA bundle holds Debian's CA certificates")

    # The packages the Dockerfile installs are exactly those of the binaries' libraries.
    text = open(dockerfile).read().replace("\\\n", " ")  # continued lines joined
    declared = re.search(r'^ARG RUNTIME_PACKAGES="([^"]*)"', text, re.M)
    declared = set(declared[1].split()) if declared else set()
    sonames = {so for binary in BINARIES for so in _needed(os.path.join(root, binary))}
    for soname in sorted(sonames):
        check(os.path.exists(os.path.join(root, LIBDIR, soname)), f"{soname} is in the image")
    needed = set(_host_packages(sonames).values())
    check(needed == declared, "RUNTIME_PACKAGES are the packages of the binaries' libraries",
          f"needed {sorted(needed, key=str)}, declared {sorted(declared)}")
    packages = sorted(os.listdir(os.path.join(root, "var/lib/dpkg/status.d")))
    check(declared <= set(packages), "the image records its Debian packages", str(packages))
    return packages
