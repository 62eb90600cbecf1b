#!/usr/bin/env bash
# Fails when clang-format would change any tracked C++ file.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=()
while IFS= read -r -d '' file; do
  clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done < <(git ls-files -z -- '*.cpp' '*.h')
if ((${#bad[@]})); then
  echo "clang-format would change: ${bad[*]}" >&2
  echo "run: clang-format -i ${bad[*]}" >&2
  exit 1
fi
echo "format: $(git ls-files -- '*.cpp' '*.h' | wc -l) files clean"
