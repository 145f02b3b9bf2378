#!/usr/bin/env bash
# Proves the locking discipline with clang's thread-safety analysis: runs
#   clang++ -fsyntax-only -Wthread-safety -Werror=thread-safety
# over every src/ translation unit of BUILD_DIR/compile_commands.json (the
# build's own flags, so the same headers and defines), two at a time.
# Other warnings are switched off (the gcc build owns them); only the
# thread-safety group is reported. Exit 0: clean; 1: a finding (printed);
# 77: clang++ (or jq) is missing, so ctest reports the test as Skipped;
# 2: usage or a missing compile_commands.json.
# See docs/checks.md. Usage: scripts/check-thread-safety.sh BUILD_DIR [REGEX]
# (REGEX: only the src/ files whose path matches it, for a quick look.)
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR [REGEX]}
ONLY=${2:-}
SRC=$(cd "$(dirname "$0")/.." && pwd)
CLANGXX=${CXX_THREAD_SAFETY:-clang++}
JOBS=${THREAD_SAFETY_JOBS:-2}
for tool in "$CLANGXX" jq; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not found (scripts/install-deps.sh installs clang and jq)"
    exit 77
  fi
done
DB=$(cd "$BUILD" && pwd)/compile_commands.json
if [ ! -f "$DB" ]; then
  echo "no $DB (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)" >&2
  exit 2
fi

# The analysis sees only annotated locks: a plain std::mutex (or a
# std::lock_guard / unique_lock on one) in src/ escapes it.
plain=$(grep -rnE 'std::(recursive_|shared_|timed_)?mutex\b|std::(lock_guard|unique_lock|scoped_lock|shared_lock)\b' \
          "$SRC/src" --include='*.h' --include='*.cc' | grep -v '^[^:]*/common/thread_annotations\.h:' || true)
if [ -n "$plain" ]; then
  echo "$plain"
  echo "thread-safety: use openrsm::Mutex / MutexLock (common/thread_annotations.h), not the std types above"
  exit 1
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Translation units that cannot hold a finding: with a Ninja build, those
# whose recorded header dependencies (ninja -t deps, valid records only) do
# not include common/thread_annotations.h (no annotation, nothing to check).
# Without such a record, or when a dependency is newer than the object, a
# file is checked.
: >"$WORK/skip"
if [ -f "$BUILD/build.ninja" ] && command -v ninja >/dev/null; then
  ninja -C "$BUILD" -t deps 2>/dev/null | awk '
    function flush() { if (obj != "" && valid && !annotated) print obj }
    /^[^ ].*: #deps/ { flush(); obj = $1; sub(/:$/, "", obj); valid = /\(VALID\)/; annotated = 0; next }
    /\/common\/thread_annotations\.h$/ { annotated = 1 }
    END { flush() }' >"$WORK/candidates" || : >"$WORK/candidates"
  # A record is stale when a dependency changed after the object was built.
  while read -r obj; do
    case "$obj" in *.dir/src/*) ;; *) continue ;; esac
    newer=$(cd "$BUILD" && ninja -t deps "$obj" | sed -n 's/^    //p' |
              xargs -r -d '\n' sh -c 'find "$@" -maxdepth 0 -newer "$0"' "$obj" 2>/dev/null || true)
    if [ -z "$newer" ]; then echo "$obj" >>"$WORK/skip"; fi
  done <"$WORK/candidates"
fi
# One shell command per src/ translation unit: the recorded command (a shell
# string, so quoted defines survive) with the compiler replaced, the object
# output, the gcc warning flags and -Werror dropped, and the analysis added.
jq -r --arg src "$SRC/src/" --arg only "$ONLY" --arg cxx "$CLANGXX" --rawfile skip "$WORK/skip" '
  ($skip | split("\n")) as $skipped
  | .[] | select((.file | startswith($src)) and (.file | test($only)))
  | select(((.command | capture(" -o (?<o>\\S+)").o) as $o | $skipped | index([$o])) == null)
  | "cd \(.directory | @sh) && "
    + (.command
       | sub("^\\S+"; $cxx)
       | gsub(" -o \\S+"; "")
       | gsub(" -c(?= )"; "")
       | gsub(" -W[^ ]*"; ""))
    + " -fsyntax-only -Wno-everything -Wthread-safety -Werror=thread-safety"
' "$DB" >"$WORK/commands"
n=$(wc -l <"$WORK/commands")
if [ "$n" -eq 0 ]; then
  if [ -s "$WORK/skip" ]; then
    echo "thread-safety: no annotated src/ translation unit to check"
    exit 0
  fi
  echo "no src/ translation units in $DB" >&2
  exit 2
fi

# Each TU's diagnostics go to their own log so parallel output does not mix.
run_one() {
  local i=$1
  local cmd
  cmd=$(sed -n "${i}p" "$WORK/commands")
  if ! bash -c "$cmd" >"$WORK/$i.log" 2>&1; then
    echo fail >"$WORK/$i.failed"
  fi
}
export -f run_one
export WORK
seq 1 "$n" | xargs -P "$JOBS" -I{} bash -c 'run_one {}'

failed=0
for i in $(seq 1 "$n"); do
  if [ -s "$WORK/$i.log" ] || [ -e "$WORK/$i.failed" ]; then
    cat "$WORK/$i.log"
  fi
  [ -e "$WORK/$i.failed" ] && failed=$((failed + 1))
done
if [ "$failed" -ne 0 ]; then
  echo "thread-safety: $failed of $n translation units have findings"
  exit 1
fi
echo "thread-safety: $n translation units clean ($(grep -c '/src/' "$WORK/skip" || true) without annotations skipped)"
