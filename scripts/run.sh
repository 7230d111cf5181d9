#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts a private PostgreSQL under
# data/pg (unless DATABASE_URL is set), starts the server on 127.0.0.1:50051, loads the demo
# data set (JSONL through `denialscope ingest`, and an X12 837P + 835 pair through
# `denialscope import`), prints a summary and how to query it, and serves until Ctrl-C, which
# stops both.
# Every call needs an API key: it bootstraps an admin key (kept in data/admin.key, mode 600)
# for its own CLI calls and makes a read+report key for the first demo practice, which it
# prints (kept in data/demo.key).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DATA="$ROOT/data"
LISTEN=${DENIALSCOPE_LISTEN:-127.0.0.1:50051}
DEMO_AS_OF=2026-07-15
DEMO_FROM=2025-07
DEMO_TO=2026-06

scripts/install-deps.sh
scripts/build.sh denialscope-server denialscope denialscope-gen
BIN="$ROOT/${BUILD_DIR:-build}"  # scripts/build.sh builds into $BUILD_DIR too
CLI="$BIN/cli/denialscope"
mkdir -p "$DATA"

OWN_PG=0
if [ -z "${DATABASE_URL:-}" ]; then
  OWN_PG=1
  # Keep the port across runs so a URL printed last time still works.
  if [ -f "$DATA/pg.port" ]; then PORT=$(cat "$DATA/pg.port"); else PORT=$(scripts/pgctl.sh freeport); fi
  echo "$PORT" > "$DATA/pg.port"
  scripts/pgctl.sh start "$DATA/pg" "$PORT"
  DATABASE_URL=$(scripts/pgctl.sh url "$DATA/pg" "$PORT")
fi
export DATABASE_URL

SERVER_PID=
stop_all() {
  trap - INT TERM EXIT
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$OWN_PG" = 1 ]; then scripts/pgctl.sh stop "$DATA/pg" || true; fi
  echo "denialscope stopped."
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# An admin key for this script's own calls: an operator with database access bootstraps it
# with --create_admin_key (migrations run first). Kept across runs; made again when the
# database no longer knows it.
make_admin_key() {
  (umask 077 && "$BIN/server/denialscope-server" --database_url "$DATABASE_URL" --demo \
    --create_admin_key "scripts/run.sh" 2>> "$DATA/server.log" > "$DATA/admin.key")
}
[ -s "$DATA/admin.key" ] || make_admin_key

"$BIN/server/denialscope-server" --database_url "$DATABASE_URL" --listen "$LISTEN" --demo \
  2>> "$DATA/server.log" &
SERVER_PID=$!
export DENIALSCOPE_SERVER="$LISTEN"
DENIALSCOPE_API_KEY=$(cat "$DATA/admin.key")
export DENIALSCOPE_API_KEY
for _ in $(seq 1 100); do
  if out=$("$CLI" practices list 2>&1 >/dev/null); then break; fi
  if grep -q "code 16" <<<"$out"; then  # UNAUTHENTICATED: a key of an older database
    make_admin_key
    DENIALSCOPE_API_KEY=$(cat "$DATA/admin.key")
    continue
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server failed to start; see $DATA/server.log" >&2; tail -5 "$DATA/server.log" >&2; exit 1; }
  sleep 0.2
done

if [ ! -f "$DATA/demo/practices.tsv" ]; then
  "$BIN/bench/denialscope-gen" --out "$DATA/demo.tmp" --first_month "$DEMO_FROM" --months 12 \
    --as_of "$DEMO_AS_OF"
  rm -rf "$DATA/demo" && mv "$DATA/demo.tmp" "$DATA/demo"
fi
existing=$("$CLI" practices list)
while IFS=$'\t' read -r npi name; do
  grep -q "^practices/$npi" <<<"$existing" || "$CLI" practices create "$npi" "$name"
done < "$DATA/demo/practices.tsv"
echo "Loading demo data (re-loading counts everything as duplicate)..."
"$CLI" ingest "$DATA"/demo/*.jsonl

# The files a practice really has: an 837P batch and the 835 remittances answering it, for
# one more demo practice, imported with the progress bar and summary a user sees.
X12_NPI=1234567893
if [ ! -s "$DATA/demo/x12/remits.835" ]; then
  "$BIN/bench/denialscope-gen" --out "$DATA/demo/x12.tmp" --x12_claims 4000
  rm -rf "$DATA/demo/x12" && mv "$DATA/demo/x12.tmp" "$DATA/demo/x12"
fi
grep -q "^practices/$X12_NPI" <<<"$existing" ||
  "$CLI" practices create "$X12_NPI" "Neck Clinic (X12 demo)"
echo "Importing the demo X12 files (on a later run the server recognises them by their"
echo "SHA-256 and answers \"already imported\": nothing is sent or changed)..."
"$CLI" import --practice "$X12_NPI" "$DATA/demo/x12/claims.837" "$DATA/demo/x12/remits.835" ||
  echo "(some records were rejected: see the problems above)"

FIRST_NPI=$(head -1 "$DATA/demo/practices.tsv" | cut -f1)
# A dashboard's key: read and report, for the first demo practice only. Kept across runs
# while it still works.
if [ ! -s "$DATA/demo.key" ] ||
  ! DENIALSCOPE_API_KEY=$(cat "$DATA/demo.key") "$CLI" summary --practice "$FIRST_NPI" \
    --from "$DEMO_FROM" --to "$DEMO_FROM" >/dev/null 2>&1; then
  (umask 077 && "$CLI" keys create --practice "$FIRST_NPI" --scopes read,report \
    --name "demo dashboard" > "$DATA/demo.key")
fi
DEMO_KEY=$(cat "$DATA/demo.key")
echo
DENIALSCOPE_API_KEY="$DEMO_KEY" "$CLI" summary --practice "$FIRST_NPI" --from "$DEMO_FROM" \
  --to "$DEMO_TO" --as-of "$DEMO_AS_OF"
cat <<MSG

denialscope is serving on $LISTEN (PostgreSQL: $DATABASE_URL; server log: $DATA/server.log).

Demo API key (read + report, practice $FIRST_NPI only):
  $DEMO_KEY
Admin key (every practice, every scope): in $DATA/admin.key

Try:
  export DENIALSCOPE_API_KEY=$DEMO_KEY
  $CLI summary --practice $FIRST_NPI --from $DEMO_FROM --to $DEMO_TO --as-of $DEMO_AS_OF --json
  DENIALSCOPE_API_KEY=\$(cat $DATA/admin.key) $CLI audit --limit 10
  grpcurl -plaintext $LISTEN list            # reflection is on, without a key
  grpcurl -plaintext -H "authorization: Bearer $DEMO_KEY" \\
      -d '{"practice":"practices/$FIRST_NPI","from_month":"$DEMO_FROM","to_month":"$DEMO_TO","as_of_date":"$DEMO_AS_OF"}' \\
      $LISTEN denialscope.v1.AnalyticsService/GetDenialSummary
Press Ctrl-C to stop the server and PostgreSQL.
MSG
wait "$SERVER_PID"
