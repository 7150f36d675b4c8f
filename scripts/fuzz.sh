#!/usr/bin/env bash
# `make fuzz`: every fuzz target with SCAMREPORT_FUZZ_CASES inputs (default 10,000), in two
# lanes at once (the bot waits on Telegram's send rate, not on the CPU, so it shares a core),
# each target in its own pytest process (so that no target's memory counts against another's):
#   lane 1: scamreport parse (--jsonl with the trained model, then plain text), the agency sink,
#           the police console on PostgreSQL
#   lane 2: the bot through the stand-in, then the police console on SQLite
# Each test appends its numbers to results/fuzz.md; pytest's output goes to
# var/fuzz/<target>.log and its tail is printed at the end. Exits non-zero when a target failed.
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

TARGETS=(parse sink console-postgresql bot console-sqlite)

run() {
  local name=$1
  shift
  local begin=$(date +%s) status=0
  "$PYTHON" -m pytest "$@" -p no:cacheprovider -q >"var/fuzz/$name.log" 2>&1 || status=$?
  echo "$status $(($(date +%s) - begin))" >"var/fuzz/$name.rc"
}

rm -f var/fuzz/*.rc
(
  run parse tests/fuzz/test_parse_fuzz.py
  run sink tests/fuzz/test_sink_fuzz.py
  run console-postgresql tests/fuzz/test_console_fuzz.py -k postgresql
) &
lane1=$!
(
  run bot tests/fuzz/test_bot_fuzz.py
  run console-sqlite tests/fuzz/test_console_fuzz.py -k sqlite
) &
lane2=$!
trap 'kill "$lane1" "$lane2" 2>/dev/null || true' INT TERM
wait "$lane1" "$lane2" || true

failed=0
{
  echo "### Targets"
  echo
  for name in "${TARGETS[@]}"; do
    if [ -f "var/fuzz/$name.rc" ]; then
      read -r status seconds <"var/fuzz/$name.rc"
    else
      status="not run" seconds="-"
    fi
    echo "- $name: exit $status, $seconds s: $(tail -n 1 "var/fuzz/$name.log" 2>/dev/null)"
    [ "$status" = 0 ] || failed=1
  done
  echo "- total $(($(date +%s) - started)) s (wall clock, both lanes at once)"
} >>"$RESULTS"
for name in "${TARGETS[@]}"; do
  echo "== $name (var/fuzz/$name.log)"
  tail -n 30 "var/fuzz/$name.log" 2>/dev/null || true
done
echo "numbers: $RESULTS"
exit "$failed"
