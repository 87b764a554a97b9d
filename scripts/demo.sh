#!/usr/bin/env bash
# The main job, end to end, on the sample (README's first command). On a fresh Debian/Ubuntu machine, as root:
#   1. installs what is needed (apt packages, .NET restore/build), packs and installs the `dotnet keploy` global tool;
#   2. starts the downstream Catalog service (HTTP) and the Quotes service (gRPC over h2c), records the Orders service with
#      `dotnet keploy record` while samples/traffic.sh sends real traffic with curl; stops both and replays with
#      `dotnet keploy test`: Orders' calls to Catalog (kind: Http) and to Quotes (kind: gRPC) are served from the mocks;
#   3. starts PostgreSQL (scripts/postgres.sh, Debian's packages), records the Inventory service (EF Core + Npgsql)
#      while samples/inventory-traffic.sh runs; stops PostgreSQL and replays Inventory from the Postgres mocks;
#   4. makes a private CA and a certificate with openssl, starts FxRates over HTTPS with it and records the Payments service
#      (trusts the CA through SSL_CERT_FILE; PostgreSQL over sslmode=require; JWT sessions) while samples/payments-traffic.sh
#      runs, then imports samples/Payments/postman/payments.postman_collection.json into a second test-set with
#      `import postman -c` (the app recorded with its mocks while the collection's requests are sent); stops FxRates and
#      PostgreSQL and replays both Payments test-sets with --freeze-time (its clock at each recorded request's time);
#   5. records the Quotes gRPC service (Grpc.AspNetCore, h2c) while samples/quotes-traffic.sh makes unary, server-streaming
#      and failing calls with curl --http2-prior-knowledge (each call a kind: gRPC test case) and replays it;
#   6. the Shop (the seed's e-commerce sample): starts MariaDB and Redis (scripts/mariadb.sh, scripts/redis.sh), the user
#      service (EF Core + Pomelo), the product service (Dapper + Redis cache) and the gateway on free ports, records the order
#      service (MySqlConnector + Dapper, HTTP to both services) while samples/shop-traffic.sh follows the seed's Postman flow
#      through the gateway; stops all of them (each port checked closed) and replays the order service.
#   Ends with each sample's HTML report path and coverage line ("Orders coverage: 95.8% (statement), 100.0% (API schema)":
#   `dotnet keploy test` instruments a copy of the app with coverlet; Orders serves its OpenAPI document), then the total over
#   the five replays: "N passed, N failed".
# Usage: bash scripts/demo.sh [DIR]   recordings go to DIR/{Orders,Inventory,Payments,Quotes,Shop}/keploy (default DIR: a fresh
#        temporary folder, so the committed recordings in samples/*/keploy are left alone; pass `samples` to re-record them).
# Env:   KEPLOY_DEMO_SKIP_SETUP=1  skip apt/build/tool install (used by the end-to-end test, which built already)
#        KEPLOY=<command>          how to run the tool (default: dotnet keploy)
#        ORDERS_PORT, CATALOG_PORT, INVENTORY_PORT, PAYMENTS_PORT, FXRATES_PORT, QUOTES_PORT  the samples' ports (default: free ports, so
#                                  two runs on one machine never collide; Orders finds Catalog through CATALOG_URL)
#        KEPLOY_PG_PORT, KEPLOY_PG_DIR  the demo's own PostgreSQL (default: a free port, /tmp/keploy-demo-pg-<port>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="${1:-$(mktemp -d /tmp/keploy-demo.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [[ "${KEPLOY_DEMO_SKIP_SETUP:-0}" != 1 ]]; then
  say "Installing prerequisites and building"
  bash scripts/install-deps.sh
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  dotnet build Keploy.sln -c Release -v q -nologo
  say "Installing the dotnet keploy global tool from a local package"
  rm -rf artifacts && dotnet pack src/Keploy.Tool -c Release --no-build -o artifacts -v q -nologo
  rm -rf "$HOME/.nuget/packages/keploy"   # the same version re-packed: drop NuGet's cached copy
  dotnet tool uninstall -g keploy >/dev/null 2>&1 || true
  version="$(ls artifacts/keploy.*.nupkg | sed -E "s/.*keploy\.(.*)\.nupkg/\1/" | head -1)"
  dotnet tool install -g keploy --version "$version" --add-source artifacts >/dev/null   # the version just packed
  export PATH="$PATH:$HOME/.dotnet/tools"
