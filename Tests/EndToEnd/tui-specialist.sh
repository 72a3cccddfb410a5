#!/usr/bin/env bash
# End-to-end: a specialist's loop at the dashboard, in a real terminal (tmux): the contact form tied to a
# renewal's policy with a follow-up, the follow-up view (F) and marking it done, snooze presets and unsnooze
# (z, Z), a manual risk level (o), a missed payment with its policy, amount and due date ($), and the
# detail's reasons in words. Follow-up and snooze times are read and shown in the customer's zone, named; the
# header's clock in the machine's (TZ, set here); agents and owners by name; the snoozed mark at 120 columns;
# the F view keeping its selection when a follow-up leaves. The database is checked with the sqlite3 shell.
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
# The machine's zone, fixed so the test does not depend on where it runs: 12:00 UTC (the fixed clock) is 21:00 in Tokyo.
export TZ=Asia/Tokyo
DB="$WORK/demo.db"
. "$(dirname "$0")/lib-tmux.sh"
q() { sqlite3 "$DB" "$1"; }
# at ZONE 'YYYY-MM-DD HH:MM': that wall-clock time in ZONE, in seconds since 1970; shown ZONE SECONDS: as the dashboard shows it.
at() { TZ="$1" date -d "$2" +%s; }
shown() { TZ="$1" LC_ALL=C date -d "@$2" '+%a %-d %b %H:%M'; }
# answer_cues: a compliance question, when one applies to the customer and channel, is answered yes. It is asked right
# after the channel, in place of the outcomes: wait for either (a time limit alone would skip it on a slow machine).
asked_after_channel() { shows "Before you log it" || shows "how did it go?"; }
answer_cues() { wait_until 10 asked_after_channel; if shows "Before you log it"; then $T send-keys -t tui y; fi; }

"$BIN" demo --customers 300 --seed 11 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
$T new-session -d -s keep "sleep 600"
$T new-session -d -x 160 -y 50 -s tui "cd '$WORK' && '$BIN' --db '$DB' tui --refresh 1; echo EXITED \$?; sleep 60"
check_screen "the dashboard draws, the detail following row 1" "Engagement"
# The header's clock is the machine's zone (TZ), with its offset: 12:00 UTC is 21:00 in Tokyo.
check_screen "the header's clock is in TZ" "updated 21:0"
if screen | head -1 | grep -q "UTC+9"; then ok; else fail "the header's clock names its offset"; fi

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
check_screen "the follow-up is asked" "Follow up, "
# The customer of the renewal's row: the prompt names their zone and the time there now.
RENEWAL=$("$BIN" --db "$DB" api GET '/renewals/upcoming?days=30&limit=1' --compact | sed -n 's/.*"data":\[{"policyId":"\([^"]*\)".*/\1/p')
ZONE=$(q "SELECT c.time_zone FROM policies p JOIN customers c ON c.id = p.customer_id WHERE p.uuid = '$RENEWAL'")
check_screen "the prompt names the customer's zone and the time there" "Follow up, $ZONE time (now $(shown "$ZONE" "$(date -u -d "$RETENTION_TODAY 12:00" +%s)") there): tomorrow 10:00"
$T send-keys -t tui -l "today 13:00"
$T send-keys -t tui Enter
check_screen "the contact is logged with its follow-up in the customer's zone" "Contact logged: Discussed the renewal"
check_screen "the status says the follow-up's time there, the zone named" "; follow-up Mon 15 Jun 13:00 $ZONE."
if [ "$(q "SELECT due_at FROM tasks WHERE reason='contact_made' AND done_at IS NULL")" = "$(at "$ZONE" '2026-06-15 13:00')" ]; then ok; else fail "the follow-up is 13:00 in the customer's zone"; fi
if [ "$(q "SELECT count(*) FROM retention_events WHERE event_type='contact_made' AND created_by='sam' AND policy_id IS NOT NULL AND json_extract(data,'$.note')='asked for a quote' AND json_extract(data,'$.followUpAt') IS NOT NULL")" = 1 ]; then ok; else fail "one event with policy, note and follow-up"; fi
if [ "$(q "SELECT count(*) FROM tasks WHERE reason='contact_made' AND assignee='sam' AND done_at IS NULL")" = 1 ]; then ok; else fail "one open follow-up task for sam"; fi

