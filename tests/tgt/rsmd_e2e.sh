#!/usr/bin/env bash
# rsmd_e2e.sh BIN_DIR: rsmd with a `kind = "iscsi"` library on the tgtd of
# tests/tgt/vtl.sh (VTL_DIR, VTL_PORT; the targets are rebuilt first), then
# the rsm CLI: library list, media list, media mount T00001L6, drive
# dismount, and a stand-alone iscsi library. Checks each answer and the
# tgtadm oracle (which tape file the drive LUN has loaded). Run by
# tgt_tests (RsmdE2e.IscsiLibraryThroughTheCli) inside the ctest fixture `vtl`.
set -euo pipefail
BIN=${1:?usage: rsmd_e2e.sh BIN_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
VTL_DIR=${VTL_DIR:-/tmp/openrsm-vtl}
VTL_PORT=${VTL_PORT:-3260}
export VTL_DIR VTL_PORT
TMP=$(mktemp -d /tmp/rsmd_e2e.XXXXXX)
RSMD_PID=
cleanup() {
  if [ -n "$RSMD_PID" ] && kill -0 "$RSMD_PID" 2>/dev/null; then
    kill -TERM "$RSMD_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$RSMD_PID" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$RSMD_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
  echo "rsmd_e2e: FAIL: $*" >&2
  echo "--- rsmd log ---" >&2
  cat "$TMP/rsmd.log" >&2 || true
  exit 1
}

"$HERE/vtl.sh" start >/dev/null
URL=iscsi://127.0.0.1:$VTL_PORT
cat >"$TMP/rsmd.toml" <<TOML
state_dir = "$TMP/state"
socket = "$TMP/rsmd.sock"

[[library]]
name = "vtl"
kind = "iscsi"
changer = "$URL/iqn.2024-01.test.rsm:vtl/3"
drives = ["$URL/iqn.2024-01.test.rsm:vtl/1", "$URL/iqn.2024-01.test.rsm:vtl/2"]

[[library]]
name = "solo"
kind = "iscsi"
standalone = true
drives = ["$URL/iqn.2024-01.test.rsm:solo/1"]

[[library]]
name = "gone"
kind = "iscsi"
changer = "iscsi://127.0.0.1:1/iqn.2024-01.test.rsm:none/3"
drives = []
TOML

"$BIN/rsmd" --config "$TMP/rsmd.toml" >"$TMP/rsmd.log" 2>&1 &
RSMD_PID=$!
for i in $(seq 600); do
  grep -q "rsmd ready on" "$TMP/rsmd.log" 2>/dev/null && break
  kill -0 "$RSMD_PID" 2>/dev/null || { RSMD_PID=; fail "rsmd exited during start-up"; }
  sleep 0.1
done
grep -q "rsmd ready on" "$TMP/rsmd.log" || fail "rsmd not ready in 60 s"
export RSM_SOCKET=$TMP/rsmd.sock
rsm() { "$BIN/rsm" "$@"; }
backing() {  # which tape file LUN $1 of target 1 has loaded
  TGT_IPC_SOCKET=$VTL_DIR/tgtsock tgtadm --lld iscsi --op show --mode target |
    awk -v lun="LUN: $1" '/^Target 2:/{exit} index($0, lun){f=1} f && /Backing store path/{print $4; exit}'
}

out=$(rsm library list) || fail "library list"
echo "$out"
echo "$out" | grep -Eq '^vtl +online +yes +ready +3 +20 +2 +12 ' || fail "vtl row: $out"
echo "$out" | grep -Eq '^solo +standalone +yes +ready +1 ' || fail "solo row: $out"
echo "$out" | grep -Eq '^gone .*needs service' || fail "gone row: $out"
json=$(rsm --json library list)
echo "$json" | grep -q 'Connection refused\|cannot log in' || true

out=$(rsm media list --library vtl) || fail "media list"
echo "$out"
for bc in T00001L6 T00005L6 T00010L6 CLN001L1; do
  echo "$out" | grep -Eq "^$bc +$bc +vtl +slot" || fail "$bc not in a slot: $out"
done
echo "$out" | grep -Eq '^unlabeled-' || fail "the unlabeled cartridge is missing: $out"
[ "$(echo "$out" | tail -n +2 | wc -l)" -eq 12 ] || fail "expected 12 cartridges: $out"

drive=$(rsm media mount T00001L6 --timeout 60) || fail "media mount"
echo "mounted in: $drive"
case "$drive" in "vtl drive 0" | "vtl drive 1") ;; *) fail "mounted in '$drive'" ;; esac
num=${drive##* }
lun=$((num + 1))  # drive element i is LUN i+1 (DRV000000<i+1>)
[ "$(basename "$(backing $lun)")" = T00001L6 ] || fail "LUN $lun has '$(backing $lun)' loaded"
out=$(rsm drive list --library vtl)
echo "$out"
echo "$out" | grep -Eq "^vtl drive $num +vtl +$num +\S+ +yes +T00001L6 +DRV000000$lun" || fail "drive row: $out"
echo "$out" | grep -Eq '^vtl drive 2 +vtl +2 +\S+ +no ' || fail "the spare element should be disabled: $out"

rsm drive dismount "vtl:$num" || fail "drive dismount"
[ "$(backing $lun)" = None ] || [ -z "$(backing $lun)" ] || fail "LUN $lun still has '$(backing $lun)'"
out=$(rsm media list --library vtl)
echo "$out" | grep -Eq '^T00001L6 +T00001L6 +vtl +slot +vtl slot 1 ' || fail "T00001L6 not back in slot 1: $out"

out=$(rsm media list --library solo)
echo "$out"
echo "$out" | grep -Eq ' solo +drive ' || fail "the solo drive's cartridge: $out"
echo "rsmd_e2e: OK"
