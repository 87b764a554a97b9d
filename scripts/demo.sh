#!/usr/bin/env bash
# The main job, end to end, on the sample (README's first command). On a fresh Debian/Ubuntu machine, as root:
#   1. installs what is needed (apt packages, .NET restore/build), packs and installs the `dotnet keploy` global tool;
#   2. starts the downstream Catalog service, records the Orders service with `dotnet keploy record` while
#      samples/traffic.sh sends real traffic with curl;
#   3. stops Catalog, and replays with `dotnet keploy test`: Orders' calls to Catalog are served from the mocks.
# Usage: bash scripts/demo.sh [DIR]   DIR is where keploy/ is written (default: a fresh temporary folder, so the
#        committed recording in samples/Orders/keploy is left alone; pass samples/Orders to re-record it).
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
  dotnet tool install -g keploy --add-source artifacts >/dev/null
  export PATH="$PATH:$HOME/.dotnet/tools"
fi
bash scripts/build-samples.sh >/dev/null
read -r -a keploy <<< "${KEPLOY:-dotnet keploy}"

catalog_dll="$root/samples/Catalog/bin/Release/net10.0/Catalog.dll"
orders_cmd="dotnet $root/samples/Orders/bin/Release/net10.0/Orders.dll --urls http://127.0.0.1:5100"
[[ -f "$work/keploy.yml" ]] || cp samples/Orders/keploy.yml "$work/keploy.yml"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_port() { for ((i = 0; i < 200; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }

say "Starting the downstream Catalog service on 127.0.0.1:5200"
dotnet "$catalog_dll" --urls http://127.0.0.1:5200 >"$work/catalog.log" 2>&1 &
catalog=$!; pids+=("$catalog")
wait_port 5200

say "Recording Orders: ${keploy[*]} record -c \"$orders_cmd\""
(cd "$work" && exec "${keploy[@]}" record -c "$orders_cmd" --record-timer 120s) &
recorder=$!; pids+=("$recorder")
TRAFFIC_WAIT=60 samples/traffic.sh http://127.0.0.1:5100
sleep 1   # let the last exchanges be written
kill -TERM "$recorder"
wait "$recorder" || { echo "record failed" >&2; exit 1; }

say "Stopping Catalog: the replay must not need it"
kill "$catalog"; wait "$catalog" 2>/dev/null || true
if (exec 3<>/dev/tcp/127.0.0.1/5200) 2>/dev/null; then echo "Catalog is still listening" >&2; exit 1; fi

say "Replaying: ${keploy[*]} test -c \"$orders_cmd\""
cd "$work"
"${keploy[@]}" test -c "$orders_cmd" --disable-ansi
