"""Container health check: exit 0 when ``URL`` answers 2xx within 5 s, else 1 (stdlib only).

``{host}`` in the URL stands for the container's own address, where Rasa and the action server
listen (container-entrypoint.sh): ``python deploy/healthcheck.py http://{host}:5005/webhooks/rest/``.
``--bearer-env NAME`` sends the secret in the environment variable NAME as a bearer token, for
an endpoint that refuses callers without it (a process's /metrics, which a standby bot serves
while its webhook port stays closed): ``python deploy/healthcheck.py --bearer-env METRICS_TOKEN
http://{host}:9102/metrics``.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    headers: dict[str, str] = {}
    if len(argv) == 3 and argv[0] == "--bearer-env":
        token = os.environ.get(argv[1], "")
        if not token:
            print(f"healthcheck.py: {argv[1]} is not set", file=sys.stderr)
            return 1
        headers["Authorization"] = f"Bearer {token}"
        argv = argv[2:]
    if len(argv) != 1:
        print("usage: healthcheck.py [--bearer-env NAME] URL", file=sys.stderr)
        return 2
    url = argv[0].replace("{host}", socket.gethostbyname(socket.gethostname()))
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (own service)
            return 0 if 200 <= answer.status < 300 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
