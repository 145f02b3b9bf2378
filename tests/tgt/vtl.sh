#!/usr/bin/env bash
# vtl.sh: a private tgtd on loopback that emulates OpenRSM's test tape library.
#
#   vtl.sh start    start tgtd if it is not running, then (re)build both targets
#                   from scratch with fresh tape images (a known state; idempotent)
#   vtl.sh stop     delete the targets, shut tgtd down, SIGKILL its PID if needed
#   vtl.sh reset    stop + start (a fresh daemon)
#   vtl.sh offline  delete the targets but keep tgtd (initiators lose their
#                   sessions; `start` brings the targets back)
#   vtl.sh status   print the daemon state and `tgtadm --op show`
# Faults for the API suites (tests/api/harness.cc, Daemon::TgtHook); each
# keeps the library's element state:
#   vtl.sh unreachable   library target offline (tgt refuses logins with
#                        "target error") and its live connections dropped, so
#                        every initiator's next command fails at once
#   vtl.sh reachable     library target back to ready (initiators log in again
#                        and get UNIT ATTENTION 29/00)
#                        (both take an optional tid: 1 = library, the
#                        default; 2 = the stand-alone drive)
#   vtl.sh remove ADDR   an operator takes the cartridge out of slot or IE port
#                        ADDR (tgt's clear_slot; tgt raises no UNIT ATTENTION)
#   vtl.sh stall         SIGSTOP tgtd: every command waits, like a robot busy
#                        for as long as it takes until `resume` (SIGCONT)
#   vtl.sh recreate delete and rebuild both targets under a running tgtd, as
#                   after a power cycle of the library: live sessions are
#                   dropped, initiators reconnect and get UNIT ATTENTION 29/00.
#                   Existing tape images are kept; the slots get VTL_MEDIA
#                   (a "-" entry leaves that slot empty), the drives come
#                   back empty (tgtadm cannot put a tape into a drive)
#   vtl.sh drop-sessions  close every connection to the library target (a
#                   bus reset as the initiators see it): they reconnect and get
#                   UNIT ATTENTION 29/00; every element keeps its state
#
# Environment: VTL_DIR (default /tmp/openrsm-vtl: PID, log, IPC socket, tape
# images) and VTL_PORT (default 3260; the portal is 127.0.0.1:VTL_PORT).
# Several instances can run side by side with different VTL_DIR and VTL_PORT.
# VTL_MEDIA (optional): space-separated barcodes for slots 1024, 1025, ...
# instead of the default T00001L6..T00010L6, CLN001L1 and the unlabeled
# cartridge (the API suites use "A00001L6 A00002L6 A00003L6 A00004L6").
#
# Library (target iqn.2024-01.test.rsm:vtl, tid 1; see docs/transports.md):
#   LUN 0  tgt's fixed controller LUN          LUN 3  changer (STK L700, CHG0000001)
#   LUN 1  tape drive DRV0000001 = DTE 256     LUN 2  tape drive DRV0000002 = DTE 257
#   DTE 258     spare, unmapped: works around tgt cutting the last 8 bytes
#               of each READ ELEMENT STATUS page (DVCID serial of DTE 257)
#   MTE 1 | IE ports 768-769 (empty) | slots 1024-1043:
#   T00001L6..T00010L6 in 1024-1033, cleaning tape CLN001L1 in 1034,
#   an unlabeled cartridge in 1035, 1036-1043 empty.
# Stand-alone drive (target iqn.2024-01.test.rsm:solo, tid 2): LUN 1, tape
# drive DRV0000003 with S00001L6 loaded.
set -euo pipefail

VTL_DIR=${VTL_DIR:-/tmp/openrsm-vtl}
VTL_PORT=${VTL_PORT:-3260}
export TGT_IPC_SOCKET=$VTL_DIR/tgtsock
PIDFILE=$VTL_DIR/tgtd.pid
MEDIA=$VTL_DIR/media
VTL_IQN=iqn.2024-01.test.rsm:vtl
SOLO_IQN=iqn.2024-01.test.rsm:solo

die() { echo "vtl.sh: $*" >&2; exit 1; }
ms() { date +%s%3N; }
# tgtadm blocks while tgtd is stopped or wedged: bound every call.
TGTADM_BIN=$(type -P tgtadm || echo tgtadm)
tgtadm() { timeout 10 "$TGTADM_BIN" "$@"; }
adm() { tgtadm --lld iscsi "$@" >/dev/null; }

