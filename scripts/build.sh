#!/usr/bin/env bash
# Configures and builds OpenRSM into ./build (Release with debug info).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DOPENRSM_WERROR=ON >/dev/null
cmake --build build
