#!/usr/bin/env bash
# `retention maintenance` end to end, on a book with a year of nightly score history (written with a fixed
# clock): the dry run says what it would remove and changes nothing; a run thins the history by the retention
# policy (every row for 90 days, then the last of each week to 365 days, then the last of each month), converts
# the file once to incremental vacuum and says how much it reclaimed; a second run removes nothing. Then SIGKILL
# at random points of the run (thinning batches, the one-time VACUUM): after each kill PRAGMA integrity_check
# is ok, no row younger than 90 days is gone, and the next run leaves exactly the rows of an uninterrupted run.
# Usage: Tests/EndToEnd/maintenance.sh PATH/TO/retention      (KILLS=30 for more kills; default 8)
set -u
BIN=${1:?usage: maintenance.sh PATH/TO/retention}
KILLS=${KILLS:-8}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=maint RETENTION_TODAY=2026-06-15
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
q() { sqlite3 "$1" "$2" 2>&1; }
BASE="$WORK/base.db" DB="$WORK/book.db"
NOW=$(date -u -d "$RETENTION_TODAY 12:00:00" +%s)
RECENT=$((NOW - 90 * 86400))

# The book: 600 customers scored today, then a year of nightly history before it (365 more rows a customer in
# each history table, copies of today's at 1..365 days earlier).
"$BIN" demo --customers 600 --seed 11 --db "$BASE" --no-open >/dev/null || { echo "demo failed"; exit 1; }
for t in health_scores ltv_history; do
  cols=$(q "$BASE" "SELECT group_concat(name, ', ') FROM pragma_table_info('$t') WHERE name NOT IN ('id', 'calculated_at')")
  q "$BASE" "WITH RECURSIVE d(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM d WHERE n < 365)
             INSERT INTO $t (calculated_at, $cols) SELECT h.calculated_at - d.n * 86400, $(echo "$cols" | sed 's/\([a-z_][a-z_]*\)/h.\1/g') FROM $t h, d" >/dev/null
done
q "$BASE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
# A book made by this release is in incremental vacuum mode from its first page: its maintenance converts nothing.
[ "$(q "$BASE" 'PRAGMA auto_vacuum')" = 2 ] && ok || fail "a new demo book is not in incremental vacuum mode"
cp "$BASE" "$WORK/new.db"; cp "$BASE" "$WORK/newbase.db"
out=$("$BIN" --db "$WORK/new.db" maintenance 2>&1) || fail "maintenance of a new book exits $?: $out"
echo "$out" | grep -q '^Removed [0-9]* health-score' && ! echo "$out" | grep -q convert && ok || fail "maintenance of a new book says: $out"
# The rest works on a file made before that (no auto-vacuum), which the first maintenance converts once.
q "$BASE" "PRAGMA auto_vacuum = NONE; VACUUM" >/dev/null
[ "$(q "$BASE" 'PRAGMA auto_vacuum')" = 0 ] && ok || fail "could not make the book an older file"
rows() { q "$1" "SELECT (SELECT count(*) FROM health_scores) || '/' || (SELECT count(*) FROM ltv_history)"; }
recent() { q "$1" "SELECT (SELECT count(*) FROM health_scores WHERE calculated_at >= $RECENT) || '/' || (SELECT count(*) FROM ltv_history WHERE calculated_at >= $RECENT)"; }
kept() { q "$1" "SELECT (SELECT group_concat(id) FROM (SELECT id FROM health_scores ORDER BY id)) || '|' || (SELECT group_concat(id) FROM (SELECT id FROM ltv_history ORDER BY id))" | md5sum | cut -d' ' -f1; }
BEFORE=$(rows "$BASE") RECENT_ROWS=$(recent "$BASE")
[ "$BEFORE" = "$((600 * 366))/$((600 * 366))" ] && ok || fail "the prepared book has $BEFORE history rows, not 366 a customer"

# The dry run: what it would do, nothing changed.
cp "$BASE" "$DB"
out=$("$BIN" --db "$DB" maintenance --dry-run 2>&1) || fail "the dry run exits $?: $out"
echo "$out" | grep -q '^Would remove [0-9]* health-score and [0-9]* LTV history rows (nothing changed)\.$' && ok || fail "the dry run says: $out"
echo "$out" | grep -q 'Would convert the file' && ok || fail "the dry run does not say the file needs converting: $out"
[ "$(rows "$DB")" = "$BEFORE" ] && ok || fail "the dry run changed the history: $(rows "$DB")"
[ "$(q "$DB" 'PRAGMA auto_vacuum')" = 0 ] && ok || fail "the dry run converted the file"
WOULD=$(echo "$out" | sed -n 's/^Would remove \([0-9]*\) health-score and \([0-9]*\) LTV.*/\1\/\2/p')

