#!/usr/bin/env bash
# SIGKILL at random points of every long job: import (customers, policies; customers into a book that does not
# exist yet, which must leave no book), rescore, rescore --changed (12,000 never-scored customers: three commits), campaign activate, a demo built into a new file, dispatch to a Maildir, simulate. Each run starts on a fresh copy of a small prepared
# book; the kill comes after a random delay spread over the job's own run time (measured first, by running the
# job once to completion, which also gives its complete "after" counts). After each kill: PRAGMA integrity_check
# is ok; the job's rows are all or nothing (the counts are the before counts or the complete after counts);
# nothing is stranded (no touchpoint left `sending` after the next dispatch pass, no staged message, no demo
# build left beside its file); the book opens and the next run of the job completes.
# Usage: Tests/EndToEnd/trust-faults-kills.sh PATH/TO/retention      (KILLS=200 for a full run; default 21)
set -u
BIN=${1:?usage: trust-faults-kills.sh PATH/TO/retention}
KILLS=${KILLS:-21}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=trust RETENTION_TODAY=2026-06-15
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
q() { sqlite3 "$1" "$2" 2>&1; }
BASE="$WORK/base.db" RUN="$WORK/run" DB="$WORK/run/book.db"
NOON=$(date -u -d "$RETENTION_TODAY 12:00:00" +%s)

# The prepared book: 1,000 customers; a draft campaign to activate; an active one whose e-mails are all due
# now; every channel writing under $RUN (a Maildir for e-mail); files of new customers and new policies.
"$BIN" demo --customers 1000 --seed 5 --db "$BASE" --no-open >/dev/null || { echo "demo failed"; exit 1; }
"$BIN" --db "$BASE" channel set email maildir "$RUN/Maildir" >/dev/null
# Every rescore adds a history row for every customer (the book was scored at this same clock, so by the
# materiality rule it would add none, and the rescore's rows would have nothing to count).
"$BIN" --db "$BASE" config set history.maxIntervalDays 0 >/dev/null
for c in sms call notification mail; do "$BIN" --db "$BASE" channel set $c outbox "$RUN/outbox" >/dev/null; done
campaign() {
  "$BIN" --db "$BASE" api POST /campaigns --compact --data "{\"name\":\"$1\",\"type\":\"engagement\",\"controlGroupPercent\":0,\"touchpoints\":[{\"type\":\"email\",\"template\":\"renewal_reminder\",\"delay\":0},{\"type\":\"email\",\"template\":\"engagement\",\"delay\":30}]}" |
    sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p'
}
KILLS_CAMPAIGN=$(campaign Kills)
DUE_CAMPAIGN=$(campaign Due)
"$BIN" --db "$BASE" campaign activate "$DUE_CAMPAIGN" >/dev/null || { echo "activating the Due campaign failed"; exit 1; }
awk 'BEGIN { print "leadId,agentId,firstName,lastName,email"; for (i = 1; i <= 4000; i++) printf "kill-%d,agent-%d,Pat,Lee %d,k%d@example.com\n", i, i % 7, i, i }' > "$WORK/customers.csv"
sqlite3 -csv "$BASE" "SELECT uuid FROM customers WHERE erased_at IS NULL" |
  awk 'BEGIN { print "customerId,policyNumber,policyType,premiumAmount,premiumFrequency,coverageType,coverageAmount,effectiveDate,expirationDate" }
       { for (k = 1; k <= 3; k++) printf "%s,KILL-%d-%d,auto,50,monthly,full,10000,2026-01-01,2027-01-01\n", $1, NR, k }' > "$WORK/policies.csv"
sqlite3 "$BASE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
# For `rescore --changed`: the book with 12,000 new customers, never scored, so all changed: three commits of
# `changedCommitCustomers` (5,000), so that a kill can land between them.
BASE_CHANGED="$WORK/base-changed.db"
cp "$BASE" "$BASE_CHANGED"
awk 'BEGIN { print "leadId,agentId,firstName,lastName,email"; for (i = 1; i <= 12000; i++) printf "changed-%d,agent-%d,Pat,Lee %d,c%d@example.com\n", i, i % 7, i, i }' > "$WORK/changed.csv"
"$BIN" --db "$BASE_CHANGED" import customers "$WORK/changed.csv" >/dev/null || { echo "preparing the changed book failed"; exit 1; }
sqlite3 "$BASE_CHANGED" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

