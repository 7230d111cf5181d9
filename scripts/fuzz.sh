#!/usr/bin/env bash
# Fuzzes the file importers (X12 837P/835 and CSV) with libFuzzer: builds ingest/fuzz/x12_fuzzer
# with clang++-14, AddressSanitizer and UBSan in build-fuzz/ (or $BUILD_DIR), then runs it for a
# fixed time (first argument, default 60 seconds) starting from the seed corpus in
# ingest/fuzz/corpus. New inputs go to build-fuzz/fuzz-corpus; a crash leaves its input in
# build-fuzz/ and makes this script fail. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_SECONDS=${1:-60}
BUILD_DIR=${BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-2}

CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDENIALSCOPE_FUZZ=ON -DDENIALSCOPE_SANITIZE=ON \
  -DDENIALSCOPE_COMPONENTS="analytics;ingest" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target x12_fuzzer

CORPUS="$BUILD_DIR/fuzz-corpus"
mkdir -p "$CORPUS"
cp -n ingest/fuzz/corpus/* "$CORPUS/"
cd "$BUILD_DIR"
./ingest/x12_fuzzer -max_total_time="$RUN_SECONDS" -max_len=65536 -rss_limit_mb=2048 \
  -print_final_stats=1 fuzz-corpus
