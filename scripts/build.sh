#!/usr/bin/env bash
# Configures and builds denialscope into build/ (or $BUILD_DIR) with Ninja, two jobs.
# Arguments are targets to build (default: everything, tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-2}
LAUNCHER=()
# Rebuilds on the same machine (CI reruns, several build folders) reuse compiled objects.
if command -v ccache >/dev/null; then LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# shellcheck disable=SC2086  # CMAKE_ARGS is a list of -D options
cmake -S . -B "$BUILD_DIR" -G Ninja "${LAUNCHER[@]}" ${CMAKE_ARGS:-} >/dev/null
if [ $# -gt 0 ]; then
  cmake --build "$BUILD_DIR" -j "$JOBS" --target "$@"
else
  cmake --build "$BUILD_DIR" -j "$JOBS"
fi
