#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a throwaway PostgreSQL on a
# free port, runs every test with ctest, and stops PostgreSQL whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

scripts/install-deps.sh
scripts/build.sh

PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/denialscope-test-pg.XXXXXX")
cleanup() {
  "$ROOT/scripts/pgctl.sh" stop "$PGDIR/data" || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
PORT=$(scripts/pgctl.sh freeport)
scripts/pgctl.sh start "$PGDIR/data" "$PORT"
export DENIALSCOPE_TEST_DATABASE_URL
DENIALSCOPE_TEST_DATABASE_URL=$(scripts/pgctl.sh url "$PGDIR/data" "$PORT")

cd "$ROOT/build"
ctest --output-on-failure -j 2 --timeout 600

# The pure tests again under AddressSanitizer and UBSan: parsers and measures are where a
# memory or arithmetic bug would hide. (The database-backed suites above run unsanitized to
# keep the whole command well inside CI's time.)
cd "$ROOT"
BUILD_DIR=build-asan CMAKE_ARGS="-DDENIALSCOPE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
  -DDENIALSCOPE_COMPONENTS=proto;analytics;ingest;sql;server;cli;tests/unit;tests/unit/ingest" \
  scripts/build.sh
cd "$ROOT/build-asan"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS="suppressions=$ROOT/scripts/lsan-suppressions.txt" \
  ctest --output-on-failure -j 2 --timeout 600

# A short libFuzzer run over the file importers (X12 and CSV), from the project's own seed
# corpus: a crash or sanitizer report on malformed bytes fails the test command.
cd "$ROOT"
scripts/fuzz.sh "${DENIALSCOPE_FUZZ_SECONDS:-30}"