fi
bash scripts/build-samples.sh >/dev/null
read -r -a keploy <<< "${KEPLOY:-dotnet keploy}"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
orders_port="${ORDERS_PORT:-$(free_port)}"
catalog_port="${CATALOG_PORT:-$(free_port)}"
quotes_port="${QUOTES_PORT:-$(free_port)}"
inventory_port="${INVENTORY_PORT:-$(free_port)}"
# The demo's own PostgreSQL (scripts/postgres.sh) on a free port with its own data folder: the test suite's shared server on
# 55432 is never stopped by a demo run, and two demos never meet.
export KEPLOY_PG_PORT="${KEPLOY_PG_PORT:-$(free_port)}"
export KEPLOY_PG_DIR="${KEPLOY_PG_DIR:-/tmp/keploy-demo-pg-$KEPLOY_PG_PORT}"
export INVENTORY_DB="Host=127.0.0.1;Port=$KEPLOY_PG_PORT;Username=keploy;Password=keploy;Database=inventory"
export CATALOG_URL="http://127.0.0.1:$catalog_port" QUOTES_URL="http://127.0.0.1:$quotes_port"   # read by Orders (appsettings key), at record and at replay alike
catalog_dll="$root/samples/Catalog/bin/Release/net10.0/Catalog.dll"
orders_cmd="dotnet $root/samples/Orders/bin/Release/net10.0/Orders.dll --urls http://127.0.0.1:$orders_port"
inventory_cmd="dotnet $root/samples/Inventory/bin/Release/net10.0/Inventory.dll --urls http://127.0.0.1:$inventory_port"
for app in Orders Inventory Payments Shop; do
  mkdir -p "$work/$app"
  [[ -f "$work/$app/keploy.yml" ]] || cp "samples/$app/keploy.yml" "$work/$app/keploy.yml"
