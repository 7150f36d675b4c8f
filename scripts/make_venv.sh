#!/usr/bin/env bash
# make_venv.sh DIR INSTALL-ARGS... : creates a Python 3.10 venv in DIR (when missing) and pip-installs
# INSTALL-ARGS into it quietly, keeping pip's output in var/log for when it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1; shift
py=$(scripts/find_python.sh)
mkdir -p var/log
log="var/log/pip-$(basename "$dir").log"
if [ ! -x "$dir/bin/python" ]; then
  echo "creating $dir with $py"
  "$py" -m venv "$dir"
fi
echo "installing into $dir (log: $log) ..."
"$dir/bin/python" -m pip install --disable-pip-version-check -q "$@" >"$log" 2>&1 \
  || { grep -v "is ignored: it is neither" "$log" | tail -30; echo "pip install into $dir failed" >&2; exit 1; }
