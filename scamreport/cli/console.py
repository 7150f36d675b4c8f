"""`scamreport console`: serve the police console (loopback by default).

Werkzeug's threaded WSGI server, without the reloader or debugger. Outside development the
session cookie is Secure, so put the console behind a TLS reverse proxy (and set
CONSOLE_TRUSTED_PROXIES=1 so the client's address and scheme are read from it).
"""

from __future__ import annotations

import argparse
import logging
import sys

from scamreport.settings import SettingsError, get_settings
from scamreport.storage.database import upgrade_database

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def run_console(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from console import create_app
    from console.config import ConsoleConfigError

    try:
        settings = get_settings()
        app = create_app(settings)
    except (SettingsError, ConsoleConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not args.no_migrate:
        upgrade_database(settings.database_url, "heads")
    if args.host not in LOOPBACK:
        log.warning("serving on %s: make sure only the reverse proxy can reach it", args.host)
    server = make_server(args.host, args.port, app, threaded=True)
    print(f"police console on http://{args.host}:{server.server_port}/ (Ctrl+C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("console", help="serve the police review console")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--no-migrate", action="store_true", help="do not bring the database schema up to date"
    )
    parser.set_defaults(handler=run_console)
