"""`scamreport console`: serve the police console with gunicorn (loopback by default).

gunicorn runs ``--workers`` processes of ``--threads`` threads each (the ``gthread`` worker);
each worker builds its own app, engine and argon2 hashing pool after the fork, so password
hashing memory is bounded by workers x CONSOLE_HASH_CONCURRENCY x 64 MiB. Outside development
the session cookie is Secure, so put the console behind a TLS reverse proxy (and set
CONSOLE_TRUSTED_PROXIES=1 so the client's address and scheme are read from it; gunicorn itself
trusts no forwarded header).

With SCAMREPORT_CONSOLE_METRICS_PORT set, the workers count their requests in prometheus_client's
multiprocess mode: a fresh private directory made here before gunicorn forks (removed when the
master exits), a file per worker; gunicorn's ``child_exit`` hook does the bookkeeping of a dead
worker (its counts stay in the sum), and the master's /metrics shows the workers' sum beside the
deliveries read from the database.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scamreport.metrics import (
    begin_multiprocess,
    end_multiprocess,
    listener_port,
    mark_process_dead,
    multiprocess_registry,
    start_with_gauges,
)
from scamreport.settings import Settings, SettingsError, get_settings
from scamreport.storage.database import SchemaNotCurrentError, require_current_schema

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "::1", "localhost")
METRICS_DIR_PREFIX = "scamreport-console-metrics-"


def worker_exit_bookkeeping(directory: Path) -> Callable[[Any, Any], None]:
    """gunicorn's ``child_exit`` hook (run in the master when it reaps a worker)."""

    def child_exit(server: Any, worker: Any) -> None:
        mark_process_dead(worker.pid, directory)

    return child_exit


def gunicorn_options(args: argparse.Namespace, metrics_dir: Path | None = None) -> dict[str, Any]:
    """The gunicorn settings of ``scamreport console``; with ``metrics_dir`` (the workers'
    multiprocess metrics), the hook that keeps a dead worker's counts."""
    host = f"[{args.host}]" if ":" in args.host else args.host
    hooks = {} if metrics_dir is None else {"child_exit": worker_exit_bookkeeping(metrics_dir)}
    return {
        **hooks,
        "bind": [f"{host}:{args.port}"],
        "workers": args.workers,
        "worker_class": "gthread",
        "threads": args.threads,
        # A request (an export streams in chunks) may take this long before the worker is
        # restarted; idle keep-alive connections are closed sooner.
        "timeout": 120,
        "graceful_timeout": 20,
        "keepalive": 5,
        # Forwarded headers are read by the app's ProxyFix only (CONSOLE_TRUSTED_PROXIES).
        "forwarded_allow_ips": "",
        "accesslog": "-",
        "errorlog": "-",
        "proc_name": "scamreport-console",
    }


def _build_server(settings: Settings, options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class ConsoleServer(BaseApplication):  # type: ignore[misc]
        """gunicorn serving the console; the app is built in each worker (after the fork)."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from console import create_app

            return create_app(settings)

    return ConsoleServer()


@contextmanager
def workers_metrics(metrics_on: bool) -> Iterator[Path | None]:
    """The workers' multiprocess directory while gunicorn runs (None when metrics are off).

    gunicorn forks its workers inside ``run()``, so a worker leaving runs this block's exit
    too: only the process that made the directory removes it."""
    if not metrics_on:
        yield None
        return
    owner = os.getpid()
    directory = begin_multiprocess(METRICS_DIR_PREFIX)
    try:
        yield directory
    finally:
        if os.getpid() == owner:
            end_multiprocess(directory)


def run_console(args: argparse.Namespace) -> int:
    from console.config import ConsoleConfig, ConsoleConfigError

    try:
        settings = get_settings()
        ConsoleConfig.from_env()  # refuse a bad setting before any worker starts
        metrics_on = listener_port("console", settings, os.environ) is not None
    except (SettingsError, ConsoleConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        # Before any worker forks: `scamreport db upgrade` migrates, the console only checks.
        require_current_schema(settings.database_url, migrate=settings.migrate_on_start)
    except SchemaNotCurrentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.host not in LOOPBACK:
        log.warning("serving on %s: make sure only the reverse proxy can reach it", args.host)
    print(
        f"police console on http://{args.host}:{args.port}/ "
        f"(gunicorn, {args.workers} workers x {args.threads} threads; Ctrl+C stops it)",
        flush=True,
    )
    with workers_metrics(metrics_on) as metrics_dir:
        # In gunicorn's master: the workers' counts and the deliveries per agency, read from
        # the database at each scrape.
        registry = None if metrics_dir is None else multiprocess_registry(metrics_dir)
        start_with_gauges("console", settings, os.environ, deliveries=True, registry=registry)
        _build_server(settings, gunicorn_options(args, metrics_dir)).run()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("console", help="serve the police review console")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.set_defaults(handler=run_console)
