#!/usr/bin/env bash
# Formats every C/C++ file of the tree in place (the layout scripts/check-format.sh checks).
set -euo pipefail
cd "$(dirname "$0")/.."
CF=clang-format-14; command -v "$CF" >/dev/null || CF=clang-format
git ls-files -z -- '*.c' '*.cc' '*.h' '*.cpp' | xargs -0 "$CF" --style=file -i
