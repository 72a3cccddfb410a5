#!/usr/bin/env bash
# `retention import … --sync` against the real binary: the README's agency example (Tests/EndToEnd/agency-sync) end to
# end through its map files (the dry run's diff, the sync, the same file again writing nothing, the next day's
# renewal and lapse); a forbidden transition refused by line with nothing written; a bad map file (exit 64);
# --full's report; and SIGKILLs in the middle of a sync of every policy of a 3,000-customer book: each leaves the
# book whole (integrity_check ok) and the sync all or nothing (every premium changed with its event and the
# audit row, or none).
# Usage: Tests/EndToEnd/sync.sh PATH/TO/retention
set -u
BIN=${1:?usage: sync.sh PATH/TO/retention}
HERE=$(cd "$(dirname "$0")" && pwd)
EX="$HERE/agency-sync"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=sync RETENTION_TODAY=2026-06-15
passed=0 failed=0
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi; }
same() { if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; echo "  expected: $3"; echo "  got:      $2"; fi; }
q() { sqlite3 "$1" "$2" 2>&1; }
DB="$WORK/agency.db"
R() { "$BIN" --db "$DB" "$@"; }

# The README's worked example, exactly as it is written there.
R import customers "$EX/clients.csv" --sync --map "$EX/customers.map" >"$WORK/out" 2>&1
same "the clients sync" "$(head -1 "$WORK/out")" "$EX/clients.csv: 3 customers rows: 3 new, 0 changed, 0 unchanged"
R import policies "$EX/policies.csv" --sync --map "$EX/policies.map" --dry-run >"$WORK/out" 2>&1
same "the policies' dry run: all new" "$(head -1 "$WORK/out")" "$EX/policies.csv: 4 policies rows: 4 new, 0 changed, 0 unchanged (dry run)"
same "a dry run writes nothing" "$(q "$DB" 'SELECT count(*) FROM policies')" "0"
check "the policies sync" R import policies "$EX/policies.csv" --sync --map "$EX/policies.map"
same "the book holds the mapped policies" "$(q "$DB" "SELECT group_concat(policy_number || ' ' || policy_type || ' ' || status || ' ' || annual_premium_cents || ' ' || date(effective_date, 'unixepoch'), '; ') FROM (SELECT * FROM policies ORDER BY policy_number)")" \
  "P-1001 auto active 124000 2023-03-01; P-1002 home active 98000 2023-07-15; P-1003 auto cancelled 61000 2023-05-01; P-1004 umbrella active 35000 2023-09-01"
audit=$(q "$DB" 'SELECT count(*) FROM audit_log')
R import policies "$EX/policies.csv" --sync --map "$EX/policies.map" >"$WORK/out" 2>&1
same "the same file again: nothing to do" "$(head -1 "$WORK/out")" "$EX/policies.csv: 4 policies rows: 0 new, 0 changed, 4 unchanged"
check "and it says so" grep -q "already in sync, nothing written" "$WORK/out"
same "not even an audit row" "$(q "$DB" 'SELECT count(*) FROM audit_log')" "$audit"
R import policies "$EX/policies-next-day.csv" --sync --map "$EX/policies.map" --dry-run >"$WORK/out" 2>&1
same "the next day's diff" "$(sed -n 1,3p "$WORK/out")" "$EX/policies-next-day.csv: 4 policies rows: 0 new, 2 changed, 2 unchanged (dry run)
  changed fields: effectiveDate 1, expirationDate 1, premiumAmount 1, status 1, endedAt 1, lastRenewalDate 1, renewalCount 1
  events to record: policy_lapsed 1, policy_renewed 1"
check "the next day's sync" R import policies "$EX/policies-next-day.csv" --sync --map "$EX/policies.map"
same "P-1001 renewed at \$1,310, P-1002 lapsed" "$(q "$DB" "SELECT group_concat(policy_number || ' ' || status || ' ' || annual_premium_cents || ' ' || renewal_count, '; ') FROM (SELECT * FROM policies WHERE policy_number IN ('P-1001', 'P-1002') ORDER BY policy_number)")" \
  "P-1001 active 131000 1; P-1002 lapsed 98000 0"
