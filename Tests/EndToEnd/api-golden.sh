#!/usr/bin/env bash
# Golden test of the API's JSON: every GET route of the spec (with representative ids, query strings and
# error cases) and a fixed sequence of writes, run against a fixed-clock demo book and compared byte for
# byte with the recorded answers in Tests/EndToEnd/golden/. It guards refactors of the engine: what the
# API prints must not change unless the change is meant.
#
# Usage: Tests/EndToEnd/api-golden.sh PATH/TO/retention [--record]
#   --record   re-records the golden files (review the diff before committing it).
#
# Each answer is recorded as a header line `### NAME: METHOD PATH -> exit N` followed by the body exactly as
# `retention api ... --compact` printed it (one call uses --pretty). Normalisation, the only changes made to
# what the binary printed (both apply to the write sequence only; the read answers are taken as printed):
#   1. ids made by the writes are random (UUID version 7 from the real time and random bits): every UUID
#      that is not in the demo book before the writes (the book's own ids are seeded and reproducible) nor the
#      fixed id of a missing record, is
#      replaced by `<new-N>`, N counting the new ids in the order they first appear in the whole sequence.
#   2. the fixed clock moves on with real elapsed time (Sources/RetentionCore/Support/Clock.swift); building
#      the book or a write slowed past a second boundary on a loaded machine prints 12:00:01 or later: the
#      instants `2026-06-15T12:0[0-4]:SSZ` (the first five minutes of the fixed day's noon) are printed as
#      `2026-06-15T12:00:00Z`, in reads and writes alike.
set -u
BIN=${1:?usage: api-golden.sh PATH/TO/retention [--record]}
RECORD=0; [ "${2:-}" = "--record" ] && RECORD=1
HERE=$(cd "$(dirname "$0")" && pwd)
GOLD="$HERE/golden"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=golden
export RETENTION_TODAY=2026-06-15

BOOK="$WORK/book.db"
"$BIN" demo --customers 2000 --seed 7 --db "$BOOK" --no-open >/dev/null || { echo "FAIL: demo book"; exit 1; }

DB="$BOOK"
OUT=""
# call NAME METHOD PATH [--data BODY]: appends the answer to $OUT
call() {
  local name=$1 method=$2 path=$3; shift 3
  local body code
  body=$("$BIN" --db "$DB" api "$method" "$path" --compact "$@" 2>&1); code=$?
  printf '### %s: %s %s -> exit %s\n%s\n' "$name" "$method" "$path" "$code" "$body" >>"$OUT"
}
get() { call "$1" GET "$2"; }
# field JSONPATH: reads a value from the last answer of $OUT (python3, as cli.sh does)
first() { # first PATH KEY: the KEY of the first element of GET PATH's data
  "$BIN" --db "$DB" api GET "$1" --compact | python3 -c "import json,sys; d=json.load(sys.stdin)['data']; print(d[0]['$2'] if d else '')"
}

# ---------------------------------------------------------------- reads on the demo book, as it is
OUT="$WORK/reads.txt"; : >"$OUT"
CUST=$(first '/customers?limit=1' id)
RISKY=$(first '/at-risk?limit=1' customerId)
FORMER=$(first '/win-back?limit=1' customerId)
POL=$(first "/customers/$RISKY/policies" id)
CAMPS=$("$BIN" --db "$DB" api GET '/campaigns?limit=100' --compact | python3 -c "import json,sys; print(' '.join(c['id'] for c in json.load(sys.stdin)['data']))")
ACTIVE=$("$BIN" --db "$DB" api GET '/campaigns?status=active' --compact | python3 -c "import json,sys; d=json.load(sys.stdin)['data']; print(d[0]['id'] if d else '')")
TP=$(first "/campaigns/$ACTIVE/touchpoints?limit=1" id)
TPCUST=$(first "/campaigns/$ACTIVE/touchpoints?limit=1" customerId)
MISSING=00000000-0000-7000-8000-000000000000
for v in CUST RISKY FORMER POL ACTIVE TP TPCUST; do
  [ -n "${!v}" ] || { echo "FAIL: no $v in the demo book"; exit 1; }
