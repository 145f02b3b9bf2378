#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ (next to the
# source tree) and runs each for SECONDS (default 60), seeded from
# tests/fuzz/seeds/<target>/*.hex. Findings (crash-*, leak-*, timeout-*)
# land in build-fuzz/findings/<target>/ and make the script fail.
set -euo pipefail
SECONDS_EACH=${1:-60}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD_FUZZ_DIR:-$SRC/build-fuzz}
CLANGXX=${CXX_FUZZ:-clang++}
if ! command -v "$CLANGXX" >/dev/null; then
  echo "SKIP: $CLANGXX not found (scripts/install-deps.sh installs clang)"
  exit 77
fi

CC=${CC_FUZZ:-clang} CXX=${CXX_FUZZ:-clang++} cmake -S "$SRC" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOPENRSM_FUZZ=ON -DOPENRSM_BUILD_TESTS=OFF -DOPENRSM_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" --target element_status_fuzz sense_fuzz

rc=0
for target in element_status_fuzz sense_fuzz; do
  name=${target%_fuzz}
  corpus=$BUILD/corpus/$name
  findings=$BUILD/findings/$name
  mkdir -p "$corpus" "$findings"
  for f in "$SRC"/tests/fuzz/seeds/"$name"/*.hex; do
    [ -e "$f" ] && xxd -r -p "$f" >"$corpus/seed-$(basename "$f" .hex)"
  done
  echo "== $target: ${SECONDS_EACH}s, corpus $corpus"
  if ! "$BUILD/tests/fuzz/$target" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$findings/" "$corpus" 2>"$BUILD/$name.log"; then
    rc=1
    echo "!! $target failed; see $BUILD/$name.log and $findings/"
  fi
  grep -E "DONE|stat::number_of_executed_units|stat::peak_rss_mb|ERROR:" "$BUILD/$name.log" || true
done
exit $rc
