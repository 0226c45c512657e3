# bench/server.sh — sourced by the bench scripts: start and stop `vigil serve` ($OUT/vigil).

SERVER_PID=

# stop_server stops the server start_server started, if it runs.
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# start_server LOG FLAGS... starts vigil serve on a free port and sets URL.
start_server() {
  local log=$1; shift
  "$OUT/vigil" serve --addr 127.0.0.1:0 "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  URL=
  for _ in $(seq 300); do
    URL=$(grep -m1 -o 'listening on http://[^ ]*' "$log" | sed 's/listening on //') || true
    [ -n "$URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "vigil serve did not start; its log ($log):" >&2
  tail -20 "$log" >&2
  exit 1
}
