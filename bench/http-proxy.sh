#!/usr/bin/env bash
# HTTP proxy overhead benchmark: wrk throughput against the Catalog sample directly, then through a
# forwarding proxy, and the ratio between the two.
#
#   bench/http-proxy.sh [--proxy 'COMMAND'] [--path /items/KB-001] [--duration 10s] [--connections 32] [--threads 2]
#
# How it works (each phase is bounded and stops what it started):
#   1. direct: start Catalog (`dotnet samples/Catalog/bin/Release/net10.0/Catalog.dll`, 127.0.0.1:5200), wait for
#      GET /health, warm up (wrk 3 s), measure (wrk -d DURATION -c CONNECTIONS -t THREADS), stop Catalog.
#   2. proxy: run COMMAND with every `{app}` replaced by the Catalog command above. COMMAND must end up serving
#      http://127.0.0.1:5200 through the proxy, as the tool's recording ingress proxy does:
#          --proxy 'dotnet keploy record -c "{app}"'
#      `keploy record` starts the app, moves it off its port and listens on the original port (5200) itself,
#      recording each request as a test case. The same readiness wait, warm-up and measurement follow; then
#      COMMAND's process group gets SIGTERM (record stops gracefully on it), SIGKILL after 20 s.
#      Default COMMAND: the tool built by `dotnet build Keploy.sln -c Release` (run as root: eBPF).
#      COMMAND runs in a fresh temporary directory (removed afterwards) so the recordings land there, not in
#      the repository. Without --proxy (or PROXY_CMD) the proxy phase is skipped and the ratio is "n/a".
#   3. print `direct: N req/s`, `proxy: N req/s` and `ratio: 0.xx (goal >= 0.8)`.
#
# Environment equivalents: PROXY_CMD, BENCH_PATH, DURATION, CONNECTIONS, THREADS. Loopback only.
# Exit status: 0 when the measurements ran (whatever the ratio), 1 when a phase failed (app or proxy not ready,
# wrk errors or non-2xx answers), 2 on bad usage.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
default_proxy_cmd="dotnet $root/src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll record -c \"{app}\""
proxy_cmd="${PROXY_CMD:-$default_proxy_cmd}"
bench_path="${BENCH_PATH:-/items/KB-001}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
base="http://127.0.0.1:5200"
catalog_dll="$root/samples/Catalog/bin/Release/net10.0/Catalog.dll"
app_cmd="dotnet $catalog_dll"

while (($# > 0)); do
  case "$1" in
    --proxy) proxy_cmd="$2"; shift 2 ;;
    --path) bench_path="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "http-proxy.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null; then
  echo "http-proxy.sh: installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
if [[ ! -f "$catalog_dll" ]]; then
  "$root/scripts/build-samples.sh" >/dev/null
fi
if curl -s --noproxy '*' --max-time 2 -o /dev/null "$base/health"; then
  echo "http-proxy.sh: something already listens on $base; stop it first" >&2
  exit 1
fi

group=""
workdir=""
cleanup() {
  stop_group
  [[ -n "$workdir" ]] && rm -rf "$workdir"
  return 0
}
trap cleanup EXIT

# start_group COMMAND DIR: runs COMMAND with bash in DIR as the leader of a new process group.
start_group() {
  (cd "$2" && exec setsid bash -c "$1") </dev/null >"$log" 2>&1 &
  group=$!
}

stop_group() {
  [[ -z "$group" ]] && return 0
  local signal waited
  for signal in TERM KILL; do
    kill -s "$signal" -- "-$group" 2>/dev/null || break
    for ((waited = 0; waited < 80; waited++)); do
      kill -0 -- "-$group" 2>/dev/null || break 2
      sleep 0.25
    done
  done
  wait "$group" 2>/dev/null || true
  group=""
}

wait_ready() {
  local i
  for ((i = 0; i < 240; i++)); do
    if curl -sf --noproxy '*' --max-time 2 -o /dev/null "$base/health"; then
      return 0
    fi
    if ! kill -0 "$group" 2>/dev/null; then
      echo "http-proxy.sh: $1 exited before answering GET $base/health; its output:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    sleep 0.25
  done
  echo "http-proxy.sh: $1 did not answer GET $base/health within 60 s; its output:" >&2
  tail -n 20 "$log" >&2
  return 1
}

# measure LABEL: warm up, then run wrk and echo its Requests/sec.
measure() {
  local out rps
  wrk -d 3s -c "$connections" -t "$threads" "$base$bench_path" >/dev/null
  out="$(wrk -d "$duration" -c "$connections" -t "$threads" --timeout 5s "$base$bench_path")"
  echo "$out" | sed "s/^/  [$1] /" >&2
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "http-proxy.sh: $1 run had errors or non-2xx answers (see above)" >&2
    return 1
  fi
  rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
  [[ -n "$rps" ]] || { echo "http-proxy.sh: no Requests/sec in wrk output" >&2; return 1; }
  echo "$rps"
}

log="$(mktemp)"
workdir="$(mktemp -d)"

echo "wrk -d $duration -c $connections -t $threads $base$bench_path" >&2
start_group "$app_cmd" "$root"
wait_ready "Catalog"
direct="$(measure direct)"
stop_group
printf 'direct: %.0f req/s\n' "$direct"

if [[ -z "$proxy_cmd" ]]; then
  echo "proxy: not measured (give --proxy 'dotnet keploy record -c \"{app}\"' or PROXY_CMD)"
  echo "ratio: n/a (goal >= 0.8)"
  exit 0
fi

start_group "${proxy_cmd//\{app\}/$app_cmd}" "$workdir"
wait_ready "the proxy command"
proxied="$(measure proxy)"
stop_group
printf 'proxy: %.0f req/s\n' "$proxied"
awk -v p="$proxied" -v d="$direct" 'BEGIN { printf "ratio: %.2f (goal >= 0.8)\n", p / d }'
