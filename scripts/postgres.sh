#!/usr/bin/env bash
# Local PostgreSQL for keploy-dotnet tests, samples and benchmarks.
# Usage: scripts/postgres.sh start|stop|status|env
# A cluster owned by the `postgres` OS user in $KEPLOY_PG_DIR (default /tmp/keploy-pg), listening on 127.0.0.1:$KEPLOY_PG_PORT
# (default 55432), SCRAM-SHA-256 password auth for user `keploy` (password $KEPLOY_PG_PASSWORD, default `keploy`), md5 also
# accepted for user `keploy_md5`. TLS is on (ssl = on, a self-signed certificate server.crt/server.key in the data directory, made
# once); plain connections are still accepted. Idempotent: `start` on a running cluster only reports it (and turns TLS on when an
# older cluster of this script has it off).
set -euo pipefail

PGDIR="${KEPLOY_PG_DIR:-/tmp/keploy-pg}"
PORT="${KEPLOY_PG_PORT:-55432}"
USER_NAME="keploy"
PASSWORD="${KEPLOY_PG_PASSWORD:-keploy}"
DB="keploy"
DATA="$PGDIR/data"
LOG="$PGDIR/server.log"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [[ -x "$d/pg_ctl" ]]; then BIN="$d"; fi
  done
  [[ -n "${BIN:-}" ]]
}

as_pg() {
  if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
}

ensure_installed() {
  if ! find_bin; then
    echo "postgres.sh: PostgreSQL not found; installing postgresql postgresql-contrib with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
    find_bin || { echo "postgres.sh: installation failed: no /usr/lib/postgresql/*/bin/pg_ctl" >&2; exit 1; }
  fi
}

is_running() {
  [[ -f "$DATA/postmaster.pid" ]] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  ensure_installed
  mkdir -p "$PGDIR"
  chown postgres:postgres "$PGDIR"
  # One `start` at a time (parallel test runs and helpers call it): concurrent ALTER ROLE fails with "tuple concurrently updated".
  exec 9>"$PGDIR/.start.lock"
  flock -w 120 9 || { echo "postgres.sh: another start holds $PGDIR/.start.lock for over 120 s" >&2; exit 1; }
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGDIR'
password_encryption = 'scram-sha-256'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    cat >"$DATA/pg_hba.conf" <<HBA
local all all trust
host all keploy_md5 127.0.0.1/32 md5
host all all 127.0.0.1/32 scram-sha-256
HBA
  fi
  if is_running; then
    echo "postgres.sh: already running on 127.0.0.1:$PORT (data $DATA)"
  else
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null 9>&-   # the server must not inherit the start lock
    echo "postgres.sh: started on 127.0.0.1:$PORT (data $DATA, log $LOG)"
  fi
  # Roles and database (idempotent).
  local psql=("$BIN/psql" -h "$PGDIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
  as_pg "${psql[@]}" -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$USER_NAME') THEN CREATE ROLE $USER_NAME LOGIN SUPERUSER; END IF; IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='keploy_md5') THEN CREATE ROLE keploy_md5 LOGIN; END IF; END\$\$;" >/dev/null
  as_pg "${psql[@]}" -c "SET password_encryption='scram-sha-256'; ALTER ROLE $USER_NAME PASSWORD '$PASSWORD';" >/dev/null
  as_pg "${psql[@]}" -c "SET password_encryption='md5'; ALTER ROLE keploy_md5 PASSWORD '$PASSWORD';" >/dev/null
  if [[ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='$DB'")" != "1" ]]; then
    as_pg "${psql[@]}" -c "CREATE DATABASE $DB OWNER $USER_NAME" >/dev/null
  fi
  if [[ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='inventory'")" != "1" ]]; then
    as_pg "${psql[@]}" -c "CREATE DATABASE inventory OWNER $USER_NAME" >/dev/null
  fi
  enable_ssl "${psql[@]}"
}

# TLS for the tests of sslmode=require: a self-signed certificate in the data directory (PostgreSQL's default ssl_cert_file and
# ssl_key_file names), then ssl = on through ALTER SYSTEM and a reload, so a running cluster needs no restart. Plain connections keep
# working (pg_hba `host` lines match both).
enable_ssl() {
  if [[ ! -f "$DATA/server.crt" || ! -f "$DATA/server.key" ]]; then
    command -v openssl >/dev/null || { echo "postgres.sh: openssl is needed for the TLS certificate (apt-get install openssl)" >&2; exit 1; }
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$DATA/server.key.tmp" -out "$DATA/server.crt.tmp" >/dev/null 2>&1
    chown postgres:postgres "$DATA/server.key.tmp" "$DATA/server.crt.tmp"
    chmod 600 "$DATA/server.key.tmp"
    mv "$DATA/server.key.tmp" "$DATA/server.key"
    mv "$DATA/server.crt.tmp" "$DATA/server.crt"
  fi
  if [[ "$(as_pg "$@" -c "SHOW ssl")" != "on" ]]; then
    as_pg "$@" -c "ALTER SYSTEM SET ssl = on" >/dev/null
    as_pg "$@" -c "SELECT pg_reload_conf()" >/dev/null
    for _ in $(seq 1 50); do
      [[ "$(as_pg "$@" -c "SHOW ssl")" == "on" ]] && break
      sleep 0.1
    done
    echo "postgres.sh: TLS enabled (ssl = on, certificate $DATA/server.crt)"
  fi
}

stop() {
  if ! find_bin; then echo "postgres.sh: not installed"; return 0; fi
  if is_running; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    echo "postgres.sh: stopped"
  else
    echo "postgres.sh: not running"
  fi
}

status() {
  if find_bin && is_running; then
    echo "postgres.sh: running on 127.0.0.1:$PORT (data $DATA)"
  else
    echo "postgres.sh: not running"
    return 3
  fi
}

envvars() {
  cat <<ENV
export PGHOST=127.0.0.1
export PGPORT=$PORT
export PGUSER=$USER_NAME
export PGPASSWORD=$PASSWORD
export PGDATABASE=$DB
export KEPLOY_PG_CONNECTION='Host=127.0.0.1;Port=$PORT;Username=$USER_NAME;Password=$PASSWORD;Database=$DB'
export INVENTORY_DB='Host=127.0.0.1;Port=$PORT;Username=$USER_NAME;Password=$PASSWORD;Database=inventory'
ENV
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) envvars ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
