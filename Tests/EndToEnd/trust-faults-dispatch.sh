#!/usr/bin/env bash
# Dispatch under faults: SIGKILL the dispatcher at random moments over a Maildir channel, then check that
# nothing is duplicated, stranded or lost; and two dispatchers at once respect the frequency cap.
# Usage: Tests/EndToEnd/trust-faults-dispatch.sh PATH/TO/retention      (KILLS=200 for a long run; default 8)
set -u
BIN=${1:?usage: trust-faults-dispatch.sh PATH/TO/retention}
KILLS=${KILLS:-8}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=trust
# A fixed clock (no faketime: Foundation's Process hangs under libfaketime). Each generation of sends moves
# it 8 days on, past the 7-day frequency cap of the one before.
DAY0=2026-06-15
day() { date -u -d "$DAY0 + $((8 * $1)) days" +%F; }
export RETENTION_TODAY=$DAY0
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
DB="$WORK/book.db" M="$WORK/Maildir" O="$WORK/outbox"
"$BIN" demo --customers 2000 --seed 4 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
"$BIN" --db "$DB" channel set email maildir "$M" >/dev/null
for c in sms call notification mail; do "$BIN" --db "$DB" channel set $c outbox "$O" >/dev/null; done
printf '{"name":"Faults","type":"engagement","controlGroupPercent":0,"touchpoints":[{"type":"email","template":"renewal_reminder","delay":0}]}' > "$WORK/campaign.json"

