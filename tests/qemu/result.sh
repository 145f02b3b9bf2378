#!/usr/bin/env bash
# result.sh BUILD_DIR NAME: one ctest result of a guest test that ran inside
# a shared boot (tests/qemu/guest/sequence.sh, started by the ctest fixture
# qemu_sg_guest through ctest.sh). Prints the test's guest output and exits
# with its status; 77 (skipped) when not root, like ctest.sh.
set -euo pipefail
BUILD=$(realpath "${1:?usage: result.sh BUILD_DIR NAME}")
NAME=${2:?usage: result.sh BUILD_DIR NAME}
if [ "$(id -u)" -ne 0 ]; then
  echo "result.sh: QEMU guest tests need root; skipped"
  exit 77
fi
OUT=$BUILD/qemu/sequence
if [ ! -f "$OUT/$NAME.rc" ]; then
  echo "result.sh: no result for $NAME in $OUT (did the fixture test qemu_sg_guest run and boot the guest?)"
  exit 1
fi
cat "$OUT/$NAME.log" 2>/dev/null || true
rc=$(cat "$OUT/$NAME.rc")
[[ "$rc" =~ ^[0-9]+$ ]] || rc=99
[ "$rc" = 0 ] || echo "result.sh: $NAME failed in the guest (rc=$rc); logs: $OUT/{$NAME,console,library,rsmd}.log"
exit "$rc"