# A second follow-up, logged through the API for the top of the at-risk queue, due at 14:00 UTC: earlier today
# than the first (13:00 in a US zone), so it is the F view's first row.
TOP=$("$BIN" --db "$DB" api GET '/at-risk?limit=1' --compact | sed -n 's/.*"data":\[{"customerId":"\([^"]*\)".*/\1/p')
TOPNAME=$(q "SELECT first_name || ' ' || last_name FROM customers WHERE uuid = '$TOP'")
TOPZONE=$(q "SELECT time_zone FROM customers WHERE uuid = '$TOP'")
"$BIN" --db "$DB" api POST "/customers/$TOP/contacts" --data '{"channel":"call","outcome":"callback_requested","followUpAt":"2026-06-15T14:00:00Z"}' --compact >/dev/null
# F: my follow-ups due today, each at its time in the customer's zone, the zone named.
$T send-keys -t tui 1 F
check_screen "F shows the follow-ups due today" "My follow-ups (2)"
check_screen "the follow-up names what to do" "Follow up: discussed"
# (Rows start at the list's border: the contact's status and the detail say these times too.)
check_screen "a row's time is the customer's" "┃Mon 15 Jun 13:00 $ZONE"
check_screen "the other row's too" "┃$(shown "$TOPZONE" "$(date -u -d '2026-06-15 14:00' +%s)") $TOPZONE"
# d marks the first row done: it leaves, the selection moves to its neighbour, and the status says whose and why.
$T send-keys -t tui g d
check_screen "d offers the first row's task" "Mark a task of $TOPNAME done"
$T send-keys -t tui Enter
check_screen "who left the follow-ups and why" "$TOPNAME's follow-up left the list: marked done."
check_screen "a done follow-up leaves the queue" "My follow-ups (1)"
if [ "$(q "SELECT count(*) FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE c.uuid = '$TOP' AND t.done_at IS NOT NULL AND t.done_by='sam'")" = 1 ]; then ok; else fail "the follow-up is marked done"; fi
# The selection is on the neighbour: d now offers the other customer's follow-up. (Each check waits for words that
# only the new state shows: the list's row and the first one's sentence are on screen before the keys are read.)
RNAME=$(q "SELECT c.first_name || ' ' || c.last_name FROM policies p JOIN customers c ON c.id = p.customer_id WHERE p.uuid = '$RENEWAL'")
$T send-keys -t tui d
check_screen "the selection moved to the neighbour" "Mark a task of $RNAME done"
$T send-keys -t tui Enter
check_screen "the task is done" "$RNAME's follow-up left the list: marked done."
if [ "$(q "SELECT count(*) FROM tasks WHERE reason='contact_made' AND done_at IS NOT NULL AND done_by='sam'")" = 2 ]; then ok; else fail "both follow-ups are marked done"; fi
check_screen "the last done follow-up leaves the queue" "My follow-ups (0)"
$T send-keys -t tui F
# (The view changes when the queue's rows land.)
check_screen "F again: the queue" "1 At-risk customers"