# An uninterrupted run: the reference.
start=$(date +%s%3N)
out=$("$BIN" --db "$DB" maintenance 2>"$WORK/err") || fail "maintenance exits $?: $out $(cat "$WORK/err")"
MS=$(( $(date +%s%3N) - start ))
echo "$out" | grep -q "^Removed ${WOULD%/*} health-score and ${WOULD#*/} LTV history rows; reclaimed [0-9]* bytes .*converted to incremental vacuum (once)\.$" && ok || fail "maintenance says: $out (the dry run said $WOULD)"
grep -q 'converting the file to incremental vacuum, once' "$WORK/err" && ok || fail "the one-time conversion is not announced: $(cat "$WORK/err")"
AFTER=$(rows "$DB") REFERENCE=$(kept "$DB")
h=${BEFORE%/*}; [ "$AFTER" != "$BEFORE" ] && [ $(( ${AFTER%/*} + ${WOULD%/*} )) = "$h" ] && ok || fail "after maintenance $AFTER rows (before $BEFORE, would remove $WOULD)"
[ "$(recent "$DB")" = "$RECENT_ROWS" ] && ok || fail "rows younger than 90 days were removed: $(recent "$DB") of $RECENT_ROWS"
# Each customer keeps one row a week from 90 to 365 days, one a month before (nothing else but the recent rows).
dupes=$(q "$DB" "SELECT (SELECT count(*) FROM (SELECT customer_id FROM health_scores WHERE calculated_at < $RECENT AND calculated_at >= $((NOW - 365 * 86400))
                 GROUP BY customer_id, (calculated_at - 345600) / 604800 HAVING count(*) > 1))
                 + (SELECT count(*) FROM (SELECT customer_id FROM health_scores WHERE calculated_at < $((NOW - 365 * 86400))
                 GROUP BY customer_id, strftime('%Y%m', calculated_at, 'unixepoch') HAVING count(*) > 1))")
[ "$dupes" = 0 ] && ok || fail "$dupes weeks or months keep more than one row"
[ "$(q "$DB" 'PRAGMA auto_vacuum')" = 2 ] && ok || fail "the file is not in incremental vacuum mode"
[ "$(stat -c %s "$DB")" -lt "$(stat -c %s "$BASE")" ] && ok || fail "the file did not shrink: $(stat -c %s "$DB") bytes, $(stat -c %s "$BASE") before"
out=$("$BIN" --db "$DB" maintenance 2>&1)
echo "$out" | grep -q '^Removed 0 health-score and 0 LTV history rows; reclaimed [0-9]* bytes' && ! echo "$out" | grep -q converted && ok || fail "a second run says: $out"
[ "$(kept "$DB")" = "$REFERENCE" ] && ok || fail "a second run changed the history"
# The new book (incremental from its first page, its free pages given back by the thinning's commit) kept the same
# rows, ids and all, gave every free page back, and is in incremental mode again.
[ "$(kept "$WORK/new.db")" = "$REFERENCE" ] && ok || fail "the new book kept other rows than the converted one"
[ "$(q "$WORK/new.db" 'PRAGMA freelist_count')" = 0 ] && [ "$(q "$WORK/new.db" 'PRAGMA auto_vacuum')" = 2 ] && ok \
  || fail "the new book has $(q "$WORK/new.db" 'PRAGMA freelist_count') free pages, auto_vacuum $(q "$WORK/new.db" 'PRAGMA auto_vacuum')"

# Kills at random points of the run (0 to its measured time; floor 50 ms), each on a fresh copy: of the older file
# (thinning, then the one-time VACUUM) and, every other time, of the new book (thinning and giving the pages back
# in one commit, then the switch back to incremental mode).
kills=0 runs=0
while [ $kills -lt "$KILLS" ] && [ $runs -lt $((KILLS * 4)) ]; do
  runs=$((runs + 1))
  if [ $((runs % 2)) = 0 ]; then cp "$WORK/newbase.db" "$DB"; else cp "$BASE" "$DB"; fi
  rm -f "$DB-wal" "$DB-shm"
  "$BIN" --db "$DB" maintenance >/dev/null 2>&1 & pid=$!
  sleep "$(awk -v r=$RANDOM -v ms="$MS" 'BEGIN { printf "%.3f", (ms < 50 ? 50 : ms) * (r / 32768) / 1000 }')"
  if ! kill -9 $pid 2>/dev/null; then wait $pid 2>/dev/null; continue; fi
  wait $pid 2>/dev/null
  kills=$((kills + 1))
  what="maintenance killed (kill $kills, $([ $((runs % 2)) = 0 ] && echo new || echo older) file)"
  i=$(q "$DB" 'PRAGMA integrity_check' | tr '\n' ' ' | sed 's/ $//')
  [ "$i" = ok ] && ok || fail "$what: integrity_check says $i"
  [ "$(recent "$DB")" = "$RECENT_ROWS" ] && ok || fail "$what: rows younger than 90 days were removed"
  got=$(rows "$DB")
  { [ "${got%/*}" -le "${BEFORE%/*}" ] && [ "${got%/*}" -ge "${AFTER%/*}" ]; } 2>/dev/null && ok || fail "$what: $got rows, not between $AFTER and $BEFORE"
  "$BIN" --db "$DB" maintenance >"$WORK/next.out" 2>&1 && ok || fail "$what: the next run: $(tail -2 "$WORK/next.out")"
  [ "$(kept "$DB")" = "$REFERENCE" ] && ok || fail "$what: the next run left other rows than an uninterrupted run ($(rows "$DB"), not $AFTER)"
  [ "$(q "$DB" 'PRAGMA auto_vacuum')" = 2 ] && ok || fail "$what: the file is not in incremental vacuum mode after the next run"
done
[ $kills -gt 0 ] && ok || fail "no run could be killed mid-way ($runs runs, $MS ms each)"

echo "maintenance: $passed passed, $failed failed ($kills kills; a run takes $MS ms)"
[ "$failed" = 0 ]
