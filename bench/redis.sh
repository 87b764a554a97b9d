#!/usr/bin/env bash
# Redis recording overhead: redis-benchmark requests/s directly against a private scripts/redis.sh server, then through the
# recording proxy, and the ratio, for SET and GET.
#
#   bench/redis.sh [--proxy-cmd 'COMMAND'] [--requests 20000] [--clients 8] [--pipeline 1] [--keep]
#
# How it works (every run is bounded by -n REQUESTS and a timeout):
#   0. scripts/redis.sh start on a free port with a private directory (stopped, port checked closed, on exit).
#   1. direct:  redis-benchmark -h 127.0.0.1 -p PORT -c CLIENTS -n REQUESTS -P PIPELINE -t set,get -q --csv
#   2. proxied: COMMAND with `{app}` replaced by that same command line, run in a fresh temporary directory (removed afterwards
#      unless --keep). The default COMMAND is the real tool,
#          dotnet src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll record -c "{app}"
#      which runs redis-benchmark under eBPF capture: its connections are redirected to the recording proxy, every command
#      becomes a mock, and record stops when redis-benchmark exits. Needs root and `dotnet build Keploy.sln -c Release`.
#   3. per test: `direct: N rps`, `proxied: N rps`, `ratio: 0.xx`; then the mock arithmetic: SET and GET mocks recorded against
#      the REQUESTS each sent (a warning when they differ), plus the session mocks (redis-benchmark's CONFIG GET).
#
# Environment equivalents: PROXY_CMD, REQUESTS, CLIENTS, PIPELINE. Loopback only, never a fixed port.
# Exit status: 0 when the measurements ran (whatever the ratio), 1 when a run failed, 2 on bad usage.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="$root/src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll"
default_proxy_cmd="dotnet $tool record -c \"{app}\""
proxy_cmd="${PROXY_CMD:-$default_proxy_cmd}"
requests="${REQUESTS:-20000}"
clients="${CLIENTS:-8}"
pipeline="${PIPELINE:-1}"
keep=0

while (($# > 0)); do
  case "$1" in
    --proxy-cmd) proxy_cmd="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --pipeline) pipeline="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "redis.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for n in "$requests" "$clients" "$pipeline"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "bench/redis.sh: '$n' is not a positive integer" >&2; exit 2; }
done
command -v redis-benchmark >/dev/null || { echo "bench/redis.sh: redis-benchmark not found (apt-get install redis-tools)" >&2; exit 1; }
if [[ "$proxy_cmd" == *dotnet-keploy.dll* && ! -f "$tool" ]]; then
  echo "bench/redis.sh: $tool not built; run: dotnet build $root/Keploy.sln -c Release" >&2
  exit 1
fi

workdir="$(mktemp -d)"
export REDIS_DIR="$workdir/server"
eval "$("$root/scripts/redis.sh" start 2>/dev/null | sed 's/^/export /')"
cleanup() {
  "$root/scripts/redis.sh" stop >/dev/null || true
  if ((keep)); then echo "recordings kept in $workdir"; else rm -rf "$workdir"; fi
}
trap cleanup EXIT

app="redis-benchmark -h 127.0.0.1 -p $REDIS_PORT -c $clients -n $requests -P $pipeline -t set,get -q --csv"

# rps_of OUTPUT TEST: the requests/s of TEST from redis-benchmark's --csv lines ("SET","81300.81",...); fails on an error line.
rps_of() {
  if grep -qi 'error' <<<"$1"; then return 1; fi
  sed -n "s/.*\"$2\",\"\([0-9.]*\)\".*/\1/p" <<<"$1" | tail -1
}

direct_out="$($app 2>&1)" || { echo "$direct_out" >&2; echo "bench/redis.sh: direct run failed" >&2; exit 1; }
run_dir="$workdir/record"
mkdir -p "$run_dir"
placeholder='{app}'
cmd="${proxy_cmd//"$placeholder"/$app}"
proxied_out="$(cd "$run_dir" && timeout --signal=INT --kill-after=20 300 bash -c "$cmd" 2>&1)" || true

status=0
echo "$app"
for t in SET GET; do
  if ! direct="$(rps_of "$direct_out" "$t")" || [[ -z "$direct" ]]; then
    echo "$direct_out" >&2; echo "bench/redis.sh: $t: direct run failed" >&2; status=1; continue
  fi
  if ! proxied="$(rps_of "$proxied_out" "$t")" || [[ -z "$proxied" ]]; then
    echo "$proxied_out" | tail -20 >&2; echo "bench/redis.sh: $t: proxied run failed ($cmd)" >&2; status=1; continue
  fi
  echo "$t:"
  echo "  direct:  $direct rps"
  echo "  proxied: $proxied rps"
  awk -v p="$proxied" -v d="$direct" 'BEGIN { printf "  ratio: %.2f\n", p / d }'
done

mocks_file="$(ls "$run_dir"/keploy/*/mocks.yaml 2>/dev/null | head -1 || true)"
if [[ -n "$mocks_file" ]]; then
  count_op() { grep -c "^        operation: \"\{0,1\}$1\"\{0,1\}$" "$mocks_file" || true; }
  set_mocks="$(count_op SET)"; get_mocks="$(count_op GET)"; config_mocks="$(count_op 'CONFIG GET')"
  total="$(grep -c '^kind: Redis' "$mocks_file" || true)"
  echo "mocks: $total Redis = $set_mocks SET + $get_mocks GET + $config_mocks CONFIG GET (sent: $requests SET + $requests GET)"
  if [[ "$set_mocks" != "$requests" || "$get_mocks" != "$requests" ]]; then
    echo "  warning: mock count differs from the commands sent" >&2
  fi
else
  echo "mocks: none found under $run_dir/keploy" >&2
  status=1
fi
exit "$status"
