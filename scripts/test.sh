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
