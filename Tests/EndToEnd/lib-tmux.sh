# Shared by the tui-*.sh scripts: counting checks and reading the dashboard's screen in tmux.
# Before sourcing: T (the tmux command, e.g. "tmux -S $SOCK") and a session named "tui" once the dashboard runs.
#
# Keys sent with send-keys are read by the dashboard whenever it gets to them: on a slow or loaded machine, a second
# or more later. So a check that follows keys must wait for words only the state those keys make can show (a status
# sentence naming the customer, a changed count, a prompt's title), never for words already on screen before them;
# and a step that needs that state (a sqlite3 query, more keys) comes after such a check.
passed=0 failed=0
# The scripts read the book with the sqlite3 shell while a dashboard may still be closing (its last connection
# checkpoints the log and holds the file a moment): wait for the lock as the product does, instead of failing at once.
sqlite3() { command sqlite3 -cmd ".timeout 10000" "$@"; }
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; $T capture-pane -p -t tui 2>/dev/null | sed 's/^/  | /' | head -45; }
screen() { $T capture-pane -p -t tui; }
# shows TEXT / hides TEXT: the screen shows TEXT now, or does not.
shows() { screen | grep -qF -- "$1"; }
hides() { ! shows "$1"; }
# wait_until SECONDS COMMAND...: until COMMAND succeeds, tried every 0.2 s (and once more at the deadline).
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  while :; do
    "$@" && return 0
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}
# wait_for TEXT [SECONDS]: until the screen shows TEXT
wait_for() { wait_until "${2:-10}" shows "$1"; }
# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT. It waits for the keys just sent only when TEXT was
# seen on screen after the keys before them (a prompt seen open): else its absence may be the old state's.
wait_gone() { wait_until "${2:-10}" hides "$1"; }
# check_screen NAME TEXT [SECONDS]: one check, passed when the screen shows TEXT in time
check_screen() { if wait_for "$2" "${3:-10}"; then ok; else fail "$1 (wanted: $2)"; fi; }
# check_gone NAME TEXT [SECONDS]: one check, passed when TEXT leaves the screen in time (see wait_gone)
check_gone() { if wait_gone "$2" "${3:-10}"; then ok; else fail "$1 (still shown: $2)"; fi; }
# pane_input_empty: the dashboard's terminal holds no key it has not read yet (its input queue is empty).
pane_input_empty() {
  python3 -c 'import fcntl, os, struct, sys, termios
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
sys.exit(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0] != 0)' "$($T display -p -t tui '#{pane_tty}')"
}
# keys_read [SECONDS]: until the dashboard has read every key sent. Only for a state in which nothing on screen can
# say the keys were read (a terminal too small: keys are read and dropped, nothing is drawn).
keys_read() { wait_until "${1:-10}" pane_input_empty; }