# The detail: why in words, queue state, the agent and owner by name, and z / Z / o there.
"$BIN" --db "$DB" api POST "/customers/$TOP/assign" --data '{"assignedTo":"agent-avery"}' --compact >/dev/null
$T send-keys -t tui g Enter
# The detail showed the top customer before Enter (it follows the list): wait for the focus Enter gives it and for the
# owner assigned since, read again by Enter, before the words any detail shows.
check_screen "Enter opens the top customer in the detail" "┏━ 4 $TOPNAME"
check_screen "the agent and the owner by name" "Agent $(q "SELECT a.name FROM customers c JOIN agents a ON a.id = c.agent_id WHERE c.uuid = '$TOP'")  owner Avery Collins"
check_screen "the detail says why in words" "Why"
check_screen "the detail shows the queue state" "Queue in the queue"
$T send-keys -t tui z
check_screen "z offers presets for the customer" "Snooze $TOPNAME"
check_screen "z's presets" "14 days"
$T send-keys -t tui Enter
# 7 days after today where the customer is (the 15th there: the fixed clock is 12:00 UTC), from 00:00 there.
# (The status says it; so does the list's "who left" when the customer was selected there: both the same time.)
check_screen "snoozed for 7 days, until the start of that day in the customer's zone" "snoozed until Mon 22 Jun 00:00 $TOPZONE."
check_screen "the detail shows the snooze in the customer's zone" "Queue snoozed until Mon 22 Jun 00:00 $TOPZONE"
if [ "$(q "SELECT snoozed_until FROM customers WHERE uuid = '$TOP'")" = "$(at "$TOPZONE" '2026-06-22 00:00')" ]; then ok; else fail "the snooze ends at 00:00 in the customer's zone"; fi
# At 120 columns (the owner column hidden) a snoozed customer shown on request is marked before the name.
$T resize-window -t tui -x 120 -y 40
$T send-keys -t tui 1 z
check_screen "z offers to show the snoozed" "show snoozed customers in the list"
$T send-keys -t tui j j j j j j j j j j Enter
check_screen "the snoozed are shown" "Showing snoozed customers too"
check_screen "the snoozed mark shows at 120 columns" "┃⏸ ${TOPNAME:0:3}"
# Enter opens the snoozed customer in the detail (whatever the detail showed: it follows the list's selection once
# it has rested 0.15 s, so on a slow machine it may have followed the neighbour), and Z there wakes them.
$T send-keys -t tui Enter
# (The detail may have shown the snoozed customer before Enter: the focus says Enter was read.)
check_screen "Enter opens the snoozed customer" "┏━ 4 $TOPNAME"
check_screen "the detail says until when" "Queue snoozed until Mon 22 Jun 00:00 $TOPZONE"
$T resize-window -t tui -x 160 -y 50
$T send-keys -t tui Z
check_screen "Z wakes the customer" "$TOPNAME is back in the queue (unsnoozed)."
$T send-keys -t tui o
check_screen "o asks the level" "clear my level"
$T send-keys -t tui Enter
$T send-keys -t tui -l "renewed by phone"
$T send-keys -t tui Enter Enter
check_screen "o sets your level" "$TOPNAME: your level low until"
check_screen "the detail shows your level beside the model's" "Your level low (model:"
if [ "$(q "SELECT count(*) FROM risk_overrides o JOIN customers c ON c.id=o.customer_id WHERE o.churn_risk=0 AND o.reason='renewed by phone' AND o.set_by='sam'")" = 1 ]; then ok; else fail "the override is stored"; fi
if [ "$(q "SELECT count(*) FROM audit_log WHERE action='customer.risk_override'")" = 1 ]; then ok; else fail "the override is audited"; fi
# The list's z hides the snoozed again.
$T send-keys -t tui 1 z j j j j j j j j j j Enter
check_screen "the snoozed are hidden again" "Snoozed customers hidden."

# $ from the renewals pane: asks first, then the policy, amount and due date, prefilled.
$T send-keys -t tui 2 g '$'
check_screen "\$ asks first" "Record a missed payment"
$T send-keys -t tui y
check_screen "then the policy, amount and due date" "POLICY AMOUNT DUE-DATE"
$T send-keys -t tui Enter
check_screen "the missed payment is recorded" "Missed payment recorded"
if [ "$(q "SELECT count(*) FROM retention_events WHERE event_type='payment_missed' AND created_by='sam' AND policy_id IS NOT NULL AND json_extract(data,'$.amount') > 0 AND json_extract(data,'$.dueDate')='2026-06-15'")" = 1 ]; then ok; else fail "the missed payment carries policy, amount and due date"; fi

# e on a do-not-contact customer asks first, naming the cue (D16).
"$BIN" --db "$DB" api PATCH "/customers/$TOP" --data '{"doNotContact":true}' --compact >/dev/null
sleep 1.5
$T send-keys -t tui 1 g e
check_screen "e offers the campaigns" "Enrol $TOPNAME in campaign"
$T send-keys -t tui Enter
check_screen "enrolling a do-not-contact customer asks first" "Before you enrol"
# (The detail may say "do not contact" too: the question names the customer.)
check_screen "naming the cue" "$TOPNAME: do not contact"
$T send-keys -t tui y
check_screen "yes enrols" "Enrolled:"

