#!/usr/bin/env bash
# Configures and builds denialscope into build/ (or $BUILD_DIR) with Ninja, two jobs.
# Extra arguments go to cmake's configure step, e.g. -DDENIALSCOPE_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-2}
cmake -S . -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
