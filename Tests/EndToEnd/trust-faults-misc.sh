#!/usr/bin/env bash
# Smaller trust checks: another program's SQLite file stays byte for byte; a 0-byte file is not made a
# database by a read; RETENTION_STRICT_PERMISSIONS checks the folder and the -wal/-shm files and takes the
# usual true values; export-data holds enrolments (control group too) and every audit row about the person;
# a renewal never pushes a date past what export/import round-trips; size limits are enforced.
# Usage: Tests/EndToEnd/trust-faults-misc.sh PATH/TO/retention
set -u
BIN=${1:?usage: trust-faults-misc.sh PATH/TO/retention}
WORK=$(mktemp -d)
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=trust RETENTION_TODAY=2026-06-15
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }

# Another program's SQLite file (rollback journal): refused, and left byte for byte as it was.
sqlite3 "$WORK/other.db" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
before=$(sha256sum < "$WORK/other.db")
"$BIN" --db "$WORK/other.db" api GET /customers >"$WORK/out" 2>&1; rc=$?
{ [ "$rc" = 74 ] && grep -q not_a_retention_database "$WORK/out"; } && ok || fail "another program's file: exit $rc: $(cat "$WORK/out")"
[ "$(sha256sum < "$WORK/other.db")" = "$before" ] && ok || fail "another program's file was changed by a read (journal mode now $(sqlite3 "$WORK/other.db" 'PRAGMA journal_mode'))"
[ -e "$WORK/other.db-wal" ] && fail "a -wal file was left beside another program's file" || ok
"$BIN" --db "$WORK/other.db" api POST /customers --data '{"leadId":"x","agentId":"a","firstName":"P","lastName":"L","email":"p@example.com"}' >/dev/null 2>&1
[ "$(sha256sum < "$WORK/other.db")" = "$before" ] && ok || fail "another program's file was changed by a refused write"

# A 0-byte file: a read leaves it empty (and its mode); a write makes a private database of it.
: > "$WORK/empty.db"; chmod 644 "$WORK/empty.db"
"$BIN" --db "$WORK/empty.db" api GET /customers >"$WORK/out" 2>&1; rc=$?
[ "$rc" != 0 ] && ok || fail "a read of a 0-byte file succeeded"
[ "$(stat -c %s "$WORK/empty.db")" = 0 ] && ok || fail "a read turned a 0-byte file into a $(stat -c %s "$WORK/empty.db")-byte database"
"$BIN" --db "$WORK/empty.db" api POST /customers --data '{"leadId":"x","agentId":"a","firstName":"P","lastName":"L","email":"p@example.com"}' >/dev/null 2>&1 && ok || fail "a write to a 0-byte file failed"
[ "$(stat -c %a "$WORK/empty.db")" = 600 ] && ok || fail "the database made from a 0-byte file has mode $(stat -c %a "$WORK/empty.db"), not 600"

# RETENTION_STRICT_PERMISSIONS: usual true values; folder, -wal, -shm checked.
mkdir -m 700 "$WORK/strict"
DB="$WORK/strict/book.db"
"$BIN" --db "$DB" api POST /customers --data '{"leadId":"s","agentId":"a","firstName":"P","lastName":"L","email":"s@example.com"}' >/dev/null 2>&1
chmod 644 "$DB"
for v in 1 true TRUE yes On; do
  RETENTION_STRICT_PERMISSIONS=$v "$BIN" --db "$DB" api GET /customers >"$WORK/out" 2>&1
  grep -q unsafe_permissions "$WORK/out" && ok || fail "RETENTION_STRICT_PERMISSIONS=$v did not refuse a 0644 database"
done
RETENTION_STRICT_PERMISSIONS=0 "$BIN" --db "$DB" api GET /customers >/dev/null 2>&1 && ok || fail "RETENTION_STRICT_PERMISSIONS=0 refused"
chmod 600 "$DB"
RETENTION_STRICT_PERMISSIONS=yes "$BIN" --db "$DB" api GET /customers >/dev/null 2>&1 && ok || fail "strict refused a 0600 database in a 0700 folder"
chmod 777 "$WORK/strict"
RETENTION_STRICT_PERMISSIONS=yes "$BIN" --db "$DB" api GET /customers >"$WORK/out" 2>&1
grep -q "folder.*can be written by other users" "$WORK/out" && ok || fail "strict accepted a 0777 folder: $(cat "$WORK/out")"
chmod 1777 "$WORK/strict"
RETENTION_STRICT_PERMISSIONS=yes "$BIN" --db "$DB" api GET /customers >/dev/null 2>&1 && ok || fail "strict refused a sticky 1777 folder"
chmod 700 "$WORK/strict"
: > "$DB-wal"; chmod 666 "$DB-wal"
RETENTION_STRICT_PERMISSIONS=on "$BIN" --db "$DB" api GET /customers >"$WORK/out" 2>&1
grep -q "book.db-wal can be read or written" "$WORK/out" && ok || fail "strict accepted a 0666 -wal file: $(cat "$WORK/out")"
rm -f "$DB-wal"