done

get customers-default '/customers'
get customers-page2 '/customers?page=2&limit=5'
get customers-high '/customers?churnRisk=high,critical&limit=5&sort=healthScore&order=desc'
get customers-health-range '/customers?healthScoreMin=20&healthScoreMax=40&limit=5'
get customers-agent-tag '/customers?agentId=agent-blake&tag=loyal&limit=3'
get customers-search '/customers?search=Adams&limit=3'
get customers-bad-risk '/customers?churnRisk=extreme'
get customers-bad-range '/customers?healthScoreMin=60&healthScoreMax=40'
get customers-bad-limit '/customers?limit=0'
get customers-unknown-param '/customers?colour=blue'
get customer "/customers/$CUST"
get customer-risky "/customers/$RISKY"
get customer-former "/customers/$FORMER"
get customer-missing "/customers/$MISSING"
get customer-policies "/customers/$RISKY/policies"
get customer-events "/customers/$RISKY/events?limit=10"
get customer-events-type "/customers/$RISKY/events?eventType=payment_missed"
get customer-events-bad-type "/customers/$RISKY/events?eventType=party"
get customer-touchpoints "/customers/$TPCUST/touchpoints"
get customer-health-history "/customers/$RISKY/health-score?limit=3"
get customer-ltv-history "/customers/$RISKY/ltv?limit=3"
get customer-health-missing "/customers/$MISSING/health-score"
get customer-export "/customers/$RISKY/export"
get customer-export-missing "/customers/$MISSING/export"
get policy "/policies/$POL"
get policy-missing "/policies/$MISSING"
get metrics-default '/metrics'
get metrics-period '/metrics?startDate=2026-01-01&endDate=2026-03-31'
get metrics-agent '/metrics?startDate=2025-06-15&endDate=2026-06-15&agentId=agent-blake'
get metrics-start-only '/metrics?startDate=2026-05-01'
get metrics-end-only '/metrics?endDate=2026-05-01'
get metrics-bad-date '/metrics?startDate=2026-02-30'
get metrics-reversed '/metrics?startDate=2026-05-01&endDate=2026-01-01'
get at-risk '/at-risk'
get at-risk-filtered '/at-risk?churnRisk=critical&policyType=auto&limit=5&page=2'
get at-risk-agent '/at-risk?agentId=agent-emery&includeSnoozed=true&unassigned=true&limit=5'
get at-risk-bad-type '/at-risk?policyType=boat'
get win-back '/win-back?limit=5'
get win-back-agent '/win-back?agentId=agent-blake&limit=3&page=2'
get renewals '/renewals/upcoming'
get renewals-filtered '/renewals/upcoming?days=90&policyType=home&agentId=agent-emery&limit=5'
get renewals-bad-days '/renewals/upcoming?days=-1'
get campaigns '/campaigns'
get campaigns-active '/campaigns?status=active&type=renewal_reminder'
get campaigns-bad-status '/campaigns?status=asleep'
i=0
for c in $CAMPS; do
  i=$((i + 1))
  get "campaign-$i" "/campaigns/$c"
  get "campaign-$i-performance" "/campaigns/$c/performance"
  get "campaign-$i-preview" "/campaigns/$c/preview?limit=3"
  get "campaign-$i-touchpoints" "/campaigns/$c/touchpoints?limit=5"
