#!/usr/bin/env bash
# Sends the sample traffic to Orders with curl: every endpoint once, GET /orders/stock/KB-001 twice (Catalog
# answers differently each time), and the expected error paths. Prints each status; exits 1 if any status is
# not the expected one (2 on bad usage).
#
# Usage: samples/traffic.sh [BASE_URL]        BASE_URL defaults to http://127.0.0.1:5100 and must be loopback.
#        TRAFFIC_WAIT=20 samples/traffic.sh   first wait up to 20 s for the port to accept TCP connections
#                                             (a plain connect, so the wait itself records no test case).
set -euo pipefail

base="${1:-http://127.0.0.1:5100}"
base="${base%/}"
case "$base" in
  http://127.*|http://localhost:*|http://localhost|http://\[::1\]*) ;;
  *) echo "traffic.sh: $base is not a loopback http:// URL" >&2; exit 2 ;;
esac

if [[ "${TRAFFIC_WAIT:-0}" -gt 0 ]]; then
  hostport="${base#http://}"
  host="${hostport%:*}"; port="${hostport##*:}"
  [[ "$host" == "$hostport" ]] && port=80
  host="${host#[}"; host="${host%]}"
  for ((i = 0; i < TRAFFIC_WAIT * 4; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then break; fi
    sleep 0.25
  done
fi

failures=0
body_file="$(mktemp)"
trap 'rm -f "$body_file"' EXIT

# call EXPECTED_STATUS METHOD PATH [curl args...]; the response body is left in $body_file.
call() {
  local expected="$1" method="$2" path="$3"
  shift 3
  local status
  status="$(curl --silent --show-error --noproxy '*' --max-time 10 -o "$body_file" -w '%{http_code}' \
    -X "$method" "$@" "$base$path")" || status="000"
  if [[ "$status" == "$expected" ]]; then
    printf '%-6s %-44s %s\n' "$method" "$path" "$status"
  else
    printf '%-6s %-44s %s (expected %s) FAIL\n' "$method" "$path" "$status" "$expected"
    failures=$((failures + 1))
  fi
}

json=(-H 'Content-Type: application/json')

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

if ((failures > 0)); then
  echo "traffic.sh: $failures request(s) got an unexpected status" >&2
  exit 1
fi
echo "traffic.sh: all requests got the expected status"
