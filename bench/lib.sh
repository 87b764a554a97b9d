# Shared by the bench scripts (sourced): free ports and process groups. The sourcing script sets $work (its private
# directory, where each group's output goes as NAME.log) and groups=() (the groups its cleanup stops).

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_group NAME DIR COMMAND: runs COMMAND (bash) in DIR as the leader of a new process group; its pid in $started.
start_group() {
  (cd "$2" && exec setsid bash -c "$3") </dev/null >"$work/$1.log" 2>&1 &
  started=$!
  groups+=("$started")
}

# stop_group PID: SIGTERM to the group (record stops gracefully on it: writes every test case file), SIGKILL after 120 s.
stop_group() {
  local g="$1" signal waited
  for signal in TERM KILL; do
    kill -s "$signal" -- "-$g" 2>/dev/null || break
    for ((waited = 0; waited < 480; waited++)); do
      kill -0 -- "-$g" 2>/dev/null || break 2
      sleep 0.25
    done
  done
  wait "$g" 2>/dev/null || true
  local kept=() x
  for x in "${groups[@]}"; do [[ "$x" == "$g" ]] || kept+=("$x"); done
  groups=("${kept[@]}")
}

