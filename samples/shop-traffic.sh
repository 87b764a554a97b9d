#!/usr/bin/env bash
# Sends the Shop sample's traffic with curl through its gateway, following the seed's Postman flow
# (samples/Shop/postman/shop.postman_collection.json): log in as the seeded admin, create a user (a new name per run) and log in
# as that user, add an address, list products (the product cache answers X-Cache: MISS then HIT), create an order with an
# Idempotency-Key, get it and its details, create a second order on the default address and repeat that creation with the same
# key (the same order back, nothing new), list the user's orders, pay the first (twice: already paid is 200), cancel it (409,
# paid), cancel the second (200, then 409), and the error paths (401, 400, 404, 409 insufficient stock), then delete the user.
# Prints each status; exits 1 if any status or checked value is not the expected one (2 on bad usage).
#
# Usage: samples/shop-traffic.sh [GATEWAY_URL]        GATEWAY_URL defaults to http://127.0.0.1:8083 and must be loopback.
#        TRAFFIC_WAIT=20 samples/shop-traffic.sh      first wait up to 20 s for the port to accept TCP connections.
set -euo pipefail

script=shop-traffic.sh
default_base=http://127.0.0.1:8083
# shellcheck source=traffic-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/traffic-common.sh"
# TRAFFIC_WAIT_PORTS="P..." (with TRAFFIC_WAIT): also wait for these loopback ports (the services behind the gateway), with a
# plain TCP connect, so the wait is not recorded.
for port in ${TRAFFIC_WAIT_PORTS:-}; do
  for ((i = 0; i < ${TRAFFIC_WAIT:-0} * 4; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.25
  done
done
laptop=11111111-1111-4111-8111-111111111111
mouse=22222222-2222-4222-8222-222222222222
run="$(date +%s%N)"
check() {   # check DESCRIPTION ACTUAL EXPECTED
  if [[ "$2" != "$3" ]]; then
    echo "$script: $1: got '$2', expected '$3'" >&2
    failures=$((failures + 1))
  fi
}

call 200 POST   /api/v1/login "${json[@]}" --data '{"username":"admin","password":"p@ssw0rd"}'
admin=(-H "Authorization: Bearer $(field token)")
call 201 POST   /api/v1/users "${json[@]}" "${admin[@]}" --data "{\"username\":\"alice-$run\",\"email\":\"alice-$run@example.com\",\"password\":\"p@ssw0rd\"}"
user="$(field id)"
call 409 POST   /api/v1/users "${json[@]}" "${admin[@]}" --data "{\"username\":\"alice-$run\",\"email\":\"other-$run@example.com\",\"password\":\"x\"}"
call 401 POST   /api/v1/login "${json[@]}" --data "{\"username\":\"alice-$run\",\"password\":\"wrong\"}"
call 200 POST   /api/v1/login "${json[@]}" --data "{\"username\":\"alice-$run\",\"password\":\"p@ssw0rd\"}"
auth=(-H "Authorization: Bearer $(field token)")
call 201 POST   "/api/v1/users/$user/addresses" "${json[@]}" "${auth[@]}" \
  --data '{"line1":"1 Main St","city":"NYC","state":"NY","postal_code":"10001","country":"US","phone":"+1-555-0000","is_default":true}'
address="$(field id)"
call 200 GET    "/api/v1/users/$user/addresses" "${auth[@]}"
call 200 GET    "/api/v1/users/$user" "${auth[@]}"

call 200 GET    /api/v1/products "${auth[@]}"
call 200 GET    "/api/v1/products/$laptop" "${auth[@]}" -D "$body_file.headers"
call 200 GET    "/api/v1/products/$laptop" "${auth[@]}" -D "$body_file.headers"
check "second GET /api/v1/products/$laptop" "$(tr -d '\r' < "$body_file.headers" | sed -n 's/^[Xx]-[Cc]ache: //p')" HIT
rm -f "$body_file.headers"

key1="$(cat /proc/sys/kernel/random/uuid)"
call 201 POST   /api/v1/orders "${json[@]}" "${auth[@]}" -H "Idempotency-Key: $key1" \
  --data "{\"userId\":\"$user\",\"items\":[{\"productId\":\"$laptop\",\"quantity\":1}],\"shippingAddressId\":\"$address\"}"
order1="$(field id)"
check "new order status" "$(field status)" PENDING
call 200 GET    "/api/v1/orders/$order1" "${auth[@]}"
call 200 GET    "/api/v1/orders/$order1/details" "${auth[@]}"
check "order details' product name" "$(field items 0 name)" Laptop

key2="$(cat /proc/sys/kernel/random/uuid)"
call 201 POST   /api/v1/orders "${json[@]}" "${auth[@]}" -H "Idempotency-Key: $key2" \
  --data "{\"userId\":\"$user\",\"items\":[{\"productId\":\"$mouse\",\"quantity\":1}]}"
order2="$(field id)"
call 200 POST   /api/v1/orders "${json[@]}" "${auth[@]}" -H "Idempotency-Key: $key2" \
  --data "{\"userId\":\"$user\",\"items\":[{\"productId\":\"$mouse\",\"quantity\":2}]}"
check "order created again with the same Idempotency-Key" "$(field id)" "$order2"
call 200 GET    "/api/v1/orders?userId=$user&limit=5" "${auth[@]}"
check "orders listed" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$body_file")" 2

call 200 POST   "/api/v1/orders/$order1/pay" "${auth[@]}"
check "paid order status" "$(field status)" PAID
call 200 POST   "/api/v1/orders/$order1/pay" "${auth[@]}"
call 409 POST   "/api/v1/orders/$order1/cancel" "${auth[@]}"
call 200 POST   "/api/v1/orders/$order2/cancel" "${auth[@]}"
check "cancelled order status" "$(field status)" CANCELLED
call 409 POST   "/api/v1/orders/$order2/cancel" "${auth[@]}"
call 409 POST   "/api/v1/orders/$order2/pay" "${auth[@]}"
call 200 GET    "/api/v1/orders/$order1" "${auth[@]}"
check "order status after pay and cancel" "$(field status)" PAID

call 401 GET    "/api/v1/orders/$order1"
call 404 GET    /api/v1/orders/00000000-0000-4000-8000-000000000000 "${auth[@]}"
call 400 POST   /api/v1/orders "${json[@]}" "${auth[@]}" --data "{\"userId\":\"$user\",\"items\":[]}"
call 400 POST   /api/v1/orders "${json[@]}" "${auth[@]}" \
  --data "{\"userId\":\"$user\",\"items\":[{\"productId\":\"00000000-0000-4000-8000-000000000000\",\"quantity\":1}]}"
call 409 POST   /api/v1/orders "${json[@]}" "${auth[@]}" -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" \
  --data "{\"userId\":\"$user\",\"items\":[{\"productId\":\"$mouse\",\"quantity\":1},{\"productId\":\"$laptop\",\"quantity\":1000000}]}"

call 200 DELETE "/api/v1/users/$user" "${admin[@]}"
call 404 GET    "/api/v1/users/$user" "${admin[@]}"

if ((failures > 0)); then
  echo "$script: $failures request(s) got an unexpected answer" >&2
  exit 1
fi
echo "$script: all requests got the expected status"
