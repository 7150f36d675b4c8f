"""Helpers of the observability tests: a migrated SQLite database with a report, scraping."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from scamreport.storage.database import make_engine, make_session_factory, upgrade_database
from scamreport.storage.models import Report
from scamreport.storage.records import NewConsent, NewDelivery, NewReport, NewReporter
from scamreport.storage.repository import submit_report

TOKEN = "metrics-token-for-tests-0123456789"


def database(url: str) -> sessionmaker[Session]:
    upgrade_database(url)
    return make_session_factory(make_engine(url))


def file_report(
    sessions: sessionmaker[Session],
    *,
    scam_type: str = "fake_authority",
    language: str | None = "ms",
    agencies: tuple[str, ...] = ("sg-spf",),
) -> Report:
    report = NewReport(
        pseudonym="conv-metrics",
        scam_type=scam_type,
        country="SG",
        contact_channel="phone_call",
        story="A caller said he was from the police and asked for a transfer.",
        consent_forward=True,
        language=language,
        reporter=NewReporter(pseudonym="pseudo-metrics", language=language),
    )
    with sessions() as session:
        return submit_report(
            session,
            report=report,
            indicators=[],
            transcript=[],
            consents=[NewConsent(kind="forward_national", granted=True, wording="May we?")],
            deliveries=[NewDelivery(agency_code=code, transport="webhook") for code in agencies],
        )


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, parsed by prometheus_client's parser."""
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def sample(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, tuple(sorted(labels.items()))))


def scrape(url: str, token: str | None = TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url, headers=headers, timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], Any], *, timeout: float, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = condition()
        except requests.ConnectionError:
            result = None
        if result:
            return result
        time.sleep(interval)
    return condition()


def console_env(tmp_path: Path, url: str, metrics_port: int, **extra: str) -> dict[str, str]:
    """The environment `scamreport console` gets in these tests: development settings, the
    database at ``url``, metrics on ``metrics_port`` behind TOKEN."""
    return {
        **os.environ,
        "SCAMREPORT_ENV": "development",
        "SCAMREPORT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": url,
        "METRICS_TOKEN": TOKEN,
        "SCAMREPORT_CONSOLE_METRICS_PORT": str(metrics_port),
        **extra,
    }