done
get campaign-missing "/campaigns/$MISSING"
get campaign-performance-missing "/campaigns/$MISSING/performance"
get campaign-touchpoints-sent "/campaigns/$ACTIVE/touchpoints?status=sent&limit=3"
get touchpoints-pending '/touchpoints/pending'
get touchpoint-preview "/touchpoints/$TP/preview"
get touchpoint-preview-missing "/touchpoints/$MISSING/preview"
get tasks '/tasks?status=all'
get task-missing "/tasks/$MISSING"
get route-missing '/frobnicate'
get with-prefix "/api/v1/retention/customers/$CUST"
call method-not-allowed DELETE '/customers'
printf '### customer-pretty: GET /customers/%s --pretty\n%s\n' "$CUST" "$("$BIN" --db "$DB" api GET "/customers/$CUST" --pretty 2>&1)" >>"$OUT"

# ---------------------------------------------------------------- writes, on a copy of the book
sed -i -E 's/2026-06-15T12:0[0-4]:[0-5][0-9]Z/2026-06-15T12:00:00Z/g' "$WORK/reads.txt"
cp "$BOOK" "$WORK/writes.db"
for ext in -wal -shm; do [ -e "$BOOK$ext" ] && cp "$BOOK$ext" "$WORK/writes.db$ext"; done
DB="$WORK/writes.db"
OUT="$WORK/writes.raw"; : >"$OUT"
# The book's own ids, to tell the ids the writes make (normalisation 1).
sqlite3 "$BOOK" .dump | grep -oE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' | sort -u >"$WORK/known-ids"
echo "$MISSING" >>"$WORK/known-ids"
# lastid: the data.id of the last answer written
lastid() { tail -n 1 "$OUT" | python3 -c "import json,sys; print(json.load(sys.stdin)['data']['id'])"; }

