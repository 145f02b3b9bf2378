#!/usr/bin/env bash
# ctest.sh BUILD_DIR TEST_SCRIPT [ARGS...]: how ctest runs a QEMU guest test
# (label `qemu`, tests/CMakeLists.txt). Prepares the host (setup.sh: cold
# ~20 s, then < 1 s), boots the guest with the test (run-guest.sh) and
# returns its status. Output goes to BUILD_DIR/qemu/<test name>/.
# guest/sequence.sh runs several scripts in one boot; result.sh then gives each
# its own ctest result.
# Not root: exits 77, which ctest reports as skipped (setup needs apt-get and
# qemu's 9p export of / needs root).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(realpath "${1:?usage: ctest.sh BUILD_DIR TEST_SCRIPT [ARGS...]}")
TEST=${2:?usage: ctest.sh BUILD_DIR TEST_SCRIPT [ARGS...]}
shift 2
if [ "$(id -u)" -ne 0 ]; then
  echo "ctest.sh: QEMU guest tests need root; skipped"
  exit 77
fi
"$HERE/setup.sh"
name=$(basename "$TEST" .sh)
export OPENRSM_BUILD=$BUILD QEMU_OUT=$BUILD/qemu/$name QEMU_TIMEOUT=${QEMU_TIMEOUT:-360}
# per-script results of an earlier boot (guest/sequence.sh) must not outlive it
rm -f "$QEMU_OUT"/*.rc
rc=0
"$HERE/run-guest.sh" "$TEST" "$@" || rc=$?
[ "$rc" = 0 ] || echo "ctest.sh: $name failed (rc=$rc); logs: $QEMU_OUT/{guest,console,library}.log"
exit "$rc"
