#!/usr/bin/env bash
# Erase is done when it says so: after `customer erase` reports "erased" (exit 0), no raw byte of the
# database, its -wal or its -shm file, nor any message file the product wrote (Maildir new/, cur/, tmp/,
# outbox files and their .tmp), holds the person's name or e-mail. While a reader holds an older snapshot,
# the erase waits, then says clearly that it is pending (exit 75) and the next open finishes it.
# Usage: Tests/EndToEnd/trust-faults-erase.sh PATH/TO/retention
set -u
BIN=${1:?usage: trust-faults-erase.sh PATH/TO/retention}
WORK=$(mktemp -d)
READER=""
trap '[ -n "$READER" ] && kill $READER 2>/dev/null; rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=trust RETENTION_TODAY=2026-06-15
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
DB="$WORK/book.db"
"$BIN" demo --customers 400 --seed 5 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
"$BIN" --db "$DB" channel set email maildir "$WORK/Maildir" >/dev/null
"$BIN" --db "$DB" channel set sms outbox "$WORK/outbox" >/dev/null
"$BIN" --db "$DB" dispatch --once >/dev/null 2>&1
# Customers with a message: the e-mail (from `customers`) and the family name are the markers looked for.
pick() { sqlite3 -separator ' ' "$DB" "SELECT uuid, email, last_name, (SELECT uuid FROM touchpoints t WHERE t.customer_id = c.id ORDER BY t.id LIMIT 1)
  FROM customers c WHERE erased_at IS NULL AND EXISTS (SELECT 1 FROM touchpoints t WHERE t.customer_id = c.id) AND length(last_name) > 5 ORDER BY id LIMIT 1 OFFSET $1"; }
# Bytes of every file that may hold a copy: the database and its logs, every message file.
copies() { local n=0 f; for f in "$DB" "$DB-wal" "$DB-shm"; do [ -e "$f" ] && n=$((n + $(grep -c -a -F "$1" "$f"))); done
  n=$((n + $(grep -r -l -a -F "$1" "$WORK/Maildir" "$WORK/outbox" 2>/dev/null | wc -l))); echo "$n"; }

# 1. No other connection: erased, and no copy anywhere, including staged files a killed dispatcher left.
read -r CID EMAIL LAST TP < <(pick 0)
[ "$(copies "$EMAIL")" -gt 0 ] && ok || fail "the marker $EMAIL is not in the files before the erase (the test would prove nothing)"
mkdir -p "$WORK/Maildir/tmp" "$WORK/outbox"
printf 'To: %s\n\nstaged\n' "$EMAIL" > "$WORK/Maildir/tmp/$TP.retention"
printf '{"to":"%s"}' "$EMAIL" > "$WORK/outbox/.$TP.json.tmp"
"$BIN" --db "$DB" customer erase "$CID" --confirm >"$WORK/out" 2>&1; rc=$?
[ "$rc" = 0 ] && ok || fail "erase with no reader: exit $rc: $(cat "$WORK/out")"
[ "$(copies "$EMAIL")" = 0 ] && ok || fail "after a reported erase, $EMAIL is still in $(copies "$EMAIL") place(s)"
[ "$(copies "$LAST")" = 0 ] || [ "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE last_name = '$LAST'")" != 0 ] && ok || fail "after a reported erase, $LAST is still in the files"
[ -e "$WORK/Maildir/tmp/$TP.retention" ] && fail "the staged Maildir tmp/ message survived the erase" || ok
[ -e "$WORK/outbox/.$TP.json.tmp" ] && fail "the staged outbox .tmp message survived the erase" || ok

# 2. A reader holds an older snapshot for longer than the erase waits: not "erased" while a copy remains.
read -r CID EMAIL LAST TP < <(pick 0)
( echo "BEGIN; SELECT count(*) FROM customers;"; sleep 8; echo "COMMIT;" ) | sqlite3 "$DB" >/dev/null & READER=$!
sleep 0.5
RETENTION_LOCK_WAIT_SECONDS=2 "$BIN" --db "$DB" customer erase "$CID" --confirm >"$WORK/out" 2>"$WORK/err"; rc=$?
n=$(copies "$EMAIL")
if [ "$rc" = 0 ]; then
  [ "$n" = 0 ] && ok || fail "erase reported success (exit 0) while $EMAIL is still in $n place(s)"
else
  [ "$rc" = 75 ] && ok || fail "erase under a reader: exit $rc, wanted 0 (clean) or 75 (pending): $(cat "$WORK/err")"
  grep -q "pending" "$WORK/err" && grep -q "sqlite3" "$WORK/err" && ok || fail "the pending erase does not say so and name the reader: $(cat "$WORK/err")"
  grep -q "Customer .* erased\." "$WORK/out" && fail "a pending erase printed 'erased.'" || ok
  [ "$(sqlite3 "$DB" "SELECT count(*) FROM settings WHERE key = 'privacy.pending_erasures'")" = 1 ] && ok || fail "no pending-erasure record"
fi
grep -q "waiting for process" "$WORK/err" && ok || fail "the erase did not say what it waits for: $(cat "$WORK/err")"
wait $READER; READER=""
# The next open (any command) finishes it.
"$BIN" --db "$DB" api GET '/customers?limit=1' >/dev/null 2>&1
[ "$(copies "$EMAIL")" = 0 ] && ok || fail "after the reader closed and the book was opened again, $EMAIL is still in $(copies "$EMAIL") place(s)"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM settings WHERE key = 'privacy.pending_erasures'")" = 0 ] && ok || fail "the pending-erasure record stays after it was finished"
"$BIN" --db "$DB" customer erase-pending >/dev/null && ok || fail "erase-pending says an erasure is still pending"

# 3. A reader shorter than the wait: the erase waits for it and finishes, exit 0, no copy.
read -r CID EMAIL LAST TP < <(pick 0)
( echo "BEGIN; SELECT count(*) FROM customers;"; sleep 2; echo "COMMIT;" ) | sqlite3 "$DB" >/dev/null & READER=$!
sleep 0.3
RETENTION_LOCK_WAIT_SECONDS=20 "$BIN" --db "$DB" customer erase "$CID" --confirm >"$WORK/out" 2>"$WORK/err"; rc=$?
wait $READER; READER=""
[ "$rc" = 0 ] && ok || fail "erase that waited for a short reader: exit $rc: $(cat "$WORK/err")"
[ "$(copies "$EMAIL")" = 0 ] && ok || fail "erase waited for a short reader, but $EMAIL is still in $(copies "$EMAIL") place(s)"

# 4. The API route says whether the erasure is complete.
read -r CID EMAIL LAST TP < <(pick 0)
"$BIN" --db "$DB" api POST "/customers/$CID/erase" --data '{"confirm":true}' --compact >"$WORK/out" 2>&1
grep -q '"complete":true' "$WORK/out" && ok || fail "API erase: $(cat "$WORK/out")"
[ "$(copies "$EMAIL")" = 0 ] && ok || fail "API erase left $EMAIL in $(copies "$EMAIL") place(s)"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity at the end"

echo "trust-faults-erase: $passed passed, $failed failed"
[ "$failed" = 0 ]
