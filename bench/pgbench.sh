#!/usr/bin/env bash
# PostgreSQL recording overhead: pgbench TPS directly against the scripts/postgres.sh server, then through the recording
# proxy, and the ratio, for the select-only script (-S) and the default TPC-B-like script.
#
#   bench/pgbench.sh [--proxy-cmd 'COMMAND'] [--duration 10] [--clients 4] [--jobs 2] [--scale 1] [--keep]
#
# How it works (every run is bounded by -T DURATION and stops by itself):
#   0. scripts/postgres.sh start (127.0.0.1:55432, user keploy), `pgbench -i -s SCALE` once.
#   1. direct:  pgbench SCRIPT -n -c CLIENTS -j JOBS -T DURATION  against 127.0.0.1:55432.
#   2. proxied: COMMAND with `{app}` replaced by that same pgbench command line, run in a fresh temporary directory
#      (removed afterwards unless --keep). The default COMMAND is the real tool,
#          dotnet src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll record -c "{app}"
#      which runs pgbench under eBPF capture: its connection to 55432 is redirected to the recording proxy, every
#      exchange becomes a mock, and record stops when pgbench exits. Needs root and `dotnet build Keploy.sln -c Release`.
#   3. per script: `direct: N tps`, `proxied: N tps (transactions, mocks recorded)`, `ratio: 0.xx (goal >= 0.8)`; a warning
#      when fewer mocks than transactions were recorded.
#
# Environment equivalents: PROXY_CMD, DURATION, CLIENTS, JOBS, SCALE. Loopback only.
# Exit status: 0 when the measurements ran (whatever the ratio), 1 when a run failed, 2 on bad usage.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="$root/src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll"
default_proxy_cmd="dotnet $tool record -c \"{app}\""
proxy_cmd="${PROXY_CMD:-$default_proxy_cmd}"
duration="${DURATION:-10}"
clients="${CLIENTS:-4}"
jobs="${JOBS:-2}"
scale="${SCALE:-1}"
keep=0

while (($# > 0)); do
  case "$1" in
    --proxy-cmd) proxy_cmd="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pgbench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for n in "$duration" "$clients" "$jobs" "$scale"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "pgbench.sh: '$n' is not a positive integer" >&2; exit 2; }
done
command -v pgbench >/dev/null || { echo "pgbench.sh: pgbench not found (apt-get install postgresql-client)" >&2; exit 1; }
if [[ "$proxy_cmd" == *dotnet-keploy.dll* && ! -f "$tool" ]]; then
  echo "pgbench.sh: $tool not built; run: dotnet build $root/Keploy.sln -c Release" >&2
  exit 1
fi

"$root/scripts/postgres.sh" start >/dev/null
export PGHOST=127.0.0.1 PGPORT=55432 PGUSER=keploy PGPASSWORD=keploy PGDATABASE=keploy PGSSLMODE=prefer
pgbench -i -s "$scale" -q >/dev/null 2>&1 || { echo "pgbench.sh: pgbench -i failed" >&2; exit 1; }

# tps_of OUTPUT: the "tps = N (without initial connection time)" figure; fails unless every transaction succeeded.
tps_of() {
  local out="$1"
  if ! grep -q 'number of failed transactions: 0 ' <<<"$out"; then
    return 1
  fi
  sed -n 's/.*tps = \([0-9.]*\) (without initial connection time).*/\1/p' <<<"$out" | tail -1
}

workdir="$(mktemp -d)"
cleanup() { if ((keep)); then echo "recordings kept in $workdir"; else rm -rf "$workdir"; fi; }
trap cleanup EXIT

status=0
for script in select-only tpcb; do
  case "$script" in
    select-only) flag="-S" ;;
    tpcb) flag="" ;;
  esac
  app="pgbench $flag -n -c $clients -j $jobs -T $duration"
  app="${app//  / }"

  direct_out="$(pgbench $flag -n -c "$clients" -j "$jobs" -T "$duration" 2>&1)" || true
  if ! direct="$(tps_of "$direct_out")" || [[ -z "$direct" ]]; then
    echo "$direct_out" >&2
    echo "pgbench.sh: $script: direct run failed" >&2
    status=1
    continue
  fi

  run_dir="$workdir/$script"
  mkdir -p "$run_dir"
  placeholder='{app}'
  cmd="${proxy_cmd//"$placeholder"/$app}"
  proxied_out="$(cd "$run_dir" && timeout --signal=INT --kill-after=20 $((duration + 60)) bash -c "$cmd" 2>&1)" || true
  mocks="$(cat "$run_dir"/keploy/*/mocks.yaml 2>/dev/null | grep -c '^kind: Postgres' || true)"
  if ! proxied="$(tps_of "$proxied_out")" || [[ -z "$proxied" ]]; then
    echo "$proxied_out" | tail -20 >&2
    echo "pgbench.sh: $script: proxied run failed ($cmd)" >&2
    status=1
    continue
  fi

  processed="$(sed -n 's/.*number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$proxied_out" | tail -1)"
  echo "$script ($app):"
  echo "  direct:  $direct tps"
  echo "  proxied: $proxied tps ($processed transactions, $mocks Postgres mocks recorded)"
  if [[ -n "$processed" && "$mocks" -lt "$processed" ]]; then
    echo "  warning: fewer mocks than transactions: some connections were not recorded" >&2
  fi
  awk -v p="$proxied" -v d="$direct" 'BEGIN { printf "  ratio: %.2f (goal >= 0.8)\n", p / d }'
done
exit "$status"
