#!/usr/bin/env bash
# MySQL/MariaDB recording overhead: sysbench oltp_read_write TPS directly against a scripts/mariadb.sh server, then through
# `dotnet keploy record`, and the ratio, in one run.
#
#   bench/sysbench.sh [--proxy-cmd 'COMMAND'] [--duration 10] [--threads 4] [--tables 2] [--table-size 1000] [--keep]
#
# How it works (every run is bounded by --time DURATION and stops by itself):
#   0. scripts/mariadb.sh start on a free port (its own data directory, stopped and removed at the end), sysbench prepare.
#   1. direct:  sysbench oltp_read_write --threads THREADS --time DURATION against it.
#   2. proxied: COMMAND with `{app}` replaced by that same sysbench command line and `{port}` by the MariaDB port, run in a fresh
#      temporary directory (removed afterwards unless --keep). The default COMMAND is the real tool,
#          dotnet src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll record --mysql-ports {port} -c "{app}"
#      which runs sysbench under eBPF capture: its connections to MariaDB are redirected to the recording proxy, every command
#      exchange becomes a mock, and record stops when sysbench exits. Needs root and `dotnet build Keploy.sln -c Release`.
#   3. `direct: N tps`, `proxied: N tps (transactions, queries, MySQL mocks recorded)`, `ratio: 0.xx (goal >= 0.8)`.
#
# Environment equivalents: PROXY_CMD, DURATION, THREADS, TABLES, TABLE_SIZE. Loopback only; no fixed port.
# Exit status: 0 when the measurements ran (whatever the ratio), 1 when a run failed, 2 on bad usage.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="$root/src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll"
default_proxy_cmd="dotnet $tool record --mysql-ports {port} -c \"{app}\""
proxy_cmd="${PROXY_CMD:-$default_proxy_cmd}"
duration="${DURATION:-10}"
threads="${THREADS:-4}"
tables="${TABLES:-2}"
table_size="${TABLE_SIZE:-1000}"
keep=0

while (($# > 0)); do
  case "$1" in
    --proxy-cmd) proxy_cmd="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --tables) tables="$2"; shift 2 ;;
    --table-size) table_size="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sysbench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for n in "$duration" "$threads" "$tables" "$table_size"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "sysbench.sh: '$n' is not a positive integer" >&2; exit 2; }
done
command -v sysbench >/dev/null || { echo "sysbench.sh: sysbench not found (apt-get install sysbench)" >&2; exit 1; }
if [[ "$proxy_cmd" == *dotnet-keploy.dll* && ! -f "$tool" ]]; then
  echo "sysbench.sh: $tool not built; run: dotnet build $root/Keploy.sln -c Release" >&2
  exit 1
fi

workdir="$(mktemp -d)"
chmod 755 "$workdir" # mariadbd runs as the mysql user
export MARIADB_DIR="$workdir/mariadb"
port_line="$("$root/scripts/mariadb.sh" start)"
port="${port_line#MARIADB_PORT=}"
cleanup() {
  MARIADB_DIR="$workdir/mariadb" "$root/scripts/mariadb.sh" stop >/dev/null 2>&1 || true
  if ((keep)); then echo "recordings kept in $workdir"; else rm -rf "$workdir"; fi
}
trap cleanup EXIT

common="--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=$port --mysql-user=keploy --mysql-password=keploy --mysql-db=keploy --mysql-ssl=off --tables=$tables --table-size=$table_size"
sysbench oltp_read_write $common prepare >/dev/null 2>&1 || { echo "sysbench.sh: sysbench prepare failed" >&2; exit 1; }

# tps_of OUTPUT: the transactions-per-second figure; fails when sysbench reported no transactions.
tps_of() {
  sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.).*/\1/p' <<<"$1" | tail -1
}

app="sysbench oltp_read_write $common --threads=$threads --time=$duration --events=0 run"
direct_out="$($app 2>&1)" || true
direct="$(tps_of "$direct_out")"
if [[ -z "$direct" ]]; then
  echo "$direct_out" >&2
  echo "sysbench.sh: direct run failed" >&2
  exit 1
fi

run_dir="$workdir/record"
mkdir -p "$run_dir"
cmd="${proxy_cmd//\{app\}/$app}"
cmd="${cmd//\{port\}/$port}"
proxied_out="$(cd "$run_dir" && timeout --signal=INT --kill-after=20 $((duration + 90)) bash -c "$cmd" 2>&1)" || true
proxied="$(tps_of "$proxied_out")"
mocks="$(cat "$run_dir"/keploy/*/mocks.yaml 2>/dev/null | grep -c '^kind: MySQL' || true)"
if [[ -z "$proxied" ]]; then
  echo "$proxied_out" | tail -20 >&2
  echo "sysbench.sh: proxied run failed ($cmd)" >&2
  exit 1
fi

transactions="$(sed -n 's/.*transactions: *\([0-9]*\) .*/\1/p' <<<"$proxied_out" | tail -1)"
queries="$(grep -m1 -E '^[[:space:]]+total:' <<<"$proxied_out" | awk '{print $2}')"
errors="$(sed -n 's/.*ignored errors: *\([0-9]*\) .*/\1/p' <<<"$proxied_out" | tail -1)"
echo "oltp_read_write ($threads threads, ${duration}s, $tables tables x $table_size rows):"
echo "  direct:  $direct tps"
echo "  proxied: $proxied tps ($transactions transactions, $queries queries, ${errors:-?} ignored errors, $mocks MySQL mocks recorded)"
if [[ -n "$queries" && "$mocks" -lt "$queries" ]]; then
  echo "  warning: fewer mocks than queries: some connections were not recorded" >&2
fi
awk -v p="$proxied" -v d="$direct" 'BEGIN { printf "  ratio: %.2f (goal >= 0.8)\n", p / d }'
