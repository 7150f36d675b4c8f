#!/usr/bin/env bash
# Trains what changed and reuses the rest:
#   the Rasa model      models/scamreport-<hash>.tar.gz  (data/, domain.yml, config.yml)
#   the scam-type model models/scam_types-<hash>/         (training/scam_types/, scamreport/classification/{data,train}.py)
# models/current.tar.gz and models/scam_types-current point at the ones for the current data.
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

# The scam-type classifier (spaCy textcat, scamreport.classification): seconds, not minutes.
st_fp=$(scripts/scam_type_fingerprint.sh)
st_model="models/scam_types-$st_fp"
if [ -f "$st_model/meta.json" ] && [ "${FORCE:-0}" != 1 ]; then
  echo "scam-type model up to date: $st_model"
else
  echo "training $st_model (training/scam_types/ or its training code changed) ..."
  mkdir -p models var/log
  rm -rf "$st_model.partial"
  .venv/app/bin/python -m scamreport.classification.train --out "$st_model.partial" \
    --fingerprint "$st_fp" >var/log/train-scam-types.log 2>&1 \
    || { tail -40 var/log/train-scam-types.log; echo "scam-type training failed: see var/log/train-scam-types.log" >&2; exit 1; }
  rm -rf "$st_model" && mv "$st_model.partial" "$st_model"
  echo "trained $st_model ($(tail -1 var/log/train-scam-types.log | sed "s/.* on //"))"
fi
ln -sfn "scam_types-$st_fp" models/scam_types-current
