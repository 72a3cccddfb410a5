#!/usr/bin/env bash
# End-to-end test of the dashboard as a person uses it: the real binary in a real terminal (tmux),
# keys sent with send-keys, the screen read with capture-pane, the database checked through the api.
# Usage: Tests/EndToEnd/tui-dashboard.sh PATH/TO/retention
set -u
BIN=$(cd "$(dirname "${1:?usage: tui-dashboard.sh PATH/TO/retention}")" && pwd)/$(basename "$1")
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
T="tmux -S $SOCK"
cleanup() { $T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=specialist TERM=xterm-256color
# The clock is fixed (the demo book and every date below follow it): the screens do not depend on today.
export RETENTION_TODAY=2026-06-15
day() { date -u -d "$RETENTION_TODAY $1" +%F; }
DB="$WORK/demo.db"
. "$(dirname "$0")/lib-tmux.sh"
api() { "$BIN" --db "$DB" api "$@" --compact; }

"$BIN" demo --customers 400 --seed 9 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
# The API refuses a name carrying a terminal escape sequence, naming the field.
if api POST /customers --data '{"leadId":"hostile","agentId":"agent-avery","firstName":"Evil\u001b[2J","lastName":"X","email":"evil@example.com"}' 2>&1 | grep -q '"field":"firstName"'; then ok; else fail "API refuses control characters in a name"; fi
# A customer whose name carries escape sequences and bidi/zero-width tricks all the same (a database written
# before that rule, or by another program): the dashboard must show it inert.
api POST /customers --data '{"leadId":"hostile","agentId":"agent-avery","firstName":"Evil","lastName":"Na\u202eme\u200b","email":"evil@example.com"}' >/dev/null
sqlite3 "$DB" "UPDATE customers SET first_name = 'Evil' || char(27) || '[2J' || char(27) || ']0;pwned' || char(7) WHERE lead_id = 'hostile'"
HID=$(api GET '/customers?search=evil@' | sed -n 's/.*"data":\[{"id":"\([^"]*\)".*/\1/p')
# The API gives such a name back exactly (control characters escaped in the JSON).
if api GET "/customers/$HID" | grep -qF '"firstName":"Evil\u001b[2J\u001b]0;pwned\u0007"'; then ok; else fail "hostile name read back faithfully"; fi
# The command line shows it inert on a terminal (export to a pipe stays exact).
if script -qc "'$BIN' --db '$DB' export customers" /dev/null | grep -q $'\e\]0;pwned'; then fail "export to a terminal wrote an escape sequence"; else ok; fi
if "$BIN" --db "$DB" export customers | grep -q $'Evil\e\[2J'; then ok; else fail "export to a pipe is exact"; fi
api POST /policies --data "{\"customerId\":\"$HID\",\"policyNumber\":\"EVIL-1\",\"policyType\":\"auto\",\"premium\":{\"amount\":900,\"frequency\":\"annual\"},\"coverage\":{\"type\":\"c\",\"amount\":1000},\"effectiveDate\":\"$(day '-11 months -20 days')\",\"expirationDate\":\"$(day '+1 day')\"}" >/dev/null
CAMPAIGN=$(api POST /campaigns --data '{"name":"Winter Renewals","type":"renewal_reminder","targetSegment":{"renewalWithinDays":60},"touchpoints":[{"type":"email","template":"renewal_reminder","delay":0},{"type":"sms","template":"renewal_reminder","delay":10080}]}' | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')

# What a killed load into a new book left beside it (BOOK.building-PID, its process gone) goes when the dashboard
# opens the book, as with every command; a build whose process still runs (this script's) is left alone.
sh -c 'exit 0' & DEADPID=$!; wait $DEADPID
: > "$DB.building-$DEADPID"; : > "$DB.building-$DEADPID-wal"; : > "$DB.building-$$"
$T new-session -d -x 120 -y 40 -s tui "cd '$WORK' && '$BIN' --db '$DB' tui --refresh 1; echo EXITED \$?; sleep 60"
# A second session keeps the tmux server alive whenever the test replaces "tui": killing a server's only
# session stops it, and a session started at that moment could find it gone ("no server running").
$T new-session -d -s keep "sleep 600"
check_screen "header strip shows live metrics" "NRR"
if [ ! -e "$DB.building-$DEADPID" ] && [ ! -e "$DB.building-$DEADPID-wal" ] && [ -e "$DB.building-$$" ]; then ok; else fail "the dashboard removes a dead load's partial file beside its book, and only that"; fi
rm -f "$DB.building-$$"
check_screen "four panes in a 2x2 grid, the detail following row 1 from the first draw" "Agent "
# The agent is shown by name (the agents table), not by id.
if screen | grep -qE "Agent ($(sqlite3 "$DB" "SELECT group_concat(name, '|') FROM agents"))  owner"; then ok; else fail "the detail names the agent"; fi
check_screen "renewals pane lists policies" "Renewals, next 30 days"
check_screen "campaign pane lists the campaign" "Winter Rene…"
check_screen "footer shows key hints" "? help"

# Hostile text is shown inert: no clear-screen, no title change, the layout intact.
$T send-keys -t tui 2 w w
# (The status says "next 90 days" at once; the title gives the row's position once the 90 days' rows are read.)
check_screen "renewal window switches" "Renewals, next 90 days (1/"
check_screen "hostile customer's policy listed (it renews tomorrow)" "EVIL-1"
if screen | grep -q $'\e'; then fail "escape character reached the screen"; else ok; fi
if screen | grep -q "Retention" && screen | grep -q "3 Campaigns"; then ok; else fail "layout damaged by hostile text"; fi

# Navigate and open a customer from the renewals list: the last row, a demo customer (the hostile one, renewing
# tomorrow, may be the first; it was added after the demo's scoring, so it has no scores to show).
RENEWALS=$(screen | sed -n 's/.*Renewals, next 90 days (1\/\([0-9,]*\)).*/\1/p' | head -1)
$T send-keys -t tui G
check_screen "G selects the last renewal" "Renewals, next 90 days ($RENEWALS/$RENEWALS)"
$T send-keys -t tui Enter
# The detail showed another customer before Enter, with the same headings: wait for the focus Enter gives it and for
# the customer it asked for (the title says "Customer detail" while they are read), before scrolling it.
detail_opened() { shows "┏━ 4 " && hides "┏━ 4 Customer detail"; }
if wait_until 10 detail_opened; then ok; else fail "Enter opens the renewal's customer in the detail"; fi
check_screen "customer detail opens" "Scores"
# The queue state, the reasons in words and what changed come first: scroll to the components.
$T send-keys -t tui j j j j j j j j j j
check_screen "detail shows the health components" "Engagement"
check_screen "detail says the defaults are untrained" "model untrained: documented default coefficients (M)"
# M shows the model in use: on this small demo, the untrained defaults and what training needs.
$T send-keys -t tui M
check_screen "model overlay" "Churn model untrained: the documented default coefficients."
check_screen "model overlay says what training needs" "at least 100 customers who left"
$T send-keys -t tui x
$T send-keys -t tui j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j
check_screen "detail scrolls to the policies and events" "Recent events"
$T send-keys -t tui Escape
# (The renewals are always on screen: their heavy border says the focus is back.)
check_screen "Esc returns to the list" "┏━ 2 Renewals, next 90 days"
# The customer at the top of the at-risk queue: the detail names the top factor the list (and the API) gives.
TOPFACTOR=$(api GET '/at-risk?limit=1' | sed -n 's/.*"topRiskFactor":"\([^"]*\)".*/\1/p')
TOPID=$(api GET '/at-risk?limit=1' | sed -n 's/.*"data":\[{"customerId":"\([^"]*\)".*/\1/p')
TOPNAME=$(sqlite3 "$DB" "SELECT first_name || ' ' || last_name FROM customers WHERE uuid = '$TOPID'")
$T send-keys -t tui 1 g Enter
check_screen "the detail opens on the top customer" "┏━ 4 $TOPNAME"
check_screen "the detail opens at its top" "Why"
# Its open tasks (the rescore's risk rises raise them) come first: scroll to the churn lines.
$T send-keys -t tui j j j j j j j j j j j j j j j j
check_screen "the detail's top factor is the list's" "top factor $TOPFACTOR +"
$T send-keys -t tui Escape 2

# Help overlay lists every binding from the one key table.
$T send-keys -t tui '?'
check_screen "help overlay" "other keys close"
check_screen "help lists campaign keys" "activate / resume campaign"
# Help and behaviour come from the same bindings: the keys that ask first say so (a page down: help scrolls).
$T send-keys -t tui ' '
check_screen "help says the missed payment asks first" "record a missed payment (asks first)"
check_screen "help says z offers the presets" "snooze (presets) or show snoozed"
$T send-keys -t tui x

# Activate and pause the campaign by keys; check the database through the api.
$T send-keys -t tui 3 a
# Activation asks first, naming the campaign and what it enrols and schedules; nothing is active before yes.
check_screen "activation asks first, with what it enrols" 'Activate "Winter Renewals"? It enrols'
check_screen "the question names the channels it schedules messages by" 'email, sms.'
if [ "$(api GET "/campaigns/$CAMPAIGN" | grep -o '"status":"[a-z]*"' | head -1)" = '"status":"draft"' ]; then ok; else fail "campaign still a draft while the question is open"; fi
$T send-keys -t tui y
check_screen "activation reported" "is now active"
if [ "$(api GET "/campaigns/$CAMPAIGN" | grep -o '"status":"[a-z]*"' | head -1)" = '"status":"active"' ]; then ok; else fail "campaign active in the database"; fi
# (The demo book has an active campaign of its own: look for this one's row.)
# At 120 columns the pane shows what a manager reads first: Sent, Reached, Resp, Retained (treated v control), Uplift, ROI.
check_screen "the campaigns pane at 120 columns shows the manager's columns" "Campaign       Sent Reached  Resp Retained Uplift      ROI"
# A campaign a minute old is too early to judge: Retained, Uplift and ROI say so instead of 100 % and −100 %
# (a draft that enrolled nobody shows dashes).
winter_early() { screen | grep -qE "Winter Rene… +[0-9,]+ +[0-9,]+ +[0-9,]+ +early +early +early"; }
deadline=$((SECONDS + 10)); until winter_early || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
if winter_early; then ok; else fail "a new campaign is too early to judge"; fi
$T send-keys -t tui Enter
check_screen "the detail of a new campaign says too early, with how many are measured" "Uplift      too early (0 of"
check_screen "the detail draws the funnel as bars" "Per step (sent → delivered → opened → clicked → responded"
check_screen "the detail names the campaign's status" "Winter Renewals (active)"
$T send-keys -t tui x
$T send-keys -t tui a
check_screen "an action that cannot apply says why" "cannot be activated"
$T send-keys -t tui p
# Pause asks first, saying how many pending touchpoints it holds.
check_screen "pause asks first, with what is pending" 'pending touchpoints are held until you resume'
$T send-keys -t tui y
check_screen "pause reported" "is now paused"
if [ "$(api GET "/campaigns/$CAMPAIGN" | grep -o '"status":"[a-z]*"' | head -1)" = '"status":"paused"' ]; then ok; else fail "campaign paused in the database"; fi
$T send-keys -t tui c
check_screen "cancel asks first, naming the campaign" 'Cancel "Winter Renewals"?'
$T send-keys -t tui n
check_screen "declining changes nothing" "Nothing changed."
# A customer who opened a touchpoint was reached: the pane's Reached counts them, the overlay (Enter) shows
# the funnel, where the opened touchpoint counts as sent and delivered too.
TP=$(api GET "/campaigns/$CAMPAIGN/touchpoints?limit=1" | sed -n 's/.*"data":\[{"id":"\([^"]*\)".*/\1/p')
api PATCH "/touchpoints/$TP/status" --data '{"status":"sent"}' >/dev/null
api PATCH "/touchpoints/$TP/status" --data '{"status":"opened"}' >/dev/null
reached_one() { screen | grep -qE "Winter Rene… +[0-9,]+ +1(▲)? "; }
deadline=$((SECONDS + 10)); until reached_one || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
if reached_one; then ok; else fail "the pane's Reached counts the customer who opened"; fi
$T send-keys -t tui Enter
check_screen "the campaign's detail shows the funnel" "opened           1"
$T send-keys -t tui x
check_gone "any key closes the campaign's detail" "(any key closes)"
# The demo's completed renewal reminder: measured, with the uplift's 95 % interval and its A/B step's variants.
# Select the renewal reminder's row: from the top, open each campaign's detail until it is that one. (Each detail
# is read before it opens: wait for it, then for it to close, whatever the time it takes.)
$T send-keys -t tui g
for i in 1 2 3 4 5 6 7 8; do
  $T send-keys -t tui Enter
  wait_for "(any key closes)" || break
  if shows "Renewal reminders,"; then break; fi
  $T send-keys -t tui x
  wait_gone "(any key closes)" || break
  $T send-keys -t tui j
done
check_screen "the detail of a measured campaign shows the uplift's interval" "pts, 95 % interval"
check_screen "the detail shows the A/B step and its variants" "A/B step 1"
check_screen "the variants are listed with their responses" "B engagement:"
check_screen "goals show as bars" "Goals"
$T send-keys -t tui x

# Filter the at-risk list as you type: a tag token and a name search.
$T send-keys -t tui 1 /
check_screen "filter prompt" "Filter at-risk"
$T send-keys -t tui -l "tag:vip"
$T send-keys -t tui Enter
# (The list follows the typing: the status says the filter once it is typed; Enter then closes the prompt.)
check_screen "filter applied" "Filter: tag:vip"
check_gone "Enter closes the prompt" "Filter at-risk"
$T send-keys -t tui / C-u
check_screen "the filter prompt opens again" "Filter at-risk"
$T send-keys -t tui BSpace BSpace BSpace BSpace BSpace BSpace BSpace Enter
check_gone "Enter closes the prompt again" "Filter at-risk"
check_screen "filter cleared" "Filter cleared."

# The win-back list: former customers, latest leavers first; Enter opens one, marked as a former customer.
$T send-keys -t tui 1 b
check_screen "b shows the win-back list" "1 Win-back ("
check_screen "the win-back list names when they left" "Was with us"
$T send-keys -t tui g Enter
# (The detail followed the first row when the list landed: the focus says Enter was read.)
if wait_until 10 detail_opened; then ok; else fail "Enter opens the former customer in the detail"; fi
check_screen "a former customer's detail says so" "Former customer:"
$T send-keys -t tui Escape b
check_screen "b returns to the at-risk queue" "1 At-risk customers"

# Lists that are right at any size: the title says the selected row's position and the queue's true size,
# G goes to the real last row, every sort is the store's over the whole queue, S reverses it, and a customer
# who leaves the list (snoozed by someone else) is named with the reason.
queue() { sqlite3 "$DB" "SELECT $1 FROM customers WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0 AND (snoozed_until IS NULL OR snoozed_until <= strftime('%s', '$RETENTION_TODAY')) ORDER BY $2 LIMIT 1 OFFSET ${3:-0}"; }
QSIZE=$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE churn_risk >= 1 AND erased_at IS NULL AND active_policies > 0 AND (snoozed_until IS NULL OR snoozed_until <= strftime('%s', '$RETENTION_TODAY'))")
$T send-keys -t tui 1 g
check_screen "the title says position and the queue's true size" "At-risk customers (1/$QSIZE)"
$T send-keys -t tui G
check_screen "G goes to the real last row" "At-risk customers ($QSIZE/$QSIZE)"
# A sort's message shows at once; its rows when the store has read them: the title then gives the first row's
# position (it says "reading…" meanwhile), and the rows are checked from the first one down.
first_row() { screen | grep -m1 -A1 '^┃Customer ' | sed -n 2p; }
first_row_is() { first_row | grep -qF "┃${1%% *} "; }
$T send-keys -t tui g s s
check_screen "sorted by LTV over the whole queue" "Sorted by LTV, the whole queue."
check_screen "the queue read by LTV, from its first row" "At-risk customers (1/$QSIZE) · medium+ · by LTV ━"
TOPLTV=$(queue "first_name || ' ' || last_name" "coalesce(projected_ltv_cents, -1) DESC, id DESC")
if first_row_is "$TOPLTV"; then ok; else fail "the most valuable customer of the whole queue is first ($TOPLTV; first row: $(first_row))"; fi
$T send-keys -t tui S
check_screen "S reverses the order" "Sorted by LTV, reversed."
check_screen "the queue read reversed, from its first row" "At-risk customers (1/$QSIZE) · medium+ · by LTV (revers"
LOWLTV=$(queue "first_name || ' ' || last_name" "coalesce(projected_ltv_cents, -1), id")
if first_row_is "$LOWLTV"; then ok; else fail "the least valuable first when reversed ($LOWLTV; first row: $(first_row))"; fi
# Back to the usual order (probability, most likely first): S, then s round the other five sorts.
$T send-keys -t tui S s s s s s
check_screen "back to the usual order" "Sorted by probability, the whole queue."
check_screen "the queue read by probability, from its first row" "At-risk customers (1/$QSIZE) · medium+ · by probability ━"
LEAVING=$(queue "uuid" "coalesce(churn_probability, 0) DESC, coalesce(projected_ltv_cents, -1) DESC, id DESC" 1)
LEAVINGNAME=$(queue "first_name || ' ' || last_name" "coalesce(churn_probability, 0) DESC, coalesce(projected_ltv_cents, -1) DESC, id DESC" 1)
TOPPROB=$(queue "first_name || ' ' || last_name" "coalesce(churn_probability, 0) DESC, coalesce(projected_ltv_cents, -1) DESC, id DESC")
if first_row_is "$TOPPROB"; then ok; else fail "the most likely to leave first again ($TOPPROB; first row: $(first_row))"; fi
$T send-keys -t tui g j
check_screen "the cursor on the second customer" "At-risk customers (2/$QSIZE)"
# The departure is said by a refresh that watched the selected customer: one asked before j watched the first
# row, and would find the second gone without a word. The worker reads one request at a time, in order, and the
# detail's read of the second customer (it follows the cursor) is asked after j: once the detail shows them, every
# read asked before j is done.
check_screen "the detail follows the second customer" "4 $LEAVINGNAME ─"
api POST "/customers/$LEAVING/snooze" --data "{\"until\":\"$(day '+20 days')\"}" >/dev/null
# The API's snooze date ends at that day's start where the customer is, never before 00:00 UTC of it: said at
# that time in the customer's zone, named.
LEAVINGZONE=$(sqlite3 "$DB" "SELECT coalesce(time_zone, 'UTC') FROM customers WHERE uuid = '$LEAVING'")
LOCALSTART=$(TZ="$LEAVINGZONE" date -d "$(day '+20 days') 00:00" +%s) UTCSTART=$(date -u -d "$(day '+20 days')" +%s)
UNTIL=$(TZ="$LEAVINGZONE" LC_ALL=C date -d "@$(( LOCALSTART > UTCSTART ? LOCALSTART : UTCSTART ))" '+%a %-d %b %H:%M')
check_screen "who left the list and why" "$LEAVINGNAME left the list: snoozed until $UNTIL $LEAVINGZONE." 10
api POST "/customers/$LEAVING/snooze" --data '{"until":null}' >/dev/null
# + zooms the detail to the full screen: no other pane on screen; + again brings them back.
$T send-keys -t tui 4 +
check_screen "+ zooms the focused pane" "zoomed to the full screen"
if screen | grep -q "Renewals, next"; then fail "other panes hidden while zoomed"; else ok; fi
$T send-keys -t tui + 1
check_screen "+ again shows every pane" "Renewals, next"

# Log a contact on a customer.
# (The whole contact form, the follow-up queue and the other specialist keys: tui-specialist.sh.)
$T send-keys -t tui 2 g L
check_screen "contact form asks the channel first" ": channel"
$T send-keys -t tui Enter
check_screen "then the outcome, in words" "how did it go?"
# (No compliance question for this customer: it would come right after the channel, in place of the outcomes.)
$T send-keys -t tui Down Down Enter Enter Enter
check_screen "contact logged" "Contact logged: No answer"
if [ "$(api GET '/metrics' >/dev/null; sqlite3 "$DB" "SELECT count(*) FROM retention_events WHERE event_type='contact_made' AND data LIKE '%no_answer%' AND created_by='specialist'")" -ge 1 ]; then ok; else fail "contact stored with the user"; fi

# A paste is text for the prompt, never keys: its line break does not submit the note, the "A$" after it
# neither assigns nor records a missed payment. With no prompt open a paste is refused.
missed() { sqlite3 "$DB" "SELECT count(*) FROM retention_events WHERE event_type='payment_missed' AND created_by='specialist'"; }
MISSED=$(missed)
$T send-keys -t tui 1 g n
check_screen "note prompt names its customer" "Note on "
printf 'Pasted note\nA$' | $T load-buffer -
$T paste-buffer -p -t tui
check_screen "pasted text lands in the prompt as one line" "Pasted note A\$"
$T send-keys -t tui Enter
check_screen "the pasted note is saved on Enter" "Note added"
$T paste-buffer -p -t tui
check_screen "a paste with no prompt open is refused" "Pasted text ignored"
if [ "$(missed)" = "$MISSED" ] && [ "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE assigned_to='specialist'")" = 0 ]; then ok; else fail "a paste ran as keys"; fi
# $ asks first, naming the customer; n leaves the book as it was, y records the event.
$T send-keys -t tui '$'
check_screen "a missed payment asks first" "Record a missed payment for"
$T send-keys -t tui n
check_screen "n changes nothing" "Nothing changed."
if [ "$(missed)" = "$MISSED" ]; then ok; else fail "a missed payment recorded without a yes"; fi
$T send-keys -t tui '$' y
check_screen "y asks the policy, amount and due date" "POLICY AMOUNT DUE-DATE"
$T send-keys -t tui Enter
check_screen "Enter records the missed payment and rescores at once" "Missed payment recorded; health now"
if [ "$(missed)" = "$((MISSED + 1))" ]; then ok; else fail "missed payment stored once"; fi

# An external change arrives through the timer.
api POST /campaigns --data '{"name":"Loyalty Thank-You","type":"loyalty","touchpoints":[{"type":"email","template":"loyalty","delay":0}]}' >/dev/null
check_screen "another process's change appears within the refresh period" "Loyalty Tha…" 10

# Resize: narrow terminals show one pane with a switcher; tiny ones say so; back to large.
$T resize-window -t tui -x 80 -y 24
check_screen "single pane below 100 columns" "1 At risk"
$T resize-window -t tui -x 30 -y 10
check_screen "too small message" "too small"
# Nothing is shown, so no key acts on a customer: $ y and A change nothing. Nothing on screen can say the keys were
# read, so wait until the terminal holds none unread: a resize sent sooner could be read before them (curses gives
# it first), and the keys would act at the new size.
MISSED=$(missed)
$T send-keys -t tui '$' y A
if keys_read; then ok; else fail "the dashboard reads keys while the terminal is too small"; fi
$T resize-window -t tui -x 140 -y 45
check_screen "grid again after resize" "4 "
check_screen "grid shows all panes" "3 Campaigns"
# Had the keys acted, A's assignment would be on the worker's queue, or $ y's payment prompt open: L reads its
# customer through that queue (one job at a time, in order), so once its form is open any earlier job is done.
$T send-keys -t tui L
check_screen "after the resize the keys act again, no prompt left open" ": channel"
$T send-keys -t tui Escape
check_screen "the contact form cancelled" "Cancelled; nothing changed."
if [ "$(missed)" = "$MISSED" ] && [ "$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE assigned_to='specialist'")" = 0 ]; then ok; else fail "keys acted while the terminal was too small"; fi

# Quit restores the terminal.
$T send-keys -t tui q
check_screen "program exits cleanly" "EXITED 0"
# The alternate screen is left and the cursor is visible again.
if [ "$($T display -p -t tui '#{alternate_on} #{cursor_flag}')" = "0 1" ]; then ok; else fail "terminal not restored after quit: $($T display -p -t tui '#{alternate_on} #{cursor_flag}')"; fi

# SIGTERM restores the terminal too.
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 100 -y 30 -s tui "cd '$WORK' && '$BIN' --db '$DB' tui; echo EXITED; sleep 30"
if wait_for "Renewals" 10; then ok; else fail "dashboard started for the SIGTERM test"; fi
kill -TERM "$(pgrep -P "$($T display -p -t tui '#{pane_pid}')" retention)"
if wait_for "EXITED" 10 && [ "$($T display -p -t tui '#{alternate_on} #{cursor_flag}')" = "0 1" ]; then ok; else fail "SIGTERM restores the terminal"; fi

# An unknown theme is reported with the ones there are, not silently replaced.
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 120 -y 40 -s tui "cd '$WORK' && '$BIN' --db '$DB' tui --theme no-such-theme; echo EXITED; sleep 30"
check_screen "an unknown theme is reported" "No theme called"
$T send-keys -t tui q

# Other terminals: the dashboard starts, draws and quits cleanly under each TERM users have.
for term in xterm-256color screen-256color xterm vt100 linux; do
  $T kill-session -t tui 2>/dev/null
  $T new-session -d -x 100 -y 30 -s tui "cd '$WORK' && TERM=$term '$BIN' --db '$DB' tui; echo EXITED \$?; sleep 30"
  if wait_for "Renewals" 10; then ok; else fail "TERM=$term draws the dashboard"; fi
  $T send-keys -t tui q
  if wait_for "EXITED 0" 10; then ok; else fail "TERM=$term quits cleanly"; fi
done

# A locale that cannot show Unicode gets the ASCII set: boxes, bars, sparklines and marks in ASCII (the
# panes draw bars with the Bar widget, whose ASCII cell is # or .; the canvas writes ASCII stand-ins for marks).
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 120 -y 40 -s tui "cd '$WORK' && LANG=C LC_ALL=C '$BIN' --db '$DB' tui; echo EXITED \$?; sleep 30"
check_screen "ASCII: the dashboard draws" "Renewals"
check_screen "ASCII: health bars in # and ." "#.."
# (curses drops what the locale cannot show: a Unicode mark would leave a gap, not a wrong glyph.)
check_screen "ASCII: title separators shown as |" "| medium+ | by probability"
$T send-keys -t tui q
check_screen "ASCII: quits cleanly" "EXITED 0"

# ---- Keys and terminals as people expect (issue 21).
# Prompts edit at the cursor: Left, Backspace, Ctrl-A; Esc cancels without saving; Esc in the filter puts
# back the filter in force before /. At 80 columns the paused timer shows in the header; the book is named.
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 80 -y 24 -s tui "cd '$WORK' && '$BIN' --db '$DB' tui; echo EXITED \$?; sleep 60"
check_screen "keys: the dashboard draws at 80x24" "1 At risk"
check_screen "keys: the header names the book" "demo.db"
$T send-keys -t tui 1 g n
check_screen "keys: note prompt" "Note on "
$T send-keys -t tui -l "monthly plan."
$T send-keys -t tui Left Left Left BSpace C-a X
check_screen "keys: the prompt edits at the cursor" "Xmonthly pan."
$T send-keys -t tui C-w
$T send-keys -t tui Escape
check_screen "keys: Esc cancels the prompt" "Cancelled; nothing changed."
# (Esc's "Cancelled; nothing changed." is still on the status line: wait for the prompt to open, then to close.)
$T send-keys -t tui n x
check_screen "keys: the note prompt again" "Note on "
$T send-keys -t tui C-c
check_gone "keys: Ctrl-C closes the prompt" "Note on "
check_screen "keys: Ctrl-C cancels a prompt and does not quit" "Cancelled; nothing changed."
if screen | grep -q "EXITED"; then fail "Ctrl-C in a prompt quit the dashboard"; else ok; fi
$T send-keys -t tui /
$T send-keys -t tui -l "zzqq"
$T send-keys -t tui Escape
check_screen "keys: Esc in the filter cancels it" "Filter cancelled."
if screen | grep -q "zzqq"; then fail "the cancelled filter is still applied"; else ok; fi
$T send-keys -t tui P
check_screen "keys: the paused timer shows at 80 columns" "PAUSED"
$T send-keys -t tui q
check_screen "keys: quits" "EXITED 0"

# A read-only book (mode 0444) opens read-only: the header says so, and a key that would change it says why.
cp "$DB" "$WORK/ro.db"; chmod 0444 "$WORK/ro.db"
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 120 -y 40 -s tui "cd '$WORK' && '$BIN' --db '$WORK/ro.db'; echo EXITED \$?; sleep 60"
check_screen "read-only: the dashboard opens" "Renewals"
check_screen "read-only: the header says so" "read-only"
# The status line says it on opening too, adding that the keys are dimmed: A's answer is the reason alone.
check_screen "read-only: the status line says the keys are dimmed" "The keys that would are dimmed"
$T send-keys -t tui 1 g A
check_gone "read-only: a key replaces the opening sentence" "The keys that would are dimmed"
check_screen "read-only: a key that changes the book says why" "Read-only book (ro.db cannot be written)"
if [ "$(sqlite3 "$WORK/ro.db" "SELECT count(*) FROM customers WHERE assigned_to='specialist'")" = 0 ]; then ok; else fail "read-only: a customer was assigned"; fi
$T send-keys -t tui q
check_screen "read-only: quits" "EXITED 0"

# Another user's book in a folder they cannot write (a manager with read access, a read-only mount): it opens
# read-only too, read as immutable since SQLite cannot make its shared-memory file there. (Needs root to switch user.)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  mkdir -p "$WORK/rodir"; cp "$DB" "$WORK/rodir/book.db"; chmod 0755 "$WORK" "$WORK/rodir"; chmod 0644 "$WORK/rodir/book.db"
  cp "$BIN" "$WORK/rodir-bin"; chmod 0755 "$WORK/rodir-bin"
  $T kill-session -t tui 2>/dev/null
  $T new-session -d -x 120 -y 40 -s tui "cd '$WORK' && setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME='$WORK' XDG_CONFIG_HOME='$WORK/nobody' '$WORK/rodir-bin' --db '$WORK/rodir/book.db'; echo EXITED \$?; sleep 60"
  check_screen "read-only folder: the dashboard opens" "Renewals"
  check_screen "read-only folder: the header says read-only" "read-only"
  $T send-keys -t tui q
  check_screen "read-only folder: quits" "EXITED 0"
fi

# A path that does not exist: a new, empty book, and the dashboard says so.
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 120 -y 40 -s tui "cd '$WORK' && '$BIN' --db '$WORK/typo.db'; echo EXITED \$?; sleep 60"
check_screen "a new book is announced" "a new, empty book was created"
$T send-keys -t tui q

# TERM=dumb cannot draw the dashboard: the report is printed instead, and the program ends.
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 120 -y 40 -s tui "cd '$WORK' && TERM=dumb '$BIN' --db '$DB' 2>'$WORK/dumb.err'; echo EXITED \$?; sleep 60"
check_screen "TERM=dumb prints the report and exits" "EXITED 0"
if grep -q "TERM=dumb cannot draw the dashboard" "$WORK/dumb.err" && screen | grep -q "Survival"; then ok; else fail "TERM=dumb says why and prints the report"; fi

# A copied binary (no themes/ folder anywhere near it) still has the shipped themes, and the dashboard's
# options work without the word tui.
mkdir -p "$WORK/elsewhere"; cp "$BIN" "$WORK/elsewhere/retention-copy"
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 120 -y 40 -s tui "cd '$WORK/elsewhere' && ./retention-copy --db '$DB' --theme solarized-dark --refresh 2; echo EXITED \$?; sleep 60"
check_screen "--theme without tui opens the dashboard" "Renewals"
if screen | grep -qE "No theme called|unknown option"; then fail "a copied binary lacks the shipped themes, or --theme needs tui"; else ok; fi
$T send-keys -t tui t
# (Sorted by name, the theme after solarized-dark is dark; with no shipped theme t would say "the only one found".)
check_screen "t cycles the built-in themes" "Theme: dark."
$T send-keys -t tui q

# The dashboard's options before another command's words are a mistake, said as such.
if "$BIN" --db "$DB" --theme dark api GET /metrics >/dev/null 2>"$WORK/opt.err"; then fail "--theme before api ran something"; else
  if grep -q 'unexpected "api"' "$WORK/opt.err"; then ok; else fail "--theme before api: $(cat "$WORK/opt.err")"; fi; fi

# A non-UTF-8 locale keeps the columns: accented letters lose their accents, ideographs become ? per column.
LID=$(api POST /customers --data '{"leadId":"lucia","agentId":"agent-avery","firstName":"Lucía","lastName":"Nguyễn山","email":"lucia@example.com"}' | sed -n 's/.*"data":{"id":"\([^"]*\)".*/\1/p')
api POST /policies --data "{\"customerId\":\"$LID\",\"policyNumber\":\"LUC-1\",\"policyType\":\"home\",\"premium\":{\"amount\":500,\"frequency\":\"annual\"},\"coverage\":{\"type\":\"c\",\"amount\":1000},\"effectiveDate\":\"$(day '-11 months -25 days')\",\"expirationDate\":\"$(day '+3 days')\"}" >/dev/null
$T kill-session -t tui 2>/dev/null
$T new-session -d -x 160 -y 40 -s tui "cd '$WORK' && LANG=C LC_ALL=C '$BIN' --db '$DB'; echo EXITED \$?; sleep 60"
check_screen "C locale: the renewals list shows the customer" "LUC-1"
check_screen "C locale: letters transliterated, ideograph as ??" "Lucia Nguyen??"
$T send-keys -t tui q
check_screen "q ends the dashboard" "EXITED 0"

# retention demo never silently replaces a demo someone has worked in (contacts and notes were logged above).
BEFORE=$(sqlite3 "$DB" "SELECT count(*) FROM audit_log")
if "$BIN" demo --customers 50 --db "$DB" --no-open >/dev/null 2>"$WORK/demo.err"; then fail "demo replaced a worked-on book"; else ok; fi
if grep -q "someone has worked in" "$WORK/demo.err" && [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit_log")" = "$BEFORE" ]; then ok; else fail "demo's refusal: $(cat "$WORK/demo.err")"; fi
cp "$DB" "$WORK/forced.db"
if "$BIN" demo --customers 50 --db "$WORK/forced.db" --no-open --force >/dev/null 2>&1 \
  && [ "$("$BIN" --db "$WORK/forced.db" api GET '/customers?limit=1' --compact | grep -o '"total":[0-9]*')" = '"total":50' ]; then ok; else fail "demo --force replaces a worked-on demo"; fi

echo "tui: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
