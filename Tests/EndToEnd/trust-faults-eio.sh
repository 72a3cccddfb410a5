#!/usr/bin/env bash
# An I/O error (EIO) mid-write: the command fails with a clear storage error (exit 74, "reported an I/O
# error"), nothing is half-written, the book opens afterwards and the same command then completes.
# The error is injected under SQLite by a small LD_PRELOAD library (eio/eio-shim.c) that makes the Nth write
# to the write-ahead log fail with EIO. (Device-mapper's error/flakey targets over a loop device would inject
# it below the file system, but need a kernel with device-mapper, which containers often lack.) Skips, saying
# why, when no C compiler is there to build the library.
# Usage: Tests/EndToEnd/trust-faults-eio.sh PATH/TO/retention
set -u
BIN=${1:?usage: trust-faults-eio.sh PATH/TO/retention}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=trust RETENTION_TODAY=2026-06-15
CC=$(command -v cc || command -v gcc || command -v clang)
if [ -z "$CC" ] || ! "$CC" -shared -fPIC -o "$WORK/eio.so" "$HERE/eio/eio-shim.c" -ldl 2>"$WORK/cc.err"; then
  echo "trust-faults-eio: SKIPPED: cannot build the EIO injection library (no C compiler or it failed: $(head -1 "$WORK/cc.err" 2>/dev/null))"
  exit 0
fi
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
BASE="$WORK/base.db" DB="$WORK/book.db"
"$BIN" demo --customers 800 --seed 8 --db "$BASE" --no-open >/dev/null || { echo "demo failed"; exit 1; }
CAMP=$("$BIN" --db "$BASE" api POST /campaigns --compact --data '{"name":"EIO","type":"engagement","controlGroupPercent":0,"touchpoints":[{"type":"email","template":"engagement","delay":0}]}' | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
CID=$(sqlite3 "$BASE" "SELECT uuid FROM customers WHERE erased_at IS NULL LIMIT 1")
sqlite3 "$BASE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
awk 'BEGIN { print "leadId,agentId,firstName,lastName,email"; for (i = 1; i <= 15000; i++) printf "eio-%d,agent-%d,Pat,Lee %d,e%d@example.com\n", i, i % 7, i, i }' > "$WORK/customers.csv"
# The command JOB, with or without the fault.
job() {
  case $1 in
    import) "$BIN" --db "$DB" import customers "$WORK/customers.csv" ;;
    rescore) "$BIN" --db "$DB" rescore ;;
    activate) "$BIN" --db "$DB" campaign activate "$CAMP" ;;
    event) "$BIN" --db "$DB" api POST /events --compact --data "{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"note\":\"eio\"}}" ;;
  esac
}
counts() {
  sqlite3 "$DB" "SELECT (SELECT count(*) FROM customers) || '/' || (SELECT count(*) FROM health_scores) || '/' || (SELECT count(*) FROM campaign_enrollments)
    || '/' || (SELECT count(*) FROM touchpoints) || '/' || (SELECT count(*) FROM retention_events) || '/' || (SELECT count(*) FROM audit_log)"
}

# Each job, its WAL write failing at once, after a few writes and after many (a transient error for the last).
for j in import rescore activate event; do
  for after in 0 20 300; do
    rm -f "$DB"*; cp "$BASE" "$DB"
    before=$(counts)
    once=""; [ "$after" = 300 ] && once=1
    EIO_AFTER=$after EIO_ONCE=$once LD_PRELOAD="$WORK/eio.so" job $j >"$WORK/out" 2>&1; rc=$?
    what="$j with EIO after $after WAL writes${once:+ (once)}"
    if [ "$rc" = 0 ]; then
      # The job finished before the fault's write came (a small job): then it must have written everything.
      [ "$(counts)" != "$before" ] && ok || fail "$what: exit 0 but nothing written"
    else
      [ "$rc" = 74 ] && ok || fail "$what: exit $rc, not 74: $(tail -1 "$WORK/out")"
      grep -q "reported an I/O error" "$WORK/out" && grep -q "keeps its last complete state" "$WORK/out" && ok || fail "$what: unclear message: $(tail -1 "$WORK/out")"
      [ "$(counts)" = "$before" ] && ok || fail "$what: half-written: $(counts), before $before"
    fi
    [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] && ok || fail "$what: integrity_check"
    half=$(sqlite3 "$DB" "SELECT count(*) FROM customers c WHERE scored_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM health_scores h WHERE h.customer_id = c.id AND h.calculated_at = c.scored_at)")
    [ "$half" = 0 ] && ok || fail "$what: $half half-scored customers"
    if [ "$rc" != 0 ]; then job $j >"$WORK/out" 2>&1 && ok || fail "$what: the job does not complete afterwards: $(tail -1 "$WORK/out")"; fi
  done
done

# EIO when copying the log into the database file (a checkpoint): the committed change stays in the log, the
# command succeeds, and the book is whole.
rm -f "$DB"*; cp "$BASE" "$DB"
EIO_SUFFIX=.db LD_PRELOAD="$WORK/eio.so" job import >"$WORK/out" 2>&1 && ok || fail "EIO during a checkpoint failed the import: $(tail -1 "$WORK/out")"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE lead_id LIKE 'eio-%'")" = 15000 ] && ok || fail "EIO during a checkpoint: the import's customers are not all there"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] && ok || fail "EIO during a checkpoint: integrity_check"

echo "trust-faults-eio: $passed passed, $failed failed"
[ "$failed" = 0 ]
