"""Container health check: exit 0 when ``URL`` answers 2xx within 5 s, else 1 (stdlib only).

``{host}`` in the URL stands for the container's own address, where Rasa and the action server
listen (container-entrypoint.sh): ``python deploy/healthcheck.py http://{host}:5005/webhooks/rest/``.
"""

from __future__ import annotations

import socket
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: healthcheck.py URL", file=sys.stderr)
        return 2
    url = argv[0].replace("{host}", socket.gethostbyname(socket.gethostname()))
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (own service)
            return 0 if 200 <= answer.status < 300 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
