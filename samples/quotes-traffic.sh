#!/usr/bin/env bash
# Sends gRPC traffic to the Quotes sample with curl over h2c (HTTP/2 with prior knowledge): two unary GetQuote calls, a
# server-streaming StreamQuotes call (6 quotes) and an unknown symbol (grpc-status 5, NOT_FOUND). The request messages are
# protobuf bytes written with printf, each behind gRPC's 5-byte prefix (flag 0, big-endian length).
# Prints each call with its HTTP status and grpc-status; exits 1 if any is not the expected one (2 on bad usage).
#
# Usage: samples/quotes-traffic.sh [BASE_URL]        BASE_URL defaults to http://127.0.0.1:5500 and must be loopback.
#        TRAFFIC_WAIT=20 samples/quotes-traffic.sh   first wait up to 20 s for the port to accept TCP connections.
set -euo pipefail

script=quotes-traffic.sh
default_base=http://127.0.0.1:5500
# shellcheck source=traffic-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/traffic-common.sh"

headers_file="$(mktemp)"
request_file="$(mktemp)"
trap 'rm -f "$body_file" "$headers_file" "$request_file"' EXIT

# grpc METHOD EXPECTED_GRPC_STATUS EXPECTED_TEXT MESSAGE_PRINTF: one call; the grpc-status comes from the trailers (or the headers
# of a trailers-only answer), and EXPECTED_TEXT must appear in the response messages.
grpc() {
  local method="$1" expected="$2" text="$3" message="$4"
  printf "$message" > "$request_file"
  local length; length=$(stat -c %s "$request_file")
  { printf '\x00'; printf "\\x$(printf %02x $((length >> 24 & 255)))\\x$(printf %02x $((length >> 16 & 255)))\\x$(printf %02x $((length >> 8 & 255)))\\x$(printf %02x $((length & 255)))"; printf "$message"; } > "$request_file"
  local http
  http="$(curl --silent --show-error --noproxy '*' --max-time 10 --http2-prior-knowledge -X POST \
    -H 'content-type: application/grpc' -H 'te: trailers' --data-binary "@$request_file" \
    -D "$headers_file" -o "$body_file" -w '%{http_code}' "$base/quotes.Quotes/$method")" || http="000"
  local status; status="$(tr -d '\r' < "$headers_file" | sed -n 's/^grpc-status: *//Ip' | tail -1)"
  if [[ "$http" == 200 && "$status" == "$expected" ]] && { [[ -z "$text" ]] || grep -aq -- "$text" "$body_file"; }; then
    printf '%-14s %-30s %s grpc-status %s\n' gRPC "$method" "$http" "$status"
  else
    printf '%-14s %-30s %s grpc-status %s (expected 200, %s, %s) FAIL\n' gRPC "$method" "$http" "${status:-none}" "$expected" "$text"
    failures=$((failures + 1))
  fi
}

grpc GetQuote 0 'Acme Corporation' '\x0a\x04ACME'
grpc GetQuote 0 'Globex' '\x0a\x05GLOBX'
grpc StreamQuotes 0 'Globex' '\x0a\x04ACME\x0a\x05GLOBX\x10\x03'
grpc GetQuote 5 '' '\x0a\x04NOPE'

if [[ "$failures" -gt 0 ]]; then
  echo "$script: $failures unexpected answer(s)" >&2
  exit 1
fi