CUSTOMER='{"leadId":"lead-golden","agentId":"agent-blake","firstName":"Gold","lastName":"Den","email":"gold.den@example.com","phone":"+1 555 0100","dateOfBirth":"1980-01-01","address":{"street":"1 Main St","city":"Springfield","state":"IL","zipCode":"62701","country":"USA"},"preferredContactMethod":"email","tags":["vip"],"metadata":{"source":"golden"}}'
call create-customer POST /customers --data "$CUSTOMER"
NEWC=$(lastid)
call create-customer-duplicate POST /customers --data "$CUSTOMER"
call create-customer-missing-email POST /customers --data '{"leadId":"l-2","agentId":"a","firstName":"A","lastName":"B"}'
call create-customer-bad-email POST /customers --data '{"leadId":"l-2","agentId":"a","firstName":"A","lastName":"B","email":"nope"}'
call create-customer-unknown-field POST /customers --data '{"leadId":"l-2","agentId":"a","firstName":"A","lastName":"B","email":"a@b.co","colour":"red"}'
call create-customer-no-body POST /customers
call create-customer-bad-json POST /customers --data '{"leadId": '
call update-customer PATCH "/customers/$NEWC" --data '{"satisfactionScore":85,"tags":["vip","golden"],"version":1}'
call update-customer-conflict PATCH "/customers/$NEWC" --data '{"satisfactionScore":80,"version":1}'
call update-customer-bad-score PATCH "/customers/$NEWC" --data '{"satisfactionScore":120}'
call update-customer-bad-channel PATCH "/customers/$NEWC" --data '{"optedOutChannels":["email","pigeon"]}'
call update-customer-missing PATCH "/customers/$MISSING" --data '{"satisfactionScore":85}'
POLICY="{\"customerId\":\"$NEWC\",\"agentId\":\"agent-blake\",\"policyNumber\":\"POL-GOLD-1\",\"policyType\":\"auto\",\"premium\":{\"amount\":1500,\"frequency\":\"annual\",\"currency\":\"USD\"},\"coverage\":{\"type\":\"comprehensive\",\"amount\":50000,\"deductible\":500},\"effectiveDate\":\"2025-07-01\",\"expirationDate\":\"2026-07-01\",\"underwriter\":\"ABC Insurance\"}"
call create-policy POST /policies --data "$POLICY"
NEWP=$(lastid)
call create-policy-duplicate POST /policies --data "$POLICY"
call create-policy-no-premium POST /policies --data "{\"customerId\":\"$NEWC\",\"policyNumber\":\"POL-GOLD-2\",\"policyType\":\"home\",\"coverage\":{\"type\":\"x\",\"amount\":1},\"effectiveDate\":\"2025-07-01\",\"expirationDate\":\"2026-07-01\"}"
call create-policy-bad-dates POST /policies --data "{\"customerId\":\"$NEWC\",\"policyNumber\":\"POL-GOLD-2\",\"policyType\":\"home\",\"premium\":{\"amount\":900,\"frequency\":\"monthly\"},\"coverage\":{\"type\":\"x\",\"amount\":1},\"effectiveDate\":\"2025-07-01\",\"expirationDate\":\"2025-06-01\"}"
call create-policy-bad-type POST /policies --data "{\"customerId\":\"$NEWC\",\"policyNumber\":\"POL-GOLD-2\",\"policyType\":\"boat\"}"
call create-policy-missing-customer POST /policies --data "{\"customerId\":\"$MISSING\",\"policyNumber\":\"POL-GOLD-2\",\"policyType\":\"home\"}"
call create-policy-2 POST /policies --data "{\"customerId\":\"$NEWC\",\"policyNumber\":\"POL-GOLD-2\",\"policyType\":\"home\",\"premium\":{\"amount\":90,\"frequency\":\"monthly\"},\"coverage\":{\"type\":\"dwelling\",\"amount\":300000},\"effectiveDate\":\"2025-08-01\",\"expirationDate\":\"2026-08-01\"}"
NEWP2=$(lastid)
call update-policy PATCH "/policies/$NEWP" --data '{"premium":{"amount":1620},"documents":["contract.pdf"]}'
call update-policy-bad-transition PATCH "/policies/$NEWP" --data '{"status":"pending"}'
call update-policy-bad-reason PATCH "/policies/$NEWP" --data '{"endReason":"price"}'
call update-policy-cancel PATCH "/policies/$NEWP2" --data '{"status":"cancelled","endReason":"price"}'
call renew-policy POST "/policies/$NEWP/renew" --data '{"premium":{"amount":1700}}'
call renew-policy-no-body POST "/policies/$NEWP/renew"
call renew-policy-cancelled POST "/policies/$NEWP2/renew"
call create-event POST /events --data "{\"customerId\":\"$NEWC\",\"policyId\":\"$NEWP\",\"eventType\":\"payment_missed\",\"severity\":\"warning\",\"data\":{\"amount\":150},\"triggeredActions\":[\"send_reminder\",\"update_health_score\",\"agent_notification\"]}"
call create-event-note POST /events --data "{\"customerId\":\"$NEWC\",\"eventType\":\"note_added\",\"data\":{\"note\":\"Called about the renewal\"},\"occurredAt\":\"2026-06-14T10:00:00Z\"}"
call create-event-bad-type POST /events --data "{\"customerId\":\"$NEWC\",\"eventType\":\"party\"}"
call create-event-bad-action POST /events --data "{\"customerId\":\"$NEWC\",\"eventType\":\"note_added\",\"triggeredActions\":[\"page_me\"]}"
call create-event-missing-customer POST /events --data '{"eventType":"note_added"}'
get new-customer-events "/customers/$NEWC/events"
TASK=$("$BIN" --db "$DB" api GET "/tasks?customerId=$NEWC" --compact | python3 -c "import json,sys; d=json.load(sys.stdin)['data']; print(d[0]['id'] if d else '')")
get new-tasks "/tasks?customerId=$NEWC"
call task-done PATCH "/tasks/$TASK" --data '{"status":"done"}'
call task-bad-status PATCH "/tasks/$TASK" --data '{"status":"maybe"}'
get task "/tasks/$TASK"
call health-score POST "/customers/$NEWC/health-score"
call health-score-risky POST "/customers/$RISKY/health-score"
call health-score-former POST "/customers/$FORMER/health-score"
call health-score-missing POST "/customers/$MISSING/health-score"
call ltv POST "/customers/$NEWC/ltv"
call ltv-risky POST "/customers/$RISKY/ltv"
call ltv-former POST "/customers/$FORMER/ltv"
call churn POST "/customers/$NEWC/churn-prediction"
call churn-risky POST "/customers/$RISKY/churn-prediction"
call churn-what-if POST "/customers/$RISKY/churn-prediction" --data '{"features":{"paymentHistory":100,"tenure":60}}'
call churn-what-if-bad POST "/customers/$RISKY/churn-prediction" --data '{"features":{"colour":1}}'
call churn-bad-body POST "/customers/$RISKY/churn-prediction" --data '{"feature":{}}'
get new-customer-health-history "/customers/$NEWC/health-score"
get new-customer-ltv-history "/customers/$NEWC/ltv"
CAMPAIGN='{"name":"Golden renewals","description":"Renewals in the next 60 days","type":"renewal_reminder","targetSegment":{"renewalWithinDays":60,"churnRisk":["high","critical"]},"schedule":{"startDate":"2026-06-15","timezone":"America/Chicago"},"touchpoints":[{"type":"email","template":"renewal_reminder","delay":0},{"type":"sms","template":"renewal_reminder","delay":10080,"skipIf":"engaged"}],"goals":{"targetCustomers":100,"expectedRetention":80,"expectedRevenue":25000},"controlGroupPercent":10}'
call create-campaign POST /campaigns --data "$CAMPAIGN"
NEWCAMP=$(lastid)
call create-campaign-unknown-field POST /campaigns --data '{"name":"X","type":"engagement","budget":{"total":1},"touchpoints":[{"type":"email","template":"engagement","delay":0}]}'
call create-campaign-bad-type POST /campaigns --data '{"name":"X","type":"party","touchpoints":[{"type":"email","template":"x","delay":0}]}'
call create-campaign-no-touchpoints POST /campaigns --data '{"name":"X","type":"engagement","touchpoints":[]}'
call create-campaign-bad-control POST /campaigns --data '{"name":"X","type":"engagement","controlGroupPercent":90,"touchpoints":[{"type":"email","template":"engagement","delay":0}]}'
call create-campaign-bad-cron POST /campaigns --data '{"name":"X","type":"engagement","schedule":{"cron":"61 * * * *"},"touchpoints":[{"type":"email","template":"x","delay":0}]}'
get new-campaign-preview "/campaigns/$NEWCAMP/preview?limit=5"
call campaign-activate POST "/campaigns/$NEWCAMP/activate"
get new-campaign "/campaigns/$NEWCAMP"
get new-campaign-performance "/campaigns/$NEWCAMP/performance"
get new-campaign-touchpoints "/campaigns/$NEWCAMP/touchpoints?limit=5"
NEWTP=$("$BIN" --db "$DB" api GET "/campaigns/$NEWCAMP/touchpoints?limit=1" --compact | python3 -c "import json,sys; d=json.load(sys.stdin)['data']; print(d[0]['id'] if d else '')")
get new-touchpoint-preview "/touchpoints/$NEWTP/preview"
call touchpoint-sent PATCH "/touchpoints/$NEWTP/status" --data '{"status":"sent","metadata":{"provider":"golden"}}'
call touchpoint-opened PATCH "/touchpoints/$NEWTP/status" --data '{"status":"opened"}'
call touchpoint-bad-status PATCH "/touchpoints/$NEWTP/status" --data '{"status":"eaten"}'
call touchpoint-no-status PATCH "/touchpoints/$NEWTP/status" --data '{}'
call touchpoint-response POST "/touchpoints/$NEWTP/response" --data '{"response":"Yes, please call me"}'
call touchpoint-response-missing POST "/touchpoints/$NEWTP/response" --data '{}'
call campaign-enrol POST "/campaigns/$NEWCAMP/enrol" --data "{\"customerId\":\"$NEWC\"}"
call campaign-enrol-missing POST "/campaigns/$NEWCAMP/enrol" --data "{\"customerId\":\"$MISSING\"}"
call campaign-pause POST "/campaigns/$NEWCAMP/pause"
call campaign-pause-again POST "/campaigns/$NEWCAMP/pause"
call campaign-status PATCH "/campaigns/$NEWCAMP/status" --data '{"status":"completed"}'
call campaign-status-bad PATCH "/campaigns/$NEWCAMP/status" --data '{"status":"sleeping"}'
call campaign-status-missing-field PATCH "/campaigns/$NEWCAMP/status" --data '{}'
get new-campaign-performance-after "/campaigns/$NEWCAMP/performance"
call assign POST "/customers/$RISKY/assign" --data '{"assignedTo":"sam"}'
call assign-bad POST "/customers/$RISKY/assign" --data '{"assignedTo":5}'
call snooze POST "/customers/$RISKY/snooze" --data '{"until":"2026-07-01"}'
call snooze-past POST "/customers/$RISKY/snooze" --data '{"until":"2026-01-01"}'
call contact POST "/customers/$RISKY/contacts" --data '{"channel":"call","outcome":"reached","note":"Will renew"}'
call contact-bad-outcome POST "/customers/$RISKY/contacts" --data '{"channel":"call","outcome":"shrug"}'
call contact-no-channel POST "/customers/$RISKY/contacts" --data '{"outcome":"reached"}'
call write-with-query POST "/customers/$RISKY/contacts?x=1" --data '{"channel":"call","outcome":"reached"}'
call erase-unconfirmed POST "/customers/$NEWC/erase" --data '{}'
call erase POST "/customers/$NEWC/erase" --data '{"confirm":true}'
call update-erased PATCH "/customers/$NEWC" --data '{"satisfactionScore":85}'
get erased-customer "/customers/$NEWC"
get metrics-after-writes '/metrics'
get at-risk-after-writes '/at-risk?limit=5&includeSnoozed=true&assignedTo=sam'

