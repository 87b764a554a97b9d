#!/usr/bin/env bash
# Sourced (not run) by samples/Shop/check.sh and scripts/demo.sh: starts and stops what the Shop's order service depends on,
# each on a free loopback port: MariaDB (scripts/mariadb.sh, one server holding user_db, product_db and order_db) and Redis
# (scripts/redis.sh), the user and product services, and the gateway (it routes to ORDERS_URL, where the caller starts orders).
#   shop_start_deps    starts them; exports ORDERS_DB, USERS_URL, PRODUCTS_URL, ORDERS_URL and SHOP_ORDERS_PORT (for the order
#                      service), SHOP_GATEWAY_URL (for samples/shop-traffic.sh) and SHOP_MARIADB_PORT/SHOP_REDIS_PORT; the
#                      service processes' pids are appended to the caller's `pids` array.
#   shop_orders_cmd    prints the command line that runs the order service on SHOP_ORDERS_PORT.
#   shop_stop_deps     stops all of them (the order service is the caller's) and fails unless every port is closed afterwards.
# Needs the services built (scripts/build-samples.sh). Service logs go to $SHOP_LOG_DIR (default: a new temporary folder).
# SHOP_MARIADB_PORT, SHOP_REDIS_PORT and SHOP_ORDERS_PORT, when set, choose those ports instead of free ones.

shop_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shop_free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
shop_wait_port() {
  for ((i = 0; i < 1200; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "services.sh: $2 never opened 127.0.0.1:$1 (log in $SHOP_LOG_DIR)" >&2; return 1
}
shop_dll() { echo "$shop_root/samples/Shop/$1/bin/Release/net10.0/Shop.$1.dll"; }

shop_start_deps() {
  SHOP_LOG_DIR="${SHOP_LOG_DIR:-$(mktemp -d /tmp/keploy-shop-logs.XXXXXX)}"
  mkdir -p "$SHOP_LOG_DIR"
  SHOP_MARIADB_PORT="${SHOP_MARIADB_PORT:-$(shop_free_port)}"; SHOP_REDIS_PORT="${SHOP_REDIS_PORT:-$(shop_free_port)}"
  MARIADB_PORT="$SHOP_MARIADB_PORT" bash "$shop_root/scripts/mariadb.sh" start >/dev/null
  REDIS_PORT="$SHOP_REDIS_PORT" bash "$shop_root/scripts/redis.sh" start >/dev/null
  local server="Server=127.0.0.1;Port=$SHOP_MARIADB_PORT;User ID=keploy;Password=keploy"
  local users_port products_port gateway_port
  users_port="$(shop_free_port)"; products_port="$(shop_free_port)"; gateway_port="$(shop_free_port)"
  SHOP_ORDERS_PORT="${SHOP_ORDERS_PORT:-$(shop_free_port)}"
  export USERS_URL="http://127.0.0.1:$users_port" PRODUCTS_URL="http://127.0.0.1:$products_port"
  export ORDERS_URL="http://127.0.0.1:$SHOP_ORDERS_PORT" ORDERS_DB="$server;Database=order_db"
  export SHOP_GATEWAY_URL="http://127.0.0.1:$gateway_port" SHOP_ORDERS_PORT SHOP_MARIADB_PORT SHOP_REDIS_PORT SHOP_LOG_DIR
  USERS_DB="$server;Database=user_db" dotnet "$(shop_dll Users)" --urls "$USERS_URL" >"$SHOP_LOG_DIR/users.log" 2>&1 &
  pids+=("$!"); SHOP_PIDS=("$!")
  PRODUCTS_DB="$server;Database=product_db" REDIS="127.0.0.1:$SHOP_REDIS_PORT" \
    dotnet "$(shop_dll Products)" --urls "$PRODUCTS_URL" >"$SHOP_LOG_DIR/products.log" 2>&1 &
  pids+=("$!"); SHOP_PIDS+=("$!")
  dotnet "$(shop_dll Gateway)" --urls "$SHOP_GATEWAY_URL" >"$SHOP_LOG_DIR/gateway.log" 2>&1 &
  pids+=("$!"); SHOP_PIDS+=("$!")
  shop_wait_port "$users_port" "the user service" && shop_wait_port "$products_port" "the product service" &&
    shop_wait_port "$gateway_port" "the gateway"
}

shop_orders_cmd() { echo "dotnet $(shop_dll Orders) --urls http://127.0.0.1:$SHOP_ORDERS_PORT"; }

shop_stop_deps() {
  local p port
  for p in "${SHOP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  MARIADB_PORT="$SHOP_MARIADB_PORT" bash "$shop_root/scripts/mariadb.sh" stop 2>/dev/null
  REDIS_PORT="$SHOP_REDIS_PORT" bash "$shop_root/scripts/redis.sh" stop >/dev/null
  rm -rf "/tmp/keploy-mariadb-$SHOP_MARIADB_PORT" "/tmp/keploy-redis-$SHOP_REDIS_PORT"
  for port in "$SHOP_MARIADB_PORT" "$SHOP_REDIS_PORT" "${USERS_URL##*:}" "${PRODUCTS_URL##*:}" "${SHOP_GATEWAY_URL##*:}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "services.sh: 127.0.0.1:$port is still open" >&2; return 1; fi
  done
}
