#!/usr/bin/env bash
# Recording overhead beside the anchors (issue 12), in one run on this machine:
#
#   bench/run.sh                      # HTTP rows, then pgbench rows; prints the table and the goals' verdicts
#   DURATION=8 ROUNDS=2 PG_DURATION=10 SKIP_PG=1 bench/run.sh
#   SKIP_HTTP=1 bench/run.sh          # pgbench rows only
#
# HTTP: the samples/Catalog app (`GET /items/KB-001`), wrk -c CONNECTIONS(32) -t THREADS(2) --latency for DURATION(8) s after a
# WARMUP(2) s warm-up, ROUNDS(2) rounds, through:
#   direct           wrk -> Catalog
#   haproxy          haproxy 2.6, nbthread 1, mode http (relay only)
#   nginx            nginx 1.22, 1 worker, upstream keepalive (relay only)
#   mitmdump -w      mitmdump reverse proxy writing every flow to a file (records every flow)
#   keploy record    `dotnet keploy record -c "<Catalog>"`: ingress by eBPF syscall capture (nothing in front of the app),
#                    one test case per request
#   keploy excluded  the same with a keploy.yml `record.filters` exclude rule for the port (not captured, nothing recorded)
#   keploy forward   `record --ingress-proxy`: the forwarder on the app's port relays and records every request
#   keploy relay     `record --ingress-proxy` with the exclude rule: the forwarder relays untouched (relay only)
# The anchors front one Catalog process; each keploy row starts its own (record starts the app). Per row: req/s (mean of the
# rounds), ratio to direct, p50 and p99 (worst round). The record row checks that nothing was lost: test cases written =
# responses answered (wrk's completed requests of warm-up and measurement plus the readiness probe).
# CPU columns (mean of the rounds, during the measured run, every thread, from /proc/PID/stat): the relay's or recorder's CPU per
# request (haproxy; nginx master and worker; mitmdump; the `dotnet keploy record` process, its kernel work in syscalls included)
# and the app's (Catalog; under record this includes the eBPF program run in its syscalls).
# PERF=1: perf record -g of the recorder during each measured record round (perf map on, so JIT frames resolve; the app inherits
# the two DOTNET_ variables); the top 40 self entries go to perf-record-ROUND.txt in the work dir, which is then kept.
# PostgreSQL (unless SKIP_PG=1): a private cluster (scripts/postgres.sh with its own dir and port), pgbench -c 4 -j 2
# -T PG_DURATION(10), select-only (-S) and TPC-B, direct / pgbouncer (pool_mode session) / under `dotnet keploy record`.
# PGSSLMODE=disable on every row (pgbouncer's client side has no TLS by default). Mocks recorded >= transactions is checked.
#
# Every port is a free one chosen at start (never a fixed port); every server is started and stopped by this script in a
# private temporary directory (removed at exit, KEEP=1 keeps it). Needs root (eBPF) and `dotnet build Keploy.sln -c Release`.
# The keploy rows run the tool as packed: published (ReadyToRun) from the Release build into the work dir; KEPLOY_TOOL=<path of
# dotnet-keploy.dll> benches another build (e.g. src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll, JIT only).
# The machine is shared: compare ratios of one run, not absolute figures across runs.
# Exit status: 0 when every row ran (whatever the verdicts), 1 when a row failed, 2 on bad usage.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="${KEPLOY_TOOL:-$root/src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll}"
catalog_dll="$root/samples/Catalog/bin/Release/net10.0/Catalog.dll"
duration="${DURATION:-8}"
warmup="${WARMUP:-2}"
rounds="${ROUNDS:-2}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
pg_duration="${PG_DURATION:-10}"
bench_path="${BENCH_PATH:-/items/KB-001}"

