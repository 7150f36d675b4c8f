#!/usr/bin/env bash
# The evaluation gate (`make evaluate`) and cross-validation (`make crossval`).
#
#   scripts/evaluate.sh             rasa test nlu on the held-out split (tests/nlu/test_data.yml)
#                                   and rasa test core on tests/test_stories.yml, then writes
#                                   results/summary.md and docs/model-card.md and fails when the
#                                   weighted intent F1 < 0.90 or the weighted entity F1 < 0.85;
#                                   also rasa test nlu on each language's own held-out split
#                                   (tests/nlu/heldout_<lang>.yml, into results/nlu_<lang>), which
#                                   fails when that language's intent macro F1 < 0.90;
#                                   then the scam-type classifier (below). Both always run.
#                                   The `rasa test` runs share one process that loads the model
#                                   once (rasa_runtime/evaluate.py; log: var/log/evaluate.log).
#   scripts/evaluate.sh --scam-types  only the scam-type classifier on training/scam_types/heldout:
#                                   results/scam_types/, its section of docs/model-card.md; fails
#                                   when the macro F1 < 0.90 or any type's F1 < 0.80, or when the
#                                   English, Chinese or Malay stories alone score a macro F1 < 0.90
#                                   (English also every type at least 0.80).
#   scripts/evaluate.sh --crossval  3-fold cross-validation of data/ into results/crossval
#                                   (trains 3 models: several minutes per fold). No gate.
#   scripts/evaluate.sh --core-stamp  prints what identifies a core test run (model + stories);
#                                   `make test-stories` stores it so the gate need not rerun it.
#   scripts/evaluate.sh --nlu-stamp   the same for the NLU test run (model + test split); the
#                                   gate's pytest reuses results/nlu when it matches.
#
# Environment (defaults in brackets): MODEL [models/current.tar.gz], TEST_NLU
# [tests/nlu/test_data.yml], TEST_STORIES [tests/test_stories.yml], RESULTS [results],
# CARD [docs/model-card.md], FOLDS [3], EVAL_MIN_INTENT_F1 [0.90], EVAL_MIN_ENTITY_F1 [0.85],
# NLU_LANGUAGES [zh ms], EVAL_MIN_LANGUAGE_INTENT_F1 [0.90],
# SCAM_TYPE_MODEL [models/scam_types-current], EVAL_MIN_SCAM_TYPE_MACRO_F1 [0.90],
# EVAL_MIN_SCAM_TYPE_F1 [0.80], EVAL_MIN_SCAM_TYPE_LANGUAGE_F1 [0.90].
set -euo pipefail
cd "$(dirname "$0")/.."

RASA=.venv/rasa/bin/rasa
RASA_PYTHON=.venv/rasa/bin/python
SCAMREPORT=.venv/app/bin/scamreport
MODEL=${MODEL:-models/current.tar.gz}
TEST_NLU=${TEST_NLU:-tests/nlu/test_data.yml}
TEST_STORIES=${TEST_STORIES:-tests/test_stories.yml}
RESULTS=${RESULTS:-results}
CARD=${CARD-docs/model-card.md}
FOLDS=${FOLDS:-3}
NLU_LANGUAGES=${NLU_LANGUAGES-zh ms}
SCAM_TYPE_MODEL=${SCAM_TYPE_MODEL:-models/scam_types-current}
export RASA_TELEMETRY_ENABLED=false

core_stamp() {
  printf '%s %s\n' "$(readlink -f "$MODEL")" "$(sha256sum <"$TEST_STORIES" | cut -c1-16)"
}

nlu_stamp() {
  printf '%s %s\n' "$(readlink -f "$MODEL")" "$(sha256sum <"$TEST_NLU" | cut -c1-16)"
}

# run LOG COMMAND...: runs quietly; on failure shows the end of the log without Rasa's warnings.
run() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    grep -v -e 'UserWarning' -e 'warnings.warn' -e 'DeprecationWarning' "$log" | tail -40 >&2
    echo "failed: $* (full log: $log)" >&2
    exit 1
  fi
}

need() {
  [ -x "$RASA" ] || { echo "no Rasa environment at $RASA: run \`make env\`" >&2; exit 1; }
  [ -x "$SCAMREPORT" ] || { echo "no app environment at $SCAMREPORT: run \`make env\`" >&2; exit 1; }
}

