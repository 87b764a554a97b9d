#!/usr/bin/env bash
# Sends the sample traffic to Inventory with curl: list, look-up, a parameterised low-stock query, an insert (a new SKU per
# run, so recording again does not hit the unique index), a stock update, and GET of the same SKU before and after the update
# (different answers), plus the expected error paths. Prints each status; exits 1 if any status is not the expected one
# (2 on bad usage).
#
# Usage: samples/inventory-traffic.sh [BASE_URL]        BASE_URL defaults to http://127.0.0.1:5300 and must be loopback.
#        TRAFFIC_WAIT=20 samples/inventory-traffic.sh   first wait up to 20 s for the port to accept TCP connections.
set -euo pipefail

script=inventory-traffic.sh
default_base=http://127.0.0.1:5300
# shellcheck source=traffic-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/traffic-common.sh"
sku="TR-$(date +%s%N)"

call 200 GET    /health
call 200 GET    /inventory
call 200 GET    /inventory/KB-001
call 200 GET    '/inventory/low-stock?below=5'
call 201 POST   /inventory "${json[@]}" --data "{\"sku\":\"$sku\",\"name\":\"Traffic item\",\"stock\":10,\"price\":4.25}"
call 200 GET    "/inventory/$sku"
before="$(cat "$body_file")"
call 200 PUT    "/inventory/$sku/stock" "${json[@]}" --data '{"delta":-7}'
call 200 GET    "/inventory/$sku"
after="$(cat "$body_file")"
call 200 GET    '/inventory/low-stock?below=5'
call 409 POST   /inventory "${json[@]}" --data "{\"sku\":\"$sku\",\"name\":\"again\",\"stock\":1,\"price\":1}"
call 404 GET    /inventory/NO-SUCH-SKU
call 409 PUT    /inventory/MN-003/stock "${json[@]}" --data '{"delta":-1000}'

if [[ "${before//\"servedAt\":*/}" == "${after//\"servedAt\":*/}" ]]; then
  echo "inventory-traffic.sh: GET /inventory/$sku answered the same before and after the stock update" >&2
  failures=$((failures + 1))
fi

if ((failures > 0)); then
  echo "inventory-traffic.sh: $failures request(s) got an unexpected answer" >&2
  exit 1
fi
echo "inventory-traffic.sh: all requests got the expected status"
