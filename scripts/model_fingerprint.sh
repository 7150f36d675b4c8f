#!/usr/bin/env bash
# Prints a short hash of everything a Rasa model is trained from (data/, domain.yml, config.yml,
# the custom tokenizer rasa_runtime/tokenizer.py),
# so the model file's name says which data made it and training runs only when that changed.
set -euo pipefail
cd "$(dirname "$0")/.."
{ find data -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.txt' \) | LC_ALL=C sort; echo domain.yml; echo config.yml; echo rasa_runtime/tokenizer.py; } \
  | while read -r f; do printf '%s\n' "$f"; cat "$f"; done | sha256sum | cut -c1-12
