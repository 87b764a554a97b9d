#!/usr/bin/env bash
# Replay scale (issue 12): memory and speed of `dotnet keploy test` on a small and a large test-set, in one run on this machine:
#
#   bench/replay.sh                   # SMALL=100 and LARGE=30000 test cases; prints tests/s, peaks, the ratio and the verdicts
#   SMALL=100 LARGE=5000 bench/replay.sh
#
# The test cases: `dotnet keploy record` of samples/Catalog records one `GET /items/KB-001` once (in a private folder); that test
# case is cloned into test-sets of SMALL and LARGE cases (new names, the recorded stock of each call: Catalog sells one unit per
# look-up, 120 down to 1 then restocked, so the set only passes when replayed in order). Each set is replayed by
# `dotnet keploy test -c "<Catalog>" --skip-coverage` on free ports (app, proxy, DNS), the app started by keploy.
# Per set: wall time, tests/s (cases / wall time), passed count, and peak RSS of the `dotnet keploy test` process (VmHWM of
# /proc/<pid>/status sampled every 0.1 s; VmHWM only grows, so the last sample is the peak up to the last 0.1 s).
# The app's own time: the same endpoint sent sequentially (wrk -c1 -t1, keep-alive, APP_SECONDS(3) s) to a Catalog started
# directly. Marginal cost per test = (wall(LARGE) - wall(SMALL)) / (LARGE - SMALL) (app start and report writing cancel out);
# "beyond the app" = 1 / (marginal cost - the app's time per request).
# Goals: peak(LARGE) <= 2 x peak(SMALL); >= 2,000 tests/s beyond the app.
#
# Every port is a free one chosen at start; every process is started and stopped by this script; the temporary folder is removed
# at exit (KEEP=1 keeps it). Needs root (eBPF) and `dotnet build Keploy.sln -c Release` (or the tool and Catalog built).
# Each replay is bounded by REPLAY_TIMEOUT(600) s. The machine is shared: compare figures of one run.
# Exit status: 0 when every step ran (whatever the verdicts), 1 when a step failed, 2 on bad usage.
# The replays run the tool as packed: published (ReadyToRun) from the Release build into the work dir; KEPLOY_TOOL=<path of
# dotnet-keploy.dll> benches another build (e.g. src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll, JIT only).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tool="${KEPLOY_TOOL:-$root/src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll}"
catalog_dll="$root/samples/Catalog/bin/Release/net10.0/Catalog.dll"
small="${SMALL:-100}"
large="${LARGE:-30000}"
app_seconds="${APP_SECONDS:-3}"
replay_timeout="${REPLAY_TIMEOUT:-600}"

