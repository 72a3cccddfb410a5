#!/usr/bin/env bash
# Requests per second of the API over HTTP: lighttpd on a free port of 127.0.0.1 runs `retention` as a CGI
# program over a 2,000-customer demo book, and ApacheBench (`ab`, apache2-utils) sends a bounded number of
# requests from CONCURRENCY clients: reads (GET /metrics, GET /customers?limit=20, anonymous reads allowed)
# and writes (POST /events, basic authentication). Not part of CI: the figures depend on the machine.
# Usage: Tests/Bench/http-cgi.sh PATH/TO/retention [REQUESTS [CONCURRENCY]]   (default 400 requests, 4 clients)
set -u
BIN=${1:?usage: http-cgi.sh PATH/TO/retention [REQUESTS [CONCURRENCY]]}
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
REQUESTS=${2:-400}
CONCURRENCY=${3:-4}
LIGHTTPD=$(command -v lighttpd || { [ -x /usr/sbin/lighttpd ] && echo /usr/sbin/lighttpd; })
for tool in "$LIGHTTPD" ab htpasswd curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "${tool:-lighttpd} is not installed (apt-get install lighttpd apache2-utils curl)"; exit 1; }
done
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" RETENTION_TODAY=2026-06-15
DB="$WORK/book.db"
"$BIN" --today 2026-06-15 demo --customers 2000 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
"$BIN" --db "$DB" config set cgi.anonymousReads true >/dev/null
mkdir -p "$WORK/www" "$WORK/cgi"
ln -s "$BIN" "$WORK/cgi/retention.cgi"
htpasswd -b -c -B "$WORK/htpasswd" bench 'bench password' 2>/dev/null

write_config() { # write_config PORT
  local candidate=$1
  cat > "$WORK/lighttpd.conf" <<EOF
server.document-root = "$WORK/www"
server.bind = "127.0.0.1"
server.port = $candidate
server.errorlog = "$WORK/error.log"
server.max-connections = 256
server.modules = ("mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi")
cgi.assign = (".cgi" => "")
setenv.add-environment = ("RETENTION_DB" => "$DB", "RETENTION_TODAY" => "2026-06-15")
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "$WORK/htpasswd"
\$HTTP["url"] =~ "^/api/v1/retention(/|\$)" {
  alias.url = ("/api/v1/retention" => "$WORK/cgi/retention.cgi")
  \$HTTP["request-method"] =~ "^(POST|PUT|PATCH|DELETE)\$" {
    auth.require = ("" => ("method" => "basic", "realm" => "Retention API", "require" => "valid-user"))
  }
}
EOF
}
. "$(dirname "$0")/../EndToEnd/lib-lighttpd.sh"
start_lighttpd
[ -n "$PORT" ] || { echo "lighttpd did not start"; cat "$WORK/server.out" "$WORK/error.log" 2>/dev/null | tail -5; exit 1; }
API="http://127.0.0.1:$PORT/api/v1/retention"
CID=$(curl -s "$API/customers?limit=1" | sed -n 's/.*"data":\[{"id":"\([^"]*\)".*/\1/p')
printf '{"customerId":"%s","eventType":"note_added","data":{"note":"load test"}}' "$CID" > "$WORK/event.json"
before=$(curl -s "$API/customers/$CID/events?limit=1000&eventType=note_added" | grep -o '"eventType":"note_added"' | wc -l)

echo "retention over lighttpd CGI: $REQUESTS requests per route, $CONCURRENCY concurrent clients, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before"
run() { # run NAME AB-OPTIONS... URL
  local name=$1; shift
  ab -q -n "$REQUESTS" -c "$CONCURRENCY" "$@" > "$WORK/ab.out" 2>&1
  local rps mean failed non2xx
  rps=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$WORK/ab.out")
  mean=$(sed -n 's/^Time per request: *\([0-9.]*\) \[ms\] (mean)$/\1/p' "$WORK/ab.out")
  failed=$(sed -n 's/^Failed requests: *\([0-9]*\).*/\1/p' "$WORK/ab.out")
  non2xx=$(sed -n 's/^Non-2xx responses: *\([0-9]*\).*/\1/p' "$WORK/ab.out")
  printf '%-28s %8s req/s   %8s ms a request   failed %s   non-2xx %s\n' "$name" "${rps:-?}" "${mean:-?}" "${failed:-?}" "${non2xx:-0}"
}
run "GET /metrics" "$API/metrics"
run "GET /customers?limit=20" "$API/customers?limit=20"
run "POST /events" -A 'bench:bench password' -p "$WORK/event.json" -T application/json "$API/events"
after=$(curl -s "$API/customers/$CID/events?limit=1000&eventType=note_added" | grep -o '"eventType":"note_added"' | wc -l)
echo "events written: $((after - before)) of $REQUESTS"
