#!/usr/bin/env bash
# Sends the sample traffic to Orders with curl: every endpoint once, GET /orders/stock/KB-001 twice (Catalog
# answers differently each time), the prices Orders gets from Quotes over gRPC (a unary call, repeated, a server-streaming
# call and an unknown symbol), and the expected error paths. Prints each status; exits 1 if any status is
# not the expected one (2 on bad usage).
#
# Usage: samples/traffic.sh [BASE_URL]        BASE_URL defaults to http://127.0.0.1:5100 and must be loopback.
#        TRAFFIC_WAIT=20 samples/traffic.sh   first wait up to 20 s for the port to accept TCP connections
#                                             (a plain connect, so the wait itself records no test case).
set -euo pipefail

script=traffic.sh
default_base=http://127.0.0.1:5100
# shellcheck source=traffic-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/traffic-common.sh"

call 200 GET    /health
call 200 GET    /catalog
call 200 GET    '/orders/quote?sku=KB-001&qty=2' -H 'X-Customer-Tier: gold'
call 200 GET    /orders/stock/KB-001
call 200 GET    /orders/stock/KB-001
call 201 POST   /orders "${json[@]}" --data '{"sku":"MS-002","qty":3}'
reservation="$(sed -n 's/.*"reservationId":"\([^"]*\)".*/\1/p' "$body_file")"
call 204 DELETE "/orders/reservations/${reservation:-missing}"
call 404 GET    '/orders/quote?sku=unknown'
call 409 POST   /orders "${json[@]}" --data '{"sku":"MN-003","qty":500}'
call 200 GET    /orders/price/ACME
call 200 GET    /orders/price/ACME
call 200 GET    '/orders/price-feed?symbols=GLOBX,INITC&ticks=2'
call 404 GET    /orders/price/NOPE

if ((failures > 0)); then
  echo "traffic.sh: $failures request(s) got an unexpected status" >&2
  exit 1
fi
echo "traffic.sh: all requests got the expected status"
