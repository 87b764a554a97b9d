#!/usr/bin/env bash
# Recorder CPU per pgbench transaction (issue 12): a private cluster, pgbench -c4 -j2 -T DURATION direct then under
# `dotnet keploy record`; the recorder's utime+stime from /proc (polled every 0.2 s, last value before exit) / transactions, and the
# CPU of its threads by name at the last poll (threads that exited earlier are missing). Needs root and a Release build.
#   bench/pgcost.sh <root> [DURATION=10] [perf]   (perf: perf record -g -p on the recorder; SCRIPTS="select-only tpcb")
set -euo pipefail
root="$1"; dur="${2:-10}"; perfmode="${3:-}"
source "$root/bench/lib.sh"
tool="$root/src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll"
work="$(mktemp -d /tmp/pgcost.XXXXXX)"; chmod 755 "$work"
pg_port="$(free_port)"
mkdir -p "$work/pg"
KEPLOY_PG_DIR="$work/pg" KEPLOY_PG_PORT="$pg_port" "$root/scripts/postgres.sh" start >/dev/null
trap 'KEPLOY_PG_DIR="$work/pg" KEPLOY_PG_PORT="$pg_port" "$root/scripts/postgres.sh" stop >/dev/null 2>&1 || true' EXIT
export PGHOST=127.0.0.1 PGUSER=keploy PGPASSWORD=keploy PGDATABASE=keploy PGSSLMODE=disable
PGPORT="$pg_port" pgbench -i -s 1 -q >/dev/null 2>&1
for script in ${SCRIPTS:-select-only tpcb}; do
  flag=""; [[ $script == select-only ]] && flag="-S"
  cmd="pgbench $flag -n -c 4 -j 2 -T $dur"
  d="$(PGPORT=$pg_port $cmd 2>&1 | sed -n 's/.*tps = \([0-9.]*\) (without.*/\1/p')"
  mkdir -p "$work/r-$script"
  ( cd "$work/r-$script" && PGPORT=$pg_port DOTNET_PerfMapEnabled=$([[ -n $perfmode ]] && echo 1 || echo 0) DOTNET_EnableWriteXorExecute=$([[ -n $perfmode ]] && echo 0 || echo 1) exec dotnet "$tool" record --proxy-port "$(free_port)" -c "$cmd" >"$work/r-$script/out" 2>&1 ) &
  pid=$!
  last=0
  if [[ -n "$perfmode" ]]; then sleep 3; perf record -F 999 -g -p $pid -o "$work/perf-$script.data" -- sleep $((dur-4)) >/dev/null 2>&1 || true; fi
  hz=$(getconf CLK_TCK)
  while kill -0 $pid 2>/dev/null; do
    # fields after ") " shift: utime is field 12, stime 13 counting from state
    s="$(cat /proc/$pid/stat 2>/dev/null || true)"
    [[ -n "$s" ]] && last="$(echo "${s##*) }" | awk '{print $12+$13}')"
    [[ -n "$s" ]] && { for t in /proc/$pid/task/*; do echo "$(cat $t/comm 2>/dev/null)|$(cut -d')' -f2- $t/stat 2>/dev/null | awk '{print $12+$13}')"; done > "$work/t.tmp" 2>/dev/null || true; [[ $(wc -l < "$work/t.tmp") -gt 5 ]] && mv "$work/t.tmp" "$work/threads-$script"; }
    sleep 0.2
  done
  awk -F'|' '{a[$1]+=$2} END {for (k in a) if (a[k]>0) printf "   %s=%.2fs", k, a[k]/100; print ""}' "$work/threads-$script"
  wait $pid || true
  out="$(cat "$work/r-$script/out")"
  tps="$(sed -n 's/.*tps = \([0-9.]*\) (without.*/\1/p' <<<"$out" | tail -1)"
  n="$(sed -n 's/.*actually processed: \([0-9]*\).*/\1/p' <<<"$out" | tail -1)"
  mocks="$(cat "$work/r-$script"/keploy/*/mocks.yaml | grep -c '^kind: Postgres' || true)"
  us=$(python3 -c "print(round($last/$hz*1e6/$n,1))")
  echo "$script direct=$d record=$tps ratio=$(python3 -c "print(round($tps/$d,3))") txns=$n mocks=$mocks recorder_cpu_s=$(python3 -c "print($last/$hz)") us_per_txn=$us"
done
echo "work=$work"
