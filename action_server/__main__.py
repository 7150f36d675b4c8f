"""`python -m action_server --port 5055`: actions/ for Rasa, behind ACTION_SERVER_TOKEN.

Listens on SCAMREPORT_BIND_HOST (default 127.0.0.1) or --host, a loopback or private address,
with a listen backlog of SANIC_BACKLOG (default 1024: Rasa opens many connections at once when
many reporters type together).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from action_server.app import create_app
from scamreport.logs import LogFormatError, configure
from scamreport.settings import (
    ACTION_SERVER_TOKEN,
    SettingsError,
    checked_bind_host,
    get_settings,
    listen_backlog,
)
from scamreport.storage.database import SchemaNotCurrentError, require_current_schema


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m action_server", description=__doc__)
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", help="loopback or private address (default SCAMREPORT_BIND_HOST)")
    parser.add_argument("--actions", default="actions", help="the package of actions")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


def configure_logging(level: int) -> None:
    configure("action_server", os.environ, level)
    for name in ("sanic.root", "sanic.error", "sanic.access"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        configure_logging(logging.DEBUG if args.verbose else logging.INFO)
        settings = get_settings()
        host = checked_bind_host(args.host) if args.host else settings.bind_host
        token = settings.secret(ACTION_SERVER_TOKEN)
        backlog = listen_backlog(os.environ)
    except (SettingsError, LogFormatError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        require_current_schema(settings.database_url, migrate=settings.migrate_on_start)
    except SchemaNotCurrentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    app = create_app(token, args.actions, settings.metrics_token)
    logging.getLogger("action_server").info("serving %s on %s:%d", args.actions, host, args.port)
    app.run(host=host, port=args.port, workers=1, access_log=False, motd=False, backlog=backlog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
