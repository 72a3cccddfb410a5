#!/usr/bin/env bash
# Many writers at once, and SIGKILL at random moments: the database stays sound and nothing is half-done.
# Usage: Tests/EndToEnd/trust-concurrency-crash.sh PATH/TO/retention
set -u
BIN=${1:?usage: trust-concurrency-crash.sh PATH/TO/retention}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=trust
# A fixed clock: every run builds the same books and sees the same dates, whatever today is.
export RETENTION_TODAY=2026-06-15
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
DB="$WORK/book.db"
"$BIN" demo --customers 3000 --seed 4 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
# Every rescore adds a history row for every customer (by default only a score that moved gets one), so a
# score without its history row below means a half-scored customer.
"$BIN" --db "$DB" config set history.maxIntervalDays 0 >/dev/null
CID=$("$BIN" --db "$DB" api GET '/customers?limit=1' --compact | sed -n 's/.*"data":\[{"id":"\([^"]*\)".*/\1/p')

# 8 writer processes at once, 25 writes each: every write lands exactly once, nobody sees "database is locked".
for w in 1 2 3 4 5 6 7 8; do
  ( for n in $(seq 1 25); do
      "$BIN" --db "$DB" --user "writer$w" api POST /events --compact \
        --data "{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"writer\":$w,\"n\":$n}}" >>"$WORK/w$w.out" 2>&1
    done ) &
done
wait
if grep -q '"success":false' "$WORK"/w*.out; then fail "a concurrent write was refused: $(grep -h '"success":false' "$WORK"/w*.out | head -1)"; else ok; fi
landed=$(sqlite3 "$DB" "SELECT count(*), count(DISTINCT json_extract(data,'\$.writer') || '-' || json_extract(data,'\$.n')) FROM retention_events WHERE event_type='note_added'")
if [ "$landed" = "200|200" ]; then ok; else fail "200 writes should land exactly once, got $landed"; fi
if [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ]; then ok; else fail "integrity after concurrent writes"; fi

# SIGKILL during rescore, many times: never a half-scored customer (a score without its history row).
for i in $(seq 1 6); do
  "$BIN" --db "$DB" rescore >/dev/null 2>&1 & pid=$!
  sleep "0.$((RANDOM % 6 + 1))"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity after killing rescore ($i)"
  half=$(sqlite3 "$DB" "SELECT count(*) FROM customers c WHERE scored_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM health_scores h WHERE h.customer_id = c.id AND h.calculated_at = c.scored_at)")
  [ "$half" = "0" ] && ok || fail "half-scored customers after killing rescore ($i): $half"
done
"$BIN" --db "$DB" rescore >/dev/null && ok || fail "rescore completes after the kills"

# SIGKILL during import: all or nothing.
"$BIN" --db "$DB" export customers > "$WORK/customers.csv"
for i in $(seq 1 4); do
  rm -f "$WORK/copy.db"*
  "$BIN" --db "$WORK/copy.db" import customers "$WORK/customers.csv" >/dev/null 2>&1 & pid=$!
  sleep "0.$((RANDOM % 5 + 1))"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  n=$(sqlite3 "$WORK/copy.db" "SELECT count(*) FROM customers" 2>/dev/null || echo 0)
  total=$(($(wc -l < "$WORK/customers.csv") - 1))
  { [ "$n" = "0" ] || [ "$n" = "$total" ]; } && ok || fail "import killed ($i) left $n of $total customers"
done
rm -f "$WORK/copy.db"*
"$BIN" --db "$WORK/copy.db" import customers "$WORK/customers.csv" >/dev/null && ok || fail "import completes when run again"

