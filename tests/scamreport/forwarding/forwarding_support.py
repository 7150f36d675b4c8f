"""Helpers shared by the forwarding tests (imported by conftest.py and the test modules)."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from agency_sink.server import (
    SinkHandler,
    SinkServer,
    SinkStore,
    make_sink_server,
    serve_in_thread,
)
from scamreport.forwarding.config import ForwardingConfig
from scamreport.forwarding.retry import RetryPolicy
from scamreport.registry import Registry
from scamreport.routing import plan_deliveries
from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import Delivery, Report
from scamreport.storage.records import NewConsent, NewIndicator, NewReport, NewReporter
from scamreport.storage.repository import submit_report

SINK_SECRET = "test-sink-secret-0123456789"
PROJECT_ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Outbox:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def statuses(self) -> dict[str, int]:
        with self.sessions() as session:
            rows = session.execute(
                select(Delivery.status, func.count()).group_by(Delivery.status)
            ).all()
        return {status: count for status, count in rows}

    def deliveries(self) -> list[Delivery]:
        with self.sessions() as session:
            return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def open_outbox(url: str) -> Outbox:
    upgrade_database(url)
    engine = make_engine(url)
    return Outbox(url=url, engine=engine, sessions=make_session_factory(engine))


def new_report(**overrides: Any) -> NewReport:
    values: dict[str, Any] = {
        "pseudonym": "conv-1",
        "scam_type": "fake_authority",
        "country": "SG",
        "contact_channel": "phone_call",
        "claimed_agency": "Singapore Police Force",
        "story": "A caller said he was from the police and asked for a transfer.",
        "consent_forward": True,
        "reporter": NewReporter(pseudonym="pseudo-1", language="en"),
    }
    values.update(overrides)
    return NewReport(**values)


DEFAULT_INDICATORS: tuple[NewIndicator, ...] = (
    NewIndicator(kind="phone", value="+6581234567", raw="8123 4567"),
    NewIndicator(
        kind="url", value="https://spf-gov.example.com/pay", registrable_domain="example.com"
    ),
)


def store_report(
    outbox: Outbox,
    registry: Registry,
    *,
    indicators: Sequence[NewIndicator] = DEFAULT_INDICATORS,
    formats: Sequence[str] | None = None,
    **overrides: Any,
) -> Report:
    """Stores a report with the deliveries routing plans for it, in one transaction.

    ``formats`` keeps only the planned deliveries in those payload formats.
    """
    report = new_report(**overrides)
    deliveries = plan_deliveries(report=report, indicators=indicators, registry=registry)
    if formats is not None:
        deliveries = [d for d in deliveries if d.payload_format in formats]
    consents = [NewConsent(kind="forward_national", granted=True, wording="May we forward it?")]
    with outbox.sessions() as session:
        return submit_report(
            session,
            report=report,
            indicators=indicators,
            transcript=[],
            consents=consents,
            deliveries=deliveries,
        )


def fast_config(**overrides: Any) -> ForwardingConfig:
    """Short timeouts and a retry schedule in milliseconds, for tests."""
    retry = overrides.pop("retry", RetryPolicy(max_attempts=8, base_seconds=0.01, max_seconds=0.05))
    values: dict[str, Any] = {
        "retry": retry,
        "connect_timeout_seconds": 1.0,
        "read_timeout_seconds": 1.0,
        "lease_seconds": 5.0,
        "batch_size": 5,
        "unconfigured_retry_seconds": 60.0,
    }
    values.update(overrides)
    return ForwardingConfig(**values)


def fast_config_env(**overrides: str) -> dict[str, str]:
    """The environment equivalent of ``fast_config`` for worker subprocesses."""
    env = {
        "FORWARDING_MAX_ATTEMPTS": "20",
        "FORWARDING_BACKOFF_BASE_SECONDS": "0.01",
        "FORWARDING_BACKOFF_MAX_SECONDS": "0.05",
        "FORWARDING_CONNECT_TIMEOUT_SECONDS": "1",
        "FORWARDING_READ_TIMEOUT_SECONDS": "2",
        "FORWARDING_LEASE_SECONDS": "5",
        "FORWARDING_BATCH_SIZE": "5",
        "FORWARDING_CIRCUIT_COOLDOWN_SECONDS": "0.5",
        "FORWARDING_CIRCUIT_MAX_COOLDOWN_SECONDS": "1",
    }
    env.update(overrides)
    return env


@dataclass
class RunningSink:
    server: SinkServer
    store: SinkStore

    @property
    def url(self) -> str:
        return self.server.url


def start_sink(
    path: Path | str, *, handler: type[SinkHandler] = SinkHandler, secret: str = SINK_SECRET
) -> RunningSink:
    store = SinkStore(path)
    server = make_sink_server(store=store, secret=secret, handler=handler)
    serve_in_thread(server)
    return RunningSink(server=server, store=store)


def stop_sink(sink: RunningSink) -> None:
    sink.server.shutdown()
    sink.server.server_close()
    sink.store.close()


def scamreport_command(*args: str) -> list[str]:
    """argv running the `scamreport` CLI with this interpreter."""
    return [sys.executable, "-m", "scamreport", *args]


def subprocess_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The current environment without AGENCY_*/SMTP_* leftovers, plus ``extra``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AGENCY_", "SMTP_", "FORWARDING_"))
    }
    env.update({"PYTHONUNBUFFERED": "1", "SCAMREPORT_ENV": "test"})
    env.update(extra)
    return env


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
