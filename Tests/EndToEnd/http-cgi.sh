#!/usr/bin/env bash
# The API over real HTTP: a real lighttpd on a free port of 127.0.0.1 runs `retention` as a CGI program
# (mod_cgi, basic authentication with mod_auth for writes), driven with curl: the spec's flow from a
# customer to a campaign's performance, every error case of the gateway, and 16 concurrent writers.
# Usage: Tests/EndToEnd/http-cgi.sh PATH/TO/retention    (needs lighttpd, curl, htpasswd: .ci/run installs them)
set -u
BIN=${1:?usage: http-cgi.sh PATH/TO/retention}
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
LIGHTTPD=$(command -v lighttpd || { [ -x /usr/sbin/lighttpd ] && echo /usr/sbin/lighttpd; })
for tool in "$LIGHTTPD" curl htpasswd; do
  command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: ${tool:-lighttpd} is not installed (.ci/run installs lighttpd, curl and apache2-utils)"; echo "http: 0 passed, 1 failed"; exit 1; }
done
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=http-e2e
# The spec's examples are dated in the first quarter of 2024 (a campaign from 2024-01-01 to 2024-03-31,
# January's metrics): the book, the commands and the server all run on 2024-02-15.
TODAY=2024-02-15
export RETENTION_TODAY=$TODAY
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
check() { # check NAME COMMAND... ; passes when the command succeeds
  local name=$1; shift
  if "$@"; then ok; else fail "$name"; fi
}

DB="$WORK/book.db"
"$BIN" demo --customers 300 --seed 7 --db "$DB" --no-open >/dev/null || { echo "FAIL: demo"; echo "http: $passed passed, 1 failed"; exit 1; }

