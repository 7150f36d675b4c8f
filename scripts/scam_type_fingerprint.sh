#!/usr/bin/env bash
# Prints a short hash of everything the scam-type classifier is trained from: the labelled
# stories (training/scam_types/) and the code that reads them and fixes the model and schedule
# (scamreport/classification/{data,train}.py), so training runs only when one of them changed.
set -euo pipefail
cd "$(dirname "$0")/.."
{ find training/scam_types -type f \( -name '*.yml' -o -name '*.yaml' \) | LC_ALL=C sort
  echo scamreport/classification/data.py; echo scamreport/classification/train.py; } \
  | while read -r f; do printf '%s\n' "$f"; cat "$f"; done | sha256sum | cut -c1-12
