#!/usr/bin/env bash
# Long writes do not break others: a writer that finds the book locked by another waits (saying on stderr
# what it waits for) instead of failing with database_busy; a limit it passes fails cleanly with nothing
# written; a dry-run import never takes the write lock.
# Usage: Tests/EndToEnd/trust-faults-busy.sh PATH/TO/retention
set -u
BIN=${1:?usage: trust-faults-busy.sh PATH/TO/retention}
WORK=$(mktemp -d)
HOLDER=""
trap '[ -n "$HOLDER" ] && kill $HOLDER 2>/dev/null; rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=trust RETENTION_TODAY=2026-06-15
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
DB="$WORK/book.db"
"$BIN" demo --customers 300 --seed 6 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
CID=$(sqlite3 "$DB" "SELECT uuid FROM customers WHERE erased_at IS NULL LIMIT 1")
notes() { sqlite3 "$DB" "SELECT count(*) FROM retention_events WHERE event_type = 'note_added' AND json_extract(data, '$.note') = '$1'"; }
# Another program holds the write lock for $1 seconds.
hold_write_lock() { ( echo "BEGIN IMMEDIATE;"; sleep "$1"; echo "COMMIT;" ) | sqlite3 "$DB" & HOLDER=$!; sleep 0.4; }
# Another program holds the write lock until release_lock (however long the command under test takes).
hold_lock_open() { rm -f "$WORK/hold"; mkfifo "$WORK/hold"; sqlite3 "$DB" < "$WORK/hold" & HOLDER=$!; exec 3>"$WORK/hold"; echo "BEGIN IMMEDIATE;" >&3; sleep 0.4; }
release_lock() { exec 3>&-; wait $HOLDER 2>/dev/null; HOLDER=""; }

# 1. A write waits for the lock (2.5 s, longer than the notice's 1 s), says for what, then lands once.
hold_write_lock 2.5
start=$(date +%s)
"$BIN" --db "$DB" api POST /events --compact --data "{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"note\":\"waited\"}}" >"$WORK/out" 2>"$WORK/err"; rc=$?
took=$(( $(date +%s) - start ))
wait $HOLDER; HOLDER=""
[ "$rc" = 0 ] && ok || fail "a write that met a 2.5 s lock failed (exit $rc): $(cat "$WORK/out" "$WORK/err")"
[ "$took" -ge 2 ] && ok || fail "the write did not wait for the lock ($took s)"
grep -q "waiting for process [0-9]* (sqlite3.*) to finish writing" "$WORK/err" && ok || fail "no 'waiting for <what>' on stderr: $(cat "$WORK/err")"
[ "$(notes waited)" = 1 ] && ok || fail "the waiting write landed $(notes waited) times"

# 2. Past its limit (RETENTION_LOCK_WAIT_SECONDS), a write fails cleanly: database_busy, exit 74, nothing written.
hold_write_lock 2
RETENTION_LOCK_WAIT_SECONDS=1 "$BIN" --db "$DB" api POST /events --compact --data "{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"note\":\"gaveup\"}}" >"$WORK/out" 2>"$WORK/err"; rc=$?
wait $HOLDER; HOLDER=""
{ [ "$rc" = 74 ] && grep -q database_busy "$WORK/out"; } && ok || fail "a write past its wait limit: exit $rc: $(cat "$WORK/out")"
[ "$(notes gaveup)" = 0 ] && ok || fail "a write that gave up wrote $(notes gaveup) rows"

