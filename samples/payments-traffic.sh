#!/usr/bin/env bash
# Sends the sample traffic to Payments with curl: a JWT session (issued, checked, missing), euro rates from FxRates over HTTPS,
# payments (stored in PostgreSQL with a new Guid and the current time) and their look-up, plus the expected error paths.
# Prints each status; exits 1 if any status is not the expected one (2 on bad usage).
#
# Usage: samples/payments-traffic.sh [BASE_URL]        BASE_URL defaults to http://127.0.0.1:5400 and must be loopback.
#        TRAFFIC_WAIT=20 samples/payments-traffic.sh   first wait up to 20 s for the port to accept TCP connections.
set -euo pipefail

script=payments-traffic.sh
default_base=http://127.0.0.1:5400
# shellcheck source=traffic-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/traffic-common.sh"

call 200 GET    /health
call 201 POST   /sessions "${json[@]}" --data '{"user":"alice"}'
token="$(field token)"
auth=(-H "Authorization: Bearer $token")
call 200 GET    /sessions/current "${auth[@]}"
[[ "$(field sessionValid)" == True ]] || { echo "$script: a new session is not valid" >&2; failures=$((failures + 1)); }
call 401 GET    /sessions/current
call 200 GET    /rates/USD
call 404 GET    /rates/XXX
call 201 POST   /payments "${json[@]}" "${auth[@]}" --data '{"amount":25.00,"currency":"USD"}'
id="$(field payment id)"
call 200 GET    "/payments/$id"
call 201 POST   /payments "${json[@]}" "${auth[@]}" --data '{"amount":12.50,"currency":"GBP"}'
call 401 POST   /payments "${json[@]}" --data '{"amount":1,"currency":"USD"}'
call 422 POST   /payments "${json[@]}" "${auth[@]}" --data '{"amount":1,"currency":"XXX"}'
call 404 GET    /payments/00000000-0000-0000-0000-000000000000

if ((failures > 0)); then
  echo "$script: $failures request(s) got an unexpected answer" >&2
  exit 1
fi
echo "$script: all requests got the expected status"
