#!/usr/bin/env bash
# Shared by the samples' traffic scripts (sourced, not run): loopback-only BASE_URL handling, the optional TRAFFIC_WAIT for the
# port, and `call EXPECTED_STATUS METHOD PATH [curl args...]`, which prints each status, counts unexpected ones in $failures and
# leaves the response body in $body_file (each request may take TRAFFIC_MAX_TIME seconds, default 30), and `field KEY...` (a value
# of that body; a number indexes a list). The sourcing script sets $script (its name) and $default_base first.

base="${1:-$default_base}"
base="${base%/}"
case "$base" in
  http://127.*|http://localhost:*|http://localhost|http://\[::1\]*) ;;
  *) echo "$script: $base is not a loopback http:// URL" >&2; exit 2 ;;
esac

if [[ "${TRAFFIC_WAIT:-0}" -gt 0 ]]; then
  hostport="${base#http://}"
  host="${hostport%:*}"; port="${hostport##*:}"
  [[ "$host" == "$hostport" ]] && port=80
  host="${host#[}"; host="${host%]}"
  for ((i = 0; i < TRAFFIC_WAIT * 4; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then break; fi
    sleep 0.25
  done
fi

failures=0
body_file="$(mktemp)"
trap 'rm -f "$body_file"' EXIT

# call EXPECTED_STATUS METHOD PATH [curl args...]; the response body is left in $body_file.
call() {
  local expected="$1" method="$2" path="$3"
  shift 3
  local status
  status="$(curl --silent --show-error --noproxy '*' --max-time "${TRAFFIC_MAX_TIME:-30}" -o "$body_file" -w '%{http_code}' \
    -X "$method" "$@" "$base$path")" || status="000"
  if [[ "$status" == "$expected" ]]; then
    printf '%-6s %-44s %s\n' "$method" "$path" "$status"
  else
    printf '%-6s %-44s %s (expected %s) FAIL\n' "$method" "$path" "$status" "$expected"
    failures=$((failures + 1))
  fi
}

json=(-H 'Content-Type: application/json')

# field KEY...: a value of the last JSON answer (empty when the answer is not JSON or has no such field); numbers index lists.
field() {
  python3 -c 'import json,sys
try:
    v = json.load(open(sys.argv[1]))
    for k in sys.argv[2:]: v = v[int(k)] if isinstance(v, list) else v[k]
    print(v)
except (ValueError, KeyError, IndexError, TypeError): print("")' "$body_file" "$@"
}