same "the renewal's premium change is recorded" "$(q "$DB" "SELECT renewal || ' ' || premium_before_cents || ' ' || premium_after_cents FROM premium_changes")" "1 124000.0 131000.0"
same "the lapse's event and Bob's churn" "$(q "$DB" "SELECT group_concat(event_type, ' ') FROM (SELECT event_type FROM retention_events ORDER BY id)")" "policy_renewed policy_lapsed customer_churned"

# A forbidden transition: P-1003 is cancelled, which is final. Nothing of the file is written.
before=$(q "$DB" "SELECT (SELECT count(*) FROM retention_events) || '/' || (SELECT count(*) FROM audit_log) || '/' || (SELECT sum(version) FROM policies)")
sed -e 's/^P-1003\(.*\),C$/P-1003\1,A/' -e 's/^P-1004\(.*\),350.00,/P-1004\1,400.00,/' "$EX/policies-next-day.csv" > "$WORK/forbidden.csv"
R import policies "$WORK/forbidden.csv" --sync --map "$EX/policies.map" >"$WORK/out" 2>&1; code=$?
same "a forbidden transition exits 65" "$code" "65"
check "naming line, column and reason" grep -qF "$WORK/forbidden.csv: line 4, column status: A cancelled policy cannot become active; allowed: none (it is final)." "$WORK/out"
same "and nothing is written (not P-1004's re-rate either)" "$(q "$DB" "SELECT (SELECT count(*) FROM retention_events) || '/' || (SELECT count(*) FROM audit_log) || '/' || (SELECT sum(version) FROM policies)")" "$before"

# A bad map file: exit 64, its line named.
printf 'rename Policy Number -> policyNumber\nrenmae Status -> status\n' > "$WORK/bad.map"
R import policies "$EX/policies.csv" --sync --map "$WORK/bad.map" >"$WORK/out" 2>&1; code=$?
same "a bad map exits 64" "$code" "64"
check "naming its line" grep -qF "bad.map: line 2: unknown directive \"renmae\"" "$WORK/out"

# --full: the book's policies the file lacks are reported, and left alone.
head -3 "$EX/policies.csv" > "$WORK/part.csv"
R import policies "$WORK/part.csv" --sync --full --map "$EX/policies.map" >"$WORK/out" 2>&1
check "--full reports the absent policies" grep -qF "not in the file (--full; left as they are): 2 policies, first: P-1003, P-1004" "$WORK/out"
same "and keeps them" "$(q "$DB" 'SELECT count(*) FROM policies')" "4"

# SIGKILL in the middle of a large sync: every in-force policy of a demo book re-rated (its premium doubled).
BIG="$WORK/big.db"
"$BIN" demo --customers 3000 --seed 4 --db "$BIG" --no-open >/dev/null || { echo "demo failed"; exit 1; }
# A book exported and synced back is unchanged, snoozes included: a snooze date for a customer west of UTC ends at
# that day's start where they are (07:00 UTC in Denver), and the file's date for it compares as that same instant.
cp "$BIG" "$WORK/snooze.db"
WEST=$(q "$WORK/snooze.db" "SELECT uuid FROM customers WHERE time_zone IN ('America/Denver', 'America/Chicago', 'America/Los_Angeles', 'America/New_York') AND erased_at IS NULL LIMIT 1")
"$BIN" --db "$WORK/snooze.db" api POST "/customers/$WEST/snooze" --data '{"until":"2026-07-01"}' >/dev/null
check "a west-of-UTC snooze date ends at its local start" test "$(q "$WORK/snooze.db" "SELECT snoozed_until % 86400 > 0 FROM customers WHERE uuid = '$WEST'")" = 1
"$BIN" --db "$WORK/snooze.db" export customers >"$WORK/snooze.csv"
out=$("$BIN" --db "$WORK/snooze.db" import customers "$WORK/snooze.csv" --sync --dry-run 2>&1)
check "an exported book synced back is unchanged, snoozes included: $out" grep -q "0 new, 0 changed, 3000 unchanged" <<<"$out"
# Another cell of that customer edited: only that field changes, not the snooze (both sides compare by its date).
python3 - "$WORK/snooze.csv" "$WEST" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
city = rows[0].index('city')
for r in rows[1:]:
    if r[0] == sys.argv[2]: r[city] = 'Elsewhere'
