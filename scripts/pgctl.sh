#!/usr/bin/env bash
# Runs a private PostgreSQL 15 cluster for development, tests and the demo server, so nothing
# depends on a system-wide database. Quiet on success: only errors are printed (stderr).
#
#   pgctl.sh start DATA_DIR PORT   create the cluster in DATA_DIR if absent, start it on
#                                  127.0.0.1:PORT, wait until ready, ensure role and database
#                                  `denialscope` exist
#   pgctl.sh stop DATA_DIR         stop it (fast mode); no error when it is not running
#   pgctl.sh url DATA_DIR PORT     print postgresql://denialscope@127.0.0.1:PORT/denialscope
#   pgctl.sh freeport              print a TCP port that is free on 127.0.0.1
#
# The cluster trusts every connection, but listens on 127.0.0.1 only (no ::1, no other
# interface) and on a Unix socket inside DATA_DIR. fsync stays on.
#
# PostgreSQL refuses to run as root. Run as root, every PostgreSQL command runs as the
# `postgres` user, which owns DATA_DIR; the script makes each directory above DATA_DIR
# traversable by others (chmod o+x) when postgres cannot reach it. Prefer a DATA_DIR under
# /tmp or a project folder whose parents are already traversable. Run as another user,
# everything runs as that user.
set -euo pipefail

readonly PG_BIN=/usr/lib/postgresql/15/bin
readonly DB_NAME=denialscope
readonly DB_ROLE=denialscope
readonly START_TIMEOUT_SECONDS=60
# Longest Unix socket path libpq and the server accept (sizeof(sun_path) - 1, with margin).
readonly MAX_SOCKET_PATH=100

die() {
  echo "pgctl.sh: $*" >&2
  exit 1
}

usage() {
  cat >&2 <<'EOF'
usage: pgctl.sh start DATA_DIR PORT
       pgctl.sh stop DATA_DIR
       pgctl.sh url DATA_DIR PORT
       pgctl.sh freeport
EOF
  exit 2
}

# The OS user PostgreSQL runs as: postgres under root, else whoever runs this script.
if [[ $(id -u) -eq 0 ]]; then
  RUN_USER=postgres
  id -u "$RUN_USER" >/dev/null 2>&1 || die "running as root needs the '$RUN_USER' user (apt-get install postgresql-15)"
else
  RUN_USER=$(id -un)
fi

# Runs a command as RUN_USER from / (so tools never complain about an unreadable cwd).
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u "$RUN_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

# Runs a command as RUN_USER, printing its output only when it fails.
as_pg_quiet() {
  local output
  if ! output=$(as_pg "$@" 2>&1); then
    [[ -n $output ]] && echo "$output" >&2
    return 1
  fi
}

check_port() {
  [[ $1 =~ ^[0-9]+$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)) || die "invalid port '$1'"
}

