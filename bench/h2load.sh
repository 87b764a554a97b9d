#!/usr/bin/env bash
# HTTP/2 egress recording cost: h2load (Debian nghttp2-client) against a Kestrel h2c server directly, then the same
# h2load run as the app under `keploy record` (its HTTP/2 connections go through the recording proxy), and the ratio.
#
#   bench/h2load.sh [--requests N] [--clients C] [--streams M] [--path /items/KB-001]
#
#   1. start the Catalog sample as an HTTP/2-only (h2c) server on a free loopback port
#      (ASPNETCORE_URLS, Kestrel__EndpointDefaults__Protocols=Http2), wait until it answers h2;
#   2. direct: h2load -n N -c C -m M http://127.0.0.1:PORT/PATH  (warm-up run first);
#   3. record: dotnet-keploy record -c "h2load ..." in a temporary directory (removed afterwards); every stream is a mock;
#   4. print `direct: N req/s`, `record: N req/s`, `mocks: K (expected N)` and `ratio: record/direct`.
# Environment equivalents: REQUESTS, CLIENTS, STREAMS, BENCH_PATH, KEPLOY (the tool command). Needs root (eBPF).
# Exit status: 0 when both runs were error-free, 1 otherwise, 2 on bad usage.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requests="${REQUESTS:-20000}"
clients="${CLIENTS:-4}"
streams="${STREAMS:-16}"
bench_path="${BENCH_PATH:-/items/KB-001}"
keploy="${KEPLOY:-dotnet $root/src/Keploy.Tool/bin/Release/net10.0/dotnet-keploy.dll}"
catalog_dll="$root/samples/Catalog/bin/Release/net10.0/Catalog.dll"

while (($# > 0)); do
  case "$1" in
    --requests) requests="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    --path) bench_path="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "h2load.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

command -v h2load >/dev/null || { echo "h2load.sh: h2load missing (apt-get install -y nghttp2-client)" >&2; exit 1; }
[[ -f "$catalog_dll" ]] || dotnet build "$root/samples/Catalog" -c Release -v q >/dev/null

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port$bench_path"
workdir="$(mktemp -d)"
server=""
cleanup() {
  [[ -n "$server" ]] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  rm -rf "$workdir"
}
trap cleanup EXIT

ASPNETCORE_URLS="http://127.0.0.1:$port" Kestrel__EndpointDefaults__Protocols=Http2 dotnet "$catalog_dll" >"$workdir/server.log" 2>&1 &
server=$!
for ((i = 0; i < 240; i++)); do
  h2load -n 1 -c 1 "$url" 2>/dev/null | grep -q '1 succeeded' && break
  kill -0 "$server" 2>/dev/null || { echo "h2load.sh: Catalog exited:" >&2; tail -n 20 "$workdir/server.log" >&2; exit 1; }
  sleep 0.25
done

# rate OUTPUT: req/s from h2load's "finished in ..., N req/s" line; fails unless every request succeeded.
rate() {
  grep -q "requests: $requests total, $requests started, $requests done, $requests succeeded, 0 failed, 0 errored" <<<"$1" \
    || { echo "h2load.sh: h2load reported failures:" >&2; grep -E '^(requests|status codes):' <<<"$1" >&2; return 1; }
  sed -nE 's/.*finished in [^,]+, ([0-9.]+) req\/s.*/\1/p' <<<"$1" | head -n 1
}

load="h2load -n $requests -c $clients -m $streams $url"
echo "$load" >&2
h2load -n 200 -c "$clients" -m "$streams" "$url" >/dev/null
direct="$(rate "$($load)")"
printf 'direct: %.0f req/s\n' "$direct"

out="$(cd "$workdir" && $keploy record -c "$load" --proxy-port "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')" --disable-ansi 2>&1)" || true
recorded="$(rate "$out")" || { tail -n 30 <<<"$out" >&2; exit 1; }
printf 'record: %.0f req/s\n' "$recorded"
mocks="$(cat "$workdir"/keploy/test-set-*/mocks.yaml 2>/dev/null | grep -c '^kind: Http' || true)"
echo "mocks: $mocks (expected $requests)"
awk -v r="$recorded" -v d="$direct" 'BEGIN { printf "ratio: %.2f (record / direct)\n", r / d }'
[[ "$mocks" == "$requests" ]]