JOBS="import-customers import-new import-policies rescore rescore-changed activate demo dispatch simulate"
# job JOB: the job's command on the fresh copy ($DB), or a new file ($RUN/new.db) for the demo; it execs, so
# that a kill reaches Retention itself: call it in a subshell, `( job X )` or `job X &`.
job() {
  case $1 in
    import-customers) exec "$BIN" --db "$DB" import customers "$WORK/customers.csv" ;;
    import-new) exec "$BIN" --db "$RUN/loaded.db" import customers "$WORK/customers.csv" ;;
    import-policies) exec "$BIN" --db "$DB" import policies "$WORK/policies.csv" ;;
    rescore) exec "$BIN" --db "$DB" rescore ;;
    rescore-changed) exec "$BIN" --db "$DB" rescore --changed ;;
    activate) exec "$BIN" --db "$DB" campaign activate "$KILLS_CAMPAIGN" ;;
    demo) exec "$BIN" demo --customers 1500 --seed 7 --db "$RUN/new.db" --no-open ;;
    dispatch) exec "$BIN" --db "$DB" dispatch --once --limit 100000 ;;
    simulate) exec "$BIN" --db "$DB" simulate --count 300 --rate 1000 --seed 9 ;;
  esac
}
# counts JOB: the rows the job writes, as one string.
counts() {
  case $1 in
    import-customers) q "$DB" "SELECT count(*) FROM customers" ;;
    import-new) if [ -e "$RUN/loaded.db" ]; then q "$RUN/loaded.db" "SELECT count(*) FROM customers"; else echo absent; fi ;;
    import-policies) q "$DB" "SELECT (SELECT count(*) FROM policies) || '/' || (SELECT sum(total_policies) FROM customers)" ;;
    rescore|rescore-changed) q "$DB" "SELECT count(*) FROM health_scores" ;;
    activate) q "$DB" "SELECT status || '/' || (SELECT count(*) FROM campaign_enrollments e WHERE e.campaign_id = c.id) || '/' || (SELECT count(*) FROM touchpoints t WHERE t.campaign_id = c.id) FROM campaigns c WHERE uuid = '$KILLS_CAMPAIGN'" ;;
    demo) if [ -e "$RUN/new.db" ]; then q "$RUN/new.db" "SELECT count(*) FROM customers"; else echo absent; fi ;;
    dispatch) q "$DB" "SELECT count(*) FROM touchpoints t JOIN campaigns k ON k.id = t.campaign_id WHERE k.uuid = '$DUE_CAMPAIGN' AND t.status = 'sent'" ;;
    simulate) q "$DB" "SELECT count(*) FROM retention_events" ;;
  esac
}
fresh() { rm -rf "$RUN"; mkdir -p "$RUN"; if [ "${1:-}" = rescore-changed ]; then cp "$BASE_CHANGED" "$DB"; else cp "$BASE" "$DB"; fi; }
now_ms() { date +%s%3N; }
integrity() { q "$1" 'PRAGMA integrity_check' | tr '\n' ' ' | sed 's/ $//'; }

# Each job once to completion: its before and after counts, and its run time.
declare -A BEFORE AFTER MS
for job in $JOBS; do
  fresh $job
  BEFORE[$job]=$(counts $job)
  start=$(now_ms)
  ( job $job ) >"$WORK/full.out" 2>&1 || { fail "$job does not complete on the prepared book: $(tail -2 "$WORK/full.out")"; continue; }
  MS[$job]=$(( $(now_ms) - start ))
  AFTER[$job]=$(counts $job)
  [ "${BEFORE[$job]}" != "${AFTER[$job]}" ] && ok || fail "$job changes nothing the test counts (${BEFORE[$job]})"
done