absolute_dir() {
  local dir=$1
  [[ -n $dir ]] || die "empty DATA_DIR"
  [[ $dir == /* ]] || dir="$PWD/$dir"
  # Normalize without requiring the directory to exist.
  dir=$(realpath -m -- "$dir")
  [[ $dir != / ]] || die "refusing to use / as DATA_DIR"
  echo "$dir"
}

# Makes DATA_DIR exist, owned by RUN_USER with mode 700, and reachable through its parents.
prepare_data_dir() {
  local dir=$1
  mkdir -p -- "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    if [[ $(stat -c %U -- "$dir") != "$RUN_USER" ]]; then
      chown -R "$RUN_USER": -- "$dir"
    fi
    local parent
    parent=$(dirname -- "$dir")
    while true; do
      if ! runuser -u "$RUN_USER" -- test -x "$parent"; then
        chmod o+x -- "$parent"
      fi
      [[ $parent == / ]] && break
      parent=$(dirname -- "$parent")
    done
  fi
  chmod 700 -- "$dir"
}

# Single-quotes a value for postgresql.conf.
conf_quote() {
  local value=${1//\\/\\\\}
  value=${value//\'/\'\'}
  printf "'%s'" "$value"
}

init_cluster() {
  local dir=$1
  [[ -f $dir/PG_VERSION ]] && return 0
  if [[ -n $(ls -A -- "$dir") ]]; then
    die "$dir is not empty and holds no PostgreSQL cluster"
  fi
  as_pg_quiet "$PG_BIN/initdb" -D "$dir" -U "$RUN_USER" --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-instructions || die "initdb failed for $dir"
  # Trust, but only over the socket inside DATA_DIR and TCP from 127.0.0.1.
  as_pg tee "$dir/pg_hba.conf" >/dev/null <<'EOF'
# Written by scripts/pgctl.sh: a private development cluster.
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  as_pg tee -a "$dir/postgresql.conf" >/dev/null <<'EOF'

# Added by scripts/pgctl.sh: port and socket directory are rewritten on every start.
include_if_exists = 'pgctl.conf'
listen_addresses = '127.0.0.1'
EOF
}

# Writes the per-start settings: the port, and the socket directory when its path fits.
write_start_conf() {
  local dir=$1 port=$2 socket_dir=$1
  if ((${#dir} + 20 > MAX_SOCKET_PATH)); then
    socket_dir=""  # TCP only: the socket path would be too long for the kernel
  fi
  {
    echo "# Written by scripts/pgctl.sh on each start."
    echo "port = $port"
    echo "unix_socket_directories = $(conf_quote "$socket_dir")"
  } | as_pg tee "$dir/pgctl.conf" >/dev/null
}

# Prints the port of the running postmaster of DATA_DIR, or nothing when it is not running.
running_port() {
  local dir=$1
  [[ -f $dir/PG_VERSION ]] || return 0
  if as_pg "$PG_BIN/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    sed -n 4p "$dir/postmaster.pid" 2>/dev/null || true
  fi
}

psql_admin() {
  local port=$1
  shift
  as_pg "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
    -U "$RUN_USER" -d postgres "$@"
}

ensure_database() {
  local port=$1
  local exists
  exists=$(psql_admin "$port" -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_ROLE'")
  if [[ -z $exists ]]; then
    # CREATEDB: tests make a database per suite. pg_signal_backend: DROP DATABASE ... WITH
    # (FORCE) must be able to stop an autovacuum worker still busy in that database.
    # CREATEROLE: migration 0003 creates the server's role denialscope_app and lets this one
    # SET ROLE to it.
    psql_admin "$port" -c "CREATE ROLE $DB_ROLE LOGIN CREATEDB CREATEROLE IN ROLE pg_signal_backend" >/dev/null
  else
    # Clusters made before migration 0003 lack CREATEROLE.
    psql_admin "$port" -c "ALTER ROLE $DB_ROLE CREATEROLE" >/dev/null
  fi
  exists=$(psql_admin "$port" -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
  if [[ -z $exists ]]; then
    psql_admin "$port" -c "CREATE DATABASE $DB_NAME OWNER $DB_ROLE" >/dev/null
  fi
}

cmd_start() {
  [[ $# -eq 2 ]] || usage
  local dir port
  dir=$(absolute_dir "$1")
  port=$2
  check_port "$port"
  [[ -x $PG_BIN/postgres ]] || die "PostgreSQL 15 not found in $PG_BIN (apt-get install postgresql-15)"

  prepare_data_dir "$dir"
  init_cluster "$dir"

  local current
  current=$(running_port "$dir")
  if [[ -n $current ]]; then
    [[ $current == "$port" ]] || die "cluster in $dir already runs on port $current, not $port"
  else
    write_start_conf "$dir" "$port"
    if ! as_pg_quiet "$PG_BIN/pg_ctl" start -D "$dir" -l "$dir/server.log" -w \
      -t "$START_TIMEOUT_SECONDS"; then
      tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
      die "could not start PostgreSQL in $dir on port $port"
    fi
  fi

  local waited=0
  until as_pg "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres; do
    ((waited++ < START_TIMEOUT_SECONDS * 10)) || die "PostgreSQL on port $port did not become ready"
    sleep 0.1
  done
  ensure_database "$port"
}

cmd_stop() {
  [[ $# -eq 1 ]] || usage
  local dir
  dir=$(absolute_dir "$1")
  [[ -f $dir/PG_VERSION ]] || return 0
  if as_pg "$PG_BIN/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    as_pg_quiet "$PG_BIN/pg_ctl" stop -D "$dir" -m fast -w -t "$START_TIMEOUT_SECONDS" ||
      die "could not stop PostgreSQL in $dir"
  fi
}

cmd_url() {
  [[ $# -eq 2 ]] || usage
  check_port "$2"
  echo "postgresql://$DB_ROLE@127.0.0.1:$2/$DB_NAME"
}

cmd_freeport() {
  [[ $# -eq 0 ]] || usage
  if command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null; then
    return 0
  fi
  # Fallback: probe random high ports; a refused connection means nobody listens there.
  local port attempt
  for attempt in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found after $attempt attempts"
}

main() {
  [[ $# -ge 1 ]] || usage
  local command=$1
  shift
  case $command in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    url) cmd_url "$@" ;;
    freeport) cmd_freeport "$@" ;;
    *) usage ;;
  esac
}

main "$@"
