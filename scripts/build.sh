#!/usr/bin/env bash
# Configures and builds OpenRSM into ./build (optimised, with line tables:
# backtraces name file and line; -g1 compiles in about two thirds of the time
# -g takes, which keeps CI within its budget). For full debug information:
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -U 'CMAKE_*_FLAGS_RELWITHDEBINFO'
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DOPENRSM_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
cmake --build build
