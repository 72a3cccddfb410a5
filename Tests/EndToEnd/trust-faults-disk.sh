#!/usr/bin/env bash
# A full disk never half-commits: every write that runs out of space writes nothing, exits 74 with a message
# that says the disk is full and where, leaves the book sound (integrity_check ok) and openable.
# The disk is a 6 MiB tmpfs (needs root: mount -t tmpfs). Without root the same checks run with a file-size
# limit (`ulimit -f`, EFBIG) as a stand-in for ENOSPC, which reaches SQLite the same way (a failed write).
# Usage: Tests/EndToEnd/trust-faults-disk.sh PATH/TO/retention
set -u
BIN=${1:?usage: trust-faults-disk.sh PATH/TO/retention}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK=$(mktemp -d)
DISK="$WORK/disk"
mkdir -p "$DISK"
MOUNTED=0
cleanup() { [ "$MOUNTED" = 1 ] && umount "$DISK" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=trust RETENTION_TODAY=2026-06-15
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=6m tmpfs "$DISK" 2>/dev/null; then MOUNTED=1; MODE="tmpfs of 6 MiB (ENOSPC)"; else MODE="ulimit -f (EFBIG)"; fi
echo "trust-faults-disk: full disk simulated with a $MODE"

"$BIN" demo --customers 500 --seed 3 --db "$WORK/seed.db" --no-open >/dev/null || { echo "demo failed"; exit 1; }
"$BIN" --db "$WORK/seed.db" channel set email maildir "$DISK/mail" >/dev/null
sqlite3 "$WORK/seed.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
awk 'BEGIN { print "leadId,agentId,firstName,lastName,email"; for (i = 1; i <= 20000; i++) printf "big-%d,agent-%d,Pat,Lee %d,p%d@example.com\n", i, i % 7, i, i }' > "$WORK/big.csv"
DB="$DISK/book.db"
cp "$WORK/seed.db" "$DB"
CID=$(sqlite3 "$DB" "SELECT uuid FROM customers WHERE erased_at IS NULL ORDER BY id LIMIT 1")
CAMP=$(sqlite3 "$DB" "SELECT uuid FROM campaigns WHERE status = 'draft' LIMIT 1")
# Everything a write can change, counted.
state() { sqlite3 "$DB" "SELECT (SELECT count(*) FROM customers WHERE erased_at IS NULL), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM touchpoints),
  (SELECT count(*) FROM retention_events), (SELECT count(*) FROM health_scores), (SELECT count(*) FROM campaign_enrollments), (SELECT group_concat(status) FROM campaigns)"; }

# Runs a command with the disk full: with $1 KiB left on the tmpfs, or a file-size limit just above the book.
full_run() {
  local free=$1; shift
  if [ "$MOUNTED" = 1 ]; then
    dd if=/dev/zero of="$DISK/fill" bs=4k 2>/dev/null; rm -f "$DISK/fill"
    dd if=/dev/zero of="$DISK/fill" bs=1k count=$(( $(df --output=avail -k "$DISK" | tail -1) - free )) 2>/dev/null
    "$BIN" --db "$DB" "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?
    rm -f "$DISK/fill"
  else
    # Per file: the database may be rewritten in place, its log may not outgrow it (the big import does).
    local blocks=$(( $(stat -c %s "$DB") / 1024 + free ))
    ( ulimit -f "$blocks"; "$BIN" --db "$DB" "$@" >"$WORK/out" 2>"$WORK/err" ); rc=$?
  fi
}

for free in 0 64; do
  for cmd in "rescore" "customer erase $CID --confirm" "campaign activate $CAMP" "import customers $WORK/big.csv" \
             "simulate --count 1 --rate 1000" "api POST /events --data {\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"data\":{\"note\":\"$(head -c 3000 /dev/zero | tr '\0' x)\"}}"; do
    # Each command starts from the same book, so one that succeeds with some room left does not change the next.
    rm -f "$DB" "$DB-wal" "$DB-shm"; cp "$WORK/seed.db" "$DB"
    before=$(state)
    # shellcheck disable=SC2086
    full_run "$free" $cmd
    after=$(state)
    name="${cmd%% *} ${cmd#* }"; name="${name:0:40} (free ${free} KiB)"
    if [ "$rc" = 0 ]; then
      # Enough space after all for a small write: it must then be whole (checked by integrity and the command's own tests).
      ok
    elif [ "$rc" = 74 ] && grep -q "is full" "$WORK/err" "$WORK/out" && grep -q "$DISK\|$(basename "$DB")" "$WORK/err" "$WORK/out"; then ok
    else fail "$name: exit $rc, wanted 74 with a 'disk … is full' message naming where: $(head -c 300 "$WORK/err" "$WORK/out")"; fi
    if [ "$rc" != 0 ]; then
      [ "$before" = "$after" ] && ok || fail "$name failed but changed the book: $before -> $after"
    fi
    [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "$name: integrity_check"
    # The book opens afterwards, and no rolled-back log is left taking the space.
    "$BIN" --db "$DB" api GET '/customers?limit=1' --compact >/dev/null 2>&1 && ok || fail "$name: the book does not open afterwards"
    wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
    [ "$wal" -lt 1048576 ] && ok || fail "$name: a $wal-byte write-ahead log is left after the failure"
  done
done

# The import (the case that committed ~270 rows while saying "nothing was imported"): no big-* row at all.
full_run 0 import customers "$WORK/big.csv"
[ "$rc" = 74 ] && ok || fail "import on a full disk: exit $rc, wanted 74"
n=$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE lead_id LIKE 'big-%'")
[ "$n" = 0 ] && ok || fail "import on a full disk committed $n rows"
grep -q "nothing was imported" "$WORK/err" && fail "a full disk is reported as bad rows" || ok
if [ "$MOUNTED" = 1 ]; then
  full_run 700 import customers "$WORK/big.csv"
  n=$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE lead_id LIKE 'big-%'")
  { [ "$rc" = 74 ] && [ "$n" = 0 ]; } && ok || fail "import with some space left: exit $rc, $n rows committed"
  # A new database file on a full disk: refused, and the name stays usable afterwards.
  full_run 200 import customers "$WORK/big.csv"
  rm -f "$DISK/new.db"*
  dd if=/dev/zero of="$DISK/fill" bs=4k 2>/dev/null
  "$BIN" --db "$DISK/new.db" import customers "$WORK/big.csv" >"$WORK/out" 2>"$WORK/err"; rc=$?
  rm -f "$DISK/fill"
  { [ "$rc" = 74 ] && grep -q "is full" "$WORK/err"; } && ok || fail "import into a new file on a full disk: exit $rc: $(head -c 300 "$WORK/err")"
  head -3 "$WORK/big.csv" > "$WORK/small.csv"
  "$BIN" --db "$DISK/new.db" import customers "$WORK/small.csv" >/dev/null 2>"$WORK/err" && ok || fail "the new file cannot be used after the full disk: $(head -c 300 "$WORK/err")"
  [ "$(sqlite3 "$DISK/new.db" 'SELECT count(*) FROM customers')" = 2 ] && ok || fail "the new file holds $(sqlite3 "$DISK/new.db" 'SELECT count(*) FROM customers') customers, not 2"
  # A demo book built on a full disk: refused, nothing left behind (no book, no partial build file).
  dd if=/dev/zero of="$DISK/fill" bs=1k count=$(( $(df --output=avail -k "$DISK" | tail -1) - 300 )) 2>/dev/null
  "$BIN" demo --customers 2000 --seed 3 --db "$DISK/demo.db" --no-open >"$WORK/out" 2>"$WORK/err"; rc=$?
  rm -f "$DISK/fill"
  { [ "$rc" = 74 ] && grep -q "is full" "$WORK/err"; } && ok || fail "demo on a full disk: exit $rc: $(head -c 300 "$WORK/err")"
  left=$(ls "$DISK" | grep -c 'demo.db')
  [ "$left" = 0 ] && ok || fail "demo on a full disk left $(ls "$DISK" | grep demo.db | tr '\n' ' ')"
fi
# After space comes back, the same writes succeed.
"$BIN" --db "$DB" rescore >/dev/null && ok || fail "rescore after the disk has room again"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = "ok" ] && ok || fail "integrity at the end"

echo "trust-faults-disk: $passed passed, $failed failed"
[ "$failed" = 0 ]
