#!/bin/sh
# c_pkgconfig_test.sh BUILD_DIR C_FILE RSMD
#
# The installed product, used the way a C application would use it:
#  1. installs BUILD_DIR into a temporary prefix (cmake --install);
#  2. builds C_FILE with nothing but
#       cc -std=c99 -Wall -Werror C_FILE $(pkg-config --cflags --libs ntmsapi)
#     against that prefix (no build-tree include or library paths);
#  3. starts the *installed* rsmd on a private config (one simulated library
#     "sim0": 2 drives, 20 slots, 2 IE ports, A00001L6..A00004L6) and socket;
#  4. runs the program with RSM_SOCKET set, stops rsmd with SIGTERM, cleans up,
#     and exits with the program's status.
# RSMD (the build tree's rsmd) is only checked to exist, i.e. that BUILD_DIR
# is built; the test runs the installed copy. Needs cmake, cc and pkg-config.
set -u

if [ $# -ne 3 ]; then
  echo "usage: $0 BUILD_DIR C_FILE RSMD" >&2
  exit 2
fi
BUILD_DIR=$1
C_FILE=$2
RSMD_BUILD=$3

[ -x "$RSMD_BUILD" ] || { echo "c_pkgconfig_test: $RSMD_BUILD is not built" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rsm-c-api.XXXXXX") || exit 1
RSMD_PID=
cleanup() {
  if [ -n "$RSMD_PID" ] && kill -0 "$RSMD_PID" 2>/dev/null; then
    kill -TERM "$RSMD_PID" 2>/dev/null
    wait "$RSMD_PID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "c_pkgconfig_test: $*" >&2
  exit 1
}

# 1. Install.
PREFIX=$TMP/prefix
cmake --install "$BUILD_DIR" --prefix "$PREFIX" >"$TMP/install.log" 2>&1 ||
  { cat "$TMP/install.log" >&2; fail "cmake --install failed"; }
PC=$(find "$PREFIX" -name ntmsapi.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$PC" ] || fail "the install has no ntmsapi.pc"
PC_DIR=$(dirname "$PC")
[ -x "$PREFIX/bin/rsmd" ] || fail "the install has no bin/rsmd"

# 2. Build the C program against the install, with pkg-config only.
FLAGS=$(PKG_CONFIG_PATH=$PC_DIR pkg-config --cflags --libs ntmsapi) || fail "pkg-config does not know ntmsapi"
case "$FLAGS" in
  *"$BUILD_DIR"*) fail "pkg-config points into the build tree: $FLAGS" ;;
esac
# shellcheck disable=SC2086  # FLAGS is a list of words
cc -std=c99 -Wall -Werror "$C_FILE" -o "$TMP/c_api_test" $FLAGS || fail "cc failed (flags: $FLAGS)"

# The installed binaries must find their libraries in the prefix, not in the build tree.
for bin in "$TMP/c_api_test" "$PREFIX/bin/rsmd"; do
  if command -v ldd >/dev/null 2>&1; then
    ldd "$bin" >"$TMP/ldd.txt" 2>&1
    grep -q "not found" "$TMP/ldd.txt" && { cat "$TMP/ldd.txt" >&2; fail "$bin: unresolved libraries"; }
    grep -E "lib(ntmsapi|openrsm_rpc)" "$TMP/ldd.txt" | grep -v -q -F "$PREFIX" &&
      { cat "$TMP/ldd.txt" >&2; fail "$bin: OpenRSM libraries resolved outside $PREFIX"; }
  fi
done

# 3. The installed rsmd on a private configuration.
cat >"$TMP/rsmd.toml" <<EOF
state_dir = "$TMP/state"
socket = "$TMP/rsmd.sock"
[catalog]
backend = "sqlite"
[[library]]
name = "sim0"
kind = "sim"
drives = 2
slots = 20
ieports = 2
media = ["A00001L6", "A00002L6", "A00003L6", "A00004L6"]
time_scale = 0
EOF
"$PREFIX/bin/rsmd" --config "$TMP/rsmd.toml" >"$TMP/rsmd.log" 2>&1 &
RSMD_PID=$!
i=0
until grep -q "rsmd ready on" "$TMP/rsmd.log" 2>/dev/null; do
  kill -0 "$RSMD_PID" 2>/dev/null || { cat "$TMP/rsmd.log" >&2; RSMD_PID=; fail "rsmd exited during start-up"; }
  i=$((i + 1))
  [ $i -le 600 ] || { cat "$TMP/rsmd.log" >&2; fail "rsmd did not become ready in 60 s"; }
  sleep 0.1
done
[ -S "$TMP/rsmd.sock" ] || fail "rsmd is ready but $TMP/rsmd.sock is no socket"

# 4. Run the program.
RSM_SOCKET=$TMP/rsmd.sock "$TMP/c_api_test"
STATUS=$?
if [ $STATUS -ne 0 ]; then
  echo "--- rsmd log ---" >&2
  cat "$TMP/rsmd.log" >&2
fi

kill -TERM "$RSMD_PID"
wait "$RSMD_PID"
RSMD_STATUS=$?
RSMD_PID=
if [ $RSMD_STATUS -ne 0 ]; then
  cat "$TMP/rsmd.log" >&2
  echo "c_pkgconfig_test: rsmd exited with status $RSMD_STATUS on SIGTERM" >&2
  [ $STATUS -ne 0 ] || STATUS=1
fi
exit $STATUS