# / then Esc leaves the at-risk list exactly as it was, though the list followed the typing meanwhile: the same
# rows, the same row selected (highlighted) and the same scroll; compared with the colours (capture-pane -e).
$T send-keys -t tui 1 g
for _ in $(seq 22); do $T send-keys -t tui j; done
check_screen "22 rows down the at-risk list" "At-risk customers (23/"
# The list as it is once nothing more changes on screen (a refresh asked before the keys may still land): its rows
# and colours, in the top panes (lines 3-25: the at-risk list and the renewals).
list_now() { $T capture-pane -p -e -t tui | sed -n '3,25p'; }
# settled_list: the list once it has not changed for a second and a half (at most 20 s).
settled_list() {
  local last now stable=0 deadline=$((SECONDS + 20))
  last=$(list_now)
  while [ $stable -lt 6 ] && [ $SECONDS -lt $deadline ]; do
    sleep 0.25
    now=$(list_now)
    if [ "$now" = "$last" ]; then stable=$((stable + 1)); else stable=0 last=$now; fi
  done
  printf '%s\n' "$last"
}
list_is_before() { [ "$(list_now)" = "$BEFORE" ]; }
# esc_puts_back WHEN: Esc in the filter prompt cancels the filter, closes the prompt and leaves the list as it was
# before / (rows, selection, scroll).
esc_puts_back() {
  $T send-keys -t tui Escape
  check_screen "$1: Esc cancels the filter" "Filter cancelled."
  check_gone "$1: Esc closes the prompt" "Filter at-risk"
  if wait_until 10 list_is_before; then ok; else fail "$1: Esc leaves the list as it was (rows, selection, scroll)"; fi
}
BEFORE=$(settled_list)
$T send-keys -t tui /
check_screen "/ opens the filter prompt" "Filter at-risk"
$T send-keys -t tui -l "ma"
# (The renewals' title says "(1/" all along: wait for the at-risk list's, which says it once the typing's rows land.)
check_screen "the list follows the typing, from its first row" 'At-risk customers (1/'
esc_puts_back "after the list followed the typing"
check_screen "Esc selects the same row again" "At-risk customers (23/"
# A token with nothing after its colon is not read (it would match nobody, silently): the status line says what
# it needs; Enter leaves the prompt open; an unknown policy type names the types.
$T send-keys -t tui /
$T send-keys -t tui -l "agent:"
check_screen "agent: alone says what it needs, with a real id" "agent: needs an agent's id, e.g. agent:agent-"
# Enter says the hint again as an error: the same words in the error colour. Wait for that line to change, then
# the prompt must still be open and the token not applied.
hint_line() { $T capture-pane -p -e -t tui | grep -F "agent: needs an agent's id"; }
HINT=$(hint_line)
hint_restyled() { local now; now=$(hint_line); [ -n "$now" ] && [ "$now" != "$HINT" ]; }
$T send-keys -t tui Enter
if wait_until 10 hint_restyled && shows 'Filter at-risk' && hides '· "agent:"'; then ok; else fail "Enter does not apply an empty agent: token, and says so"; fi
$T send-keys -t tui C-u
$T send-keys -t tui -l "type:"
check_screen "type: alone lists the policy types" "type: needs one of auto/home/renters/condo/life/health/umbrella/commercial/motorcycle/boat/pet/travel/disability."
$T send-keys -t tui -l "nonsense"
check_screen "an unknown policy type is named, with the types" "type:nonsense is not one of auto/home/"
$T send-keys -t tui C-u
$T send-keys -t tui -l "tag:"
check_screen "tag: alone says what it needs" "tag: needs a tag, e.g. tag:vip."
# (The list was never read again: the title said (23/ all along; the status line is new.)
esc_puts_back "after tokens that were not read"

$T send-keys -t tui q
check_screen "quits cleanly" "EXITED 0"
echo "tui-specialist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
