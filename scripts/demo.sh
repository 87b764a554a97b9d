#!/usr/bin/env bash
# The main job, end to end, on the sample (README's first command). On a fresh Debian/Ubuntu machine, as root:
#   1. installs what is needed (apt packages, .NET restore/build), packs and installs the `dotnet keploy` global tool;
#   2. starts the downstream Catalog service, records the Orders service with `dotnet keploy record` while
#      samples/traffic.sh sends real traffic with curl; stops Catalog and replays with `dotnet keploy test`: Orders'
#      calls to Catalog are served from the mocks;
#   3. starts PostgreSQL (scripts/postgres.sh, Debian's packages), records the Inventory service (EF Core + Npgsql)
#      while samples/inventory-traffic.sh runs; stops PostgreSQL and replays Inventory from the Postgres mocks.
#   Ends with the total over both replays: "N passed, N failed".
# Usage: bash scripts/demo.sh [DIR]   recordings go to DIR/Orders/keploy and DIR/Inventory/keploy (default DIR: a fresh
#        temporary folder, so the committed recordings in samples/*/keploy are left alone; pass `samples` to re-record them).
# Env:   KEPLOY_DEMO_SKIP_SETUP=1  skip apt/build/tool install (used by the end-to-end test, which built already)
#        KEPLOY=<command>          how to run the tool (default: dotnet keploy)
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

catalog_dll="$root/samples/Catalog/bin/Release/net10.0/Catalog.dll"
orders_cmd="dotnet $root/samples/Orders/bin/Release/net10.0/Orders.dll --urls http://127.0.0.1:5100"
inventory_cmd="dotnet $root/samples/Inventory/bin/Release/net10.0/Inventory.dll --urls http://127.0.0.1:5300"
for app in Orders Inventory; do
  mkdir -p "$work/$app"
  [[ -f "$work/$app/keploy.yml" ]] || cp "samples/$app/keploy.yml" "$work/$app/keploy.yml"
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_port() { for ((i = 0; i < 200; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
closed() { if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then echo "$2 is still listening on $1" >&2; exit 1; fi; }

# record APP_DIR APP_COMMAND TRAFFIC_SCRIPT URL: records while the traffic script runs, then stops the recorder (SIGTERM).
record() {
  say "Recording $(basename "$1"): ${keploy[*]} record -c \"$2\""
  (cd "$1" && exec "${keploy[@]}" record -c "$2" --record-timer 180s) &
  local recorder=$!; pids+=("$recorder")
  TRAFFIC_WAIT=60 "$3" "$4"
  sleep 1   # let the last exchanges be written
  kill -TERM "$recorder"
  wait "$recorder" || { echo "record failed" >&2; exit 1; }
}

# replay APP_DIR APP_COMMAND: runs `test` and keeps its closing "N passed, N failed" line.
totals=()
replay() {
  say "Replaying $(basename "$1"): ${keploy[*]} test -c \"$2\""
  local log; log="$(mktemp)"
  set +e
  (cd "$1" && "${keploy[@]}" test -c "$2" --disable-ansi) | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  totals+=("$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)")
  rm -f "$log"
  return "$rc"
}

status=0

say "1/2 Orders calls Catalog over HTTP. Starting Catalog on 127.0.0.1:5200"
dotnet "$catalog_dll" --urls http://127.0.0.1:5200 >/dev/null 2>&1 &
catalog=$!; pids+=("$catalog")
wait_port 5200
record "$work/Orders" "$orders_cmd" samples/traffic.sh http://127.0.0.1:5100
say "Stopping Catalog: the replay must not need it"
kill "$catalog" 2>/dev/null || true; wait "$catalog" 2>/dev/null || true
closed 5200 Catalog
replay "$work/Orders" "$orders_cmd" || status=1

say "2/2 Inventory stores its data in PostgreSQL through EF Core. Starting PostgreSQL on 127.0.0.1:55432"
bash scripts/postgres.sh start
record "$work/Inventory" "$inventory_cmd" samples/inventory-traffic.sh http://127.0.0.1:5300
say "Stopping PostgreSQL: the replay must not need it"
bash scripts/postgres.sh stop
closed 55432 PostgreSQL
replay "$work/Inventory" "$inventory_cmd" || status=1

say "Recorded test-sets are in $work/Orders/keploy and $work/Inventory/keploy"
passed=0; failed=0
for t in "${totals[@]}"; do
  [[ -n "$t" ]] || { failed=$((failed + 1)); continue; }
  read -r p _ f _ <<< "${t//,/}"
  passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
exit $status