kills=0 runs=0 n=0 nothing=0 whole=0
declare -A KILLED
JOBLIST=($JOBS)
while [ $kills -lt "$KILLS" ] && [ $runs -lt $((KILLS * 3)) ]; do
  job=${JOBLIST[$((n % ${#JOBLIST[@]}))]}
  n=$((n + 1))
  fresh $job
  job $job >/dev/null 2>&1 & pid=$!
  # A random point of the job's run: 0 to its measured time (floor 20 ms).
  sleep "$(awk -v r=$RANDOM -v ms="${MS[$job]:-500}" 'BEGIN { printf "%.3f", (ms < 20 ? 20 : ms) * (r / 32768) / 1000 }')"
  runs=$((runs + 1))
  if ! kill -9 $pid 2>/dev/null; then wait $pid 2>/dev/null; continue; fi
  wait $pid 2>/dev/null
  kills=$((kills + 1)); KILLED[$job]=$(( ${KILLED[$job]:-0} + 1 ))
  what="$job killed (kill $kills)"
  book=$DB; [ $job = demo ] && book="$RUN/new.db"; [ $job = import-new ] && book="$RUN/loaded.db"
  if [ "$book" != "$DB" ] && [ ! -e "$book" ]; then i=ok; else i=$(integrity "$book"); fi
  [ "$i" = ok ] && ok || fail "$what: integrity_check says $i"
  got=$(counts $job)
  case $job in
    dispatch)
      # Some of the batch may be sent before the kill; the next pass sends the rest, each once, and strands nothing.
      "$BIN" --db "$DB" dispatch --once --limit 100000 >"$WORK/next.out" 2>&1 && ok || fail "$what: the next dispatch pass: $(tail -2 "$WORK/next.out")"
      got=$(counts $job)
      [ "$got" = "${AFTER[$job]}" ] && ok || fail "$what: after the next pass $got e-mails sent, not ${AFTER[$job]}"
      left=$(q "$DB" "SELECT count(*) FROM touchpoints WHERE status = 'sending'")
      [ "$left" = 0 ] && ok || fail "$what: $left touchpoints left sending after the next pass"
      files=$(ls "$RUN/Maildir/new" 2>/dev/null | wc -l)
      sent=$(q "$DB" "SELECT count(*) FROM touchpoints WHERE status = 'sent' AND sent_at >= $NOON AND channel = 'email'")
      [ "$files" = "$sent" ] && ok || fail "$what: $files messages in the Maildir, $sent e-mails recorded sent"
      [ -z "$(ls -A "$RUN/Maildir/tmp" 2>/dev/null)" ] && ok || fail "$what: staged messages left in Maildir/tmp"
      continue ;;
    simulate)
      # Each change is its own transaction: the count lies between, never past the complete run's.
      { [ "$got" -ge "${BEFORE[$job]}" ] && [ "$got" -le "${AFTER[$job]}" ]; } 2>/dev/null && ok || fail "$what: $got events, not between ${BEFORE[$job]} and ${AFTER[$job]}"
      ( job $job ) >"$WORK/next.out" 2>&1 && ok || fail "$what: the next run: $(tail -2 "$WORK/next.out")"
      continue ;;
    rescore-changed)
      # It commits in chunks (`changedCommitCustomers`): the history lies between, never past the complete run's,
      # no customer is half-scored, and the next run scores the rest.
      half=$(q "$DB" "SELECT count(*) FROM customers c WHERE scored_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM health_scores h WHERE h.customer_id = c.id AND h.calculated_at = c.scored_at)")
      [ "$half" = 0 ] && ok || fail "$what: $half half-scored customers"
      { [ "$got" -ge "${BEFORE[$job]}" ] && [ "$got" -le "${AFTER[$job]}" ]; } 2>/dev/null && ok || fail "$what: $got history rows, not between ${BEFORE[$job]} and ${AFTER[$job]}"
      ( job $job ) >"$WORK/next.out" 2>&1 && ok || fail "$what: the next run: $(tail -2 "$WORK/next.out")"
      [ "$(counts $job)" = "${AFTER[$job]}" ] && ok || fail "$what: after the next run $(counts $job) history rows, not ${AFTER[$job]}"
      continue ;;
    rescore)
      half=$(q "$DB" "SELECT count(*) FROM customers c WHERE scored_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM health_scores h WHERE h.customer_id = c.id AND h.calculated_at = c.scored_at)")
      [ "$half" = 0 ] && ok || fail "$what: $half half-scored customers" ;;
  esac
  if [ "$got" = "${BEFORE[$job]}" ]; then
    nothing=$((nothing + 1))
    # Nothing was written: the next run completes and writes it all.
    ( job $job ) >"$WORK/next.out" 2>&1 && ok || fail "$what: the next run: $(tail -2 "$WORK/next.out")"
    [ "$(counts $job)" = "${AFTER[$job]}" ] && ok || fail "$what: the next run left $(counts $job), not ${AFTER[$job]}"
  elif [ "$got" = "${AFTER[$job]}" ]; then
    ok; whole=$((whole + 1))
    # It had committed: the book opens and takes the job's next run where one makes sense.
    case $job in rescore|demo) ( job $job ) >"$WORK/next.out" 2>&1 && ok || fail "$what: the next run: $(tail -2 "$WORK/next.out")" ;; esac
    "$BIN" --db "$book" api GET '/customers?limit=1' --compact >/dev/null 2>&1 && ok || fail "$what: the book does not open"
  else
    fail "$what: half-written: $got, neither ${BEFORE[$job]} nor ${AFTER[$job]}"
  fi
  [ $job = demo ] && { left=$(ls "$RUN" | grep -c 'new.db.building-'); [ "$left" = 0 ] && ok || fail "$what: $left files of the killed build left beside it"; }
  # A load into a new book is built beside it: the next load removes what a killed one left.
  [ $job = import-new ] && { left=$(ls "$RUN" | grep -c 'loaded.db.building-'); [ "$left" = 0 ] && ok || fail "$what: $left files of the killed load left beside it"; }
done
[ $kills -ge "$KILLS" ] && ok || fail "only $kills kills in $runs runs"
summary=""; for job in $JOBS; do summary="$summary $job ${KILLED[$job]:-0} (${MS[$job]:-?} ms),"; done
echo "kills by job (run time):${summary%,}"
echo "all-or-nothing jobs killed: $nothing left nothing written, $whole had committed whole (dispatch and simulate: see above)"
echo "trust-faults-kills: $kills kills in $runs runs; $passed passed, $failed failed"
[ "$failed" = 0 ]
