#!/bin/sh
# Entry point of both images. The internal services (Rasa, the action server) refuse a wildcard
# or public address (scamreport.settings.checked_bind_host), so inside a container they listen
# on the container's own private address: SCAMREPORT_BIND_HOST=container picks it here.
# Kubernetes sets SCAMREPORT_BIND_HOST to the pod's IP instead (deploy/k8s).
set -eu
if [ "${SCAMREPORT_BIND_HOST:-}" = "container" ]; then
  SCAMREPORT_BIND_HOST="$(hostname -i | cut -d' ' -f1)"
  export SCAMREPORT_BIND_HOST
fi
exec "$@"
