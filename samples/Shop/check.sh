#!/usr/bin/env bash
# The Shop sample on its own, without keploy: MariaDB and Redis on free ports (scripts/mariadb.sh, scripts/redis.sh), the user,
# product and order services and the gateway, samples/shop-traffic.sh through the gateway, then everything stopped (each port
# checked closed). Exits with the traffic script's status (0: every answer as expected).
# Usage: bash samples/Shop/check.sh            (after scripts/build-samples.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pids=()
# shellcheck source=services.sh
source "$here/services.sh"
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; shop_stop_deps >/dev/null 2>&1 || true' EXIT
shop_start_deps
$(shop_orders_cmd) >"$SHOP_LOG_DIR/orders.log" 2>&1 &
orders=$!; pids+=("$orders")
shop_wait_port "$SHOP_ORDERS_PORT" "the order service"
status=0
"$here/../shop-traffic.sh" "$SHOP_GATEWAY_URL" || status=$?
kill "$orders"; wait "$orders" 2>/dev/null || true
shop_stop_deps
trap - EXIT
rm -rf "$SHOP_LOG_DIR"
exit "$status"