# export-data: campaign enrolments with the control group, and every audit row about the person.
B2="$WORK/book.db"
"$BIN" demo --customers 300 --seed 7 --db "$B2" --no-open >/dev/null || { echo "demo failed"; exit 1; }
CTRL=$(sqlite3 "$B2" "SELECT c.uuid FROM campaign_enrollments e JOIN customers c ON c.id = e.customer_id WHERE e.is_control = 1 LIMIT 1")
if [ -n "$CTRL" ]; then
  "$BIN" --db "$B2" customer export-data "$CTRL" > "$WORK/export.json"
  grep -q '"controlGroup": *true' "$WORK/export.json" && ok || fail "export-data of a control-group member does not mention the campaign"
else fail "the demo book has no control-group member to test"; fi
ROW=$(sqlite3 "$B2" "SELECT c.uuid, c.id FROM customers c WHERE EXISTS (SELECT 1 FROM policies p WHERE p.customer_id = c.id) AND erased_at IS NULL LIMIT 1")
CID=${ROW%%|*}; CROW=${ROW##*|}
PID=$(sqlite3 "$B2" "SELECT uuid FROM policies WHERE customer_id = $CROW LIMIT 1")
"$BIN" --db "$B2" api POST /events --data "{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"note\":\"n\"}}" >/dev/null
"$BIN" --db "$B2" api PATCH "/policies/$PID" --data '{"underwriter":"U"}' >/dev/null 2>&1
want=$(sqlite3 "$B2" "SELECT count(*) FROM audit_log WHERE (entity_type = 'customer' AND entity_id = '$CID')
  OR (entity_type = 'policy' AND entity_id IN (SELECT uuid FROM policies WHERE customer_id = $CROW))
  OR (entity_type = 'event' AND entity_id IN (SELECT uuid FROM retention_events WHERE customer_id = $CROW))
  OR (entity_type = 'touchpoint' AND entity_id IN (SELECT uuid FROM touchpoints WHERE customer_id = $CROW))")
"$BIN" --db "$B2" customer export-data "$CID" > "$WORK/export.json"
got=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['auditTrail']))" "$WORK/export.json")
{ [ "$got" = "$want" ] && [ "$want" -ge 2 ]; } && ok || fail "export-data lists $got audit rows; the book has $want about the person"

# A renewal that would expire after 9999-12-31 is refused; the book's export re-imports.
"$BIN" --db "$B2" api POST /policies --data "{\"customerId\":\"$CID\",\"agentId\":\"a\",\"policyNumber\":\"FAR-1\",\"policyType\":\"life\",\"premium\":{\"amount\":100,\"frequency\":\"annual\",\"currency\":\"USD\"},\"coverage\":{\"type\":\"term\",\"amount\":50000,\"deductible\":0},\"effectiveDate\":\"2020-01-01\",\"expirationDate\":\"9999-12-31\"}" --compact >"$WORK/out" 2>&1
FAR=$(sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p' "$WORK/out")
if [ -n "$FAR" ]; then
  "$BIN" --db "$B2" api POST "/policies/$FAR/renew" --compact >"$WORK/out" 2>&1
  grep -q date_out_of_range "$WORK/out" && ok || fail "a renewal past 9999-12-31 was not refused: $(cat "$WORK/out")"
  "$BIN" --db "$B2" export policies > "$WORK/pol.csv"
  grep -q '1[0-9][0-9][0-9][0-9]-' "$WORK/pol.csv" && fail "the export holds a date past 9999" || ok
else fail "cannot create the far policy: $(cat "$WORK/out")"; fi

# Size limits (README): metadata 64 KiB, template body 100,000 bytes, subject one line.
big=$(head -c 70000 /dev/zero | tr '\0' a)
"$BIN" --db "$B2" api PATCH "/customers/$CID" --data "{\"metadata\":{\"x\":\"${big:0:9000}\",\"y\":[$(printf '"%s",' $(seq 1 8) | sed 's/,$//')]}}" >/dev/null 2>&1 && ok || fail "a small metadata object was refused"
printf '{"metadata":{' > "$WORK/meta.json"; for i in $(seq 1 8); do printf '"k%d":"%s",' "$i" "${big:0:9000}" >> "$WORK/meta.json"; done; printf '"end":1}}' >> "$WORK/meta.json"
"$BIN" --db "$B2" api PATCH "/customers/$CID" --data @"$WORK/meta.json" >"$WORK/out" 2>&1
grep -q "65536 bytes" "$WORK/out" && ok || fail "72 KB of metadata was not refused: $(head -c 300 "$WORK/out")"
printf '%s' "$big$big" > "$WORK/big.txt"
"$BIN" --db "$B2" template set big email --subject Hi --body-file "$WORK/big.txt" >"$WORK/out" 2>&1; rc=$?
{ [ "$rc" != 0 ] && grep -q "100000 bytes" "$WORK/out"; } && ok || fail "a 140 KB template was not refused: exit $rc $(head -c 300 "$WORK/out")"
printf 'Hello\n' > "$WORK/small.txt"
"$BIN" --db "$B2" template set crlf email --subject "$(printf 'Hi\r\nBcc: x@example.com')" --body-file "$WORK/small.txt" >"$WORK/out" 2>&1; rc=$?
[ "$rc" != 0 ] && ok || fail "a subject with CR/LF was accepted"
[ "$(sqlite3 "$B2" 'PRAGMA integrity_check')" = ok ] && ok || fail "integrity at the end"

echo "trust-faults-misc: $passed passed, $failed failed"
[ "$failed" = 0 ]