# A write through the gateway waits 15 s for another writer (a command would wait 10 minutes), then answers
# 500 database_busy, writing nothing: called directly as a web server would, while sqlite3 holds the write lock.
CID=$(sqlite3 "$DB" "SELECT uuid FROM customers WHERE erased_at IS NULL LIMIT 1")
EVENTS_BEFORE=$(sqlite3 "$DB" "SELECT count(*) FROM retention_events")
( printf 'BEGIN IMMEDIATE;\nINSERT INTO settings (key, value) VALUES (%s, %s);\n' "'e2e.lock'" "'1'"; sleep 25; printf 'ROLLBACK;\n' ) | sqlite3 "$DB" &
HOLDER=$!
sleep 1
BODY="{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"note\":\"busy\"}}"
printf '%s' "$BODY" | env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST PATH_INFO=/events CONTENT_TYPE=application/json CONTENT_LENGTH=${#BODY} \
  REMOTE_USER=alice RETENTION_DB="$DB" "$BIN" cgi > "$WORK/busy.out" 2>/dev/null
check "a CGI write behind another writer answers 500" grep -q '^Status: 500' "$WORK/busy.out"
check "saying busy after 15 s" grep -q '"code":"database_busy".*longer than 15 s' "$WORK/busy.out"
kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null
check "and writing nothing" test "$(sqlite3 "$DB" "SELECT count(*) FROM retention_events")" = "$EVENTS_BEFORE"

# The CGI programs: the binary itself under another name (no command: a web server runs it), and two
# wrappers, one running `retention api` (which answers as CGI when there is no METHOD and PATH), one
# pointed at a database that does not exist, one whose configuration names none.
mkdir -p "$WORK/www" "$WORK/cgi"
ln -s "$BIN" "$WORK/cgi/retention.cgi"
printf '#!/bin/sh\nexec "%s" api\n' "$BIN" > "$WORK/cgi/open.cgi"
printf '#!/bin/sh\nRETENTION_DB="%s" exec "%s" cgi\n' "$WORK/missing/book.db" "$BIN" > "$WORK/cgi/missing.cgi"
printf '#!/bin/sh\nunset RETENTION_DB\nexec "%s" cgi\n' "$BIN" > "$WORK/cgi/nodb.cgi"
chmod +x "$WORK/cgi/"*.cgi
htpasswd -b -c -B "$WORK/htpasswd" alice 'correct horse' 2>/dev/null

write_config() { # write_config PORT
  cat > "$WORK/lighttpd.conf" <<EOF
server.document-root = "$WORK/www"
server.bind = "127.0.0.1"
server.port = $1
server.errorlog = "$WORK/error.log"
server.modules = ("mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi")
cgi.assign = (".cgi" => "")
setenv.add-environment = ("RETENTION_DB" => "$DB", "RETENTION_TODAY" => "$TODAY")
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "$WORK/htpasswd"
# The API: reads open to whoever the settings let read, writes for authenticated users.
\$HTTP["url"] =~ "^/api/v1/retention(/|\$)" {
  alias.url = ("/api/v1/retention" => "$WORK/cgi/retention.cgi")
  \$HTTP["request-method"] =~ "^(POST|PUT|PATCH|DELETE)\$" {
    auth.require = ("" => ("method" => "basic", "realm" => "Retention API", "require" => "valid-user"))
  }
}
# For this test only: the same API without any authentication by the server, through \`retention api\`.
\$HTTP["url"] =~ "^/open/api/v1/retention(/|\$)" {
  alias.url = ("/open/api/v1/retention" => "$WORK/cgi/open.cgi")
}
\$HTTP["url"] =~ "^/missing/api/v1/retention(/|\$)" {
  alias.url = ("/missing/api/v1/retention" => "$WORK/cgi/missing.cgi")
  auth.require = ("" => ("method" => "basic", "realm" => "Retention API", "require" => "valid-user"))
}
\$HTTP["url"] =~ "^/nodb/api/v1/retention(/|\$)" {
  alias.url = ("/nodb/api/v1/retention" => "$WORK/cgi/nodb.cgi")
}
EOF
}

# A free port: a random one nobody answers on; if lighttpd still cannot bind it, another (bounded waits).
. "$(dirname "$0")/lib-lighttpd.sh"
start_lighttpd
if [ -z "$PORT" ]; then
  echo "FAIL: lighttpd did not start"; cat "$WORK/server.out" "$WORK/error.log" 2>/dev/null | tail -5
  echo "http: $passed passed, 1 failed"; exit 1
fi
BASE="http://127.0.0.1:$PORT"
API="$BASE/api/v1/retention"
AUTH=(-u 'alice:correct horse')
JSON=(-H 'Content-Type: application/json')
# A POST without a body, as the spec writes activate, renew and health-score: lighttpd wants a
# Content-Length on every POST (411 without one), so an empty body says it is empty.
EMPTY=(-H 'Content-Length: 0')

# req METHOD URL [CURL OPTIONS...]: the status in $STATUS, the body in $WORK/body, the header fields in $WORK/headers.
req() {
  local method=$1 url=$2; shift 2
  STATUS=$(curl -s --max-time 60 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" "$@" "$url")
}
body_has() { grep -q -- "$1" "$WORK/body" || { echo "  '$1' not in the body: $(head -c 300 "$WORK/body")"; return 1; }; }
header_is() { tr -d '\r' < "$WORK/headers" | grep -qi -- "^$1: $2\$" || { echo "  no '$1: $2' in: $(tr -d '\r' < "$WORK/headers" | tr '\n' '|')"; return 1; }; }
status_is() { [ "$STATUS" = "$1" ] || { echo "  status $STATUS, wanted $1: $(head -c 300 "$WORK/body")"; return 1; }; }
data_id() { sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p' "$WORK/body"; }
total_customers() { curl -s --max-time 30 "$API/customers?limit=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p'; }

# Reads without an authenticated user are refused until the settings allow them.
req GET "$API/metrics"
check "anonymous read refused by default: 401" status_is 401
check "401 is the spec's error envelope" body_has '"success":false,"error":{"code":"unauthorized"'
check "401 challenges for basic authentication" header_is WWW-Authenticate 'Basic realm="Retention API", charset="UTF-8"'
"$BIN" --db "$DB" config set cgi.anonymousReads true >/dev/null
req GET "$API/metrics"
check "anonymous read allowed by cgi.anonymousReads: 200" status_is 200
check "Content-Type is JSON in UTF-8" header_is Content-Type 'application/json; charset=utf-8'
check "metrics end today" body_has "\"endDate\":\"$TODAY\""

# The spec's flow, its examples as written.
cat > "$WORK/customer.json" <<'EOF'
{
  "leadId": "lead-uuid",
  "agentId": "agent-uuid",
  "firstName": "John",
  "lastName": "Doe",
  "email": "john.doe@example.com",
  "phone": "+1234567890",
  "dateOfBirth": "1980-01-01",
  "address": {
    "street": "123 Main St",
    "city": "Springfield",
    "state": "IL",
    "zipCode": "62701",
    "country": "USA"
  },
  "preferredContactMethod": "email",
  "tags": ["vip", "multi-policy"],
  "metadata": {}
}
EOF
req POST "$API/customers" "${AUTH[@]}" "${JSON[@]}" --data-binary @"$WORK/customer.json"
check "create customer: 201" status_is 201
CID=$(data_id)
check "the customer has an id" test -n "$CID"
req GET "$API/customers/$CID"
check "get customer" body_has '"email":"john.doe@example.com"'
"$BIN" --db "$DB" api GET "/customers/$CID" --compact > "$WORK/via-api"
check "HTTP and retention api answer byte for byte alike" cmp -s "$WORK/body" "$WORK/via-api"
req PATCH "$API/customers/$CID" "${AUTH[@]}" "${JSON[@]}" --data '{"satisfactionScore": 85, "tags": ["vip", "multi-policy", "loyal"]}'
check "update customer" body_has '"satisfactionScore":85'
req GET "$API/customers?churnRisk=high&healthScoreMin=0&healthScoreMax=50&page=1&limit=50"
check "list customers with the spec's query" body_has '"pagination":'

cat > "$WORK/policy.json" <<EOF
{
  "customerId": "$CID",
  "agentId": "agent-uuid",
  "policyNumber": "POL-2024-001",
  "policyType": "auto",
  "premium": {
    "amount": 1500,
    "frequency": "annual",
    "currency": "USD"
  },
  "coverage": {
    "type": "comprehensive",
    "amount": 50000,
    "deductible": 500
  },
  "effectiveDate": "2024-01-01",
  "expirationDate": "2025-01-01",
  "underwriter": "ABC Insurance"
}
EOF
req POST "$API/policies" "${AUTH[@]}" "${JSON[@]}" --data-binary @"$WORK/policy.json"
check "create policy: 201" status_is 201
PID=$(data_id)
req GET "$API/policies/$PID"
check "get policy" body_has '"policyNumber":"POL-2024-001"'

cat > "$WORK/event.json" <<EOF
{
  "customerId": "$CID",
  "policyId": "$PID",
  "eventType": "payment_missed",
  "severity": "warning",
  "data": {
    "dueDate": "2024-01-15",
    "amount": 150
  },
  "triggeredActions": ["send_reminder", "update_health_score"]
}
EOF
req POST "$API/events" "${AUTH[@]}" "${JSON[@]}" --data-binary @"$WORK/event.json"
check "create event: 201" status_is 201
req GET "$API/customers/$CID/events?limit=50&eventType=payment_missed"
check "the event is listed" body_has '"eventType":"payment_missed"'

req POST "$API/customers/$CID/health-score" "${AUTH[@]}" "${EMPTY[@]}"
check "compute a health score (no body, no Content-Type): 200" status_is 200
check "health score in the spec's shape" body_has '"overallScore":'
req GET "$API/customers/$CID/health-score?limit=10"
check "health score history" body_has '"overallScore":'
req POST "$API/customers/$CID/churn-prediction" "${AUTH[@]}" "${JSON[@]}" \
  --data '{"features": {"tenure": 24, "policyCount": 2, "engagementScore": 45, "satisfactionScore": 50, "lastContactDays": 120}}'
check "churn prediction what-if" body_has '"churnProbability":'
req POST "$API/customers/$CID/ltv" "${AUTH[@]}" "${EMPTY[@]}"
check "lifetime value" body_has '"projectedLTV":'

cat > "$WORK/campaign.json" <<'EOF'
{
  "name": "Q1 Renewal Reminder Campaign",
  "description": "Automated reminders for Q1 policy renewals",
  "type": "renewal_reminder",
  "targetSegment": {
    "churnRisk": ["medium", "high"],
    "policyTypes": ["auto", "home"],
    "healthScoreRange": {
      "min": 0,
      "max": 70
    }
  },
  "schedule": {
    "startDate": "2024-01-01T00:00:00Z",
    "endDate": "2024-03-31T23:59:59Z",
    "timezone": "America/New_York"
  },
  "touchpoints": [
    {"type": "email", "template": "renewal_reminder", "delay": 0},
    {"type": "sms", "template": "renewal_reminder", "delay": 10080},
    {"type": "call", "template": "renewal_reminder", "delay": 20160}
  ],
  "goals": {
    "targetCustomers": 500,
    "expectedRetention": 450,
    "expectedRevenue": 675000
  }
}
EOF
req POST "$API/campaigns" "${AUTH[@]}" "${JSON[@]}" -H 'X-User-Id: user-uuid' --data-binary @"$WORK/campaign.json"
check "create campaign: 201" status_is 201
check "created by the user the server authenticated" body_has '"createdBy":"alice"'
KID=$(data_id)
req POST "$API/campaigns/$KID/activate" "${AUTH[@]}" "${EMPTY[@]}"
check "activate campaign: 200" status_is 200
check "the campaign is active" body_has '"status":"active"'
req GET "$API/campaigns?status=active&type=renewal_reminder"
check "list campaigns" body_has "\"id\":\"$KID\""
req GET "$API/campaigns/$KID/touchpoints?status=pending&limit=100"
check "campaign touchpoints" status_is 200
TID=$(sed -n 's/^{"success":true,"data":\[{"id":"\([^"]*\)".*/\1/p' "$WORK/body")
check "the campaign laid out touchpoints" test -n "$TID"
req PATCH "$API/touchpoints/$TID/status" "${AUTH[@]}" "${JSON[@]}" --data '{"status": "sent"}'
check "touchpoint sent" body_has '"status":"sent"'
req PATCH "$API/touchpoints/$TID/status" "${AUTH[@]}" "${JSON[@]}" \
  --data '{"status": "delivered", "metadata": {"deliveryProvider": "sendgrid", "messageId": "msg-12345"}}'
check "touchpoint delivered (the spec's body)" body_has '"status":"delivered"'
req POST "$API/touchpoints/$TID/response" "${AUTH[@]}" "${JSON[@]}" --data '{"response": "Customer confirmed renewal interest"}'
check "touchpoint response" status_is 200
req GET "$API/touchpoints/pending?limit=100"
check "pending touchpoints" status_is 200
req GET "$API/campaigns/$KID/performance"
check "campaign performance" body_has '"roi"'
req GET "$API/metrics?startDate=2024-01-01&endDate=2024-01-31&agentId=agent-uuid"
check "metrics, the spec's query" body_has '"startDate":"2024-01-01","endDate":"2024-01-31","agentId":"agent-uuid"'
req GET "$API/at-risk?limit=50"
check "at-risk queue" body_has '"churnProbability"'
req GET "$API/renewals/upcoming?days=30"
check "upcoming renewals" status_is 200
req GET "$API/customers/$CID/export"
check "the audit trail names the user the server authenticated" body_has '"alice"'
check "and never the process's user" bash -c "! grep -q 'http-e2e' '$WORK/body'"
STATUS=$(curl -s --max-time 30 -o "$WORK/head" -w '%{http_code}' -I "$API/customers/$CID")
check "HEAD answers 200" status_is 200
check "HEAD has the header fields and no body" bash -c "grep -qi '^Content-Type: application/json' '$WORK/head' && [ \"\$(tail -c 4 '$WORK/head' | od -An -c | tr -d ' ')\" = '\\r\\n\\r\\n' ]"

# The error cases: the spec's envelope, the right status, nothing written.
before=$(total_customers)
req DELETE "$API/customers" "${AUTH[@]}"
check "wrong method: 405" status_is 405
check "405 names the allowed methods in Allow" header_is Allow 'GET, HEAD, POST'
check "405 envelope" body_has '"code":"method_not_allowed"'
req POST "$API/customers" "${AUTH[@]}" -H 'Content-Type: text/plain' --data-binary @"$WORK/customer.json"
check "wrong content type: 415" status_is 415
check "415 envelope" body_has '"code":"unsupported_media_type"'
req POST "$API/customers" "${AUTH[@]}" --data-binary @"$WORK/customer.json"
check "curl's default form type: 415" status_is 415
printf '{\n  "leadId": "lead-2",\n  "agentId" "agent-uuid"\n}' > "$WORK/bad.json"
req POST "$API/customers" "${AUTH[@]}" "${JSON[@]}" --data-binary @"$WORK/bad.json"
check "malformed JSON: 400" status_is 400
check "400 names line and column" body_has '"line":3,"column":13'
"$BIN" --db "$DB" config set cgi.maxBodyBytes 4096 >/dev/null
{ printf '{"leadId":"big","agentId":"a","firstName":"B","lastName":"B","email":"b@example.com","metadata":{"pad":"'; head -c 5000 /dev/zero | tr '\0' x; printf '"}}'; } > "$WORK/big.json"
req POST "$API/customers" "${AUTH[@]}" "${JSON[@]}" --data-binary @"$WORK/big.json"
check "body over cgi.maxBodyBytes: 413" status_is 413
check "413 envelope" body_has '"code":"body_too_large"'
req POST "$API/customers" "${AUTH[@]}" "${JSON[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big.json"
check "a chunked body over the limit: 413" status_is 413
"$BIN" --db "$DB" config set cgi.maxBodyBytes 1048576 >/dev/null
req POST "$BASE/open/api/v1/retention/customers" "${JSON[@]}" --data-binary @"$WORK/customer.json"
check "anonymous write refused: 401" status_is 401
check "401 write envelope" body_has '"code":"unauthorized"'
req POST "$API/customers" -u 'alice:wrong' "${JSON[@]}" --data-binary @"$WORK/customer.json"
check "a wrong password is refused by the server" status_is 401
req GET "$API/nowhere"
check "unknown route: 404" status_is 404
check "404 envelope" body_has '"code":"route_not_found"'
check "no refused request wrote a customer" test "$(total_customers)" = "$before"
req GET "$BASE/open/api/v1/retention/customers/$CID"
check "retention api run by the server answers as CGI" body_has '"email":"john.doe@example.com"'

# A database the configuration names but that is not there: never created by a read or a refused write.
req GET "$BASE/missing/api/v1/retention/customers" "${AUTH[@]}"
check "missing database on a read: 404" status_is 404
check "404 names it" body_has '"code":"database_not_found"'
req POST "$BASE/missing/api/v1/retention/customers" "${AUTH[@]}" "${JSON[@]}" --data-binary @"$WORK/bad.json"
check "a refused write on a missing database: 400" status_is 400
check "and no database was created" test ! -e "$WORK/missing/book.db"
req GET "$BASE/nodb/api/v1/retention/metrics"
check "no RETENTION_DB in the configuration: 500" status_is 500
check "500 says what to set" body_has '"code":"cgi_not_configured"'

# Many requests at once are many processes on one SQLite file: 16 concurrent clients write 10 events
# each; every write waits its turn and lands once.
writers=()
for w in $(seq 1 16); do
  ( for n in $(seq 1 10); do
      curl -s --max-time 60 -o "$WORK/c$w-$n.body" -w '%{http_code}\n' -X POST "${AUTH[@]}" "${JSON[@]}" \
        --data "{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"note\":\"client $w request $n\"}}" "$API/events"
    done > "$WORK/c$w.codes" ) &
  writers+=($!)
done
wait "${writers[@]}"
codes=$(cat "$WORK"/c*.codes | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "16 concurrent clients: all 160 writes answered 201 (got $codes)" test "$(grep -c '^201$' "$WORK"/c*.codes | awk -F: '{s += $2} END {print s}')" = 160
check "no write met a locked database" bash -c "! grep -l -e 'locked' -e 'database_busy' '$WORK'/c*-*.body"
req GET "$API/customers/$CID/events?limit=1000&eventType=note_added"
landed=$(grep -o '"note":"client [0-9]* request [0-9]*"' "$WORK/body" | sort -u | wc -l)
check "each of the 160 writes landed exactly once (got $landed distinct)" test "$landed" = 160
check "and no more" test "$(grep -o '"eventType":"note_added"' "$WORK/body" | wc -l)" = 160
req GET "$API/metrics"
check "reads answer after the burst" status_is 200

echo "http: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
