#!/usr/bin/env bash
# Sends the sample traffic to Inventory with curl: list, look-up, a parameterised low-stock query, an insert (a new SKU per
# run, so recording again does not hit the unique index), a stock update, and GET of the same SKU before and after the update
# (different answers), plus the expected error paths. Prints each status; exits 1 if any status is not the expected one
# (2 on bad usage).
#
# Usage: samples/inventory-traffic.sh [BASE_URL]        BASE_URL defaults to http://127.0.0.1:5300 and must be loopback.
#        TRAFFIC_WAIT=20 samples/inventory-traffic.sh   first wait up to 20 s for the port to accept TCP connections.
set -euo pipefail

base="${1:-http://127.0.0.1:5300}"
base="${base%/}"
case "$base" in
  http://127.*|http://localhost:*|http://localhost|http://\[::1\]*) ;;
  *) echo "inventory-traffic.sh: $base is not a loopback http:// URL" >&2; exit 2 ;;
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