# SIGKILL during a large import, which drops the customers' secondary indexes for the load and rebuilds
# them before it commits: all or nothing, and every index still there.
awk 'BEGIN { print "leadId,agentId,firstName,lastName,email"; for (i = 1; i <= 30000; i++) printf "big-%d,agent-%d,Pat,Lee %d,p%d@example.com\n", i, i % 7, i, i }' > "$WORK/big.csv"
# A new, empty database (reading never creates one; an import of a header-only file does).
printf 'leadId,agentId,firstName,lastName,email\n' > "$WORK/header-only.csv"
"$BIN" --db "$WORK/fresh.db" import customers "$WORK/header-only.csv" >/dev/null && sqlite3 "$WORK/fresh.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
indexes() { sqlite3 "$1" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name)"; }
want=$(indexes "$WORK/fresh.db")
for i in 1 2 3; do
  rm -f "$WORK/big.db"*; cp "$WORK/fresh.db" "$WORK/big.db"
  "$BIN" --db "$WORK/big.db" import customers "$WORK/big.csv" >/dev/null 2>&1 & pid=$!
  sleep "0.$((RANDOM % 8 + 1))"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  n=$(sqlite3 "$WORK/big.db" "SELECT count(*) FROM customers")
  { [ "$n" = "0" ] || [ "$n" = "30000" ]; } && ok || fail "large import killed ($i) left $n of 30000 customers"
  [ "$(indexes "$WORK/big.db")" = "$want" ] && ok || fail "large import killed ($i) left the indexes $(indexes "$WORK/big.db"), not $want"
  [ "$(sqlite3 "$WORK/big.db" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity after killing a large import ($i)"
done

# SIGKILL during campaign activation and dispatch: enrolment is whole or absent; no touchpoint is lost.
for i in 1 2 3; do
  CAMP=$("$BIN" --db "$DB" api POST /campaigns --compact --data "{\"name\":\"Crash $i\",\"type\":\"engagement\",\"touchpoints\":[{\"type\":\"email\",\"template\":\"engagement\",\"delay\":0},{\"type\":\"email\",\"template\":\"engagement\",\"delay\":60}]}" | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
  "$BIN" --db "$DB" campaign activate "$CAMP" >/dev/null 2>&1 & pid=$!
  sleep 0.0$((RANDOM % 9 + 1)); kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  state=$(sqlite3 "$DB" "SELECT status, (SELECT count(*) FROM campaign_enrollments e WHERE e.campaign_id = c.id) FROM campaigns c WHERE uuid = '$CAMP'")
  case "$state" in draft\|0|active\|*) ok ;; *) fail "activation killed ($i) left $state" ;; esac
  [ "${state%%|*}" = "draft" ] && { "$BIN" --db "$DB" campaign activate "$CAMP" >/dev/null && ok || fail "activation completes when run again"; }
done
before=$(sqlite3 "$DB" "SELECT count(*) FROM touchpoints")
"$BIN" --db "$DB" channel set email outbox "$WORK/out" >/dev/null
for i in 1 2 3; do
  "$BIN" --db "$DB" dispatch --once --limit 100000 >/dev/null 2>&1 & pid=$!
  sleep "0.$((RANDOM % 4 + 1))"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
done
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity after killing dispatch"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM touchpoints")" = "$before" ] && ok || fail "touchpoints lost"
# The clock is fixed: every command's "now" starts at noon of $RETENTION_TODAY. The demo book's own touchpoints
# were sent before that; those sent at noon or later are this test's.
NOON=$(date -u -d "$RETENTION_TODAY 12:00:00" +%s)
sent_files=$(ls "$WORK/out" 2>/dev/null | grep -c '\.json$')
sent_rows=$(sqlite3 "$DB" "SELECT count(*) FROM touchpoints WHERE status = 'sent' AND sent_at >= $NOON")
stuck=$(sqlite3 "$DB" "SELECT count(*) FROM touchpoints WHERE status = 'sending'")
# Every file written is either recorded as sent or still claimed (the crash rule then marks it for review).
[ "$sent_files" -le $((sent_rows + stuck)) ] && ok || fail "$sent_files files but $sent_rows sent + $stuck claimed"
# Running dispatch again finishes the work: nothing due stays pending (deferred ones wait for their time). "Now" is
# the fixed clock's (RETENTION_TODAY at noon UTC), not the machine's.
"$BIN" --db "$DB" dispatch --once --limit 100000 >/dev/null && ok || fail "dispatch completes when run again"
# Due means due on the book's clock (dispatch ran at noon of $RETENTION_TODAY or a moment after), not the machine's.
due=$(sqlite3 "$DB" "SELECT count(*) FROM touchpoints t JOIN campaigns k ON k.id = t.campaign_id WHERE t.status = 'pending' AND t.due_at <= $NOON AND k.status = 'active'")
[ "$due" = "0" ] && ok || fail "$due due touchpoints still pending after the rerun"

# SIGKILL during a demo build: the earlier demo stays whole, and the next build clears what the killed one left.
DEMO="$WORK/demo.db"
"$BIN" demo --customers 500 --seed 2 --db "$DEMO" --no-open >/dev/null || fail "first demo build"
for i in 1 2 3; do
  "$BIN" demo --customers 20000 --seed 3 --db "$DEMO" --no-open >/dev/null 2>&1 & pid=$!
  sleep "0.$((RANDOM % 8 + 2))"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  [ "$(sqlite3 "$DEMO" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity of the earlier demo after killing a build ($i)"
  n=$(sqlite3 "$DEMO" "SELECT count(*) FROM customers")
  { [ "$n" = "500" ] || [ "$n" = "20000" ]; } && ok || fail "demo build killed ($i) left $n customers, not 500 or 20000"
done
"$BIN" demo --customers 400 --seed 3 --db "$DEMO" --no-open >/dev/null && ok || fail "demo builds again after the kills"
[ "$(sqlite3 "$DEMO" "SELECT count(*) FROM customers")" = "400" ] && ok || fail "the rebuilt demo does not hold its 400 customers"
left=$(ls "$WORK" | grep -c 'demo.db.building-')
[ "$left" = "0" ] && ok || fail "$left files of killed builds left beside the demo"

echo "trust: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