# Normalisation (see the header): new ids to <new-N> in order of first appearance, instants of the fixed day.
python3 - "$WORK/known-ids" "$WORK/writes.raw" "$WORK/writes.txt" <<'PY'
import re, sys
known = set(open(sys.argv[1]).read().split())
names = {}
def new_id(m):
    u = m.group(0)
    if u in known: return u
    if u not in names: names[u] = "<new-%d>" % (len(names) + 1)
    return names[u]
text = open(sys.argv[2]).read()
text = re.sub(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', new_id, text)
text = re.sub(r'2026-06-15T12:0[0-4]:[0-5][0-9]Z', '2026-06-15T12:00:00Z', text)
open(sys.argv[3], "w").write(text)
PY

if [ $RECORD -eq 1 ]; then
  mkdir -p "$GOLD"
  cp "$WORK/reads.txt" "$GOLD/reads.txt"
  cp "$WORK/writes.txt" "$GOLD/writes.txt"
  echo "api-golden: recorded $(grep -c '^### ' "$GOLD/reads.txt") reads and $(grep -c '^### ' "$GOLD/writes.txt") writes in $GOLD"
  exit 0
fi
failed=0
for f in reads writes; do
  if ! diff -u "$GOLD/$f.txt" "$WORK/$f.txt" >"$WORK/$f.diff"; then
    failed=1
    echo "FAIL: $f differ from $GOLD/$f.txt:"
    head -60 "$WORK/$f.diff"
  fi
done
if [ $failed -eq 0 ]; then
  echo "api-golden: $(grep -c '^### ' "$GOLD/reads.txt") reads and $(grep -c '^### ' "$GOLD/writes.txt") writes as recorded"
fi
exit $failed
