"""`scamreport worker`: the forwarding worker that drains the delivery outbox."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from types import FrameType

from sqlalchemy.engine import make_url

from scamreport.forwarding import metrics as worker_metrics
from scamreport.forwarding.circuit import AgencyCircuits
from scamreport.forwarding.config import ForwardingConfig
from scamreport.forwarding.envvars import ForwardingConfigError
from scamreport.forwarding.wakeup import DeliveryListener
from scamreport.forwarding.worker import Worker
from scamreport.metrics import listener_port
from scamreport.registry import RegistryError, load_registry
from scamreport.settings import SettingsError, get_settings
from scamreport.storage.database import (
    SchemaNotCurrentError,
    make_engine,
    make_session_factory,
    require_current_schema,
)


def run_worker(args: argparse.Namespace) -> int:
    logging.getLogger("scamreport.forwarding").setLevel(logging.INFO)
    try:
        settings = get_settings()
        config = ForwardingConfig.from_env(os.environ)
        circuits = AgencyCircuits.from_env(os.environ)
        listener_port("worker", settings, os.environ)
        registry = load_registry()
        require_current_schema(settings.database_url, migrate=settings.migrate_on_start)
    except (SettingsError, ForwardingConfigError, RegistryError, SchemaNotCurrentError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    try:
        worker = Worker(
            session_factory=make_session_factory(engine),
            registry=registry,
            config=config,
            circuits=circuits,
        )
        url = make_url(settings.database_url)
        woken = "woken by PostgreSQL" if url.get_backend_name() == "postgresql" else "polling"
        print(
            f"forwarding worker: {args.threads} thread(s), database "
            f"{url.render_as_string(hide_password=True)} ({woken}), at most "
            f"{config.retry.max_attempts} attempts per delivery, circuit opens after "
            f"{circuits.failures} failures in a row",
            flush=True,
        )
        if args.once:
            worker.drain(threads=args.threads)
            return 0
        served = worker_metrics.start(worker.session_factory, circuits, settings, os.environ)
        stop = threading.Event()

        def request_stop(signum: int, _frame: FrameType | None) -> None:
            print(f"forwarding worker: {signal.Signals(signum).name}, stopping", flush=True)
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        listener = (
            DeliveryListener(settings.database_url, worker.wakeup).start()
            if url.get_backend_name() == "postgresql"
            else None
        )
        try:
            worker.run(stop, poll_seconds=args.poll_seconds, threads=args.threads)
        finally:
            if listener is not None:
                listener.stop()
            if served is not None:
                served.close()
        return 0
    finally:
        engine.dispose()


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "worker", help="deliver queued reports to agencies (the forwarding worker)"
    )
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    parser.add_argument(
        "--poll-seconds",
        type=_positive_float,
        default=2.0,
        help="how often to look for due deliveries when idle (default 2; on PostgreSQL the "
        "worker is also woken at once when deliveries are queued)",
    )
    parser.add_argument(
        "--threads", type=_positive_int, default=2, help="deliveries sent at once (default 2)"
    )
    parser.set_defaults(handler=run_worker)