for n in "$small" "$large" "$app_seconds" "$replay_timeout"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "replay.sh: '$n' is not a positive integer" >&2; exit 2; }
done
((large > small)) || { echo "replay.sh: LARGE ($large) must be more than SMALL ($small)" >&2; exit 2; }
[[ $# -eq 0 ]] || { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
for t in wrk curl python3; do
  command -v "$t" >/dev/null || { echo "replay.sh: $t not found (bash scripts/install-deps.sh)" >&2; exit 1; }
done
[[ -f "$tool" ]] || { echo "replay.sh: $tool not built; run: dotnet build $root/Keploy.sln -c Release" >&2; exit 1; }
[[ -f "$catalog_dll" ]] || dotnet build "$root/samples/Catalog/Catalog.csproj" -c Release -nologo -v quiet >/dev/null

work="$(mktemp -d /tmp/keploy-replay-bench.XXXXXX)"
chmod 755 "$work"
if [[ -z "${KEPLOY_TOOL:-}" ]]; then
  # The tool as it is packed (ReadyToRun, see src/Keploy.Tool/Keploy.Tool.csproj), published from the Release build.
  dotnet publish "$root/src/Keploy.Tool/Keploy.Tool.csproj" -c Release --no-build -nologo -v quiet -o "$work/tool" >/dev/null
  tool="$work/tool/dotnet-keploy.dll"
fi
groups=()
cleanup() {
  local g
  for g in "${groups[@]}"; do stop_group "$g"; done
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

# wait_ready NAME PID URL: polls URL for up to 60 s; fails when the process exits first.
wait_ready() {
  local i
  for ((i = 0; i < 240; i++)); do
    curl -fsS -o /dev/null --max-time 2 "$3" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "replay.sh: $1 exited before $3 answered:" >&2; tail -20 "$work/$1.log" >&2; exit 1; }
    sleep 0.25
  done
  echo "replay.sh: $1 did not answer $3 within 60 s" >&2
  tail -20 "$work/$1.log" >&2
  exit 1
}

# 1. Record one GET /items/KB-001 (the readiness probe's GET /health is recorded too and left out of the sets).
app_port="$(free_port)"
mkdir -p "$work/recorded"
start_group record "$work/recorded" "exec dotnet $tool record --disable-ansi --proxy-port $(free_port) --dns-port $(free_port) -c \"exec dotnet $catalog_dll --urls http://127.0.0.1:$app_port\""
record_pid=$started
wait_ready record "$record_pid" "http://127.0.0.1:$app_port/health"
curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$app_port/items/KB-001"
sleep 1
stop_group "$record_pid"
template="$(grep -l '/items/KB-001' "$work"/recorded/keploy/test-set-*/tests/*.yaml 2>/dev/null | head -1 || true)"
[[ -n "$template" ]] || { echo "replay.sh: record wrote no test case for GET /items/KB-001:" >&2; tail -20 "$work/record.log" >&2; exit 1; }

# 2. Clone it into the two sets (natural-order names test-1..test-N, stock 120 - (k mod 120) for the k-th call).
python3 - "$template" "$work" "$small" "$large" <<'PY'
import os, re, sys
template_path, work, sizes = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]
text = open(template_path, encoding="utf-8").read()
name = re.search(r"^name: (\S+)$", text, re.M).group(1)
if not re.search(r'\\?"stock\\?": ?120', text):
    sys.exit(f"replay.sh: {template_path}: no recorded stock of 120 in the body")
for size in sizes:
    tests = os.path.join(work, f"set-{size}", "keploy", "test-set-0", "tests")
    os.makedirs(tests)
    for k in range(size):
        case = re.sub(r"^name: \S+$", f"name: test-{k + 1}", text, count=1, flags=re.M)
        case = re.sub(r'(\\?"stock\\?": ?)120', lambda m: m.group(1) + str(120 - k % 120), case, count=1)
        with open(os.path.join(tests, f"test-{k + 1}.yaml"), "w", encoding="utf-8") as f:
            f.write(case)
PY

# 3. The app's own time for the endpoint: sequential keep-alive requests straight to Catalog.
direct_port="$(free_port)"
start_group direct "$work" "exec dotnet $catalog_dll --urls http://127.0.0.1:$direct_port"
direct_pid=$started
wait_ready direct "$direct_pid" "http://127.0.0.1:$direct_port/health"
wrk -c1 -t1 -d1s "http://127.0.0.1:$direct_port/items/KB-001" >/dev/null
app_rps="$(wrk -c1 -t1 -d"${app_seconds}s" "http://127.0.0.1:$direct_port/items/KB-001" | awk '/^Requests\/sec:/ {print $2}')"
stop_group "$direct_pid"
[[ -n "$app_rps" ]] || { echo "replay.sh: wrk gave no Requests/sec" >&2; exit 1; }

# 4. Replay each set; sample the peak RSS of the keploy process.
declare -A wall peak passed
for size in "$small" "$large"; do
  dir="$work/set-$size"
  port="$(free_port)"
  start_group "test-$size" "$dir" "exec timeout --signal=INT --kill-after=30 $replay_timeout dotnet $tool test --disable-ansi --skip-coverage --proxy-port $(free_port) --dns-port $(free_port) --port $port --delay 60 -c \"exec dotnet $catalog_dll --urls http://127.0.0.1:$port\""
  group=$started
  start_ns="$(date +%s%N)"
  hwm=0
  keploy_pid=""
  while kill -0 "$group" 2>/dev/null; do
    if [[ -z "$keploy_pid" ]]; then
      keploy_pid="$(pgrep -P "$group" 2>/dev/null | head -1 || true)" # $group is timeout(1); its child is dotnet
    fi
    if [[ -n "$keploy_pid" ]]; then
      kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$keploy_pid/status" 2>/dev/null || true)"
      [[ -n "$kb" ]] && ((kb > hwm)) && hwm=$kb
    fi
    sleep 0.1
  done
  wait "$group" 2>/dev/null || true
  end_ns="$(date +%s%N)"
  wall[$size]="$(python3 -c "print(f'{($end_ns - $start_ns) / 1e9:.2f}')")"
  peak[$size]=$((hwm / 1024))
  passed[$size]="$(grep -o '[0-9]* passed, [0-9]* failed' "$work/test-$size.log" | tail -1 || true)"
  cp "$work/test-$size.log" "$work/test-$size.done.log"
  [[ -n "${passed[$size]}" ]] || { echo "replay.sh: the replay of $size cases printed no summary:" >&2; tail -20 "$work/test-$size.log" >&2; exit 1; }
  ((hwm > 0)) || { echo "replay.sh: no VmHWM sample of the keploy process for $size cases" >&2; exit 1; }
  echo "  replay $size: ${wall[$size]} s, ${passed[$size]}, peak RSS ${peak[$size]} MB" >&2
done

python3 - "$small" "$large" "${wall[$small]}" "${wall[$large]}" "${peak[$small]}" "${peak[$large]}" "$app_rps" "${passed[$small]}" "${passed[$large]}" <<'PY'
import sys
small, large = int(sys.argv[1]), int(sys.argv[2])
wall_s, wall_l, peak_s, peak_l, app_rps = (float(x) for x in sys.argv[3:8])
passed_s, passed_l = sys.argv[8], sys.argv[9]
marginal = (wall_l - wall_s) / (large - small)
app_time = 1 / app_rps
beyond = marginal - app_time
beyond_rate = 1 / beyond if beyond > 0 else float("inf")
ratio = peak_l / peak_s
print(f"| test-set | wall s | tests/s | peak RSS MB | summary |")
print(f"|---|---|---|---|---|")
print(f"| {small} cases | {wall_s:.2f} | {small / wall_s:.0f} | {peak_s:.0f} | {passed_s} |")
print(f"| {large} cases | {wall_l:.2f} | {large / wall_l:.0f} | {peak_l:.0f} | {passed_l} |")
print(f"marginal cost per test: {marginal * 1e6:.0f} us ({1 / marginal:.0f} tests/s); the app's own time: {app_time * 1e6:.0f} us "
      f"({app_rps:.0f} req/s sequential, wrk -c1); beyond the app: {beyond * 1e6:.0f} us per test ({beyond_rate:.0f} tests/s)")
print(f"peak RSS ratio {large}/{small}: {ratio:.2f}")
ok = lambda c: "MET" if c else "NOT MET"
print(f"verdict: peak RSS ratio {ratio:.2f} <= 2: {ok(ratio <= 2)}")
print(f"verdict: {beyond_rate:.0f} tests/s beyond the app >= 2000: {ok(beyond_rate >= 2000)}")
all_passed = passed_s.startswith(f"{small} passed") and passed_l.startswith(f"{large} passed")
print(f"verdict: every test passed in order: {ok(all_passed)}")
PY