for n in "$duration" "$warmup" "$rounds" "$connections" "$threads" "$pg_duration"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: '$n' is not a positive integer" >&2; exit 2; }
done
[[ $# -eq 0 ]] || { sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
for t in wrk haproxy nginx mitmdump curl python3; do
  command -v "$t" >/dev/null || { echo "run.sh: $t not found (bash scripts/install-deps.sh)" >&2; exit 1; }
done
[[ -f "$tool" ]] || { echo "run.sh: $tool not built; run: dotnet build $root/Keploy.sln -c Release" >&2; exit 1; }
[[ -f "$catalog_dll" ]] || dotnet build "$root/samples/Catalog/Catalog.csproj" -c Release -nologo -v quiet >/dev/null

work="$(mktemp -d /tmp/keploy-bench.XXXXXX)"
chmod 755 "$work"
if [[ -z "${KEPLOY_TOOL:-}" ]]; then
  # The tool as it is packed (ReadyToRun, see src/Keploy.Tool/Keploy.Tool.csproj), published from the Release build.
  dotnet publish "$root/src/Keploy.Tool/Keploy.Tool.csproj" -c Release --no-build -nologo -v quiet -o "$work/tool" >/dev/null
  tool="$work/tool/dotnet-keploy.dll"
fi
groups=()
pg_started=0
cleanup() {
  local g
  for g in "${groups[@]}"; do stop_group "$g"; done
  if ((pg_started)); then KEPLOY_PG_DIR="$work/pg" KEPLOY_PG_PORT="$pg_port" "$root/scripts/postgres.sh" stop >/dev/null 2>&1 || true; fi
  if [[ "${KEEP:-0}" == 1 || "${PERF:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

# wait_ready NAME PID URL: until URL answers 2xx (60 s at most, failing early when the group died).
wait_ready() {
  local i
  for ((i = 0; i < 240; i++)); do
    if curl -sf --noproxy '*' --max-time 2 -o /dev/null "$3"; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then
      echo "run.sh: $1 exited before answering $3; its output:" >&2; tail -n 20 "$work/$1.log" >&2; return 1
    fi
    sleep 0.25
  done
  echo "run.sh: $1 did not answer $3 within 60 s; its output:" >&2; tail -n 20 "$work/$1.log" >&2
  return 1
}

# to_ms VALUE: wrk's latency (850.00us, 1.20ms, 1.01s) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

# wrk_run LABEL URL SECONDS: one wrk run; sets rps, p50, p99 (ms) and done_requests; fails on socket errors or non-2xx answers.
wrk_run() {
  local out
  out="$(wrk -d "${3}s" -c "$connections" -t "$threads" --timeout 10s --latency "$2" 2>&1)" || true
  echo "$out" | sed "s/^/  [$1] /" >>"$work/wrk.log"
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "run.sh: $1: wrk saw errors or non-2xx answers:" >&2; grep -E 'Non-2xx|Socket errors' <<<"$out" >&2; return 1
  fi
  rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
  done_requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
  [[ -n "$rps" && -n "$done_requests" ]] || { echo "run.sh: $1: no figures in wrk's output" >&2; return 1; }
}

declare -A sum_rps max_p50 max_p99 min_p50 min_p99 lost_of sum_relay_cpu sum_app_cpu
rows=(direct haproxy nginx mitmdump record relay forward forwardrelay)
declare -A label=(
  [direct]="direct"
  [haproxy]="haproxy 2.6, 1 thread (relay only)"
  [nginx]="nginx 1.22, 1 worker, keepalive upstream (relay only)"
  [mitmdump]="mitmdump -w (records every flow)"
  [record]="dotnet keploy record (records every request)"
  [relay]="dotnet keploy record, port excluded (not captured)"
  [forward]="dotnet keploy record --ingress-proxy (forwarder, records every request)"
  [forwardrelay]="dotnet keploy record --ingress-proxy, port excluded (forwarder, relay only)"
)

# cpu_ticks PID...: user + system CPU (clock ticks, every thread) of the processes, 0 for none; a process gone counts 0.
cpu_ticks() {
  local pid sum=0 stat
  for pid in "$@"; do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    stat="${stat##*) }"; set -- $stat
    sum=$((sum + ${12} + ${13}))
  done
  echo "$sum"
}
hz="$(getconf CLK_TCK)"

# measure ROW URL ["RELAY_PIDS"] ["APP_PIDS"]: warm-up, then the measured run; accumulates the row's figures, and the CPU per
# request (µs, during the measured run) of the relay or recorder in front of the app and of the app itself.
measure() {
  wrk_run "$1 warm-up" "$2" "$warmup"
  local warm="$done_requests" relay0 app0
  relay0="$(cpu_ticks ${3:-})"; app0="$(cpu_ticks ${4:-})"
  local perf_pid=""
  if [[ "${PERF:-0}" == 1 && "$1" == record ]]; then
    perf record -F 999 -g -p "$3" -o "$work/perf-$1-$round.data" -- sleep "$duration" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  wrk_run "$1" "$2" "$duration"
  if [[ -n "$perf_pid" ]]; then
    wait "$perf_pid" || true
    perf report -i "$work/perf-$1-$round.data" --no-children -g none --sort comm,dso,sym --stdio 2>/dev/null | grep -v '^#' | grep '%' \
      | head -40 >"$work/perf-$1-$round.txt" || true
    echo "  perf profile of the recorder (top 40 self): $work/perf-$1-$round.txt (data: $work/perf-$1-$round.data)" >&2
  fi
  answered=$((warm + done_requests))
  if [[ -n "${3:-}" ]]; then
    sum_relay_cpu[$1]="$(awk -v a="${sum_relay_cpu[$1]:-0}" -v t=$(($(cpu_ticks $3) - relay0)) -v h="$hz" -v n="$done_requests" 'BEGIN { print a + t * 1e6 / h / n }')"
  fi
  if [[ -n "${4:-}" ]]; then
    sum_app_cpu[$1]="$(awk -v a="${sum_app_cpu[$1]:-0}" -v t=$(($(cpu_ticks $4) - app0)) -v h="$hz" -v n="$done_requests" 'BEGIN { print a + t * 1e6 / h / n }')"
  fi
  sum_rps[$1]="$(awk -v a="${sum_rps[$1]:-0}" -v b="$rps" 'BEGIN { print a + b }')"
  max_p50[$1]="$(awk -v a="${max_p50[$1]:-0}" -v b="$p50" 'BEGIN { print (b > a ? b : a) }')"
  max_p99[$1]="$(awk -v a="${max_p99[$1]:-0}" -v b="$p99" 'BEGIN { print (b > a ? b : a) }')"
  min_p50[$1]="$(awk -v a="${min_p50[$1]:-1e9}" -v b="$p50" 'BEGIN { print (b < a ? b : a) }')"
  min_p99[$1]="$(awk -v a="${min_p99[$1]:-1e9}" -v b="$p99" 'BEGIN { print (b < a ? b : a) }')"
  printf '  %-9s round %d: %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms\n' "$1" "$round" "$rps" "$p50" "$p99" >&2
}

if [[ "${SKIP_HTTP:-0}" != 1 ]]; then
catalog_port="$(free_port)"
haproxy_port="$(free_port)"
nginx_port="$(free_port)"
mitm_port="$(free_port)"
catalog="dotnet $catalog_dll --urls http://127.0.0.1:"

mkdir -p "$work/nginx/tmp" "$work/mitm"
cat >"$work/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 4096
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend bench
    bind 127.0.0.1:$haproxy_port
    default_backend catalog
backend catalog
    server catalog 127.0.0.1:$catalog_port
EOF
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    upstream catalog { server 127.0.0.1:$catalog_port; keepalive 64; }
    server {
        listen 127.0.0.1:$nginx_port;
        location / { proxy_pass http://catalog; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
EOF

echo "wrk -c $connections -t $threads --latency, ${warmup} s warm-up + ${duration} s, $rounds round(s), GET $bench_path (work dir $work)" >&2
start_group catalog "$root" "exec $catalog$catalog_port"; catalog_pid=$started
wait_ready catalog "$catalog_pid" "http://127.0.0.1:$catalog_port/health"
start_group haproxy "$work" "exec haproxy -db -f $work/haproxy.cfg"; haproxy_pid=$started
start_group nginx "$work" "exec nginx -e $work/nginx/error.log -p $work/nginx -c $work/nginx/nginx.conf"; nginx_pid=$started
start_group mitmdump "$work" "exec mitmdump -q --set confdir=$work/mitm --mode reverse:http://127.0.0.1:$catalog_port --listen-host 127.0.0.1 --listen-port $mitm_port -w $work/mitm/flows"
mitm_pid=$started
wait_ready haproxy "$haproxy_pid" "http://127.0.0.1:$haproxy_port/health"
wait_ready nginx "$nginx_pid" "http://127.0.0.1:$nginx_port/health"
wait_ready mitmdump "$mitm_pid" "http://127.0.0.1:$mitm_port/health"

record_lost_total=0
record_written_total=0
record_answered_total=0
# keploy_row ROW ROUND: a fresh `dotnet keploy record` of Catalog (own free ports and directory), measured, stopped, counted.
keploy_row() {
  local row="$1" dir="$work/$1-$2" app_port proxy_port pid written
  app_port="$(free_port)"; proxy_port="$(free_port)"
  mkdir -p "$dir"
  local flags=""
  if [[ "$row" == relay || "$row" == forwardrelay ]]; then
    printf 'record:\n  filters:\n    - port: %s\n      filterPolicy: exclude\n' "$app_port" >"$dir/keploy.yml"
  fi
  [[ "$row" == forward* ]] && flags="--ingress-proxy"
  local perf_env=""
  # JIT frames resolve only with a perf map and without the W^X double mapping (else they show as memfd:doublemapper).
  [[ "${PERF:-0}" == 1 && "$row" == record ]] && perf_env="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "
  start_group "$row" "$dir" "${perf_env}exec dotnet $tool record $flags --proxy-port $proxy_port -c \"$catalog$app_port\""; pid=$started
  wait_ready "$row" "$pid" "http://127.0.0.1:$app_port/health"
  measure "$row" "http://127.0.0.1:$app_port$bench_path" "$pid" "$(pgrep -f "^dotnet $catalog_dll --urls http://127.0.0.1:$app_port" | tr '\n' ' ')"
  stop_group "$pid"
  written="$(find "$dir/keploy" -path '*/tests/*.yaml' 2>/dev/null | wc -l)"
  answered=$((answered + 1)) # the readiness probe
  if [[ "$row" == record || "$row" == forward ]]; then
    local lost=$((answered > written ? answered - written : 0))
    if [[ "$row" == record ]]; then
      record_lost_total=$((record_lost_total + lost))
      record_written_total=$((record_written_total + written))
      record_answered_total=$((record_answered_total + answered))
    fi
    printf '  %-9s round %d: %d test cases written, %d answered, %d lost\n' "$row" "$2" "$written" "$answered" "$lost" >&2
    grep -h 'behind\|could not\|not recorded to the end' "$work/$row.log" | head -3 >&2 || true
  else
    printf '  %-9s round %d: %d test cases written (expected 0)\n' "$row" "$2" "$written" >&2
  fi
  cp "$work/$row.log" "$work/$row-$2.log"
}

for ((round = 1; round <= rounds; round++)); do
  measure direct "http://127.0.0.1:$catalog_port$bench_path" "" "$catalog_pid"
  measure haproxy "http://127.0.0.1:$haproxy_port$bench_path" "$haproxy_pid" "$catalog_pid"
  measure nginx "http://127.0.0.1:$nginx_port$bench_path" "$(pgrep -g "$nginx_pid" | tr '\n' ' ')" "$catalog_pid"
  measure mitmdump "http://127.0.0.1:$mitm_port$bench_path" "$mitm_pid" "$catalog_pid"
  keploy_row record "$round"
  keploy_row relay "$round"
  keploy_row forward "$round"
  keploy_row forwardrelay "$round"
done
for g in "$mitm_pid" "$nginx_pid" "$haproxy_pid" "$catalog_pid"; do stop_group "$g"; done
fi

# ---- pgbench ----
declare -A tps
pg_rows=()
pg_status=0
if [[ "${SKIP_PG:-0}" != 1 ]]; then
  for t in pgbench pgbouncer; do command -v "$t" >/dev/null || { echo "run.sh: $t not found (bash scripts/install-deps.sh)" >&2; exit 1; }; done
  pg_port="$(free_port)"; bouncer_port="$(free_port)"
  mkdir -p "$work/pg" "$work/bouncer"
  pg_started=1
  KEPLOY_PG_DIR="$work/pg" KEPLOY_PG_PORT="$pg_port" "$root/scripts/postgres.sh" start >/dev/null
  export PGHOST=127.0.0.1 PGUSER=keploy PGPASSWORD=keploy PGDATABASE=keploy PGSSLMODE=disable
  PGPORT="$pg_port" pgbench -i -s 1 -q >/dev/null 2>&1 || { echo "run.sh: pgbench -i failed" >&2; exit 1; }
  cat >"$work/bouncer/pgbouncer.ini" <<EOF
[databases]
keploy = host=127.0.0.1 port=$pg_port dbname=keploy
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $work/bouncer/users.txt
pool_mode = session
max_client_conn = 100
default_pool_size = 20
logfile = $work/bouncer/pgbouncer.log
pidfile = $work/bouncer/pgbouncer.pid
EOF
  echo '"keploy" "keploy"' >"$work/bouncer/users.txt"
  chown -R postgres "$work/bouncer"
  start_group pgbouncer "$work/bouncer" "exec runuser -u postgres -- pgbouncer $work/bouncer/pgbouncer.ini"; bouncer_pid=$started
  for ((i = 0; i < 120; i++)); do
    PGPORT="$bouncer_port" psql -qtAc 'select 1' >/dev/null 2>&1 && break
    sleep 0.25
  done
  # tps_of OUTPUT: pgbench's tps (without initial connection time); fails unless every transaction succeeded.
  tps_of() {
    grep -q 'number of failed transactions: 0 ' <<<"$1" || return 1
    sed -n 's/.*tps = \([0-9.]*\) (without initial connection time).*/\1/p' <<<"$1" | tail -1
  }
  for script in select-only tpcb; do
    flag=""; [[ "$script" == select-only ]] && flag="-S"
    bench_cmd="pgbench $flag -n -c 4 -j 2 -T $pg_duration"
    for mode in direct pgbouncer record; do
      case "$mode" in
        direct) out="$(PGPORT="$pg_port" $bench_cmd 2>&1)" || true ;;
        pgbouncer) out="$(PGPORT="$bouncer_port" $bench_cmd 2>&1)" || true ;;
        record)
          mkdir -p "$work/pg-record-$script"
          out="$(cd "$work/pg-record-$script" && PGPORT="$pg_port" timeout --signal=INT --kill-after=20 $((pg_duration + 90)) \
            dotnet "$tool" record --proxy-port "$(free_port)" -c "$bench_cmd" 2>&1)" || true ;;
      esac
      echo "$out" | sed "s/^/  [pgbench $script $mode] /" >>"$work/pgbench.log"
      if ! v="$(tps_of "$out")" || [[ -z "$v" ]]; then
        echo "run.sh: pgbench $script $mode failed:" >&2; tail -5 <<<"$out" >&2; pg_status=1; continue
      fi
      tps["$script,$mode"]="$v"
      if [[ "$mode" == record ]]; then
        processed="$(sed -n 's/.*number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out" | tail -1)"
        mocks="$(cat "$work/pg-record-$script"/keploy/*/mocks.yaml 2>/dev/null | grep -c '^kind: Postgres' || true)"
        echo "  pgbench $script record: $processed transactions, $mocks Postgres mocks" >&2
        ((mocks >= processed)) || echo "  warning: fewer mocks than transactions" >&2
      fi
      printf '  pgbench %-11s %-9s %8.0f tps\n' "$script" "$mode" "$v" >&2
    done
  done
  stop_group "$bouncer_pid"
fi

# ---- table ----
if [[ "${SKIP_HTTP:-0}" != 1 ]]; then
echo
echo "| path | req/s | ratio to direct | p50 | p99 | relay/recorder CPU µs/req | app CPU µs/req |"
echo "|---|---|---|---|---|---|---|"
direct_rps="$(awk -v s="${sum_rps[direct]}" -v r="$rounds" 'BEGIN { print s / r }')"
span() { awk -v a="$1" -v b="$2" 'BEGIN { if (sprintf("%.1f", a) == sprintf("%.1f", b)) printf "%.1f ms", a; else printf "%.1f–%.1f ms", a, b }'; }
per_round() { if [[ -n "$1" ]]; then awk -v s="$1" -v r="$rounds" 'BEGIN { printf "%.0f", s / r }'; else echo "—"; fi; }
declare -A ratio
for row in "${rows[@]}"; do
  [[ -n "${sum_rps[$row]:-}" ]] || continue
  mean="$(awk -v s="${sum_rps[$row]}" -v r="$rounds" 'BEGIN { print s / r }')"
  ratio[$row]="$(awk -v m="$mean" -v d="$direct_rps" 'BEGIN { printf "%.2f", m / d }')"
  printf '| %s | %.1fk | %s | %s | %s | %s | %s |\n' "${label[$row]}" "$(awk -v m="$mean" 'BEGIN { print m / 1000 }')" "${ratio[$row]}" \
    "$(span "${min_p50[$row]}" "${max_p50[$row]}")" "$(span "${min_p99[$row]}" "${max_p99[$row]}")" \
    "$(per_round "${sum_relay_cpu[$row]:-}")" "$(per_round "${sum_app_cpu[$row]:-}")"
done
fi
if [[ "${SKIP_PG:-0}" != 1 ]]; then
  echo
  echo "| pgbench -c4 -j2 -T $pg_duration | direct tps | pgbouncer session | ratio | keploy record | ratio |"
  echo "|---|---|---|---|---|---|"
  for script in select-only tpcb; do
    d="${tps[$script,direct]:-0}"; b="${tps[$script,pgbouncer]:-0}"; r="${tps[$script,record]:-0}"
    awk -v s="$script" -v d="$d" -v b="$b" -v r="$r" 'BEGIN { printf "| %s | %.0f | %.0f | %.2f | %.0f | %.2f |\n", s, d, b, (d ? b / d : 0), r, (d ? r / d : 0) }'
  done
fi

verdict() { if awk "BEGIN { exit !($2) }"; then echo "  met      $1"; else echo "  NOT met  $1"; fi; }
echo
echo "goals:"
if [[ "${SKIP_HTTP:-0}" != 1 ]]; then
verdict "record: ratio ${ratio[record]} >= 0.5" "${ratio[record]} >= 0.5"
verdict "record: p99 ${max_p99[record]} ms <= 2 x haproxy p99 ${max_p99[haproxy]} ms" "${max_p99[record]} <= 2 * ${max_p99[haproxy]}"
verdict "record: $record_lost_total lost ($record_written_total test cases written, $record_answered_total answered)" "$record_lost_total == 0"
verdict "not recorded (port excluded): ratio ${ratio[relay]} >= haproxy ${ratio[haproxy]}" "${ratio[relay]} >= ${ratio[haproxy]}"
verdict "forwarder relay only (--ingress-proxy, port excluded): ratio ${ratio[forwardrelay]} >= haproxy ${ratio[haproxy]}" "${ratio[forwardrelay]} >= ${ratio[haproxy]}"
fi
if [[ "${SKIP_PG:-0}" != 1 ]]; then
  for script in select-only tpcb; do
    d="${tps[$script,direct]:-0}"; b="${tps[$script,pgbouncer]:-0}"; r="${tps[$script,record]:-0}"
    verdict "pgbench $script: record ratio >= pgbouncer ratio ($r vs $b tps of $d direct)" "$d > 0 && $r >= $b"
  done
fi
exit "$pg_status"