csv.writer(open(sys.argv[1], 'w', newline='')).writerows(rows)
PY
out=$("$BIN" --db "$WORK/snooze.db" import customers "$WORK/snooze.csv" --sync --dry-run 2>&1)
check "only the edited cell changes, not the snooze: $out" bash -c 'grep -q "1 changed" <<<"$1" && grep -q "city 1" <<<"$1" && ! grep -q snoozedUntil <<<"$1"' _ "$out"
{ echo "policyNumber,premiumAmount"
  sqlite3 -csv "$BIG" "SELECT p.policy_number, printf('%.2f', p.premium_cents * 2 / 100.0) FROM policies p JOIN customers c ON c.id = p.customer_id WHERE c.erased_at IS NULL AND p.status IN ('active', 'pending_renewal')"
} > "$WORK/rerate.csv"
rows=$(( $(wc -l < "$WORK/rerate.csv") - 1 ))
sqlite3 "$BIG" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
state() { q "$1" "SELECT (SELECT count(*) FROM premium_changes) || '/' || (SELECT count(*) FROM audit_log WHERE action = 'import.sync.policies') || '/' || (SELECT sum(premium_cents) FROM policies)"; }
cp "$BIG" "$WORK/full.db"
start=$(date +%s%3N)
"$BIN" --db "$WORK/full.db" import policies "$WORK/rerate.csv" --sync >/dev/null 2>&1 || { echo "FAIL: the large sync does not complete"; failed=$((failed + 1)); }
ms=$(( $(date +%s%3N) - start ))
BEFORE=$(state "$BIG") AFTER=$(state "$WORK/full.db")
[ "$BEFORE" != "$AFTER" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: the large sync changed nothing ($BEFORE)"; }
same "the large sync re-rated every row once" "$(q "$WORK/full.db" "SELECT count(*) FROM retention_events WHERE event_type = 'coverage_changed'") " "$(( $(q "$BIG" "SELECT count(*) FROM retention_events WHERE event_type = 'coverage_changed'") + rows )) "
killed_mid=0 killed_writing=0
for fraction in 15 35 55 75 95; do
  cp "$BIG" "$WORK/kill.db"; rm -f "$WORK/kill.db-wal" "$WORK/kill.db-shm"
  "$BIN" --db "$WORK/kill.db" import policies "$WORK/rerate.csv" --sync >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v ms="$ms" -v f="$fraction" 'BEGIN { printf "%.3f", ms * f / 100000 }')"
  kill -9 "$pid" 2>/dev/null && killed_mid=$((killed_mid + 1))
  wait "$pid" 2>/dev/null
  # Pages in the log while the sync had not committed: the kill came while it wrote (informational).
  [ -s "$WORK/kill.db-wal" ] && wal=1 || wal=0
  same "kill at $fraction%: the book is whole" "$(q "$WORK/kill.db" 'PRAGMA integrity_check')" "ok"
  got=$(state "$WORK/kill.db")
  [ "$wal" = 1 ] && [ "$got" = "$BEFORE" ] && killed_writing=$((killed_writing + 1))
  if [ "$got" = "$BEFORE" ] || [ "$got" = "$AFTER" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: kill at $fraction% left a half-applied sync: $got (before $BEFORE, after $AFTER)"; fi
  check "kill at $fraction%: the sync runs again to the end" "$BIN" --db "$WORK/kill.db" import policies "$WORK/rerate.csv" --sync
  same "kill at $fraction%: and then the book is as if it had run once" "$(state "$WORK/kill.db")" "$AFTER"
done
[ "$killed_mid" -gt 0 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: no kill landed while the sync ran ($ms ms)"; }

echo "sync.sh: $passed passed, $failed failed ($rows policies re-rated in $ms ms; $killed_mid kills landed mid-sync, $killed_writing of them with the changes half-written in the log)"
[ "$failed" -eq 0 ]
