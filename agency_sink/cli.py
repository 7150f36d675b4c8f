"""`scamreport sink`: the local agency sink for development (agency_sink.server).

Registered through the ``scamreport.commands`` entry-point group (pyproject.toml)."""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import sys
from pathlib import Path

from agency_sink.faults import FailureDice, flaky_sink_handler
from agency_sink.server import SinkHandler, SinkStore, SmtpSink, make_sink_server
from scamreport.forwarding.dev import (
    DEFAULT_SINK_PORT,
    SINK_SECRET_ENV,
    sink_environment,
)
from scamreport.registry import RegistryError, load_registry
from scamreport.settings import SettingsError, get_settings


def run_sink(args: argparse.Namespace) -> int:
    try:
        settings = get_settings()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    secret = os.environ.get(SINK_SECRET_ENV, "").strip()
    if not secret:
        if not settings.is_development:
            print(f"error: set {SINK_SECRET_ENV}", file=sys.stderr)
            return 1
        # Development only: a secret made for this run, never a fixed one in the code.
        secret = secrets.token_urlsafe(32)
        print(
            f"{SINK_SECRET_ENV} was not set: generated one for this run; "
            f"use --print-env to hand it to a worker",
            file=sys.stderr,
        )
    url = f"http://{args.host}:{args.port}"
    if args.print_env:
        try:
            env = sink_environment(load_registry(), url, secret, smtp_port=args.smtp_port)
        except RegistryError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        for name, value in sorted(env.items()):
            print(f"export {name}={shlex.quote(value)}")
        return 0
    store_path = Path(args.store) if args.store else settings.data_dir / "sink" / "received.db"
    store = SinkStore(store_path)
    try:
        server = make_sink_server(
            store=store, secret=secret, host=args.host, port=args.port, handler=_handler(args)
        )
    except OSError as error:
        store.close()
        print(f"error: cannot listen on {url}: {error.strerror or error}", file=sys.stderr)
        return 1
    smtp = None
    if args.smtp_port is not None:
        smtp = SmtpSink(store, host=args.host, port=args.smtp_port)
        try:
            smtp.start()
        except (OSError, RuntimeError) as error:
            server.server_close()
            store.close()
            print(f"error: cannot start the SMTP sink: {error}", file=sys.stderr)
            return 1
        print(f"agency sink taking e-mail on {args.host}:{args.smtp_port}", flush=True)
    print(
        f"agency sink listening on {server.url}/ (received deliveries in {store_path})", flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if smtp is not None:
            smtp.stop()
        server.server_close()
        store.close()
    return 0


def _handler(args: argparse.Namespace) -> type[SinkHandler]:
    """The request handler: the plain sink, or one failing ``--failure-rate`` of requests."""
    if not args.failure_rate:
        return SinkHandler
    print(f"agency sink failing {args.failure_rate:.0%} of requests (fault testing)", flush=True)
    return flaky_sink_handler(FailureDice(args.failure_rate, args.failure_seed))


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a failure rate is between 0 and 1")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "sink", help="run the local agency sink that receives deliveries (development)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_SINK_PORT, help="port (default 8099)")
    parser.add_argument("--store", help="SQLite file for what it receives (default var/sink/)")
    parser.add_argument(
        "--smtp-port",
        type=int,
        default=None,
        help="also take deliveries by e-mail on this port (for e-mail agencies)",
    )
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print the export lines that point every webhook agency at this sink, then exit",
    )
    parser.add_argument(
        "--failure-rate",
        type=_rate,
        default=0.0,
        help="answer this share of deliveries (0-1) with 500, half before storing them and "
        "half after (fault testing)",
    )
    parser.add_argument("--failure-seed", type=int, default=None, help="makes failures repeatable")
    parser.set_defaults(handler=run_sink)
