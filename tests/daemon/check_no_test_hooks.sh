#!/bin/sh
# check_no_test_hooks.sh BUILD_DIR RSMD RSMD_TEST
#
# The installed daemon carries no test hook (docs/testing.md):
#  1. installs BUILD_DIR into a temporary prefix (cmake --install) and checks
#     that no test daemon (rsmd_test) is among the installed files;
#  2. checks that no installed file (rsmd, libntmsapi, librsm_rpc, ...)
#     contains a name of the test daemon's control service, its decorators,
#     or the removed in-daemon hooks;
#  3. checks that RSMD_TEST (the test daemon) does contain the control
#     service's names, so that step 2 looks for strings that a hook would
#     bring along, and RSMD (the build tree's rsmd) does not.
set -u
if [ $# -ne 3 ]; then
  echo "usage: $0 BUILD_DIR RSMD RSMD_TEST" >&2
  exit 2
fi
BUILD_DIR=$1
RSMD=$2
RSMD_TEST=$3
fail() {
  echo "check_no_test_hooks: $*" >&2
  exit 1
}
[ -x "$RSMD" ] || fail "$RSMD is not built"
[ -x "$RSMD_TEST" ] || fail "$RSMD_TEST is not built"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rsm-hooks.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

# Names a test hook in the daemon would bring along: the control service and
# its messages, the decorators, and the hooks rsmd used to carry.
MARKERS="openrsm.test.RsmTestControl
RsmTestControl
FailCallRequest
CrashAfterMoveChanger
FaultyStore
TestHookRequest
MaybeInjectOom
ArmCrashAfterMove
test hook: crashing"

# 3. The check is live: the test daemon has the control service's names.
for m in "openrsm.test.RsmTestControl" "FailCallRequest" "CrashAfterMoveChanger" "FaultyStore"; do
  grep -qaF "$m" "$RSMD_TEST" || fail "$RSMD_TEST lacks '$m': the markers are stale"
done

# 1. Install.
cmake --install "$BUILD_DIR" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1 ||
  { cat "$TMP/install.log" >&2; fail "cmake --install failed"; }
[ -x "$TMP/prefix/bin/rsmd" ] || fail "the install has no bin/rsmd"
found=$(find "$TMP/prefix" -name 'rsmd_test*')
[ -z "$found" ] || fail "the test daemon is installed: $found"

# 2. No installed file, and not the build tree's rsmd, carries a marker.
status=0
for f in "$RSMD" $(find "$TMP/prefix" -type f); do
  echo "$MARKERS" | while IFS= read -r m; do
    if grep -qaF "$m" "$f"; then
      echo "check_no_test_hooks: $f contains '$m'" >&2
      exit 1
    fi
  done || status=1
done
[ $status -eq 0 ] || exit 1
echo "check_no_test_hooks: $(find "$TMP/prefix" -type f | wc -l) installed files and $RSMD carry no test hook"
