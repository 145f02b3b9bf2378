#!/usr/bin/env bash
# Fails when a C/C++ file of the tree is not as clang-format (.clang-format) would
# write it; prints the offending files and the first lines of each difference.
# Exit 77 (ctest: skipped) when clang-format is missing. Debian 12's clang-format
# is version 14; other versions may format a few constructs differently, so the
# check uses clang-format-14 when it is installed. Fix with scripts/format.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
CF=""
for c in clang-format-14 clang-format; do
  if command -v "$c" >/dev/null; then CF="$c"; break; fi
done
if [ -z "$CF" ]; then
  echo "check-format: clang-format not installed (scripts/install-deps.sh installs it): skipped"
  exit 77
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.c' '*.cc' '*.h' '*.cpp')
else
  mapfile -t files < <(find src include tools tests bench examples -name '*.c' -o -name '*.cc' -o -name '*.h' 2>/dev/null)
fi
bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  if ! "$CF" --style=file "$f" | cmp -s - "$f"; then
    echo "not formatted: $f"
    "$CF" --style=file "$f" | diff -u "$f" - | sed -n '3,20p'
    bad=$((bad + 1))
  fi
done
echo "check-format: ${#files[@]} files, $bad not formatted ($($CF --version | head -1))"
[ "$bad" -eq 0 ]
