#!/usr/bin/env bash
# End-to-end: a specialist's loop at the dashboard, in a real terminal (tmux): the contact form tied to a
# renewal's policy with a follow-up, the follow-up view (F) and marking it done, snooze presets and unsnooze
# (z, Z), a manual risk level (o), a missed payment with its policy, amount and due date ($), and the
# detail's reasons in words. The database is checked with the sqlite3 shell.
# Usage: Tests/EndToEnd/tui-specialist.sh PATH/TO/retention
set -u
BIN=$(cd "$(dirname "${1:?usage: tui-specialist.sh PATH/TO/retention}")" && pwd)/$(basename "$1")
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
T="tmux -S $SOCK"
cleanup() { $T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=sam TERM=xterm-256color
export RETENTION_TODAY=2026-06-15
DB="$WORK/demo.db"
. "$(dirname "$0")/lib-tmux.sh"
q() { sqlite3 "$DB" "$1"; }
# answer_cues: a compliance question, when one applies to the customer and channel, is answered yes (asked right after the channel).
answer_cues() { if wait_for "Before you log it" 2; then $T send-keys -t tui y; fi; }

"$BIN" demo --customers 300 --seed 11 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
$T new-session -d -s keep "sleep 600"
$T new-session -d -x 160 -y 50 -s tui "cd '$WORK' && '$BIN' --db '$DB' tui --refresh 1; echo EXITED \$?; sleep 60"
check_screen "the dashboard draws, the detail following row 1" "Engagement"

# L from the renewals pane: channel, outcome in words, note, a follow-up later today in the customer's zone.
$T send-keys -t tui 2 g L
check_screen "the form asks the channel, tied to the renewal's policy" ": channel"
if screen | grep -q "about POL-"; then ok; else fail "the form names the renewal's policy"; fi
$T send-keys -t tui Enter
answer_cues
check_screen "outcomes in words" "Discussed the renewal"
$T send-keys -t tui Down Down Down Down Enter
check_screen "the note is asked" "Note on the contact"
$T send-keys -t tui -l "asked for a quote"
$T send-keys -t tui Enter
check_screen "the follow-up is asked, in a named zone" "Follow up on YYYY-MM-DD"
$T send-keys -t tui -l "2026-06-15 13:00"
$T send-keys -t tui Enter
check_screen "the contact is logged with its follow-up" "Contact logged: Discussed the renewal"
if [ "$(q "SELECT count(*) FROM retention_events WHERE event_type='contact_made' AND created_by='sam' AND policy_id IS NOT NULL AND json_extract(data,'$.note')='asked for a quote' AND json_extract(data,'$.followUpAt') IS NOT NULL")" = 1 ]; then ok; else fail "one event with policy, note and follow-up"; fi
if [ "$(q "SELECT count(*) FROM tasks WHERE reason='contact_made' AND assignee='sam' AND done_at IS NULL")" = 1 ]; then ok; else fail "one open follow-up task for sam"; fi

# F: my follow-ups due today; Enter opens the customer; d marks it done and it leaves the queue.
$T send-keys -t tui 1 F
check_screen "F shows the follow-ups due today" "My follow-ups (1)"
check_screen "the follow-up names what to do" "Follow up: discussed the renewal"
$T send-keys -t tui g d
check_screen "d offers the task" "Mark a task of"
$T send-keys -t tui Enter
check_screen "the task is done" "Task done: Follow up"
if [ "$(q "SELECT count(*) FROM tasks WHERE reason='contact_made' AND done_at IS NOT NULL AND done_by='sam'")" = 1 ]; then ok; else fail "the follow-up is marked done"; fi
check_screen "a done follow-up leaves the queue" "My follow-ups (0)"
$T send-keys -t tui F
check_screen "F again: the queue" "1 At-risk customers"

# The detail: why in words, queue state, and z / Z / o there.
$T send-keys -t tui g Enter
check_screen "the detail says why in words" "Why"
check_screen "the detail shows the queue state" "Queue in the queue"
$T send-keys -t tui z
check_screen "z offers presets" "14 days"
$T send-keys -t tui Enter
check_screen "snoozed for 7 days" "snoozed until $(date -u -d "$RETENTION_TODAY +7 days" +%F)"
check_screen "the detail shows the snooze" "Queue snoozed until"
$T send-keys -t tui Z
check_screen "Z wakes the customer" "back in the queue (unsnoozed)"
$T send-keys -t tui o
check_screen "o asks the level" "clear my level"
$T send-keys -t tui Enter
$T send-keys -t tui -l "renewed by phone"
$T send-keys -t tui Enter Enter
check_screen "o sets your level" "your level low until"
check_screen "the detail shows your level beside the model's" "Your level low (model:"
if [ "$(q "SELECT count(*) FROM risk_overrides o JOIN customers c ON c.id=o.customer_id WHERE o.churn_risk=0 AND o.reason='renewed by phone' AND o.set_by='sam'")" = 1 ]; then ok; else fail "the override is stored"; fi
if [ "$(q "SELECT count(*) FROM audit_log WHERE action='customer.risk_override'")" = 1 ]; then ok; else fail "the override is audited"; fi

# $ from the renewals pane: asks first, then the policy, amount and due date, prefilled.
$T send-keys -t tui 2 g '$'
check_screen "\$ asks first" "Record a missed payment"
$T send-keys -t tui y
check_screen "then the policy, amount and due date" "POLICY AMOUNT DUE-DATE"
$T send-keys -t tui Enter
check_screen "the missed payment is recorded" "Missed payment recorded"
if [ "$(q "SELECT count(*) FROM retention_events WHERE event_type='payment_missed' AND created_by='sam' AND policy_id IS NOT NULL AND json_extract(data,'$.amount') > 0 AND json_extract(data,'$.dueDate')='2026-06-15'")" = 1 ]; then ok; else fail "the missed payment carries policy, amount and due date"; fi

# e on a do-not-contact customer asks first, naming the cue (D16).
TOP=$("$BIN" --db "$DB" api GET '/at-risk?limit=1' --compact | sed -n 's/.*"data":\[{"customerId":"\([^"]*\)".*/\1/p')
"$BIN" --db "$DB" api PATCH "/customers/$TOP" --data '{"doNotContact":true}' --compact >/dev/null
sleep 1.5
$T send-keys -t tui 1 g e
check_screen "e offers the campaigns" "Enrol "
$T send-keys -t tui Enter
check_screen "enrolling a do-not-contact customer asks first" "Before you enrol"
check_screen "naming the cue" "do not contact"
$T send-keys -t tui y
check_screen "yes enrols" "Enrolled:"

$T send-keys -t tui q
check_screen "quits cleanly" "EXITED 0"
echo "tui-specialist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
