#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains what to install and exits 1.
# Rasa Open Source 3.6 supports Python >=3.8,<3.11 only; on 3.11 pip silently picks rasa 1.x.
set -u

is_310() { [ -x "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

if [ -n "${PYTHON:-}" ]; then
  if is_310 "$PYTHON"; then echo "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON is not a working Python 3.10 with venv." >&2; exit 1
fi

if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
    p=$(PYENV_VERSION="$v" pyenv which python 2>/dev/null) && is_310 "$p" && { echo "$p"; exit 0; }
  done
fi

for c in python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10 python3; do
  p=$(command -v "$c" 2>/dev/null) && is_310 "$p" && { echo "$p"; exit 0; }
done

cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 (used by this project) runs only on Python 3.8-3.10.
Install one of:
  pyenv install 3.10            (then run make again; pyenv is searched automatically)
  apt-get install python3.10 python3.10-venv
or point PYTHON at one:  make test PYTHON=/path/to/python3.10
MSG
exit 1