# 3. A dry-run import does not take the write lock: it runs to the end while another program holds it.
awk 'BEGIN { print "leadId,agentId,firstName,lastName,email"; for (i = 1; i <= 20000; i++) printf "dry-%d,agent-%d,Pat,Lee %d,d%d@example.com\n", i, i % 7, i, i }' > "$WORK/dry.csv"
hold_lock_open
RETENTION_LOCK_WAIT_SECONDS=1 "$BIN" --db "$DB" import customers "$WORK/dry.csv" --dry-run >"$WORK/out" 2>"$WORK/err"; rc=$?
held=$(sqlite3 "$DB" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" 2>&1 | grep -c locked)
[ "$held" = 1 ] && ok || fail "the dry run waited until the other writer let go (it should not need the write lock)"
release_lock
{ [ "$rc" = 0 ] && grep -q "would import 20000" "$WORK/out"; } && ok || fail "a dry run under another writer's lock: exit $rc: $(cat "$WORK/out" "$WORK/err")"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE lead_id LIKE 'dry-%'")" = 0 ] && ok || fail "the dry run wrote customers"
# The dry run still finds what the import would refuse: a lead the book has, a lead twice in the file.
LEAD=$(sqlite3 "$DB" "SELECT lead_id FROM customers LIMIT 1")
printf 'leadId,agentId,firstName,lastName,email\n%s,a,Pat,Lee,x@example.com\nnew-1,a,Pat,Lee,y@example.com\nnew-1,a,Pat,Lee,z@example.com\nnew-2,a,,Lee,w@example.com\n' "$LEAD" > "$WORK/bad.csv"
"$BIN" --db "$DB" import customers "$WORK/bad.csv" --dry-run >"$WORK/dry.out" 2>&1; rc_dry=$?
"$BIN" --db "$DB" import customers "$WORK/bad.csv" >"$WORK/real.out" 2>&1; rc_real=$?
[ "$rc_dry" = 65 ] && ok || fail "dry run of a bad file: exit $rc_dry"
[ "$(grep -c '^.*bad.csv: line' "$WORK/dry.out")" = "$(grep -c '^.*bad.csv: line' "$WORK/real.out")" ] && ok || fail "the dry run and the import disagree: $(cat "$WORK/dry.out") // $(cat "$WORK/real.out")"
diff <(grep 'line' "$WORK/dry.out") <(grep 'line' "$WORK/real.out") >/dev/null && ok || fail "the dry run's messages differ from the import's: $(diff <(grep 'line' "$WORK/dry.out") <(grep 'line' "$WORK/real.out"))"

# 3b. Dry runs of policies and events check by reads alone too: under another writer's lock they run to the
# end, and on a bad file they print exactly the lines a real import prints.
sqlite3 -csv "$DB" "SELECT uuid FROM customers WHERE erased_at IS NULL LIMIT 2000" |
  awk 'BEGIN { print "customerId,policyNumber,policyType,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate" }
       { printf "%s,DRY-%d,auto,50,monthly,full,10000,2026-01-01,2027-01-01\n", $1, NR }' > "$WORK/dry-pol.csv"
sqlite3 -csv "$DB" "SELECT c.uuid, p.uuid FROM customers c JOIN policies p ON p.customer_id = c.id WHERE c.erased_at IS NULL LIMIT 2000" |
  awk -F, 'BEGIN { print "customerId,policyId,eventType,data" } { printf "%s,%s,payment_received,\"{\"\"amount\"\": 12.5}\"\n", $1, $2 }' > "$WORK/dry-ev.csv"
