#!/usr/bin/env bash
# sg-smoke.sh (runs inside the QEMU guest, see tests/qemu/run-guest.sh):
# the kernel's view of the test library (lsscsi, mtx) against OpenRSM's sg
# discovery and SCSI layer ($OPENRSM_BUILD/sg_probe). Checks that
#   * sg_probe finds the changer and the 3 tape drives, with their serials and
#     /dev/nst nodes, and maps drive elements 256/257 to the right nodes;
#   * sg_probe and `mtx status` agree on every drive, slot and port (full or
#     empty, barcode), before and after an `mtx load` and `mtx unload`;
#   * the element map is the one tests/tgt/vtl.sh builds.
# Exit status 0 = all checks passed.
set -uo pipefail
FAIL=0
up() { cut -d' ' -f1 /proc/uptime; }
fail() { echo "FAIL: $*"; FAIL=$((FAIL + 1)); }
step() { echo; echo "### [$(up) s] $*"; }
PROBE=${OPENRSM_BUILD:?OPENRSM_BUILD is not set}/sg_probe
[ -x "$PROBE" ] || { echo "FAIL: $PROBE not built"; exit 1; }

step lsscsi -g
lsscsi -g || fail "lsscsi"

# The changer: the sg node whose device type is 8 (medium changer).
CHG=
for d in /sys/class/scsi_generic/sg*; do
  [ "$(cat "$d/device/type" 2>/dev/null)" = 8 ] && CHG=/dev/${d##*/}
done
[ -n "$CHG" ] || { fail "no medium changer in /sys/class/scsi_generic"; exit 1; }
echo "changer: $CHG"

# mtx status -> "drive N full|empty BARCODE", "slot N ...", "port N ..."
# (ordinal per kind: drives from 0, slots and ports from 1; "-" = no barcode)
mtx_view() {
  mtx -f "$CHG" status | awk '
    function tag(s) { if (match(s, /VolumeTag *= *[^ ]+/)) { s = substr(s, RSTART, RLENGTH); sub(/VolumeTag *= */, "", s); return s } return "-" }
    /Data Transfer Element/ { n = $4; sub(/:.*/, "", n); st = ($0 ~ /:Full/) ? "full" : "empty"; print "drive", n, st, tag($0); next }
    /Storage Element .*IMPORT\/EXPORT/ { st = ($0 ~ /:Full/) ? "full" : "empty"; print "port", ++p, st, tag($0); next }
    /Storage Element/ { st = ($0 ~ /:Full/) ? "full" : "empty"; print "slot", ++s, st, tag($0) }'
}
# sg_probe's element lines -> the same form (elements come in address order)
probe_view() {
  awk '$1 == "element" && $3 != "transport" {
         bc = "-"; for (i = 6; i <= NF; i++) if ($i ~ /^barcode=./) { bc = substr($i, 9) }
         n = ($3 == "drive") ? d++ : ($3 == "slot" ? ++s : ++p)
         print $3, n, $5, bc }' "$1"
}
# full elements must show the barcode both tools see; an empty one has none
compare() {  # label
  step "compare sg_probe with mtx status ($1)"
  "$PROBE" >"$SCRATCH/probe.txt" 2>&1 || fail "sg_probe exited $? ($1)"
  cat "$SCRATCH/probe.txt"
  mtx -f "$CHG" status || fail "mtx status ($1)"
  mtx_view | sort -k1,1 -k2,2n >"$SCRATCH/mtx.view"
  probe_view "$SCRATCH/probe.txt" | sort -k1,1 -k2,2n >"$SCRATCH/probe.view"
  if diff -u "$SCRATCH/mtx.view" "$SCRATCH/probe.view"; then
    echo "agree: $(wc -l <"$SCRATCH/mtx.view") elements ($1)"
  else
    fail "sg_probe and mtx disagree ($1)"
  fi
  [ -s "$SCRATCH/mtx.view" ] || fail "no elements from mtx ($1)"
}
expect() {  # regex description
  grep -Eq "$1" "$SCRATCH/probe.txt" || fail "sg_probe: expected $2 (/$1/)"
}

step "mtx -f $CHG inquiry"
mtx -f "$CHG" inquiry || fail "mtx inquiry"

compare "initial"
expect "^# sg_probe: 1 changer\(s\), 3 tape drive\(s\)$" "1 changer and 3 drives"
expect "^changer $CHG .*vendor=STK product=L700 .*serial=CHG0000001$" "the changer's INQUIRY and serial"
for s in DRV0000001 DRV0000002 DRV0000003; do
  expect "^tape /dev/sg[0-9]+ .*serial=$s nst=/dev/nst[0-9]+$" "tape drive $s with an nst node"
done
expect "^assignment $CHG transport=1\+1 storage=1024\+20 import_export=768\+2 data_transfer=256\+3$" "the element address assignment"
expect "^element $CHG drive 256 empty .*serial=DRV0000001 nst=/dev/nst[0-9]+" "DTE 256 = DRV0000001"
expect "^element $CHG drive 257 empty .*serial=DRV0000002 nst=/dev/nst[0-9]+" "DTE 257 = DRV0000002"
expect "^element $CHG slot 1024 full barcode=T00001L6( |$)" "T00001L6 in slot 1024"
expect "^element $CHG slot 1033 full barcode=T00010L6( |$)" "T00010L6 in slot 1033"
expect "^element $CHG slot 1034 full barcode=CLN001L1( |$)" "the cleaning tape in slot 1034"
expect "^element $CHG slot 1035 full barcode=( |$)" "the unlabeled cartridge in slot 1035"
expect "^element $CHG port 768 empty" "IE port 768"
[ "$(grep -c "^element $CHG slot .* full" "$SCRATCH/probe.txt")" = 12 ] || fail "expected 12 full slots"
[ "$(grep -c "^element $CHG slot " "$SCRATCH/probe.txt")" = 20 ] || fail "expected 20 slots"
# the drive node that sg_probe names for DTE 256 is the drive mtx loads as drive 0
NST0=$(awk -v c="$CHG" '$1 == "element" && $2 == c && $3 == "drive" && $4 == 256 {
  for (i = 6; i <= NF; i++) if ($i ~ /^nst=/) print substr($i, 5) }' "$SCRATCH/probe.txt")

step "mtx -f $CHG load 3 0"
mtx -f "$CHG" load 3 0 || fail "mtx load 3 0"
compare "T00003L6 in drive 0"
expect "^element $CHG drive 256 full barcode=T00003L6 source=1026 serial=DRV0000001" "T00003L6 in DTE 256 from slot 1026"
expect "^element $CHG slot 1026 empty" "slot 1026 empty"
if [ -n "$NST0" ]; then
  step "mt -f $NST0 status (the drive sg_probe maps to DTE 256)"
  mt -f "$NST0" status || fail "mt status on $NST0: no cartridge in the drive sg_probe named"
fi

step "mtx -f $CHG unload 3 0"
mtx -f "$CHG" unload 3 0 || fail "mtx unload 3 0"
compare "after unload"
expect "^element $CHG slot 1026 full barcode=T00003L6" "T00003L6 back in slot 1026"

echo
echo "### [$(up) s] sg-smoke: $FAIL failure(s)"
[ "$FAIL" -eq 0 ]
