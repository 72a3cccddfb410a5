# Shared by the HTTP scripts (sourced, not run): start lighttpd on a free port of 127.0.0.1.
# start_lighttpd: needs LIGHTTPD (the binary), WORK (a scratch folder) and a function write_config PORT that
# writes "$WORK/lighttpd.conf" for that port. Tries a few random free ports, each with bounded waits; sets
# PORT (empty when the server did not start) and SERVER_PID (for the caller's clean-up).
start_lighttpd() {
  PORT=""
  SERVER_PID=""
  local attempt candidate i
  for attempt in 1 2 3 4 5 6 7 8; do
    candidate=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null && continue
    write_config "$candidate"
    "$LIGHTTPD" -D -f "$WORK/lighttpd.conf" >>"$WORK/server.out" 2>&1 &
    SERVER_PID=$!
    for i in $(seq 1 50); do
      if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$candidate/"; then PORT=$candidate; break; fi
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    [ -n "$PORT" ] && return 0
    kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
  done
  return 1
}
