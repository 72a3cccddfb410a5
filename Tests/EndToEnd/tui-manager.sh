#!/usr/bin/env bash
# End-to-end test of the manager's parts of the dashboard in a real terminal (tmux): the manager view (5), the
# header's High risk against the at-risk queue, the campaign form (N, live count, Esc, save), v's counts, and
# `retention report --format html|svg`.
# Usage: Tests/EndToEnd/tui-manager.sh PATH/TO/retention
set -u
BIN=$(cd "$(dirname "${1:?usage: tui-manager.sh PATH/TO/retention}")" && pwd)/$(basename "$1")
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
T="tmux -S $SOCK"
cleanup() { $T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" USER=manager TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
export RETENTION_TODAY=2026-06-15
DB="$WORK/demo.db"
. "$(dirname "$0")/lib-tmux.sh"
api() { "$BIN" --db "$DB" api "$@" --compact; }

"$BIN" demo --customers 600 --seed 9 --db "$DB" --no-open >/dev/null || { echo "demo failed"; exit 1; }
$T new-session -d -s keep "sleep 600"
$T new-session -d -x 140 -y 45 -s tui "cd '$WORK' && '$BIN' --db '$DB' tui --refresh 1; echo EXITED \$?; sleep 60"
check_screen "dashboard opens" "High risk"

# The manager view: every part, braille dots.
$T send-keys -t tui 5
check_screen "manager view opens on 5" "5 Manager: the book as pictures"
check_screen "monthly chart" "Monthly retention (top) and churn"
check_screen "NRR and GRR beside it" "GRR "
check_screen "survival curves with the customers' curve" "Survival (Kaplan-Meier)"
check_screen "cohort heat map legend" "kept: ≥90%"
check_screen "agents' workload" "Agents: queue"
# Agents by name (the demo's agents all have one), never by id.
if screen | grep -q "agent-"; then fail "the agents' table shows an id"; else ok; fi
if screen | python3 -c 'import sys; sys.exit(0 if any(0x2801 <= ord(c) <= 0x28FF for c in sys.stdin.read()) else 1)'; then ok; else fail "braille dots drawn"; fi

# The header's High risk is the at-risk queue at high and critical: the same count as the engine's queue.
HIGH=$(screen | sed -n 's/.*High risk \([0-9,]*\).*/\1/p' | head -1 | tr -d ,)
QUEUE=$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE churn_risk IN (2,3) AND erased_at IS NULL AND active_policies > 0 AND (snoozed_until IS NULL OR snoozed_until <= strftime('%s','now'))" 2>/dev/null)
LISTED=$(api GET '/at-risk?churnRisk=high,critical&limit=1000' | grep -o '"customerId":"' | wc -l)
if [ -n "$HIGH" ] && [ "$HIGH" = "$LISTED" ]; then ok; else fail "header High risk ($HIGH) = at-risk list at high+ ($LISTED; table $QUEUE)"; fi

# The campaign form: the live count follows the segment, Esc writes nothing, Enter saves a draft.
BEFORE=$(api GET '/campaigns?limit=100' | grep -o '"status":"' | wc -l)
$T send-keys -t tui 3 N
check_screen "N opens the form" "New campaign"
check_screen "the live count of the empty segment" "Matching customers now:"
$T send-keys -t tui -l "Spring check-in"
$T send-keys -t tui Escape
check_screen "Esc cancels" "Cancelled; nothing changed."
AFTER=$(api GET '/campaigns?limit=100' | grep -o '"status":"' | wc -l)
if [ "$BEFORE" = "$AFTER" ]; then ok; else fail "Esc wrote nothing ($BEFORE -> $AFTER campaigns)"; fi
# The focused field has the prompts' line editor; Ctrl-C cancels the form as Esc does.
$T send-keys -t tui N
check_screen "form opens for the line editor" "New campaign"
$T send-keys -t tui -l "abc def"
$T send-keys -t tui Left Left C-w Home; $T send-keys -t tui -l "X"
check_screen "Left, Ctrl-W and Home edit the field" "Xabc ef"
check_screen "the footer shows the form's keys" "Esc cancel"
$T send-keys -t tui C-c
check_screen "Ctrl-C cancels the form" "Cancelled; nothing changed."
AFTER=$(api GET '/campaigns?limit=100' | grep -o '"status":"' | wc -l)
if [ "$BEFORE" = "$AFTER" ]; then ok; else fail "Ctrl-C wrote nothing ($BEFORE -> $AFTER campaigns)"; fi
$T send-keys -t tui N
check_screen "form reopens" "New campaign"
$T send-keys -t tui -l "Spring check-in"
$T send-keys -t tui Down Down; $T send-keys -t tui -l "critical"
CRIT=$(sqlite3 "$DB" "SELECT count(*) FROM customers WHERE churn_risk = 3 AND erased_at IS NULL AND active_policies > 0" 2>/dev/null)
check_screen "live count of the critical customers" "Matching customers now: $CRIT"
check_screen "the first step's preview for a real customer" "Preview for "
$T send-keys -t tui Down Down Down Down Down Down Down Down Down Down Down Down Down; $T send-keys -t tui -l "0 9 * * 1"
check_screen "cron's next runs" "Next runs: Mon"
$T send-keys -t tui Up Up Up Up Up Up Up Up Up Up Up Up; $T send-keys -t tui -l "70-20"
$T send-keys -t tui Enter
# (The focused field's hint starts "Health range: " too, before Enter is read: wait for the refusal's words.)
check_screen "validation names the field" "Health range: min (70) is above max (20)"
$T send-keys -t tui C-u Enter
check_screen "saved as a draft" "created as a draft"
if api GET '/campaigns?limit=100' | grep -q '"name":"Spring check-in","description":null,"type":"engagement","status":"draft"'; then ok
elif api GET '/campaigns?limit=100' | grep -q 'Spring check-in'; then ok; else fail "the draft is in the book"; fi

# v on the running demo campaign: new matches and already enrolled.
# (the first campaign in the pane, the draft just saved, previews too: its matches are all new)
$T send-keys -t tui g v
check_screen "v says new matches and already enrolled" "already enrolled"
$T send-keys -t tui x

# The report as a page and as an SVG file.
"$BIN" --db "$DB" report --format html --output "$WORK/book.html" 2>/dev/null
if grep -q '<svg' "$WORK/book.html" && ! grep -q 'http' "$WORK/book.html" && grep -q 'Monthly retention' "$WORK/book.html"; then ok; else fail "report --format html: inline SVG, no URL"; fi
"$BIN" --db "$DB" report --format svg --output "$WORK/book.svg" 2>/dev/null
if head -c 200 "$WORK/book.svg" | grep -q '<svg xmlns="http://www.w3.org/2000/svg"'; then ok; else fail "report --format svg"; fi

# ASCII terminal: the manager view draws with ASCII marks only.
$T kill-session -t tui
$T new-session -d -x 140 -y 45 -s tui "cd '$WORK' && LANG=C LC_ALL=C '$BIN' --db '$DB' tui; sleep 60"
check_screen "ASCII dashboard opens" "High risk"
$T send-keys -t tui 5
check_screen "ASCII manager view" "kept: >=90%"
if screen | LC_ALL=C grep -q '[^ -~]'; then fail "only ASCII on an ASCII terminal"; else ok; fi

echo "tui-manager: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