# One generation: a campaign enrolling the book, its e-mails all due now.
generation=0
new_generation() {
  export RETENTION_TODAY=$(day $generation)
  local id
  id=$("$BIN" --db "$DB" api POST /campaigns --data @"$WORK/campaign.json" --compact | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
  "$BIN" --db "$DB" campaign activate "$id" >/dev/null || fail "activate generation $generation"
  generation=$((generation + 1))
}
due() { sqlite3 "$DB" "SELECT count(*) FROM touchpoints t JOIN campaigns k ON k.id = t.campaign_id WHERE k.name = 'Faults' AND t.status IN ('pending', 'sending')"; }
# Every delivered file, by inode: a message delivered twice would be a new file (a new inode) under its name.
inodes() { find "$M/new" "$M/cur" -type f -printf '%f %i\n' 2>/dev/null | sort; }

new_generation
: > "$WORK/inodes.before"
kills=0 runs=0
while [ $kills -lt "$KILLS" ]; do
  [ "$(due)" = "0" ] && new_generation
  "$BIN" --db "$DB" dispatch --once --limit 100000 >/dev/null 2>"$WORK/dispatch.err" & pid=$!
  # 10 ms to 0.7 s (a whole pass takes about 1 s on 2,000 customers): before, during and after a claim, the staging, the
  # renames and the commits.
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", 0.01 + (r % 690) / 1000 }')"
  if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
  wait $pid 2>/dev/null; runs=$((runs + 1))
  [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity after kill $kills"
  inodes > "$WORK/inodes.after"
  changed=$(join "$WORK/inodes.before" "$WORK/inodes.after" | awk '$2 != $3' | wc -l)
  [ "$changed" = "0" ] && ok || fail "after kill $kills, $changed delivered messages were written again"
  mv "$WORK/inodes.after" "$WORK/inodes.before"
done
# One clean pass recovers what the last kill left and sends the rest.
"$BIN" --db "$DB" dispatch --once --limit 100000 > "$WORK/last.out" 2>&1 || fail "the dispatch after the kills: $(cat "$WORK/last.out")"
inodes > "$WORK/inodes.after"
changed=$(join "$WORK/inodes.before" "$WORK/inodes.after" | awk '$2 != $3' | wc -l)
[ "$changed" = "0" ] && ok || fail "the last pass wrote $changed delivered messages again"

[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity at the end"
left=$(sqlite3 "$DB" "SELECT count(*) FROM touchpoints WHERE status = 'sending'")
[ "$left" = "0" ] && ok || fail "$left touchpoints left in sending"
stranded=$(sqlite3 "$DB" "SELECT count(*) FROM touchpoints t JOIN campaigns k ON k.id = t.campaign_id WHERE k.name = 'Faults' AND t.status IN ('failed', 'needs_review', 'pending') AND t.due_at <= strftime('%s', '$RETENTION_TODAY 12:00:00')")
[ "$stranded" = "0" ] && ok || fail "$stranded touchpoints stranded (failed, needs_review or still due)"
# The files in the Maildir are exactly the e-mails recorded as sent: none duplicated, none unrecorded, none missing.
sqlite3 "$DB" "SELECT t.uuid || '.retention' FROM touchpoints t JOIN campaigns k ON k.id = t.campaign_id WHERE k.name = 'Faults' AND t.sent_at IS NOT NULL ORDER BY 1" > "$WORK/sent.list"
ls "$M/new" | sort > "$WORK/files.list"
if cmp -s "$WORK/sent.list" "$WORK/files.list"; then ok; else
  fail "Maildir files ($(wc -l < "$WORK/files.list")) differ from touchpoints sent ($(wc -l < "$WORK/sent.list")): $(diff "$WORK/sent.list" "$WORK/files.list" | head -3 | tr '\n' ' ')"
fi
[ -z "$(ls -A "$M/tmp")" ] && ok || fail "staged messages left in Maildir/tmp: $(ls "$M/tmp" | wc -l)"
sent=$(wc -l < "$WORK/sent.list")
recovered=$(sqlite3 "$DB" "SELECT coalesce(sum(json_extract(details, '$.sent')), 0) || ' delivered before the kill (recorded sent), ' || coalesce(sum(json_extract(details, '$.pending')), 0) || ' never handed over (due again)' FROM audit_log WHERE action = 'dispatch.recover'")
echo "dispatch under SIGKILL: $kills kills in $runs runs over $generation generations, $sent e-mails, each delivered once; recovered: $recovered"

# The frequency cap (3 touches per customer in 7 days) with two dispatchers at once: 10 customers, 6 e-mails
# each due now, sent through a slow program so both dispatchers have sends in flight together.
export RETENTION_TODAY=$DAY0
CAP="$WORK/cap.db"
printf 'leadId,agentId,firstName,lastName,email\n' > "$WORK/cap.csv"
for i in $(seq 1 10); do printf 'cap-%d,agent-1,Pat,Lee %d,p%d@example.com\n' $i $i $i >> "$WORK/cap.csv"; done
"$BIN" --db "$CAP" import customers "$WORK/cap.csv" >/dev/null || fail "import the cap book"
for id in $("$BIN" --db "$CAP" api GET '/customers?limit=10' --compact | grep -o '"id":"[^"]*"' | cut -d'"' -f4); do
  "$BIN" --db "$CAP" api POST /policies --compact --data "{\"customerId\":\"$id\",\"agentId\":\"agent-1\",\"policyNumber\":\"P-$id\",\"policyType\":\"auto\",\"premium\":{\"amount\":1500,\"frequency\":\"annual\"},\"coverage\":{\"type\":\"std\",\"amount\":50000},\"effectiveDate\":\"2026-01-01\",\"expirationDate\":\"2027-01-01\"}" >/dev/null
done
step='{"type":"email","template":"renewal_reminder","delay":0}'
printf '{"name":"Cap","type":"engagement","controlGroupPercent":0,"touchpoints":[%s,%s,%s,%s,%s,%s]}' "$step" "$step" "$step" "$step" "$step" "$step" > "$WORK/cap.json"
cid=$("$BIN" --db "$CAP" api POST /campaigns --data @"$WORK/cap.json" --compact | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
"$BIN" --db "$CAP" campaign activate "$cid" >/dev/null || fail "activate the cap campaign"
"$BIN" --db "$CAP" channel set email command "cat >> '$WORK/cap.log'; echo >> '$WORK/cap.log'; sleep 0.05" >/dev/null
for d in 1 2; do
  ( for n in $(seq 1 60); do
      out=$("$BIN" --db "$CAP" dispatch --once --limit 1 2>>"$WORK/cap$d.err")
      case "$out" in *"sent 0, deferred 0, skipped 0, retrying 0, failed 0"*) break ;; esac
    done ) &
done
wait
per=$(sqlite3 "$CAP" "SELECT group_concat(n) FROM (SELECT count(*) AS n FROM touchpoints WHERE status = 'sent' GROUP BY customer_id)")
[ "$per" = "3,3,3,3,3,3,3,3,3,3" ] && ok || fail "two dispatchers: touches sent per customer should be 3 each (the cap), got $per"
# (Two programs may append at once, so messages are counted by their opening, not by line.)
messages=$(grep -o '{"id":"[^"]*"' "$WORK/cap.log" | wc -l)
distinct=$(grep -o '{"id":"[^"]*"' "$WORK/cap.log" | sort -u | wc -l)
[ "$messages" = "30" ] && [ "$distinct" = "30" ] && ok || fail "two dispatchers handed $messages messages ($distinct distinct) to the program, expected 30"
[ ! -s "$WORK/cap1.err" ] && [ ! -s "$WORK/cap2.err" ] && ok || fail "a dispatcher reported an error: $(cat "$WORK"/cap*.err | head -2)"

# dispatch --watch while another process holds the write lock longer than the watcher waits for a lock
# (RETENTION_LOCK_WAIT_SECONDS=2 here; 10 minutes by default): it says it is waiting, on stderr, and carries on
# once the lock is released (it used to exit 74).
{ echo "BEGIN IMMEDIATE; UPDATE settings SET value = value WHERE key = 'channel.email';"; sleep 6; echo "COMMIT;"; } | sqlite3 "$CAP" &
locker=$!
sleep 0.5
RETENTION_LOCK_WAIT_SECONDS=2 "$BIN" --db "$CAP" dispatch --watch --interval 1 > "$WORK/watch.out" 2> "$WORK/watch.err" & watcher=$!
wait $locker
sleep 2.5
if kill -0 $watcher 2>/dev/null; then ok; else fail "dispatch --watch stopped while the database was busy: $(cat "$WORK/watch.err")"; fi
kill $watcher 2>/dev/null; wait $watcher 2>/dev/null
grep -q "waiting for the database" "$WORK/watch.err" && ok || fail "dispatch --watch did not say it was waiting: $(cat "$WORK/watch.err")"
grep -q "sent 0, deferred" "$WORK/watch.out" && ok || fail "dispatch --watch made no pass after the lock was released: $(cat "$WORK/watch.out")"

echo "trust-faults-dispatch: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
