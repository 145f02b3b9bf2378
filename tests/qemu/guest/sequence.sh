#!/usr/bin/env bash
# sequence.sh SCRIPT... (runs inside the QEMU guest): several guest tests in
# one boot, one after the other, so the library is set up once (the boot and
# library-up.sh cost ~20-30 s of TCG time per guest). Each SCRIPT runs with
# its own empty $SCRATCH/<name> and the same environment as a single test;
# its output goes to the console and to $GUEST_OUT/<name>.log, its exit status
# to $GUEST_OUT/<name>.rc (name = the script's basename without .sh), which
# tests/qemu/result.sh turns into one ctest result per script.
# Exit status: 0 when every script ran (whatever its result), else 1.
set -uo pipefail
up() { cut -d' ' -f1 /proc/uptime; }
ran=0
summary=
for t in "$@"; do
  name=$(basename "$t" .sh)
  rm -f "$GUEST_OUT/$name.rc" "$GUEST_OUT/$name.log"
  dir=$SCRATCH/$name
  mkdir -p "$dir"
  echo "=== [$(up) s] $name"
  (cd "$dir" && SCRATCH=$dir bash "$t"; echo $? >"$dir/.rc") 2>&1 | tee "$GUEST_OUT/$name.log"
  rc=$(cat "$dir/.rc" 2>/dev/null || echo 99)
  echo "$rc" >"$GUEST_OUT/$name.rc"
  echo "=== [$(up) s] $name: rc=$rc"
  summary+=" $name=$rc"
  ran=$((ran + 1))
done
echo "sequence:$summary"
[ "$ran" = $# ]