# The scam-type classifier's gate; writes its section of the card after the Rasa report.
scam_types() {
  [ -x "$SCAMREPORT" ] || { echo "no app environment at $SCAMREPORT: run \`make env\`" >&2; exit 1; }
  [ -e "$SCAM_TYPE_MODEL" ] || { echo "no scam-type model at $SCAM_TYPE_MODEL: run \`make train\`" >&2; exit 1; }
  local card_args=(--no-card)
  [ -n "$CARD" ] && card_args=(--card "$CARD")
  echo "scam-type classifier on training/scam_types/heldout ..."
  "$SCAMREPORT" evaluate scam-types --model "$SCAM_TYPE_MODEL" --out "$RESULTS/scam_types" \
    "${card_args[@]}"
}

mkdir -p var/log
case "${1:-}" in
  --scam-types)
    scam_types
    ;;
  --core-stamp)
    core_stamp
    ;;
  --nlu-stamp)
    nlu_stamp
    ;;
  --crossval)
    need
    out="$RESULTS/crossval"
    rm -rf "$out" && mkdir -p "$out"
    echo "cross-validating data/ with $FOLDS folds (trains $FOLDS models) ..."
    run var/log/crossval.log "$RASA" test nlu --nlu data --config config.yml \
      --cross-validation --folds "$FOLDS" --out "$out"
    "$SCAMREPORT" evaluate report --nlu-results "$out" --core-results "$out/none" \
      --summary "$out/summary.md" --no-card --no-gate --model "$FOLDS-fold cross-validation" \
      --title "NLU cross-validation ($FOLDS folds) of the training data"
    ;;
  "")
    need
    [ -e "$MODEL" ] || { echo "no model at $MODEL: run \`make train\`" >&2; exit 1; }
    # The `rasa test` runs below share one process that loads the model once
    # (rasa_runtime/evaluate.py runs Rasa's own commands: each writes what it writes alone).
    rm -rf "$RESULTS/nlu" && mkdir -p "$RESULTS/nlu"
    tests=(--nlu "$TEST_NLU" "$RESULTS/nlu")
    echo "rasa test nlu on $TEST_NLU ..."
    language_args=()
    for lang in $NLU_LANGUAGES; do
      rm -rf "$RESULTS/nlu_$lang" && mkdir -p "$RESULTS/nlu_$lang"
      echo "rasa test nlu on tests/nlu/heldout_$lang.yml ..."
      tests+=(--nlu "tests/nlu/heldout_$lang.yml" "$RESULTS/nlu_$lang")
      language_args+=(--language-results "$lang=$RESULTS/nlu_$lang")
    done
    # `make test-stories` has usually just tested this model on these stories: reuse its run.
    core_tested=0
    if [ -s "$RESULTS/core/story_report.json" ] \
      && [ "$(cat "$RESULTS/core/stamp.txt" 2>/dev/null)" = "$(core_stamp)" ]; then
      echo "rasa test core: reusing $RESULTS/core (same model and stories)"
    else
      rm -rf "$RESULTS/core" && mkdir -p "$RESULTS/core"
      echo "rasa test core on $TEST_STORIES ..."
      tests+=(--core "$TEST_STORIES" "$RESULTS/core")
      core_tested=1
    fi
    run var/log/evaluate.log "$RASA_PYTHON" -m rasa_runtime.evaluate --model "$MODEL" "${tests[@]}"
    for image in intent_confusion_matrix.png intent_histogram.png; do
      [ -s "$RESULTS/nlu/$image" ] || { echo "rasa test nlu wrote no $RESULTS/nlu/$image" >&2; exit 1; }
    done
    nlu_stamp >"$RESULTS/nlu/stamp.txt"
    [ "$core_tested" = 0 ] || core_stamp >"$RESULTS/core/stamp.txt"
    card_args=(--no-card)
    [ -n "$CARD" ] && card_args=(--card "$CARD")
    status=0
    "$SCAMREPORT" evaluate report --nlu-results "$RESULTS/nlu" --core-results "$RESULTS/core" \
      --summary "$RESULTS/summary.md" "${card_args[@]}" --model "$MODEL" --test-nlu "$TEST_NLU" \
      --fingerprint "$(scripts/model_fingerprint.sh)" "${language_args[@]}" || status=$?
    scam_types || status=$?
    exit "$status"
    ;;
  *)
    echo "usage: scripts/evaluate.sh [--scam-types | --crossval | --core-stamp | --nlu-stamp]" >&2
    exit 2
    ;;
esac
