#!/usr/bin/env bash
# Runs clang-tidy (the checks of .clang-tidy) on the C++ files changed against a base, with
# the compile commands of a configured Ninja build (CMAKE_EXPORT_COMPILE_COMMANDS).
#
# The base, in order: the first argument (its merge base with HEAD); the merge base with origin/main (or main) when
# HEAD is not on it; else the parent of HEAD, so the files of the last commit are checked.
# A clone whose only commit has no parent here (a snapshot, a depth-1 clone) checks every
# file. A changed header is checked through one translation unit that includes it.
#
# A translation unit found clean is remembered under $NOVA_TIDY_CACHE (default
# ~/.cache/nova-clang-tidy), keyed by clang-tidy's version, .clang-tidy, the compile command
# and the contents of the unit and of every project header it includes (Ninja's dependency
# log), so it is not checked again until one of them changes. System headers count as fixed
# for a given clang-tidy version.
#
# Usage: scripts/clang-tidy-changed.sh [--build-dir DIR] [BASE]
# Exits 1 when clang-tidy reports anything, 2 on a usage or setup error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=build
if [ "${1:-}" = "--build-dir" ]; then
  build=$2
  shift 2
fi
base=${1:-}
tidy=${CLANG_TIDY:-clang-tidy}

if [ ! -f "$build/compile_commands.json" ] || [ ! -f "$build/build.ninja" ]; then
  echo "clang-tidy-changed: no $build/compile_commands.json of a Ninja build: configure first" >&2
  exit 2
fi
if ! command -v "$tidy" >/dev/null; then
  echo "clang-tidy-changed: $tidy not found: install clang-tidy" >&2
  exit 2
fi

if [ -z "$base" ]; then
  for main in origin/main main; do
    if git rev-parse -q --verify "$main^{commit}" >/dev/null; then
      candidate=$(git merge-base HEAD "$main" || true)
      if [ -n "$candidate" ] && [ "$candidate" != "$(git rev-parse HEAD)" ]; then
        base=$candidate
      fi
      break
    fi
  done
fi
if [ -z "$base" ] && git rev-parse -q --verify 'HEAD~1^{commit}' >/dev/null; then
  base=HEAD~1
fi
if [ -n "$base" ]; then
  # Only this branch's changes: from where it left the base, not what the base gained since.
  base=$(git merge-base HEAD "$base")
  echo "clang-tidy-changed: the files changed since $(git rev-parse --short "$base")"
  files=$(git diff --name-only --diff-filter=ACMR "$base" -- '*.cpp' '*.h')
else
  echo "clang-tidy-changed: HEAD has no parent here: every file"
  files=$(git ls-files -- '*.cpp' '*.h')
fi

export NOVA_TIDY_ROOT=$root NOVA_TIDY_BUILD=$build NOVA_TIDY_BIN=$tidy NOVA_TIDY_FILES=$files
export NOVA_TIDY_CACHE=${NOVA_TIDY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nova-clang-tidy}
export NOVA_TIDY_JOBS=${NOVA_JOBS:-2}
exec python3 - <<'EOF'
import concurrent.futures, hashlib, json, os, subprocess, sys

root, build, tidy = (os.environ[k] for k in ("NOVA_TIDY_ROOT", "NOVA_TIDY_BUILD", "NOVA_TIDY_BIN"))
cache, jobs = os.environ["NOVA_TIDY_CACHE"], int(os.environ["NOVA_TIDY_JOBS"])
changed = [f for f in os.environ["NOVA_TIDY_FILES"].splitlines() if f]

def rel(path, start=root):
    return os.path.relpath(os.path.normpath(os.path.join(start, path)), root)

# Sources of the project with their commands (generated sources in the build tree excluded).
commands = {}
for c in json.load(open(os.path.join(build, "compile_commands.json"))):
    f = rel(c["file"], c["directory"])
    if not f.startswith("..") and not f.startswith(build.rstrip("/") + "/"):
        commands[f] = c
def output(c):
    if "output" in c:
        return c["output"]
    words = c["command"].split()
    return words[words.index("-o") + 1]
output_of = {output(c): f for f, c in commands.items()}

# Ninja's dependency log: every object's project headers (paths relative to the build dir).
deps, unit = {}, None
log = subprocess.run(["ninja", "-C", build, "-t", "deps"], capture_output=True, text=True,
                     check=True).stdout
for line in log.splitlines():
    if line and not line.startswith(" "):
        unit = output_of.get(line.split(":")[0])
        if unit:
            deps[unit] = []
    elif unit and line.strip() and not line.strip().startswith("/"):
        dep = rel(line.strip(), os.path.join(root, build))
        if not dep.startswith(".."):
            deps[unit].append(dep)

units = {f for f in changed if f in commands}
for header in sorted(f for f in changed if f.endswith(".h")):
    including = sorted(u for u, d in deps.items() if header in d)
    if including:
        units.add(including[0])
    else:
        print(f"clang-tidy-changed: {header}: no translation unit includes it", file=sys.stderr)
units = sorted(units)
if not units:
    print("clang-tidy-changed: no C++ translation unit to check")
    sys.exit(0)

version = subprocess.run([tidy, "--version"], capture_output=True, text=True, check=True).stdout
config = open(os.path.join(root, ".clang-tidy"), "rb").read()

def key(unit):
    h = hashlib.sha256()
    h.update(version.encode())
    h.update(config)
    # Without the checkout's path, so every checkout on a machine shares the results.
    h.update(commands[unit]["command"].replace(root, "<root>").encode())
    for f in [unit] + sorted(set(deps.get(unit, [])) - {unit}):
        h.update(f.encode())
        try:
            h.update(open(os.path.join(root, f), "rb").read())
        except OSError:
            h.update(b"<missing>")
    return h.hexdigest()

os.makedirs(cache, exist_ok=True)
todo = [(u, key(u)) for u in units]
todo = [(u, k) for u, k in todo if not os.path.exists(os.path.join(cache, k))]
print(f"clang-tidy-changed: {len(units)} translation units, {len(units) - len(todo)} clean "
      f"before, {len(todo)} to check", flush=True)

def run(unit):
    # The commands are GCC's: clang does not know all of its warnings, and its own -Wconversion
    # is wider. GCC's warnings are the build's business; -Wno-error keeps clang's out of here.
    r = subprocess.run([tidy, "-p", build, "--quiet", "--extra-arg=-Wno-unknown-warning-option",
                        "--extra-arg=-Wno-error", unit], capture_output=True, text=True)
    lines = [l for l in (r.stdout + r.stderr).splitlines()
             if not l.endswith(" generated.") and not l.startswith("Error while processing")]
    return r.returncode, "\n".join(lines)

failed = 0
with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
    for (unit, k), (code, text) in zip(todo, pool.map(run, [u for u, _ in todo])):
        if code == 0 and not text.strip():
            open(os.path.join(cache, k), "w").close()
        else:
            failed += 1
            print(f"== {unit}\n{text}", flush=True)
if failed:
    print(f"clang-tidy-changed: {failed} of {len(todo)} translation units have findings",
          file=sys.stderr)
    sys.exit(1)
print("clang-tidy-changed: clean")
EOF
