#!/usr/bin/env bash
# sg-conformance.sh (runs inside the QEMU guest, see tests/qemu/run-guest.sh):
# rsmd with `kind = "sg"` libraries that name no device (the changer is
# found through sysfs by its serial, its drives by the serials it reports; a
# stand-alone drive by its serial),
# then $OPENRSM_BUILD/sg_conformance: MountNtmsMedia, DismountNtmsDrive and
# DismountNtmsMedia through the C API, each step checked against
# `mtx -f /dev/sgN status` and the drives' /dev/nst nodes.
# Exit status 0 = rsmd started, came up with the library and every step passed.
set -uo pipefail
up() { cut -d' ' -f1 /proc/uptime; }
B=${OPENRSM_BUILD:?OPENRSM_BUILD is not set}
for f in rsmd sg_conformance; do
  [ -x "$B/$f" ] || { echo "FAIL: $B/$f not built"; exit 1; }
done

mkdir -p "$SCRATCH/state"
cat >"$SCRATCH/rsmd.toml" <<EOF
state_dir = "$SCRATCH/state"
socket = "$SCRATCH/rsmd.sock"
admin_group = "rsmadmin"
[catalog]
backend = "sqlite"

[[library]]
name = "lib1"
kind = "sg"
changer_serial = "CHG0000001"

[[library]]
name = "solo"
kind = "sg"
standalone = true
drive_serial = "DRV0000003"
EOF
cat "$SCRATCH/rsmd.toml"

echo "### [$(up) s] starting rsmd"
"$B/rsmd" --config "$SCRATCH/rsmd.toml" --log-level debug >"$GUEST_OUT/rsmd.log" 2>&1 &
RSMD=$!

echo "### [$(up) s] sg_conformance"
rc=0
RSM_SOCKET=$SCRATCH/rsmd.sock SG_LIBRARY=lib1 "$B/sg_conformance" --gtest_color=no || rc=$?

echo "### [$(up) s] stopping rsmd"
if kill -0 "$RSMD" 2>/dev/null; then
  kill -TERM "$RSMD"
  for _ in $(seq 100); do kill -0 "$RSMD" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$RSMD" 2>/dev/null && { echo "FAIL: rsmd ignored SIGTERM"; kill -KILL "$RSMD"; rc=1; }
  wait "$RSMD"; st=$?
  [ "$st" = 0 ] || { echo "FAIL: rsmd exited $st"; rc=1; }
else
  wait "$RSMD"; echo "FAIL: rsmd died during the test (status $?)"; rc=1
fi
if [ "$rc" != 0 ]; then
  echo "--- rsmd.log (last 60 lines)"; tail -n 60 "$GUEST_OUT/rsmd.log"
fi
echo "### [$(up) s] sg-conformance: rc=$rc"
exit "$rc"
