#!/usr/bin/env bash
# End-to-end test of the command line: runs the real binary against real database files and checks
# outputs, exit codes and the database afterwards. Usage: Tests/EndToEnd/cli.sh PATH/TO/retention
set -u
BIN=${1:?usage: cli.sh PATH/TO/retention}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=e2e
# A fixed clock: every run builds the same books and sees the same dates, whatever today is.
export RETENTION_TODAY=2026-06-15
passed=0 failed=0

check() { # check NAME COMMAND... ; passes when the command succeeds
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
expect_exit() { # expect_exit CODE COMMAND...
  local want=$1; shift
  "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?
  if [ "$got" -ne "$want" ]; then echo "  exit $got, wanted $want: $*"; cat "$WORK/err" | head -5; return 1; fi
}
contains() { grep -q -- "$1" "$WORK/$2" || { echo "  '$1' not in $2:"; head -5 "$WORK/$2"; return 1; }; }

check "--version" expect_exit 0 "$BIN" --version
check "--help lists commands" bash -c "'$BIN' --help | grep -q 'import'"
check "help COMMAND" bash -c "'$BIN' help api | grep -q -- '--data'"
check "unknown command exits 64" expect_exit 64 "$BIN" frobnicate
check "unknown flag exits 64" expect_exit 64 "$BIN" api --frob GET /customers
# --today fixes the clock for one command; RETENTION_TODAY for all; a bad value is a usage error.
check "--today that is not a date exits 64" expect_exit 64 "$BIN" --today 2026-13-01 --db "$WORK/none.db" api GET /metrics
check "--today names the value it refused" contains '2026-13-01' err
check "RETENTION_TODAY that is not a date exits 64" expect_exit 64 env RETENTION_TODAY=soon "$BIN" --db "$WORK/none.db" api GET /metrics
check "--today sets the period the metrics end on" bash -c "'$BIN' --today 2025-03-04 demo --customers 50 --db '$WORK/today.db' --no-open >/dev/null && '$BIN' --today 2025-03-04 --db '$WORK/today.db' api GET /metrics --compact | grep -q '\"endDate\":\"2025-03-04\"'"
check "the same seed and --today build the same customers" bash -c "'$BIN' --today 2025-03-04 demo --customers 50 --db '$WORK/today2.db' --no-open >/dev/null && cmp <('$BIN' --db '$WORK/today.db' export customers) <('$BIN' --db '$WORK/today2.db' export customers)"

DB="$WORK/book.db"
check "demo builds a book" expect_exit 0 "$BIN" demo --customers 300 --seed 5 --db "$WORK/demo.db" --no-open
check "demo summary" contains "300 customers" out
check "demo file is private" test "$(stat -c %a "$WORK/demo.db")" = 600
check "demo replaces an earlier demo whole" bash -c "'$BIN' demo --customers 150 --db '$WORK/demo2.db' --no-open >/dev/null && '$BIN' demo --customers 120 --db '$WORK/demo2.db' --no-open >/dev/null \
  && '$BIN' --db '$WORK/demo2.db' api GET '/customers?limit=1' --compact | grep -q '\"total\":120,' && ! ls '$WORK' | grep -q building"
printf 'leadId,agentId,firstName,lastName,email\n' > "$WORK/header-only.csv"
check "demo refuses to overwrite a real database" bash -c "'$BIN' --db '$DB' import customers '$WORK/header-only.csv' >/dev/null && ! '$BIN' demo --db '$DB' --no-open 2>/dev/null"

# The spec's customer -> policy -> event flow through `retention api`.
cat >"$WORK/customer.json" <<'JSON'
{"leadId":"lead-uuid","agentId":"agent-uuid","firstName":"John","lastName":"Doe","email":"john.doe@example.com",
 "phone":"+1234567890","dateOfBirth":"1980-01-01",
 "address":{"street":"123 Main St","city":"Springfield","state":"IL","zipCode":"62701","country":"USA"},
 "preferredContactMethod":"email","tags":["vip","multi-policy"],"metadata":{}}
JSON
check "create customer" expect_exit 0 "$BIN" --db "$DB" api POST /api/v1/retention/customers --data @"$WORK/customer.json"
CID=$(sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p' "$WORK/out")
check "customer id returned" test -n "$CID"
check "duplicate lead refused with 409" expect_exit 1 "$BIN" --db "$DB" api POST /customers --data @"$WORK/customer.json"
check "duplicate lead error" contains '"status":409' out
check "body from stdin" bash -c "echo '{\"satisfactionScore\": 85}' | '$BIN' --db '$DB' api PATCH /customers/$CID --data - | grep -q '\"satisfactionScore\":85'"
check "create policy" expect_exit 0 "$BIN" --db "$DB" api POST /policies --data "{\"customerId\":\"$CID\",\"agentId\":\"agent-uuid\",\"policyNumber\":\"POL-2024-001\",\"policyType\":\"auto\",\"premium\":{\"amount\":1500,\"frequency\":\"annual\",\"currency\":\"USD\"},\"coverage\":{\"type\":\"comprehensive\",\"amount\":50000,\"deductible\":500},\"effectiveDate\":\"2024-01-01\",\"expirationDate\":\"2025-01-01\",\"underwriter\":\"ABC Insurance\"}"
PID=$(sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p' "$WORK/out")
check "renew policy" expect_exit 0 "$BIN" --db "$DB" api POST "/policies/$PID/renew"
check "renewed dates" contains '"expirationDate":"2026-01-01"' out
check "invalid JSON exits non-zero with position" expect_exit 1 "$BIN" --db "$DB" api POST /events --data '{"customerId": '
check "invalid JSON message" contains 'line 1, column' out
check "unknown event type" expect_exit 1 "$BIN" --db "$DB" api POST /events --data "{\"customerId\":\"$CID\",\"eventType\":\"party\"}"
check "event list" expect_exit 0 "$BIN" --db "$DB" api GET "/customers/$CID/events?eventType=policy_renewed"
# Triggered actions: carried out with the event and reported; an unknown one refused with nothing written.
events_before=$(sqlite3 "$DB" "select count(*) from retention_events")
check "an unknown action exits 1" expect_exit 1 "$BIN" --db "$DB" api POST /events --data "{\"customerId\":\"$CID\",\"eventType\":\"note_added\",\"triggeredActions\":[\"page_me\"]}"
check "naming the element" contains '"field":"triggeredActions\[0\]"' out
check "and the known actions" contains 'known actions: update_health_score, send_reminder, retention_campaign, agent_notification' out
check "and writes no event" test "$(sqlite3 "$DB" "select count(*) from retention_events")" = "$events_before"
check "a missed payment's actions" expect_exit 0 "$BIN" --db "$DB" api POST /events --compact --data "{\"customerId\":\"$CID\",\"policyId\":\"$PID\",\"eventType\":\"payment_missed\",\"severity\":\"warning\",\"data\":{\"amount\":150},\"triggeredActions\":[\"send_reminder\",\"update_health_score\",\"agent_notification\"]}"
check "are reported in order" bash -c "python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))[\"data\"][\"actionsTaken\"]; assert [x[\"action\"]+\":\"+x[\"result\"] for x in a] == [\"update_health_score:scored\",\"send_reminder:scheduled\",\"agent_notification:created\"], a; assert a[0][\"healthScore\"][\"components\"][\"financial\"][\"paymentHistory\"] < 100' '$WORK/out'"
check "the agent's task is listed" bash -c "'$BIN' --db '$DB' api GET '/tasks?assignee=agent-uuid' --compact | grep -q 'Call about the missed payment'"
TID=$("$BIN" --db "$DB" api GET '/tasks?assignee=agent-uuid' --compact | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')
check "a task is marked done" bash -c "'$BIN' --db '$DB' api PATCH /tasks/$TID --data '{\"status\":\"done\"}' --compact | grep -q '\"status\":\"done\"'"
check "routes listed" bash -c "'$BIN' api --routes | grep -q 'POST /api/v1/retention/policies/:id/renew'"

# Import: a broken file imports nothing and names the lines; a good one imports.
printf 'leadId,agentId,firstName,lastName,email\nl-1,a,Ann,Lee,ann@example.com\nl-2,a,Bob,Ray,bad-email\n' >"$WORK/bad.csv"
before=$("$BIN" --db "$DB" api GET '/customers?limit=1' --compact | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
check "bad CSV exits 65" expect_exit 65 "$BIN" --db "$DB" import customers "$WORK/bad.csv"
check "bad CSV names line and column" contains 'line 3, column email' err
after=$("$BIN" --db "$DB" api GET '/customers?limit=1' --compact | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
check "bad CSV changed nothing" test "$before" = "$after"
# A file read from standard input ("-") is called that in the errors, with the line and column.
check "stdin is named in import errors" bash -c "printf 'leadId,nickname\nx,y\n' | '$BIN' --db '$DB' import customers - 2>&1 >/dev/null | grep -q '^retention import: standard input: line 1, column 2: unknown column'"

# Round trip: export the demo book, import into a new database, export again: identical.
for kind in customers policies events; do
  "$BIN" --db "$WORK/demo.db" export $kind >"$WORK/$kind.csv"
done
for kind in customers policies events; do
  check "import $kind" expect_exit 0 "$BIN" --db "$WORK/copy.db" import $kind "$WORK/$kind.csv"
done
for kind in customers policies events; do
  check "round trip $kind" bash -c "'$BIN' --db '$WORK/copy.db' export $kind | cmp -s - '$WORK/$kind.csv'"
done
# The same files through standard input ("-") and a pipe (<(…)), read as they are parsed: the same book again.
check "import customers from standard input" bash -c "cat '$WORK/customers.csv' | '$BIN' --db '$WORK/piped.db' import customers - | grep -q '^standard input: imported'"
check "import policies from a pipe" bash -c "cat '$WORK/policies.csv' | '$BIN' --db '$WORK/piped.db' import policies - >/dev/null"
check "import events from a FIFO" bash -c "'$BIN' --db '$WORK/piped.db' import events <(cat '$WORK/events.csv') >/dev/null"
for kind in customers policies events; do
  check "round trip through standard input: $kind" bash -c "'$BIN' --db '$WORK/piped.db' export $kind | cmp -s - '$WORK/$kind.csv'"
done
# All or nothing from standard input too: a bad last row (after more than one chunk of good ones) writes nothing,
# into a book that exists or one that does not (which then holds no customer).
awk 'BEGIN { print "leadId,agentId,firstName,lastName,email"; for (i = 1; i <= 20000; i++) printf "stdin-%d,agent-a,Pat,Lee %d,stdin%d@example.com\n", i, i, i; print "stdin-bad,agent-a,Ann,Bee,not-an-address" }' > "$WORK/stdin-bad.csv"
check "a bad row read from standard input exits 65" bash -c "cat '$WORK/stdin-bad.csv' | '$BIN' --db '$WORK/piped.db' import customers - >/dev/null 2>'$WORK/err'; [ \$? = 65 ]"
# A file's syntax faults and an empty file are named by the file, with the line and column.
printf 'leadId,agentId,firstName,lastName,email\nq-1,agent-avery,ab"c,D,q1@example.com\n' > "$WORK/badquote.csv"; : > "$WORK/empty.csv"
check "a quote inside a field is named by file, line and column" bash -c "'$BIN' --db '$WORK/piped.db' import customers '$WORK/badquote.csv' 2>&1 >/dev/null | grep -q 'badquote.csv: line 2, column 19: a quote inside an unquoted field' && [ \${PIPESTATUS[0]} = 65 ]"
check "an empty file is named" bash -c "'$BIN' --db '$WORK/piped.db' import customers '$WORK/empty.csv' 2>&1 >/dev/null | grep -q 'empty.csv is empty: it needs a header row' && [ \${PIPESTATUS[0]} = 65 ]"
check "naming standard input and the line" grep -q "^standard input: line $(wc -l < "$WORK/stdin-bad.csv"), column email" "$WORK/err"
check "and imports nothing" bash -c "[ \"\$(sqlite3 '$WORK/piped.db' \"SELECT count(*) FROM customers WHERE lead_id LIKE 'stdin-%'\")\" = 0 ]"
check "nor into a new book, which is not made" bash -c "cat '$WORK/stdin-bad.csv' | '$BIN' --db '$WORK/piped-new.db' import customers - >/dev/null 2>&1; [ \$? = 65 ] && ! ls '$WORK' | grep -q -e piped-new.db -e building"
# Refused rows of any kind, loaded or synced, into a path with no book: exit 65 and still no book.
check "refused policies into a new book leave no book" bash -c "'$BIN' --db '$WORK/nobook1.db' import policies '$WORK/policies.csv' >/dev/null 2>&1; [ \$? = 65 ] && ! ls -a '$WORK' | grep -q nobook1"
# A --db that is a symbolic link to nothing: the error names the link and its missing target; nothing is made.
ln -s "$WORK/nowhere/book.db" "$WORK/dangling.db"
check "a dangling link is named, with its missing target" bash -c "'$BIN' --db '$WORK/dangling.db' import customers '$WORK/customers.csv' 2>&1 >/dev/null | grep -q 'dangling.db: it is a symbolic link to .*nowhere/book.db, which does not exist' && [ \${PIPESTATUS[0]} = 74 ] && [ ! -e '$WORK/nowhere' ]"
# ... nor the folders made for it; a load that succeeds makes them, private to the owner.
check "refused rows into a book in a new folder leave no folder" bash -c "'$BIN' --db '$WORK/newdir/deeper/b.db' import customers '$WORK/stdin-bad.csv' >/dev/null 2>&1; [ \$? = 65 ] && [ ! -e '$WORK/newdir' ]"
check "a sync refused there leaves none either" bash -c "'$BIN' --db '$WORK/newdir/b.db' import customers '$WORK/stdin-bad.csv' --sync >/dev/null 2>&1; [ \$? = 65 ] && [ ! -e '$WORK/newdir' ]"
check "a good load makes the folder, private" bash -c "head -n 11 '$WORK/stdin-bad.csv' | '$BIN' --db '$WORK/newdir/deeper/b.db' import customers - >/dev/null && [ \"\$(stat -c %a '$WORK/newdir') \$(stat -c %a '$WORK/newdir/deeper') \$(sqlite3 '$WORK/newdir/deeper/b.db' 'SELECT count(*) FROM customers')\" = '700 700 10' ]"
check "a refused sync into a new book leaves no book" bash -c "'$BIN' --db '$WORK/nobook2.db' import customers '$WORK/stdin-bad.csv' --sync >/dev/null 2>'$WORK/err-sync'; [ \$? = 65 ] && [ ! -e '$WORK/nobook2.db' ] && grep -q 'nothing was written' '$WORK/err-sync'"
check "a good sync into a new book makes it" bash -c "head -n 101 '$WORK/stdin-bad.csv' | '$BIN' --db '$WORK/nobook3.db' import customers - --sync | grep -q '100 new' && [ \"\$(sqlite3 '$WORK/nobook3.db' 'SELECT count(*) FROM customers')\" = 100 ]"
check "the good rows from a pipe load a new book whole, searchable" bash -c "head -n -1 '$WORK/stdin-bad.csv' | '$BIN' --db '$WORK/piped-new2.db' import customers - >/dev/null \
  && [ \"\$(sqlite3 '$WORK/piped-new2.db' 'SELECT count(*) FROM customers; PRAGMA integrity_check' | tr '\n' ' ')\" = '20000 ok ' ] \
  && '$BIN' --db '$WORK/piped-new2.db' api GET '/customers?search=stdin19999@' --compact | grep -q 'stdin-19999'"
# What a killed load into a new book left (BOOK.building-PID, its process gone) goes with the next command
# that opens the book, whatever it is; a build whose process still runs is left alone.
check "a dead load's partial file goes with the next command on the book" bash -c "sh -c 'exit 0' & dead=\$!; wait \$dead; \
  : > '$WORK/piped.db.building-'\$dead; : > '$WORK/piped.db.building-'\$\$; \
  '$BIN' --db '$WORK/piped.db' export customers >/dev/null && [ ! -e '$WORK/piped.db.building-'\$dead ] && [ -e '$WORK/piped.db.building-'\$\$ ] \
  && rm '$WORK/piped.db.building-'\$\$"
# A pipe's size is not known: into a book with customers, the load is taken for a large one once its rows
# outnumber the book (and 10,000): the rows before go in with the indexes, the rest have them built after.
check "a large load from a pipe into a book with customers puts off its indexes" bash -c "cp '$WORK/piped.db' '$WORK/piped-big.db' \
  && head -n -1 '$WORK/stdin-bad.csv' | '$BIN' --db '$WORK/piped-big.db' import customers - --timings >/dev/null 2>'$WORK/t.err' \
  && grep -q 'build the indexes put off' '$WORK/t.err' && grep -q 'index the new customers for search' '$WORK/t.err'"
# (the search index read directly: a customer listed twice in it would still show once in a search's answer)
check "and every customer is searchable once, the indexes whole" bash -c "[ \"\$(sqlite3 '$WORK/piped-big.db' 'PRAGMA integrity_check')\" = ok ] \
  && [ \"\$(sqlite3 '$WORK/piped-big.db' \"SELECT count(*) FROM customer_search WHERE customer_search MATCH '\\\"stdin3\\\"'\")\" = 1 ] \
  && [ \"\$(sqlite3 '$WORK/piped-big.db' \"SELECT count(*) FROM customer_search WHERE customer_search MATCH '\\\"stdin19999\\\"'\")\" = 1 ] \
  && '$BIN' --db '$WORK/piped-big.db' api GET '/customers?search=stdin19999@' --compact | grep -q 'stdin-19999'"
check "json export parses" bash -c "'$BIN' --db '$WORK/demo.db' export policies --format json | python3 -c 'import json,sys; assert len(json.load(sys.stdin)) > 300'"
# With neither $USER nor $LOGNAME (cron, a service), the audit trail names the login of the process's user.
check "audit names the login when USER is unset" bash -c "env -u USER -u LOGNAME '$BIN' --db '$WORK/nouser.db' api POST /customers --data '{\"leadId\":\"nouser\",\"agentId\":\"a\",\"firstName\":\"N\",\"lastName\":\"U\",\"email\":\"nu@example.com\"}' >/dev/null \
  && [ \"\$(sqlite3 '$WORK/nouser.db' 'SELECT user_name FROM audit_log ORDER BY id DESC LIMIT 1')\" = \"\$(id -un)\" ]"
# Reading never creates a database: a mistyped path is an unreadable input (66), and no file appears.
check "api GET on a missing database exits 66" expect_exit 66 "$BIN" --db "$WORK/nodir/typo.db" api GET /customers
check "export from a missing database exits 66" expect_exit 66 "$BIN" --db "$WORK/nodir/typo.db" export customers
check "a dry run on a missing database exits 66" expect_exit 66 "$BIN" --db "$WORK/nodir/typo.db" import customers "$WORK/header-only.csv" --dry-run
check "and creates nothing" test ! -e "$WORK/nodir"
check "an unreadable --data file exits 66" expect_exit 66 "$BIN" --db "$WORK/demo.db" api POST /customers --data @"$WORK/nothing.json"
# A file that is not UTF-8 (here Latin-1) is refused where its first foreign byte is, and nothing is imported.
printf 'leadId,agentId,firstName,lastName,email\nlatin-1,agent-avery,Jos\xe9,Ruiz,jose@example.com\n' > "$WORK/latin1.csv"
check "a Latin-1 file exits 65" expect_exit 65 "$BIN" --db "$WORK/copy.db" import customers "$WORK/latin1.csv"
check "naming its line and column" contains "line 2, column 24" err
check "and imports nothing" bash -c "! '$BIN' --db '$WORK/copy.db' api GET '/customers?search=jose@' --compact | grep -q latin-1"
check "not-a-database file refused and kept" bash -c "echo hello > '$WORK/notes.txt'; ! '$BIN' --db '$WORK/notes.txt' api GET /customers >/dev/null 2>&1; grep -q hello '$WORK/notes.txt'"

check "a --user holding a line break exits 64" expect_exit 64 "$BIN" --db "$WORK/demo.db" --user $'evil\nname' config get
check "dispatch --once --watch exits 64" expect_exit 64 "$BIN" --db "$WORK/demo.db" dispatch --once --watch
check "config sets the company name" expect_exit 0 "$BIN" --db "$WORK/demo.db" config set company.name "Acme Mutual"
check "config gets one key" bash -c "[ \"\$('$BIN' --db '$WORK/demo.db' config get company.name)\" = 'Acme Mutual' ]"
check "a bad calling window exits 65" expect_exit 65 "$BIN" --db "$WORK/demo.db" config set contact.window 21:00-08:00
{ echo "leadId,agentId,firstName,lastName,email"; for i in $(seq 1 60); do echo "bad-$i,agent-a,Ann,Bee,not-an-address"; done; } > "$WORK/sixty-bad.csv"
check "an import with 60 bad rows says how many, and that 50 are shown" bash -c "'$BIN' --db '$WORK/demo.db' import customers '$WORK/sixty-bad.csv' 2>&1 | grep -q 'has 60 bad rows, the first 50 shown; nothing was imported'"
check "config list is config get" bash -c "[ \"\$('$BIN' --db '$WORK/demo.db' config list)\" = \"\$('$BIN' --db '$WORK/demo.db' config get)\" ]"
check "an escape sequence in a bad key is not echoed raw, even to a pipe" bash -c "! '$BIN' --db '$WORK/demo.db' config set \$'k\\e]0;x\\a' 1 2>&1 | grep -q \$'\\e'"
check "an unknown key exits 65" expect_exit 65 "$BIN" --db "$WORK/demo.db" config get ltv.nope
check "a negative value is the setting's to refuse (exit 65, not an unknown option)" expect_exit 65 "$BIN" --db "$WORK/demo.db" config set policy.graceDays -1
check "... naming the setting" contains 'policy.graceDays' err
check "a CGI setting is checked (exit 65)" expect_exit 65 "$BIN" --db "$WORK/demo.db" config set cgi.maxBodyBytes 10
check "config sets a CGI setting" bash -c "[ \"\$('$BIN' --db '$WORK/demo.db' config set cgi.anonymousReads TRUE)\" = 'cgi.anonymousReads = true' ]"
check "cgi run from a shell is a usage error" expect_exit 64 "$BIN" cgi
# Under a web server the arguments are ignored: Apache passes a query string without "=" as words
# (?config+set+cgi.anonymousWrites+true), which must not run a command.
check "under a web server, arguments run no command (it answers as CGI)" \
  bash -c "GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/metrics QUERY_STRING='config+set+cgi.anonymousWrites+true' RETENTION_DB='$WORK/demo.db' '$BIN' config set cgi.anonymousWrites true | head -1 | grep -q '^Status: '"
check "... and the setting is unchanged" bash -c "[ \"\$('$BIN' --db '$WORK/demo.db' config get cgi.anonymousWrites)\" = false ]"
check "... nor does --db choose another book" \
  bash -c "GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/metrics REMOTE_USER=x '$BIN' --db '$WORK/demo.db' cgi | head -1 | grep -q '^Status: 500'"
check "api without METHOD and PATH answers as CGI under a web server" \
  bash -c "GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/metrics RETENTION_DB='$WORK/demo.db' '$BIN' api | head -1 | grep -q '^Status: 200 OK'"
check "simulate appends activity" expect_exit 0 "$BIN" --db "$WORK/demo.db" simulate --rate 200 --count 5 --seed 1
check "simulate reports each change" test "$(wc -l <"$WORK/out")" -eq 5
check "rescore scores the book" expect_exit 0 "$BIN" --db "$WORK/demo.db" rescore
check "rescore summary" contains "Rescored 300 customers" out
check "at-risk queue answers" bash -c "'$BIN' --db '$WORK/demo.db' api GET '/at-risk?limit=5' --compact | grep -q '\"churnProbability\"'"
check "report prints the triangle and survival" bash -c "'$BIN' --db '$WORK/demo.db' report | grep -q 'Kaplan'"
check "report as JSON parses" bash -c "'$BIN' --db '$WORK/demo.db' report --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert \"cohorts\" in d'"
# 300 customers leave a holdout of a few churners: training is refused (exit 1), saying why and what it needs,
# and nothing is stored; the prediction says the untrained defaults made it.
check "model train refuses a holdout too small to check" expect_exit 1 "$BIN" --db "$WORK/demo.db" model train
check "saying how many it needs" contains 'at least 100 churned and 100 retained customers in the holdout' err
check "and storing nothing" bash -c "'$BIN' --db '$WORK/demo.db' model show | grep -q '\"trained\": false'"
FIRST=$("$BIN" --db "$WORK/demo.db" api GET '/at-risk?limit=1' --compact | sed -n 's/.*"customerId":"\([^"]*\)".*/\1/p')
check "the prediction names the untrained model" bash -c "'$BIN' --db '$WORK/demo.db' api POST /customers/$FIRST/churn-prediction --compact | grep -q '\"model\":{\"trained\":false,.*\"description\":\"untrained: documented default coefficients\"}'"
check "report says the model is untrained" bash -c "'$BIN' --db '$WORK/demo.db' report | grep -q 'Churn model untrained'"
# 10,000 customers are enough: the demo trains the model on its book, and the report shows the calibration table.
check "a large demo trains its model" expect_exit 0 "$BIN" demo --customers 10000 --seed 1 --db "$WORK/big.db" --no-open
check "demo summary names the trained model" contains 'Churn model #1 trained on the book' out
check "report shows the calibration table" bash -c "'$BIN' --db '$WORK/big.db' report | grep -A12 'Calibration on the holdout' | grep -q '^   10 '"
check "report JSON has the table" bash -c "'$BIN' --db '$WORK/big.db' report --format json | python3 -c 'import json,sys; m=json.load(sys.stdin)[\"churnModel\"]; assert m[\"trained\"] and len(m[\"calibration\"][\"groups\"]) == 10 and 0.5 < m[\"calibrationSlope\"] < 1.5, m'"
check "report CSV has the table" bash -c "'$BIN' --db '$WORK/big.db' report --format csv | grep -q '^calibration,group 10,observed,'"
"$BIN" --db "$WORK/big.db" api GET '/at-risk?limit=1' --compact >"$WORK/top"
TOPID=$(sed -n 's/.*"customerId":"\([^"]*\)".*/\1/p' "$WORK/top")
TOPFACTOR=$(sed -n 's/.*"topRiskFactor":"\([^"]*\)".*/\1/p' "$WORK/top")
"$BIN" --db "$WORK/big.db" api POST "/customers/$TOPID/churn-prediction" --compact >"$WORK/prediction"
check "the list's top factor is the prediction's" contains "\"topFactor\":{\"name\":\"[a-zA-Z]*\",\"title\":\"$TOPFACTOR\"" prediction
check "the prediction names the trained model" contains '"model":{"trained":true,"version":1,' prediction
check "the top of the queue is believable" python3 -c "import json; p=json.load(open('$WORK/top'))['data'][0]['churnProbability']; assert 0.2 < p < 0.8, p"
check "ltv route" bash -c "'$BIN' --db '$WORK/demo.db' api POST /customers/\$('$BIN' --db '$WORK/demo.db' api GET '/at-risk?limit=1' --compact | sed -n 's/.*\"customerId\":\"\([^\"]*\)\".*/\1/p')/ltv --compact | grep -q projectedLTV"
check "export-data prints the person's document" bash -c "'$BIN' --db '$DB' customer export-data $CID | grep -q 'auditTrail'"
check "erase without --confirm is refused" expect_exit 64 "$BIN" --db "$DB" customer erase "$CID"
check "erase with --confirm" expect_exit 0 "$BIN" --db "$DB" customer erase "$CID" --confirm
check "erased customer's e-mail is gone" bash -c "! '$BIN' --db '$DB' api GET /customers/$CID --compact | grep -q 'john.doe@example.com'"
# A campaign end to end from the command line: create, preview, activate, dispatch to a Maildir, performance.
CAMP=$("$BIN" --db "$WORK/demo.db" api POST /campaigns --compact --data '{"name":"CLI run","type":"engagement","controlGroupPercent":10,"touchpoints":[{"type":"email","template":"engagement","delay":0}]}' | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
check "campaign preview" bash -c "'$BIN' --db '$WORK/demo.db' campaign preview $CAMP | grep -q 'customers match'"
check "campaign activate" expect_exit 0 "$BIN" --db "$WORK/demo.db" campaign activate "$CAMP"
check "channel set" expect_exit 0 "$BIN" --db "$WORK/demo.db" channel set email maildir "$WORK/mail"
check "dispatch once" expect_exit 0 "$BIN" --db "$WORK/demo.db" dispatch --once --limit 100000
check "messages in the Maildir" test "$(ls "$WORK/mail/new" | wc -l)" -gt 10
printf 'Hello {{firstName}}, your agent {{agent.name}} says hi.' > "$WORK/body.txt"
check "user template saved" expect_exit 0 "$BIN" --db "$WORK/demo.db" template set hello notification --body-file "$WORK/body.txt" --subject "Hello"
check "an SMS template without a way to stop them is refused" expect_exit 65 "$BIN" --db "$WORK/demo.db" template set nostop sms --body-file "$WORK/body.txt"
check "campaign list on a book without campaigns says so" bash -c "'$BIN' --db '$WORK/nouser.db' campaign list 2>&1 >/dev/null | grep -q 'No campaigns yet'"
check "bad template refused" bash -c "printf '{{nope}}' > '$WORK/bad.txt'; ! '$BIN' --db '$WORK/demo.db' template set bad email --body-file '$WORK/bad.txt' 2>/dev/null"
CMDCAMP=$("$BIN" --db "$WORK/demo.db" api POST /campaigns --compact --data '{"name":"Notify","type":"loyalty","controlGroupPercent":0,"targetSegment":{"churnRisk":["critical"]},"touchpoints":[{"type":"notification","template":"hello","delay":0}]}' | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
check "command channel" expect_exit 0 "$BIN" --db "$WORK/demo.db" channel set notification command "cat >> '$WORK/notifications.jsonl'; echo >> '$WORK/notifications.jsonl'"
check "second campaign activated" expect_exit 0 "$BIN" --db "$WORK/demo.db" campaign activate "$CMDCAMP"
check "dispatch through the command" expect_exit 0 "$BIN" --db "$WORK/demo.db" dispatch --once --limit 100000
check "the command received rendered JSON" grep -q '"body":"Hello ' "$WORK/notifications.jsonl"
check "campaign pause" expect_exit 0 "$BIN" --db "$WORK/demo.db" campaign pause "$CAMP"
check "pausing twice says why" expect_exit 1 "$BIN" --db "$WORK/demo.db" campaign pause "$CAMP"
check "performance reports sent touchpoints" bash -c "'$BIN' --db '$WORK/demo.db' campaign performance $CAMP | grep -q '\"sent\": [1-9]'"
# The campaign object carries its performance, in the list too; the metrics carry the campaigns' ROI.
same_performance() { # the campaign's performance member equals …/performance (but for the instant each was computed)
  python3 - "$1" "$2" <<'PY'
import json, sys
a = json.loads(sys.argv[1])["data"]; b = json.loads(sys.argv[2])["data"]
a = a.get("performance") if "performance" in a else [c for c in a if c["name"] == "CLI run"][0]["performance"]
for d in (a, b): d.pop("calculatedAt")
sys.exit(0 if a == b and b["roi"] is not None and b["touchpoints"]["byStatus"]["delivered"] >= 0 else 1)
PY
}
check "GET /campaigns/:id carries its performance" same_performance "$("$BIN" --db "$WORK/demo.db" api GET "/campaigns/$CAMP" --compact)" "$("$BIN" --db "$WORK/demo.db" api GET "/campaigns/$CAMP/performance" --compact)"
check "GET /campaigns carries each campaign's performance" same_performance "$("$BIN" --db "$WORK/demo.db" api GET "/campaigns?status=paused" --compact)" "$("$BIN" --db "$WORK/demo.db" api GET "/campaigns/$CAMP/performance" --compact)"
check "metrics carry the campaigns' ROI" bash -c "'$BIN' --db '$WORK/demo.db' api GET /metrics --compact | python3 -c 'import json,sys; m=json.load(sys.stdin)[\"data\"][\"campaignMetrics\"]; sys.exit(0 if isinstance(m[\"roi\"], (int, float)) else 1)'"
# A date-only end date runs to the end of that day in the campaign's zone (Honolulu, UTC−10: 10:00Z the next day).
DAYCAMP=$("$BIN" --db "$WORK/demo.db" api POST /campaigns --compact --data '{"name":"Last day","type":"loyalty","schedule":{"endDate":"2026-06-15","timezone":"Pacific/Honolulu"},"touchpoints":[{"type":"email","template":"loyalty","delay":0}]}' | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
check "a date-only end date is shown as given" bash -c "'$BIN' --db '$WORK/demo.db' api GET /campaigns/$DAYCAMP --compact | grep -q '\"endDate\":\"2026-06-15\"'"
check "activation on the last day in the zone" expect_exit 0 "$BIN" --today 2026-06-16T09:59:00Z --db "$WORK/demo.db" campaign activate "$DAYCAMP"
check "tick leaves it running to the end of that day there" bash -c "'$BIN' --today 2026-06-16T09:59:50Z --db '$WORK/demo.db' campaign tick | grep -q 'completed 0'"
check "tick completes it at midnight there" bash -c "'$BIN' --today 2026-06-16T10:00:00Z --db '$WORK/demo.db' campaign tick | grep -q 'completed 1'"
check "a completed campaign has no next run" bash -c "'$BIN' --db '$WORK/demo.db' api GET /campaigns/$DAYCAMP --compact | grep -q '\"status\":\"completed\".*\"nextRunAt\":null'"
check "dashboard refuses to run without a terminal" expect_exit 64 "$BIN" --db "$WORK/demo.db" tui

# Long jobs say how far they are on a terminal only: piped (here), standard error stays empty and standard
# output holds just the summary; on a terminal (a pseudo-terminal from script(1)) the progress line is drawn
# in place (carriage return, erase to the end of the line) and wiped before the summary; --quiet draws nothing.
check "a piped import prints only its summary" bash -c "'$BIN' --db '$WORK/progress.db' import customers '$WORK/customers.csv' >'$WORK/p.out' 2>'$WORK/p.err' \
  && [ ! -s '$WORK/p.err' ] && [ \$(wc -l <'$WORK/p.out') -eq 1 ] && grep -q 'imported 300 customers' '$WORK/p.out'"
printf 'leadId,agentId,firstName,lastName,email\none-1,agent-1,Ann,Lee,ann.one@example.com\n' > "$WORK/one.csv"
check "one row imported is one customer, one policy or one event, not 1 customers" bash -c "'$BIN' --db '$WORK/progress.db' import customers '$WORK/one.csv' | grep -q ': imported 1 customer in '"
check "a piped rescore prints only its summary" bash -c "'$BIN' --db '$WORK/progress.db' rescore >'$WORK/p.out' 2>'$WORK/p.err' \
  && [ ! -s '$WORK/p.err' ] && [ \$(wc -l <'$WORK/p.out') -eq 1 ] && grep -q '^Rescored [0-9]* customers' '$WORK/p.out'"
check "a piped demo prints only its summary" bash -c "'$BIN' demo --customers 120 --db '$WORK/progress-demo.db' --no-open >'$WORK/p.out' 2>'$WORK/p.err' \
  && [ ! -s '$WORK/p.err' ] && ! grep -q \$'\\r' '$WORK/p.out' && grep -q '120 customers' '$WORK/p.out'"
if command -v script >/dev/null; then
  check "on a terminal the demo draws its progress line in place" bash -c "script -qec \"'$BIN' demo --customers 120 --db '$WORK/progress-tty.db' --no-open\" /dev/null >'$WORK/tty.out' \
    && grep -q \$'\\r\\e\\[Kwrite the rows' '$WORK/tty.out' && grep -q \$'\\r\\e\\[Kscore the book' '$WORK/tty.out' && grep -q '120 customers' '$WORK/tty.out'"
  check "on a terminal the import draws its progress line" bash -c "script -qec \"'$BIN' --db '$WORK/progress-tty2.db' import customers '$WORK/customers.csv'\" /dev/null >'$WORK/tty.out' \
    && grep -q \$'\\r\\e\\[Kread, check and write the rows' '$WORK/tty.out' && grep -q 'imported 300 customers' '$WORK/tty.out'"
  check "--quiet draws nothing on a terminal" bash -c "script -qec \"'$BIN' --db '$WORK/progress-tty2.db' rescore --quiet\" /dev/null >'$WORK/tty.out' \
    && ! grep -q \$'\\e\\[K' '$WORK/tty.out' && grep -q '^Rescored [0-9]* customers' '$WORK/tty.out'"
fi
# Campaign files: create and edit a draft from the README's example; bad fields are named, nothing written.
EXAMPLE="$(dirname "$0")/campaign-example.json"
check "campaign create --file" expect_exit 0 "$BIN" --db "$WORK/demo.db" campaign create --file "$EXAMPLE"
FILECAMP=$(cat "$WORK/out")
check "create prints the new draft's id" bash -c "'$BIN' --db '$WORK/demo.db' api GET /campaigns/$FILECAMP --compact | grep -q '\"status\":\"draft\"'"
check "every field of the example is kept" bash -c "'$BIN' --db '$WORK/demo.db' api GET /campaigns/$FILECAMP --compact | grep -q '\"customFilters\":\[{\"key\":\"source\",\"value\":\"broker\"}\].*\"cron\":\"0 9 \* \* 1\".*\"variants\":\[\"renewal_reminder\",\"engagement\"\].*\"controlGroupPercent\":20'"
BEFORE=$(sqlite3 "$WORK/demo.db" "SELECT count(*) FROM campaigns")
python3 -c "import json,sys; b=json.load(open(sys.argv[1])); b['touchpoints'][1]['delay']=-5; json.dump(b, open(sys.argv[2],'w'))" "$EXAMPLE" "$WORK/bad.json"
check "a bad field exits 65" expect_exit 65 "$BIN" --db "$WORK/demo.db" campaign create --file "$WORK/bad.json"
check "and names the field" contains 'touchpoints\[1\].delay' err
python3 -c "import json,sys; b=json.load(open(sys.argv[1])); b['targetSegment']['budget']=5; json.dump(b, open(sys.argv[2],'w'))" "$EXAMPLE" "$WORK/bad2.json"
check "an unknown field exits 65" expect_exit 65 "$BIN" --db "$WORK/demo.db" campaign create --file "$WORK/bad2.json"
check "and names it" contains 'targetSegment.budget' err
check "nothing was written" test "$(sqlite3 "$WORK/demo.db" "SELECT count(*) FROM campaigns")" = "$BEFORE"
check "a missing file exits 66" expect_exit 66 "$BIN" --db "$WORK/demo.db" campaign create --file "$WORK/none.json"
check "create without --file is a usage error" expect_exit 64 "$BIN" --db "$WORK/demo.db" campaign create
python3 -c "import json,sys; b=json.load(open(sys.argv[1])); b['name']='Spring renewals, edited'; json.dump(b, open(sys.argv[2],'w'))" "$EXAMPLE" "$WORK/edit.json"
check "campaign edit replaces a draft's settings" expect_exit 0 "$BIN" --db "$WORK/demo.db" campaign edit "$FILECAMP" --file "$WORK/edit.json"
check "the edit is stored" bash -c "'$BIN' --db '$WORK/demo.db' api GET /campaigns/$FILECAMP --compact | grep -q '\"name\":\"Spring renewals, edited\".*\"version\":2'"
check "only a draft can be edited" expect_exit 1 "$BIN" --db "$WORK/demo.db" campaign edit "$CAMP" --file "$WORK/edit.json"
check "and it says why" contains 'only a draft can be edited' err
# performance: a summary on a terminal, JSON in a pipe or with --json.
check "performance on a terminal is a readable summary" bash -c "script -qc \"'$BIN' --db '$WORK/demo.db' campaign performance $CAMP\" /dev/null | grep -q 'Funnel      sent'"
check "a new campaign is too early to judge" bash -c "script -qc \"'$BIN' --db '$WORK/demo.db' campaign performance $CAMP\" /dev/null | grep -q 'Uplift      too early ([0-9,]* of [0-9,]* measured)'"
check "--json on a terminal gives JSON" bash -c "script -qc \"'$BIN' --db '$WORK/demo.db' campaign performance $CAMP --json\" /dev/null | grep -q '\"measurement\"'"
REMINDER=$("$BIN" --db "$WORK/demo.db" campaign list | awk '/renewal_reminder/ && /completed/ {print $3; exit}')
check "the demo's renewal reminder is measured, with its interval" bash -c "script -qc \"'$BIN' --db '$WORK/demo.db' campaign performance $REMINDER\" /dev/null | grep -q 'pts, 95 % interval'"
check "and its A/B step with both variants" bash -c "script -qc \"'$BIN' --db '$WORK/demo.db' campaign performance $REMINDER\" /dev/null | grep -q 'B engagement: [0-9,]* of [0-9,]* delivered responded'"
LATER=$("$BIN" --db "$WORK/demo.db" api POST /campaigns --compact --data '{"name":"Later","type":"loyalty","controlGroupPercent":0,"targetSegment":{"churnRisk":["critical","high"]},"touchpoints":[{"type":"email","template":"loyalty","delay":1440}]}' | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
"$BIN" --db "$WORK/demo.db" campaign activate "$LATER" >/dev/null
PENDING=$(sqlite3 "$WORK/demo.db" "SELECT count(*) FROM touchpoints t JOIN campaigns c ON c.id = t.campaign_id WHERE c.uuid = '$LATER' AND t.status = 'pending'")
check "the delayed campaign has pending touchpoints" test "$PENDING" -gt 0
check "pause says how many pending touchpoints it holds" bash -c "'$BIN' --db '$WORK/demo.db' campaign pause $LATER | grep -q 'is now paused: $PENDING pending touchpoints held ($PENDING email)'"
check "resume says how many resume" bash -c "'$BIN' --db '$WORK/demo.db' campaign activate $LATER | grep -q 'is now active: $PENDING pending touchpoints resume'"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
