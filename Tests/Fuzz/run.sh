#!/usr/bin/env bash
# Builds the parsers with libFuzzer and AddressSanitizer (swiftc -sanitize=fuzzer,address) and fuzzes them
# for a bounded time. Usage: Tests/Fuzz/run.sh [SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${1:-60}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# The engine without its SQLite store (the parsers do not touch the database), and the theme reader.
CORE=$(find Sources/RetentionCore -name '*.swift' | sort)
TUI=$(find Sources/RetentionTUI/Theme Sources/RetentionTUI/Text Sources/RetentionTUI/Canvas -name '*.swift' | sort)
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name RetentionFuzz -I Sources/CSQLite -lsqlite3 \
  $CORE $TUI Tests/Fuzz/FuzzParsers.swift -o "$OUT/fuzz-parsers" 2>&1 | grep -v "warning:" | grep -E "error" && exit 1
mkdir -p "$OUT/corpus"
printf '\x00leadId,agentId\n"a,b",c\n' > "$OUT/corpus/csv"
printf '\x01{"a":[1,2.5,"x"]}' > "$OUT/corpus/json"
printf '\x02*/15 9-17 * * MON-FRI' > "$OUT/corpus/cron"
printf '\x03Hi {{firstName}} {{#if phone}}x{{/if}}' > "$OUT/corpus/template"
printf '\x04/customers?churnRisk=high&limit=5' > "$OUT/corpus/api"
printf '\x05[palette]\nred = #ff0000\n[roles]\nheader = red on default bold\n' > "$OUT/corpus/theme"
printf '\x06application/json; charset=utf-8\n{"a":"\xc3\xa9"}' > "$OUT/corpus/cgi-body"
printf '\x07{"name":"x","date":"2024-01-01","amount":1.5,"tags":["a"]}' > "$OUT/corpus/body"
"$OUT/fuzz-parsers" "$OUT/corpus" -max_total_time="$SECONDS_TO_RUN" -timeout=5 -max_len=4096 -print_final_stats=1 2>&1 | tail -12
