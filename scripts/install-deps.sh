#!/usr/bin/env bash
# Installs the Debian 12 packages OpenRSM builds and tests with (idempotent).
set -euo pipefail
PKGS=(cmake ninja-build g++ pkg-config
      libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
      libsqlite3-dev sqlite3 libtomlplusplus-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      libiscsi-dev tgt
      clang libclang-rt-14-dev  # clang + libFuzzer: the short fuzz run in ctest (tests/fuzz)
      clang-format  # the layout check (scripts/check-format.sh)
      jq)  # with clang: the thread-safety check (scripts/check-thread-safety.sh)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