done

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  bash "$root/scripts/postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$KEPLOY_PG_DIR"
  if [[ -n "${SHOP_MARIADB_PORT:-}" ]]; then shop_stop_deps >/dev/null 2>&1 || true; fi   # the Shop's MariaDB and Redis, on failure
}
trap cleanup EXIT
wait_port() { for ((i = 0; i < 200; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
closed() { if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then echo "$2 is still listening on $1" >&2; exit 1; fi; }

# record APP_DIR APP_COMMAND TRAFFIC_SCRIPT URL [FLAGS...]: records while the traffic script runs, then stops the recorder
# (SIGTERM).
record() {
  say "Recording $(basename "$1"): ${keploy[*]} record -c \"$2\""
  (cd "$1" && exec "${keploy[@]}" record -c "$2" --record-timer 180s --proxy-port "$(free_port)" "${@:5}") &
  local recorder=$!; pids+=("$recorder")
  TRAFFIC_WAIT=60 "$3" "$4"
  sleep 1   # let the last exchanges be written
  kill -TERM "$recorder"
  wait "$recorder" || { echo "record failed" >&2; exit 1; }
}

# replay APP_DIR APP_COMMAND [FLAGS...]: runs `test` and keeps its closing "N passed, N failed" line.
totals=()
coverages=()
reports=()
replay() {
  say "Replaying $(basename "$1"): ${keploy[*]} test -c \"$2\" ${*:3}"
  local log; log="$(mktemp)"
  set +e
  (cd "$1" && "${keploy[@]}" test -c "$2" --disable-ansi --proxy-port "$(free_port)" "${@:3}") | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  totals+=("$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)")
  # Per sample: the coverage line (`Coverage: NN.N% (statement), NN.N% (API schema)`) and the HTML report's path.
  coverages+=("$(basename "$1") coverage: $(grep -E '^Coverage: ' "$log" | tail -1 | sed 's/^Coverage: //')")
  reports+=("$(basename "$1") HTML report: $(grep -oE 'HTML report: .*' "$log" | tail -1 | sed 's/^HTML report: //')")
  rm -f "$log"
  return "$rc"
}

status=0

say "1/5 Orders calls Catalog over HTTP and Quotes over gRPC (h2c). Starting Catalog on 127.0.0.1:$catalog_port, Quotes on 127.0.0.1:$quotes_port"
dotnet "$catalog_dll" --urls "http://127.0.0.1:$catalog_port" >/dev/null 2>&1 &
catalog=$!; pids+=("$catalog")
dotnet "$root/samples/Quotes/bin/Release/net10.0/Quotes.dll" --urls "http://127.0.0.1:$quotes_port" >/dev/null 2>&1 &
quotes=$!; pids+=("$quotes")
wait_port "$catalog_port"
wait_port "$quotes_port"
record "$work/Orders" "$orders_cmd" samples/traffic.sh "http://127.0.0.1:$orders_port"
say "Stopping Catalog and Quotes: the replay must need neither"
kill "$catalog" "$quotes" 2>/dev/null || true; wait "$catalog" "$quotes" 2>/dev/null || true
closed "$catalog_port" Catalog
closed "$quotes_port" Quotes
replay "$work/Orders" "$orders_cmd" --health-url "http://127.0.0.1:$orders_port/health" || status=1

say "2/5 Inventory stores its data in PostgreSQL through EF Core. Starting PostgreSQL on 127.0.0.1:$KEPLOY_PG_PORT"
bash scripts/postgres.sh start
record "$work/Inventory" "$inventory_cmd" samples/inventory-traffic.sh "http://127.0.0.1:$inventory_port"
say "Stopping PostgreSQL: the replay must not need it"
bash scripts/postgres.sh stop
closed "$KEPLOY_PG_PORT" PostgreSQL
replay "$work/Inventory" "$inventory_cmd" --health-url "http://127.0.0.1:$inventory_port/health" || status=1

say "3/5 Payments calls FxRates over HTTPS (private CA), stores payments in PostgreSQL over TLS, answers from JWT expiry"
tls="$work/Payments/tls"
bash samples/Payments/make-certs.sh "$tls"
fx_port="${FXRATES_PORT:-$(free_port)}"
payments_port="${PAYMENTS_PORT:-$(free_port)}"
pg_port="$KEPLOY_PG_PORT"
dotnet "$root/samples/FxRates/bin/Release/net10.0/FxRates.dll" --urls "https://127.0.0.1:$fx_port" \
  --Kestrel:Certificates:Default:Path="$tls/fxrates.crt" --Kestrel:Certificates:Default:KeyPath="$tls/fxrates.key" >/dev/null 2>&1 &
fxrates=$!; pids+=("$fxrates")
wait_port "$fx_port"
bash scripts/postgres.sh start
# As a user of a private CA would: the app trusts it through SSL_CERT_FILE; its database connection requires TLS.
export SSL_CERT_FILE="$tls/ca.crt" FX_URL="https://127.0.0.1:$fx_port"
export PAYMENTS_DB="Host=127.0.0.1;Port=$pg_port;Username=keploy;Password=keploy;Database=keploy;SSL Mode=Require"
payments_cmd="dotnet $root/samples/Payments/bin/Release/net10.0/Payments.dll --urls http://127.0.0.1:$payments_port"
record "$work/Payments" "$payments_cmd" samples/payments-traffic.sh "http://127.0.0.1:$payments_port"
say "Importing the Payments Postman collection (login -> token variable -> authorised calls), recorded with its mocks"
(cd "$work/Payments" && "${keploy[@]}" import postman "$root/samples/Payments/postman/payments.postman_collection.json" \
  -c "$payments_cmd" --base-path "http://127.0.0.1:$payments_port" --proxy-port "$(free_port)" --disable-ansi) \
  || { echo "import postman failed" >&2; exit 1; }
say "Stopping FxRates and PostgreSQL: the replay must need neither"
kill "$fxrates" 2>/dev/null || true; wait "$fxrates" 2>/dev/null || true
closed "$fx_port" FxRates
bash scripts/postgres.sh stop
closed "$pg_port" PostgreSQL
replay "$work/Payments" "$payments_cmd" --freeze-time || status=1

say "4/5 Quotes answers gRPC over h2c (unary and server-streaming): each call is recorded as a gRPC test case"
quotes_cmd="dotnet $root/samples/Quotes/bin/Release/net10.0/Quotes.dll --urls http://127.0.0.1:$quotes_port"
mkdir -p "$work/Quotes"
record "$work/Quotes" "$quotes_cmd" samples/quotes-traffic.sh "http://127.0.0.1:$quotes_port"
closed "$quotes_port" Quotes
replay "$work/Quotes" "$quotes_cmd" || status=1

say "5/5 Shop: the order service (MariaDB through MySqlConnector + Dapper) calls the user and product services over HTTP"
# shellcheck source=../samples/Shop/services.sh
source samples/Shop/services.sh
SHOP_LOG_DIR="$work/Shop-logs"   # the services' logs, beside the recording
shop_start_deps
shop_cmd="$(shop_orders_cmd)"
export TRAFFIC_WAIT_PORTS="$SHOP_ORDERS_PORT"   # shop-traffic.sh goes through the gateway: wait for the order service too
# MySQL speaks first, so only its port says what it is: --mysql-ports names MariaDB's (3306 and 4000 are known already).
record "$work/Shop" "$shop_cmd" samples/shop-traffic.sh "$SHOP_GATEWAY_URL" --mysql-ports "$SHOP_MARIADB_PORT"
unset TRAFFIC_WAIT_PORTS
say "Stopping MariaDB, Redis, the user and product services and the gateway: the replay must need none of them"
shop_stop_deps
for port in "$SHOP_MARIADB_PORT" "$SHOP_REDIS_PORT"; do closed "$port" "MariaDB/Redis"; done
replay "$work/Shop" "$shop_cmd" --health-url "http://127.0.0.1:$SHOP_ORDERS_PORT/health" --mysql-ports "$SHOP_MARIADB_PORT" || status=1

say "Recorded test-sets are in $work/Orders/keploy, $work/Inventory/keploy, $work/Payments/keploy, $work/Quotes/keploy and $work/Shop/keploy"
passed=0; failed=0
for t in "${totals[@]}"; do
  [[ -n "$t" ]] || { failed=$((failed + 1)); continue; }
  read -r p _ f _ <<< "${t//,/}"
  passed=$((passed + p)); failed=$((failed + f))
done
for r in "${reports[@]}"; do echo "$r"; done
for c in "${coverages[@]}"; do echo "$c"; done
echo "$passed passed, $failed failed"
exit $status
