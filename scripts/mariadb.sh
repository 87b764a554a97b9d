#!/usr/bin/env bash
# Local MariaDB (Debian's mariadbd) for keploy-dotnet tests, samples and benchmarks.
# Usage: scripts/mariadb.sh start|stop|status|env
# Port: $MARIADB_PORT; when unset, `start` takes a free port and prints `MARIADB_PORT=<n>` on stdout (the only stdout line of
# `start`; messages go to stderr). Data: $MARIADB_DIR, default /tmp/keploy-mariadb-<port>, so parallel instances never collide.
# `stop`, `status` and `env` need MARIADB_PORT or MARIADB_DIR (the port is kept in $MARIADB_DIR/port).
# The server listens on 127.0.0.1 only (no TCP elsewhere; its socket is $MARIADB_DIR/mysqld.sock), user `keploy` password
# `keploy` (MARIADB_PASSWORD) with mysql_native_password (MariaDB has no caching_sha2_password), database `keploy`.
# Runs as the `mysql` OS user (or --user=root when there is none). Idempotent: `start` on a running instance only reports it.
set -euo pipefail

USER_NAME="keploy"
PASSWORD="${MARIADB_PASSWORD:-keploy}"
DB="keploy"

log() { echo "mariadb.sh: $*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

resolve() {
  # PORT and DIR from the environment; `start` may choose the port.
  PORT="${MARIADB_PORT:-}"
  DIR="${MARIADB_DIR:-}"
  if [[ -z "$PORT" && -n "$DIR" && -f "$DIR/port" ]]; then PORT="$(cat "$DIR/port")"; fi
  if [[ -z "$PORT" ]]; then
    if [[ "${1:-}" == "start" ]]; then PORT="$(free_port)"; else log "set MARIADB_PORT or MARIADB_DIR"; exit 2; fi
  fi
  [[ "$PORT" =~ ^[0-9]+$ ]] || { log "MARIADB_PORT '$PORT' is not a number"; exit 2; }
  DIR="${DIR:-/tmp/keploy-mariadb-$PORT}"
  DATA="$DIR/data"
  SOCK="$DIR/mysqld.sock"
  PIDFILE="$DIR/mysqld.pid"
  LOG="$DIR/server.log"
}

ensure_installed() {
  if [[ ! -x /usr/sbin/mariadbd ]]; then
    log "mariadbd not found; installing mariadb-server with apt-get"
    flock /tmp/apt.lock apt-get install -y -qq mariadb-server >/dev/null
    [[ -x /usr/sbin/mariadbd ]] || { log "installation failed: no /usr/sbin/mariadbd"; exit 1; }
  fi
}

os_user() { if id mysql >/dev/null 2>&1; then echo mysql; else echo root; fi; }

is_running() {
  [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

client() { mariadb --no-defaults -S "$SOCK" -u root "$@"; }

start() {
  ensure_installed
  local u; u="$(os_user)"
  mkdir -p "$DIR"
  exec 9>"$DIR/.start.lock"
  flock -w 120 9 || { log "another start holds $DIR/.start.lock for over 120 s"; exit 1; }
  echo "$PORT" >"$DIR/port"
  chown "$u" "$DIR"
  if [[ ! -d "$DATA/mysql" ]]; then
    mariadb-install-db --no-defaults --user="$u" --datadir="$DATA" --auth-root-authentication-method=socket \
      --skip-test-db >"$DIR/install.log" 2>&1 || { log "mariadb-install-db failed, see $DIR/install.log"; exit 1; }
  fi
  if is_running; then
    log "already running on 127.0.0.1:$PORT (data $DATA)"
  else
    /usr/sbin/mariadbd --no-defaults --user="$u" --datadir="$DATA" --bind-address=127.0.0.1 --port="$PORT" \
      --socket="$SOCK" --pid-file="$PIDFILE" --log-error="$LOG" --skip-name-resolve --max-connections=300 \
      --innodb-flush-log-at-trx-commit=0 --sync-binlog=0 --innodb-buffer-pool-size=64M --innodb-log-file-size=48M \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci >/dev/null 2>&1 9>&- </dev/null &
    disown || true
    local i
    for i in $(seq 1 600); do
      if [[ -S "$SOCK" ]] && client -e "SELECT 1" >/dev/null 2>&1 && port_open; then break; fi
      if (( i % 10 == 0 )) && ! is_running && [[ -f "$PIDFILE" || $i -gt 100 ]]; then
        log "mariadbd did not start, see $LOG"; tail -n 5 "$LOG" >&2 || true; exit 1
      fi
      sleep 0.1
    done
    port_open || { log "mariadbd did not open 127.0.0.1:$PORT within 60 s, see $LOG"; exit 1; }
    log "started on 127.0.0.1:$PORT (data $DATA, log $LOG)"
  fi
  client -e "CREATE USER IF NOT EXISTS '$USER_NAME'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('$PASSWORD');
    ALTER USER '$USER_NAME'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('$PASSWORD');
    CREATE USER IF NOT EXISTS '$USER_NAME'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$PASSWORD');
    ALTER USER '$USER_NAME'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$PASSWORD');
    GRANT ALL PRIVILEGES ON *.* TO '$USER_NAME'@'127.0.0.1' WITH GRANT OPTION;
    GRANT ALL PRIVILEGES ON *.* TO '$USER_NAME'@'localhost' WITH GRANT OPTION;
    CREATE DATABASE IF NOT EXISTS $DB; FLUSH PRIVILEGES;"
  echo "MARIADB_PORT=$PORT"
}

stop() {
  if is_running; then
    local pid; pid="$(cat "$PIDFILE")"
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "mariadbd $pid still running after 60 s; killing it"; kill -KILL "$pid" || true; fi
    log "stopped"
  else
    log "not running"
  fi
  for i in $(seq 1 100); do port_open || break; sleep 0.1; done
  if port_open; then log "127.0.0.1:$PORT is still open"; exit 1; fi
}

status() {
  if is_running; then
    echo "mariadb.sh: running on 127.0.0.1:$PORT (data $DATA)"
  else
    echo "mariadb.sh: not running"
    return 3
  fi
}

envvars() {
  cat <<ENV
export MARIADB_PORT=$PORT
export MARIADB_DIR=$DIR
export KEPLOY_MYSQL_CONNECTION='Server=127.0.0.1;Port=$PORT;User ID=$USER_NAME;Password=$PASSWORD;Database=$DB'
ENV
}

case "${1:-}" in
  start) resolve start; start ;;
  stop) resolve; stop ;;
  status) resolve; status ;;
  env) resolve; envvars ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