for k in policies events; do
  f="$WORK/dry-pol.csv"; [ $k = events ] && f="$WORK/dry-ev.csv"
  before=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM policies) || '/' || (SELECT count(*) FROM retention_events)")
  hold_lock_open
  RETENTION_LOCK_WAIT_SECONDS=1 "$BIN" --db "$DB" import $k "$f" --dry-run >"$WORK/out" 2>"$WORK/err"; rc=$?
  held=$(sqlite3 "$DB" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" 2>&1 | grep -c locked)
  release_lock
  [ "$held" = 1 ] && ok || fail "the $k dry run waited until the other writer let go"
  { [ "$rc" = 0 ] && grep -q "would import $(($(wc -l < "$f") - 1)) $k" "$WORK/out"; } && ok || fail "a $k dry run under another writer's lock: exit $rc: $(cat "$WORK/out" "$WORK/err")"
  [ "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM policies) || '/' || (SELECT count(*) FROM retention_events)")" = "$before" ] && ok || fail "the $k dry run wrote rows"
done
ERASED=$(sqlite3 "$DB" "SELECT uuid FROM customers WHERE erased_at IS NULL ORDER BY id DESC LIMIT 1")
"$BIN" --db "$DB" customer erase "$ERASED" --confirm >/dev/null 2>&1 || fail "erasing a customer for the bad files"
read -r C1 C2 <<<"$(sqlite3 "$DB" "SELECT group_concat(uuid, ' ') FROM (SELECT uuid FROM customers WHERE erased_at IS NULL LIMIT 2)")"
NUM=$(sqlite3 "$DB" "SELECT policy_number FROM policies LIMIT 1")
P1=11111111-1111-4111-8111-111111111111
P2=22222222-2222-4222-8222-222222222222
cat > "$WORK/bad-pol.csv" <<CSV
id,customerId,policyNumber,policyType,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate,underwriter
,$C1,$NUM,auto,50,monthly,full,10000,2026-01-01,2027-01-01,
,no-such-customer,NEW-0,auto,50,monthly,full,10000,2026-01-01,2027-01-01,
$P1,$C1,NEW-1,auto,50,monthly,full,10000,2026-01-01,2027-01-01,
,$C2,NEW-1,home,50,monthly,full,10000,2026-01-01,2027-01-01,
$P1,$C2,NEW-2,home,50,monthly,full,10000,2026-01-01,2027-01-01,
,$ERASED,NEW-3,auto,50,monthly,full,10000,2026-01-01,2027-01-01,Keystone
,$C1,NEW-4,auto,50,monthly,full,10000,2026-01-01,2025-01-01,
,$C1,NEW-3,auto,-5,monthly,full,10000,2026-01-01,2027-01-01,
$P2,$C1,$NUM,auto,50,monthly,full,10000,2026-01-01,2027-01-01,
CSV
read -r PC1 POTHER <<<"$(sqlite3 "$DB" "SELECT (SELECT p.uuid FROM policies p JOIN customers c ON c.id = p.customer_id WHERE c.uuid = '$C1' LIMIT 1) || ' ' || (SELECT p.uuid FROM policies p JOIN customers c ON c.id = p.customer_id WHERE c.uuid = '$C2' LIMIT 1)")"
EV=$(sqlite3 "$DB" "SELECT uuid FROM retention_events LIMIT 1")
cat > "$WORK/bad-ev.csv" <<CSV
id,customerId,policyId,eventType,data,occurredAt
,no-such-customer,,note_added,"{""note"": ""x""}",
,$C1,$POTHER,payment_received,"{""amount"": 10}",
,$C1,,payment_received,"{""amount"": 10}",
$EV,$C1,,note_added,"{""note"": ""x""}",
$P1,$C1,$PC1,payment_received,"{""amount"": 10}",
$P1,$C1,,note_added,"{""note"": ""y""}",
,$C1,$PC1,payment_received,"{""amount"": -3}",
,$C1,,note_added,"{""note"": ""z""}",2030-01-01T00:00:00Z
,$ERASED,,note_added,"{""note"": ""private""}",
,$C1,no-such-policy,payment_received,"{""amount"": 10}",
CSV
for k in policies events; do
  f="$WORK/bad-pol.csv"; [ $k = events ] && f="$WORK/bad-ev.csv"
  "$BIN" --db "$DB" import $k "$f" --dry-run >"$WORK/dry.out" 2>&1; rc_dry=$?
  "$BIN" --db "$DB" import $k "$f" >"$WORK/real.out" 2>&1; rc_real=$?
  { [ "$rc_dry" = 65 ] && [ "$rc_real" = 65 ]; } && ok || fail "$k bad file: dry run exit $rc_dry, import exit $rc_real"
  n=$(grep -c ': line ' "$WORK/real.out")
  [ "$n" -ge 8 ] && ok || fail "the $k bad file should have at least 8 bad lines, the import found $n: $(cat "$WORK/real.out")"
  diff <(grep ': line ' "$WORK/dry.out") <(grep ': line ' "$WORK/real.out") >/dev/null && ok || fail "the $k dry run's messages differ from the import's: $(diff <(grep ': line ' "$WORK/dry.out") <(grep ': line ' "$WORK/real.out"))"
done

# 4. A real import running while others write: they wait for it and all land.
awk 'BEGIN { print "leadId,agentId,firstName,lastName,email"; for (i = 1; i <= 30000; i++) printf "imp-%d,agent-%d,Pat,Lee %d,i%d@example.com\n", i, i % 7, i, i }' > "$WORK/imp.csv"
"$BIN" --db "$DB" import customers "$WORK/imp.csv" >"$WORK/imp.out" 2>&1 & IMP=$!
for w in 1 2 3 4; do
  "$BIN" --db "$DB" api POST /events --compact --data "{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"note\":\"during\"}}" >"$WORK/w$w.out" 2>&1 &
done
wait
grep -q '"success":false' "$WORK"/w*.out && fail "a write during the import failed: $(grep -h success "$WORK"/w*.out | head -1)" || ok
[ "$(notes during)" = 4 ] && ok || fail "writes during the import: $(notes during) of 4 landed"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE lead_id LIKE 'imp-%'")" = 30000 ] && ok || fail "the import: $(cat "$WORK/imp.out")"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity at the end"

echo "trust-faults-busy: $passed passed, $failed failed"
[ "$failed" = 0 ]
