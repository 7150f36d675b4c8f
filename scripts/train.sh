#!/usr/bin/env bash
# Trains the Rasa model when the training data changed; otherwise reuses models/scamreport-<hash>.tar.gz.
set -euo pipefail
cd "$(dirname "$0")/.."
fp=$(scripts/model_fingerprint.sh)
model="models/scamreport-$fp.tar.gz"
if [ -f "$model" ] && [ "${FORCE:-0}" != 1 ]; then
  echo "model up to date: $model"
else
  echo "training $model (data/, domain.yml or config.yml changed) ..."
  mkdir -p models var/log
  .venv/rasa/bin/rasa train --fixed-model-name "scamreport-$fp" --out models \
    >var/log/train.log 2>&1 || { tail -40 var/log/train.log; echo "training failed: see var/log/train.log" >&2; exit 1; }
  echo "trained $model"
fi
ln -sfn "scamreport-$fp.tar.gz" models/current.tar.gz
