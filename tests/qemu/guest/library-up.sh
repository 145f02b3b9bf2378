#!/usr/bin/env bash
# library-up.sh: inside the QEMU guest, starts OpenRSM's test tape library
# (tests/tgt/vtl.sh: a changer with 3 drive elements, 2 IE ports, 20 slots;
# 2 drives, plus a stand-alone drive) on the guest's 127.0.0.1:3260 and logs
# in to every target with open-iscsi, so the kernel creates /dev/sg*, /dev/st*
# and /dev/nst*. Prints "library-up: ready" when every LUN has its sg node and
# every tape its nst node. Called by stage2.sh with VTL_DIR, VTL_PORT and
# TGT_IPC_SOCKET set.
set -euo pipefail
up() { cut -d' ' -f1 /proc/uptime; }
ISCSI=$QEMU_CACHE/iscsiroot          # open-iscsi, unpacked by setup.sh (not installed)
export PATH=$ISCSI/sbin:$ISCSI/usr/sbin:$PATH
t0=$(up)
phase() { echo "library-up: [$(up) s] $*"; }
# modprobe and iscsid start while vtl.sh builds the targets (each exec costs
# ~0.1-0.4 s under TCG, so the steps that do not depend on each other overlap)
modprobe -a sg st iscsi_tcp &
mod_pid=$!
mkdir -p /etc/iscsi /run/lock/iscsi
cp "$ISCSI/etc/iscsi/iscsid.conf" /etc/iscsi/
echo "InitiatorName=iqn.2024-01.test.rsm:guest" >/etc/iscsi/initiatorname.iscsi
rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets   # the host's, if any, are not ours
iscsid

bash "$OPENRSM_SRC/tests/tgt/vtl.sh" start
phase "tgtd and targets up"
# LUNs the kernel must find (LUN 0 of each target is tgt's controller LUN)
luns=$(tgtadm --lld iscsi --op show --mode target | grep -c '^ *LUN: ')
wait $mod_pid || { echo "library-up: modprobe sg st iscsi_tcp failed"; exit 1; }
for _ in $(seq 100); do [ -e /run/iscsid.pid ] && break; sleep 0.05; done
iscsiadm -m discovery -t sendtargets -p "127.0.0.1:$VTL_PORT" >/dev/null
iscsiadm -m node -p "127.0.0.1:$VTL_PORT" --login >/dev/null
phase "logged in"

# No udev: devtmpfs creates the nodes. The LUN scan after login is
# asynchronous, so wait until every LUN has an sg node and every tape an nst.
# Shell builtins only: every exec costs ~0.1-0.4 s under TCG.
ready() {
  local d n=0 t f has_nst
  for d in /sys/class/scsi_generic/sg*; do
    [ -e "$d/device/type" ] || return 1
    n=$((n + 1))
    read -r t <"$d/device/type" || return 1
    if [ "$t" = 1 ]; then
      has_nst=0
      for f in "$d"/device/scsi_tape/nst*; do
        [[ "${f##*/}" =~ ^nst[0-9]+$ ]] && [ -e "/dev/${f##*/}" ] && has_nst=1
      done
      [ $has_nst = 1 ] || return 1
    fi
    [ -e "/dev/${d##*/}" ] || return 1
  done
  [ "$n" -eq "$luns" ]
}
for _ in $(seq 200); do ready && break; sleep 0.05; done
if ! ready; then
  echo "library-up: not all of the $luns LUNs appeared with their sg (and nst) nodes:"
  ls -l /sys/class/scsi_generic/ /dev/nst* || true
  lsscsi -g || true
  exit 1
fi
echo "library-up: ready: $luns LUNs in $(awk -v a="$t0" -v b="$(up)" 'BEGIN { printf "%.2f", b - a }') s (guest uptime $(up) s)"
