#!/usr/bin/env bash
# `make fuzz`: every fuzz target with SCAMREPORT_FUZZ_CASES inputs (default 10,000), in two
# lanes at once (the bot waits on Telegram's send rate, not on the CPU, so it shares a core):
#   lane 1: scamreport parse (--jsonl with the trained model, then plain text), the agency sink,
#           the police console on PostgreSQL
#   lane 2: the bot through the stand-in, then the police console on SQLite
# Each test appends its numbers to results/fuzz.md; the lanes' pytest output goes to
# var/fuzz/lane-*.log and is printed at the end. Exits non-zero when a lane failed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=.venv/app/bin/python
RESULTS=${SCAMREPORT_FUZZ_RESULTS:-results/fuzz.md}
export SCAMREPORT_FUZZ_CASES=${SCAMREPORT_FUZZ_CASES:-10000}
export SCAMREPORT_FUZZ_NLU=${SCAMREPORT_FUZZ_NLU:-model}
export SCAMREPORT_FUZZ_RESULTS=$RESULTS
mkdir -p "$(dirname "$RESULTS")" var/fuzz
started=$(date +%s)
printf '# Fuzz run\n\n' >"$RESULTS"
printf -- '- started %s, %s inputs per target, NLU %s, seed %s, `make fuzz` (scripts/fuzz.sh)\n\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SCAMREPORT_FUZZ_CASES" "$SCAMREPORT_FUZZ_NLU" \
  "${SCAMREPORT_FUZZ_SEED:-20201120}" >>"$RESULTS"

lane() {
  local name=$1
  shift
  local begin=$(date +%s) status=0
  "$PYTHON" -m pytest "$@" -p no:cacheprovider -q >"var/fuzz/lane-$name.log" 2>&1 || status=$?
  echo "$status $(($(date +%s) - begin))" >"var/fuzz/lane-$name.rc"
}

lane parse-sink-console-postgresql tests/fuzz/test_parse_fuzz.py tests/fuzz/test_sink_fuzz.py \
  tests/fuzz/test_console_fuzz.py -k "not sqlite" &
lane1=$!
lane bot-console-sqlite tests/fuzz/test_bot_fuzz.py tests/fuzz/test_console_fuzz.py \
  -k "not postgresql" &
lane2=$!
trap 'kill "$lane1" "$lane2" 2>/dev/null || true' INT TERM
wait "$lane1" "$lane2" || true

failed=0
{
  echo "### Lanes"
  echo
  for name in parse-sink-console-postgresql bot-console-sqlite; do
    read -r status seconds <"var/fuzz/lane-$name.rc"
    summary=$(tail -n 1 "var/fuzz/lane-$name.log")
    echo "- $name: exit $status, $seconds s: $summary"
    [ "$status" = 0 ] || failed=1
  done
  echo "- total $(($(date +%s) - started)) s (wall clock, both lanes at once)"
} >>"$RESULTS"
for name in parse-sink-console-postgresql bot-console-sqlite; do
  echo "== lane $name (var/fuzz/lane-$name.log)"
  tail -n 40 "var/fuzz/lane-$name.log"
done
echo "numbers: $RESULTS"
exit "$failed"
