#!/usr/bin/env bash
# Local Redis for keploy-dotnet tests, samples and benchmarks (Debian's redis-server, never the system service).
# Usage: scripts/redis.sh start|stop|status|env
#   REDIS_PORT      port on 127.0.0.1. `start` without it takes a free port and prints `REDIS_PORT=<n>` (eval-able lines).
#   REDIS_DIR       private directory (pidfile, log, config, dump); default /tmp/keploy-redis-$REDIS_PORT.
#   REDIS_PASSWORD  optional: requirepass, for AUTH tests (kept in the 0600 config file, never on a command line).
# `start` daemonizes with a pidfile and waits for PING; `stop` sends SIGTERM, waits for the process to exit and checks the
# port is closed; `status` exits 3 when not running. `stop` and `status` need REDIS_PORT (or REDIS_DIR) of the instance.
set -euo pipefail

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ensure_installed() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    echo "redis.sh: redis-server not found; installing redis-server redis-tools with apt-get" >&2
    flock /tmp/apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null'
    command -v redis-server >/dev/null || { echo "redis.sh: installation failed: no redis-server" >&2; exit 1; }
  fi
}

resolve() {
  if [[ -z "${REDIS_PORT:-}" && -n "${REDIS_DIR:-}" && -f "$REDIS_DIR/port" ]]; then REDIS_PORT="$(cat "$REDIS_DIR/port")"; fi
  if [[ -z "${REDIS_PORT:-}" ]]; then
    if [[ "$1" == start ]]; then REDIS_PORT="$(free_port)"; else echo "redis.sh: $1 needs REDIS_PORT or REDIS_DIR" >&2; exit 2; fi
  fi
  [[ "$REDIS_PORT" =~ ^[0-9]+$ ]] || { echo "redis.sh: REDIS_PORT '$REDIS_PORT' is not a port number" >&2; exit 2; }
  DIR="${REDIS_DIR:-/tmp/keploy-redis-$REDIS_PORT}"
  PIDFILE="$DIR/redis.pid"
  LOG="$DIR/redis.log"
  CONF="$DIR/redis.conf"
}

cli() {
  if [[ -n "${REDIS_PASSWORD:-}" ]]; then
    REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"
  else
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"
  fi
}

is_running() {
  [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null
}

start() {
  ensure_installed
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  if is_running; then
    echo "REDIS_PORT=$REDIS_PORT"
    echo "REDIS_DIR=$DIR"
    echo "redis.sh: already running on 127.0.0.1:$REDIS_PORT (dir $DIR)" >&2
    return 0
  fi
  if port_open; then echo "redis.sh: 127.0.0.1:$REDIS_PORT is already in use by another process" >&2; exit 1; fi
  umask 077
  cat >"$CONF" <<CONF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $PIDFILE
logfile $LOG
dir $DIR
save ""
appendonly no
enable-debug-command local
CONF
  if [[ -n "${REDIS_PASSWORD:-}" ]]; then echo "requirepass \"$REDIS_PASSWORD\"" >>"$CONF"; fi
  echo "$REDIS_PORT" >"$DIR/port"
  redis-server "$CONF"
  for _ in $(seq 1 100); do
    if [[ "$(cli PING 2>/dev/null || true)" == PONG ]]; then
      echo "REDIS_PORT=$REDIS_PORT"
      echo "REDIS_DIR=$DIR"
      echo "redis.sh: started on 127.0.0.1:$REDIS_PORT (dir $DIR, log $LOG)" >&2
      return 0
    fi
    sleep 0.1
  done
  echo "redis.sh: redis-server did not answer PING on 127.0.0.1:$REDIS_PORT within 10 s (log $LOG)" >&2
  exit 1
}

stop() {
  if is_running; then
    local pid
    pid="$(cat "$PIDFILE")"
    kill -TERM "$pid" 2>/dev/null || true   # redis-server shuts down cleanly on SIGTERM (no save: `save ""`)
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; sleep 0.2; fi
    rm -f "$PIDFILE"
    if port_open; then echo "redis.sh: stopped pid $pid but 127.0.0.1:$REDIS_PORT is still open" >&2; exit 1; fi
    echo "redis.sh: stopped (127.0.0.1:$REDIS_PORT closed)"
  else
    echo "redis.sh: not running on 127.0.0.1:$REDIS_PORT"
  fi
}

status() {
  if is_running; then
    echo "redis.sh: running on 127.0.0.1:$REDIS_PORT (pid $(cat "$PIDFILE"), dir $DIR)"
  else
    echo "redis.sh: not running on 127.0.0.1:$REDIS_PORT"
    return 3
  fi
}

envvars() {
  echo "export REDIS_PORT=$REDIS_PORT"
  echo "export REDIS_DIR=$DIR"
  echo "export REDIS_URL=127.0.0.1:$REDIS_PORT"
}

case "${1:-}" in
  start) resolve start; start ;;
  stop) resolve stop; stop ;;
  status) resolve status; status ;;
  env) resolve env; envvars ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
