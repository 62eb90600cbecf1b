"""Checks the CI examples against the novactl they run: each file is valid YAML, every
`novactl <command>` in its scripts names a command novactl has, with flags that command's
--help lists, and every exit code a script branches on means what the script says.

usage: check_ci_examples.py NOVACTL FILE...
"""

import re
import subprocess
import sys

import yaml

# The exit codes the examples act on, by the names novactl's --help gives them.
CODES = {"6": "timed_out"}


def scripts(node):
    """Every string in the document: shell scripts are among them."""
    if isinstance(node, dict):
        for value in node.values():
            yield from scripts(value)
    elif isinstance(node, list):
        for value in node:
            yield from scripts(value)
    elif isinstance(node, str):
        yield node


def invocations(text):
    """(command, flags) of each novactl call, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    for match in re.finditer(r"\bnovactl\s+([a-z]+)([^\n]*)", joined):
        yield match[1], re.findall(r"(?<!\S)(--?[a-z][a-z-]*)", match[2])


def main():
    novactl, files = sys.argv[1], sys.argv[2:]
    helps = {}
    calls = 0
    for path in files:
        document = yaml.safe_load(open(path))
        for text in scripts(document):
            for command, flags in invocations(text):
                if command not in helps:
                    out = subprocess.run([novactl, command, "--help"], capture_output=True,
                                         text=True)
                    if out.returncode != 0:
                        sys.exit(f"{path}: novactl {command}: no such command")
                    helps[command] = out.stdout
                for flag in flags:
                    if not re.search(rf"(^|[\s,]){re.escape(flag)}([\s,]|$)", helps[command], re.M):
                        sys.exit(f"{path}: novactl {command} has no flag {flag}")
                calls += 1
    for code, name in CODES.items():
        for text in helps.values():
            if not re.search(rf"^\s*{code}\s+{name}\b", text, re.M):
                sys.exit(f"novactl: exit code {code} is not {name}")
    if calls == 0:
        sys.exit("no novactl call found in " + " ".join(files))
    print(f"ci examples: {calls} novactl calls in {len(files)} files use commands and flags "
          f"novactl has ({', '.join(sorted(helps))})")


if __name__ == "__main__":
    main()
