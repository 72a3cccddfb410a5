# Shared by the tui-*.sh scripts: counting checks and reading the dashboard's screen in tmux.
# Before sourcing: T (the tmux command, e.g. "tmux -S $SOCK") and a session named "tui" once the dashboard runs.
passed=0 failed=0
# The scripts read the book with the sqlite3 shell while a dashboard may still be closing (its last connection
# checkpoints the log and holds the file a moment): wait for the lock as the product does, instead of failing at once.
sqlite3() { command sqlite3 -cmd ".timeout 10000" "$@"; }
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; $T capture-pane -p -t tui 2>/dev/null | sed 's/^/  | /' | head -45; }
screen() { $T capture-pane -p -t tui; }
# wait_for TEXT [SECONDS]: until the screen shows TEXT
wait_for() {
  local deadline=$((SECONDS + ${2:-10}))
  while [ $SECONDS -lt $deadline ]; do screen | grep -qF -- "$1" && return 0; sleep 0.2; done
  return 1
}
# check_screen NAME TEXT [SECONDS]: one check, passed when the screen shows TEXT in time
check_screen() { if wait_for "$2" "${3:-10}"; then ok; else fail "$1 (wanted: $2)"; fi; }
