#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright (Playwright cannot download its own
# browsers here). Installs the Debian package when it is missing and we may use apt-get.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests ..."
  mkdir -p var/log
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; } \
    >var/log/apt-chromium.log 2>&1 || { tail -20 var/log/apt-chromium.log; exit 1; }
else
  echo "Chromium is missing: install Debian's 'chromium' package (sudo apt-get install chromium) for the browser tests." >&2
  exit 1
fi