# Whether process $1 exists and is not a zombie (a reparented tgtd stays a
# zombie where PID 1 does not reap).
alive() {
  local stat; stat=$(cat /proc/"$1"/stat 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# PID of our tgtd if it is alive (checked by PID and by name), else nothing.
tgtd_pid() {
  [ -f "$PIDFILE" ] || return 0
  local pid; pid=$(cat "$PIDFILE" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if alive "$pid" && [ "$(cat /proc/"$pid"/comm 2>/dev/null || true)" = tgtd ]; then echo "$pid"; fi
  return 0
}

tids() { tgtadm --lld iscsi --op show --mode target 2>/dev/null | sed -n 's/^Target \([0-9]*\):.*/\1/p'; }

delete_targets() {
  local t
  for t in $(tids); do adm --op delete --mode target --tid "$t" --force || true; done
}

start_daemon() {
  command -v tgtd >/dev/null || die "tgtd not found (apt-get install tgt)"
  mkdir -p "$VTL_DIR"
  rm -f "$TGT_IPC_SOCKET".0 "$TGT_IPC_SOCKET".0.lock
  # Own session, no inherited stdio: ctest waits for its pipes to close.
  # (A background job is no process group leader, so setsid execs in place
  # and $! is tgtd's PID.)
  setsid tgtd -f --iscsi portal=127.0.0.1:"$VTL_PORT" </dev/null >>"$VTL_DIR/tgtd.log" 2>&1 &
  local pid=$! i
  echo "$pid" >"$PIDFILE"
  for i in $(seq 250); do
    alive "$pid" || die "tgtd exited at start; see $VTL_DIR/tgtd.log"
    tgtadm --op show --mode target >/dev/null 2>&1 && break
    sleep 0.02
  done
  if [ -z "$(tgtd_pid)" ] ||
     ! tgtadm --lld iscsi --op show --mode portal 2>/dev/null | grep -q "127.0.0.1:$VTL_PORT"; then
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
    die "tgtd did not come up on 127.0.0.1:$VTL_PORT; see $VTL_DIR/tgtd.log"
  fi
}

stop_daemon() {
  local pid; pid=$(tgtd_pid)
  if [ -n "$pid" ]; then
    kill -CONT "$pid" 2>/dev/null || true   # a test may have left it SIGSTOPped
    delete_targets
    tgtadm --op delete --mode system >/dev/null 2>&1 || true   # tgtd ignores SIGTERM
    local i
    for i in $(seq 60); do alive "$pid" || break; sleep 0.05; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    for i in $(seq 100); do alive "$pid" || break; sleep 0.01; done
  fi
  rm -f "$PIDFILE" "$TGT_IPC_SOCKET".0 "$TGT_IPC_SOCKET".0.lock
}

new_tape() {  # barcode type
  if [ -n "${KEEP_IMAGES:-}" ] && [ -f "$MEDIA/$1" ]; then return 0; fi
  rm -f "$MEDIA/$1"
  tgtimg --op new --device-type tape --barcode "$1" --size 64 --type "$2" --file "$MEDIA/$1" \
    --thin-provisioning >/dev/null
}

lu() { adm --op update --mode logicalunit --tid "$1" --lun "$2" --params "$3"; }

build_targets() {
  delete_targets
  mkdir -p "$MEDIA"
  local i bc
  local -a slot_media=()
  if [ -n "${VTL_MEDIA:-}" ]; then
    read -r -a slot_media <<<"$VTL_MEDIA"
    [ "${#slot_media[@]}" -le 20 ] || die "VTL_MEDIA: at most 20 barcodes"
    for bc in "${slot_media[@]}"; do [ "$bc" = - ] || new_tape "$bc" data; done
  else
    for i in $(seq 1 10); do new_tape "$(printf 'T%05dL6' "$i")" data; done
    new_tape CLN001L1 clean
  fi
  new_tape S00001L6 data
  [ -f "$MEDIA/smc" ] || dd if=/dev/zero of="$MEDIA/smc" bs=1k count=1 status=none

  # Library: tid 1.
  adm --op new --mode target --tid 1 -T "$VTL_IQN"
  for i in 1 2; do
    adm --op new --mode logicalunit --tid 1 --lun $i --device-type tape
    lu 1 $i "vendor_id=IBM,product_id=ULT3580-TD6,product_rev=G350,scsi_sn=DRV000000$i,removable=1"
  done
  adm --op new --mode logicalunit --tid 1 --lun 3 -b "$MEDIA/smc" --device-type changer
  lu 1 3 "vendor_id=STK,product_id=L700,product_rev=0104,scsi_sn=CHG0000001,removable=1"
  lu 1 3 "media_home=$MEDIA"
  lu 1 3 "element_type=1,start_address=1,quantity=1"
  lu 1 3 "element_type=4,start_address=256,quantity=2"
  lu 1 3 "element_type=4,address=256,tid=1,lun=1"
  lu 1 3 "element_type=4,address=257,tid=1,lun=2"
  lu 1 3 "element_type=4,start_address=258,quantity=1"
  lu 1 3 "element_type=3,start_address=768,quantity=2"
  lu 1 3 "element_type=2,start_address=1024,quantity=20"
  if [ "${#slot_media[@]}" -gt 0 ]; then
    for i in "${!slot_media[@]}"; do
      [ "${slot_media[$i]}" != - ] || continue
      lu 1 3 "element_type=2,address=$((1024 + i)),barcode=${slot_media[$i]},sides=1"
    done
  else
    for i in $(seq 1 10); do
      lu 1 3 "element_type=2,address=$((1023 + i)),barcode=$(printf 'T%05dL6' "$i"),sides=1"
    done
    lu 1 3 "element_type=2,address=1034,barcode=CLN001L1,sides=1"
    lu 1 3 "element_type=2,address=1035,barcode=,sides=1"
  fi
  adm --op bind --mode target --tid 1 -I ALL

  # Stand-alone drive: tid 2.
  adm --op new --mode target --tid 2 -T "$SOLO_IQN"
  adm --op new --mode logicalunit --tid 2 --lun 1 -b "$MEDIA/S00001L6" --device-type tape
  lu 2 1 "vendor_id=IBM,product_id=ULT3580-TD6,product_rev=G350,scsi_sn=DRV0000003,removable=1"
  adm --op bind --mode target --tid 2 -I ALL
}

cmd_start() {
  local t0; t0=$(ms)
  [ -n "$(tgtd_pid)" ] || start_daemon
  local t1; t1=$(ms)
  build_targets
  echo "vtl.sh: tgtd $(tgtd_pid) on 127.0.0.1:$VTL_PORT ready (daemon $((t1 - t0)) ms, targets $(($(ms) - t1)) ms)"
}

cmd_stop() {
  local t0; t0=$(ms)
  stop_daemon
  echo "vtl.sh: stopped ($(($(ms) - t0)) ms)"
}

cmd_offline() {
  [ -n "$(tgtd_pid)" ] || die "tgtd is not running"
  delete_targets
  echo "vtl.sh: targets deleted"
}

cmd_unreachable() {
  [ -n "$(tgtd_pid)" ] || die "tgtd is not running"
  local tid=${1:-1}
  [[ "$tid" =~ ^[12]$ ]] || die "unreachable: tid 1 (library) or 2 (stand-alone drive) expected"
  # Offline first, so that a dropped initiator cannot log in again in between.
  adm --op update --mode target --tid "$tid" --name state --value offline
  local sid
  for sid in $(tgtadm --lld iscsi --op show --mode conn --tid "$tid" 2>/dev/null | sed -n 's/^Session: \([0-9]*\).*/\1/p'); do
    adm --op delete --mode conn --tid "$tid" --sid "$sid" --cid 0 || true
  done
}

cmd_reachable() {
  [ -n "$(tgtd_pid)" ] || die "tgtd is not running"
  local tid=${1:-1}
  [[ "$tid" =~ ^[12]$ ]] || die "reachable: tid 1 (library) or 2 (stand-alone drive) expected"
  adm --op update --mode target --tid "$tid" --name state --value ready
}

cmd_remove() {
  local addr=${1:-}
  [[ "$addr" =~ ^[0-9]+$ ]] || die "remove: element address expected"
  local type=2
  if [ "$addr" -ge 768 ] && [ "$addr" -lt 1024 ]; then type=3; fi
  lu 1 3 "element_type=$type,address=$addr,clear_slot=1"
}

cmd_recreate() {
  [ -n "$(tgtd_pid)" ] || die "tgtd is not running"
  local t0; t0=$(ms)
  KEEP_IMAGES=1 build_targets
  echo "vtl.sh: targets recreated ($(($(ms) - t0)) ms)"
}

cmd_drop_sessions() {
  [ -n "$(tgtd_pid)" ] || die "tgtd is not running"
  local sid cid n=0
  # "I_T nexus: <sid>" lines, each followed by its "Connection: <cid>" lines.
  while read -r sid cid; do
    adm --op delete --mode conn --tid 1 --sid "$sid" --cid "$cid" && n=$((n + 1))
  done < <(tgtadm --lld iscsi --op show --mode target | awk '
    /^Target / { t = $2 }
    t == "1:" && /I_T nexus: / { sid = $3 }
    t == "1:" && /Connection: / && sid != "" { print sid, $2 }')
  echo "vtl.sh: $n connections closed"
}

cmd_signal() {
  local pid; pid=$(tgtd_pid)
  [ -n "$pid" ] || die "tgtd is not running"
  kill -"$1" "$pid"
}

cmd_status() {
  local pid; pid=$(tgtd_pid)
  if [ -z "$pid" ]; then echo "vtl.sh: not running"; return 3; fi
  echo "vtl.sh: tgtd $pid on 127.0.0.1:$VTL_PORT (VTL_DIR=$VTL_DIR)"
  tgtadm --lld iscsi --op show --mode target
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  reset) cmd_stop; cmd_start ;;
  offline) cmd_offline ;;
  unreachable) cmd_unreachable "${2:-1}" ;;
  reachable) cmd_reachable "${2:-1}" ;;
  remove) cmd_remove "${2:-}" ;;
  stall) cmd_signal STOP ;;
  resume) cmd_signal CONT ;;
  status) cmd_status ;;
  recreate) cmd_recreate ;;
  drop-sessions) cmd_drop_sessions ;;
  *) echo "usage: $0 start|stop|reset|offline|unreachable [TID]|reachable [TID]|remove ADDR|stall|resume|recreate|drop-sessions|status" >&2; exit 2 ;;
esac
