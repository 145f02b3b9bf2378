#!/usr/bin/env bash
# run-guest.sh: boots a QEMU guest with a real kernel SCSI stack, runs one
# test script in it and returns that script's exit status (docs/qemu.md).
#
#   run-guest.sh TEST_SCRIPT [ARGS...]
#
# The guest (TCG, no NIC) sees this host's root read-only over 9p with a tmpfs
# overlay on top, so every host path - the source tree, a build directory under
# /work or /tmp, host binaries - is visible under the same name, and writes
# stay in guest RAM. Before the test runs, stage 2 (guest/stage2.sh) loads sg,
# st and iscsi_tcp, starts the test library with tests/tgt/vtl.sh on the
# guest's 127.0.0.1 and logs in to every target with open-iscsi, so
# /dev/sg*, /dev/st* and /dev/nst* exist. The script runs with bash, as root,
# in $SCRATCH, with ARGS as its arguments and this environment:
#   OPENRSM_SRC    the source tree          OPENRSM_BUILD  $OPENRSM_BUILD (may be empty)
#   SCRATCH        an empty writable tmpfs   GUEST_OUT      /run/out = $QEMU_OUT on the host
#   VTL_DIR, VTL_PORT, TGT_IPC_SOCKET  the guest's tgtd (vtl.sh status|reset|... work)
#
# Output, in $QEMU_OUT (default: a new /tmp/openrsm-guest.XXXXXX):
#   guest.log    the test script's stdout + stderr
#   console.log  the whole serial console (kernel, stage 2, test)
#   rc           the test's exit status
# Exit status: the test's; 97 if the guest could not set the library up; 99 if
# the guest reported nothing (timeout, crash, panic); 2 for a usage error.
#
# Environment: QEMU_CACHE (setup.sh's cache, default /var/cache/openrsm-qemu),
# QEMU_OUT, QEMU_TIMEOUT (seconds for the whole guest run, default 240),
# QEMU_MEM (MB, 1024), QEMU_SMP (2), QEMU_CPU (TCG model, max), QEMU_VTL=0 (boot
# without the library),
# QEMU_SHELL=1 (no test: an interactive shell on the console; needs a tty),
# USE_KVM=1 (other hosts only: KVM is unusable on our CI VMs, see docs/qemu.md).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
C=${QEMU_CACHE:-/var/cache/openrsm-qemu}
die() { echo "run-guest.sh: $*" >&2; exit 2; }

if [ "${QEMU_SHELL:-0}" = 1 ]; then
  TEST=
else
  [ $# -ge 1 ] || die "usage: run-guest.sh TEST_SCRIPT [ARGS...]"
  TEST=$(realpath -e "$1") || die "no such test script: $1"
  shift
  case "$TEST" in
    /run/* | /var/tmp/* | /proc/* | /sys/* | /dev/*) die "$TEST is hidden from the guest (tmpfs there)" ;;
  esac
fi
for p in "$C" "${OPENRSM_BUILD:-}"; do
  case "$p" in
    /run/* | /var/tmp/*) die "$p is hidden from the guest (tmpfs there)" ;;
  esac
done
[ -f "$C/kver" ] && [ -f "$C/initrd.img" ] || die "no guest kernel in $C: run tests/qemu/setup.sh first"
K=$(cat "$C/kver")
KERNEL=$C/vmlinux
[ -f "$KERNEL" ] || KERNEL=$C/kroot/boot/vmlinuz-$K

OUT=${QEMU_OUT:-}
[ -n "$OUT" ] || OUT=$(mktemp -d "${TMPDIR:-/tmp}/openrsm-guest.XXXXXX")
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
rm -f "$OUT/rc" "$OUT/guest.log" "$OUT/console.log" "$OUT/guest.env"

# What the guest's stage 2 sources: single-quoted values (safe in dash).
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
  echo "OPENRSM_SRC=$(q "$SRC")"
  echo "OPENRSM_BUILD=$(q "${OPENRSM_BUILD:-}")"
  echo "QEMU_CACHE=$(q "$C")"
  echo "QEMU_VTL=$(q "${QEMU_VTL:-1}")"
  echo "QEMU_TEST=$(q "$TEST")"
  printf 'set --'
  for a in "$@"; do printf ' %s' "$(q "$a")"; done
  echo
} >"$OUT/guest.env"

ACCEL=(-accel tcg -cpu "${QEMU_CPU:-max}")
[ "${USE_KVM:-0}" = 1 ] && ACCEL=(-enable-kvm -cpu host,-arch-capabilities)
t0=$(date +%s%N)
# qemu does not exit after a KVM internal error (it pauses) and a wedged guest
# never powers off: `timeout` bounds every run; -no-reboot + panic=-1 turn a
# guest panic into a qemu exit.
QEMU=(timeout -k 5 "${QEMU_TIMEOUT:-240}" qemu-system-x86_64 "${ACCEL[@]}" -machine q35 \
  -smp "${QEMU_SMP:-2}" -m "${QEMU_MEM:-1024}" \
  -nographic -no-reboot -nodefaults -nic none -monitor none \
  -chardev stdio,id=con,signal=off,logfile="$OUT/console.log" -serial chardev:con \
  -kernel "$KERNEL" -initrd "$C/initrd.img" \
  -append "console=ttyS0 panic=-1 quiet loglevel=4 qs.init=$HERE/guest/stage2.sh" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs local,path="$OUT",mount_tag=out,security_model=none)
qrc=0
if [ -z "$TEST" ]; then
  "${QEMU[@]:4}" || qrc=$?   # interactive: no timeout; the console is this terminal
else
  "${QEMU[@]}" </dev/null &
  qpid=$!
  # Never leave qemu behind: `timeout` passes TERM/INT/HUP on to qemu.
  trap 'kill -TERM $qpid 2>/dev/null || true; wait $qpid 2>/dev/null || true; exit 143' TERM INT HUP
  wait $qpid || qrc=$?
  trap - TERM INT HUP
fi
secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
rc=$(cat "$OUT/rc" 2>/dev/null || true)
[[ "$rc" =~ ^[0-9]+$ ]] || rc=99
[ "$qrc" = 124 ] && echo "run-guest.sh: guest timed out after ${QEMU_TIMEOUT:-240} s" >&2
echo "run-guest.sh: test rc=$rc after $secs s (qemu rc=$qrc); output in $OUT"
exit "$rc"
