#!/usr/bin/env bash
# Fresh Debian 12 machine → the main job: installs what is missing, builds,
# starts rsmd on its embedded default (SQLite catalogue in the state
# directory, simulated library "sim0": 2 drives, 20 slots, 2 IE ports,
# 10 barcoded cartridges), runs a short demo with `rsm`, then keeps rsmd in
# the foreground (Ctrl-C stops it). `--demo-only` stops rsmd after the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
B=$PWD/build
# rsm finds the daemon's default socket by itself (RSM_SOCKET overrides it).
unset RSM_SOCKET
"$B/rsmd" &
RSMD=$!
trap 'kill -TERM $RSMD 2>/dev/null; wait $RSMD 2>/dev/null || true' EXIT
for _ in $(seq 200); do "$B/rsm" library list >/dev/null 2>&1 && break; sleep 0.1; done
run() { echo; echo "\$ rsm $*"; "$B/rsm" "$@"; }
run library list
run media list
run media mount A00001L6
run drive list
run drive dismount "sim0 drive 0" || run drive dismount "sim0 drive 1"
run drive list
run request list
if [ "${1:-}" = "--demo-only" ]; then exit 0; fi
echo; echo "rsmd is running; try: $B/rsm media list (another terminal). Ctrl-C stops it."
wait $RSMD
