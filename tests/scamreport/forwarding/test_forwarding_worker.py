"""The worker on SQLite: delivers, retries with backoff, dead-letters, waits for configuration,
takes over expired leases, and never lets a stale worker overwrite a newer result."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from forwarding_support import (
    SINK_SECRET,
    Outbox,
    RunningSink,
    fast_config,
    start_sink,
    stop_sink,
)
from sqlalchemy import update

from agency_sink.server import SinkHandler
from scamreport.forwarding.outbox import (
    claim_due_deliveries,
    delivered_statement,
    record_statements,
)
from scamreport.forwarding.retry import RetryPolicy
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry
from scamreport.storage.models import Delivery, Report
from scamreport.storage.records import NewIndicator
from scamreport.storage.types import utcnow


def make_worker(
    outbox: Outbox, registry: Registry, env: dict[str, str], **config: object
) -> Worker:
    return Worker(
        session_factory=outbox.sessions, registry=registry, config=fast_config(**config), env=env
    )


def test_a_report_reaches_its_agency_in_every_format(
    outbox: Outbox,
    registry: Registry,
    sink: RunningSink,
    sink_env: dict[str, str],
    make_report: Callable[..., Report],
) -> None:
    report = make_report()
    make_worker(outbox, registry, sink_env).drain()

    received = {item.payload_format: item for item in sink.store.received()}
    assert set(received) == {"json", "stix"}  # sg-spf takes both
    assert {item.agency for item in received.values()} == {"sg-spf"}
    assert received["json"].document()["report"]["reference"] == report.reference
    assert received["stix"].reference == report.reference
    assert received["stix"].content_type == "application/stix+json;version=2.1"
    rows = outbox.deliveries()
    assert [row.status for row in rows] == ["delivered", "delivered"]
    assert all(row.attempts == 1 and row.delivered_at is not None for row in rows)
    assert all(row.last_error is None and row.locked_until is None for row in rows)


class FailingHandler(SinkHandler):
    """Answers 503 with Retry-After to the first N requests, then behaves."""

    failures_left = 0

    def do_POST(self) -> None:
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            self.read_body()
            self.send_response(HTTPStatus.SERVICE_UNAVAILABLE)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "11")
            self.end_headers()
            self.wfile.write(b"maintenance")
            return
        super().do_POST()


def test_failures_are_retried_with_backoff_then_delivered(
    outbox: Outbox, registry: Registry, tmp_path: Path, make_report: Callable[..., Report]
) -> None:
    FailingHandler.failures_left = 2
    sink = start_sink(tmp_path / "sink.db", handler=FailingHandler)
    try:
        from scamreport.forwarding.dev import sink_environment

        env = sink_environment(registry, sink.url, SINK_SECRET)
        make_report(formats=["json"])
        worker = make_worker(outbox, registry, env)
        assert worker.process_batch() == 1
        (row,) = outbox.deliveries()
        assert row.status == "pending"
        assert row.attempts == 1
        assert row.last_error == "HTTP 503: maintenance"
        assert row.next_attempt_at > utcnow() - timedelta(seconds=1)
        # Due again within the (test) backoff ceiling of 0.05 s.
        for _ in range(200):
            worker.drain()
            if outbox.deliveries()[0].status == "delivered":
                break
        (row,) = outbox.deliveries()
        assert row.status == "delivered"
        assert row.attempts == 3
        assert sink.store.count() == 1
    finally:
        stop_sink(sink)


def test_a_delivery_is_dead_lettered_after_the_configured_attempts(
    outbox: Outbox, registry: Registry, make_report: Callable[..., Report]
) -> None:
    # Nothing listens on this port: every attempt fails to connect.
    env = {
        "AGENCY_SG_SPF_WEBHOOK_URL": "http://127.0.0.1:9/agencies/sg-spf",
        "AGENCY_SG_SPF_WEBHOOK_SECRET": SINK_SECRET,
    }
    make_report(formats=["json"])
    worker = make_worker(
        outbox, registry, env, retry=RetryPolicy(max_attempts=3, base_seconds=0, max_seconds=0)
    )
    for _ in range(5):
        worker.drain()
    (row,) = outbox.deliveries()
    assert row.status == "dead"
    assert row.attempts == 3
    assert row.last_error is not None and row.last_error.startswith("connection failed")
    assert "127.0.0.1" not in row.last_error  # no URL in stored errors


class RefusingHandler(SinkHandler):
    def do_POST(self) -> None:
        self.read_body()
        self.respond_json(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": "unknown field"})


def test_a_refused_body_is_dead_lettered_at_once(
    outbox: Outbox, registry: Registry, tmp_path: Path, make_report: Callable[..., Report]
) -> None:
    from scamreport.forwarding.dev import sink_environment

    sink = start_sink(tmp_path / "sink.db", handler=RefusingHandler)
    try:
        make_report(formats=["json"])
        make_worker(outbox, registry, sink_environment(registry, sink.url, SINK_SECRET)).drain()
    finally:
        stop_sink(sink)
    (row,) = outbox.deliveries()
    assert row.status == "dead"
    assert row.attempts == 1
    assert row.last_error == 'HTTP 422: {"error": "unknown field"}'


def test_unset_agency_variables_keep_the_delivery_pending_without_counting(
    outbox: Outbox,
    registry: Registry,
    make_report: Callable[..., Report],
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_report(formats=["json"])
    worker = make_worker(outbox, registry, env={})
    with caplog.at_level(logging.WARNING, logger="scamreport.forwarding"):
        worker.drain()
    (row,) = outbox.deliveries()
    assert row.status == "pending"
    assert row.attempts == 0
    assert row.last_error == "AGENCY_SG_SPF_WEBHOOK_URL and AGENCY_SG_SPF_WEBHOOK_SECRET not set"
    assert row.next_attempt_at > utcnow() + timedelta(seconds=30)
    assert "AGENCY_SG_SPF_WEBHOOK_URL and AGENCY_SG_SPF_WEBHOOK_SECRET not set" in caplog.text
    assert "waits for configuration" in caplog.text


def test_secrets_and_payloads_never_reach_the_log(
    outbox: Outbox,
    registry: Registry,
    sink: RunningSink,
    sink_env: dict[str, str],
    make_report: Callable[..., Report],
    caplog: pytest.LogCaptureFixture,
) -> None:
    report = make_report(story="Secret story text about the victim")
    with caplog.at_level(logging.DEBUG):
        make_worker(outbox, registry, sink_env).drain()
    assert sink.store.count() == 2
    assert SINK_SECRET not in caplog.text
    assert "Secret story text" not in caplog.text
    assert "+6581234567" not in caplog.text
    assert report.reference in caplog.text  # the log says which report went where


def test_a_plain_http_url_to_another_host_is_refused(
    outbox: Outbox, registry: Registry, make_report: Callable[..., Report]
) -> None:
    env = {
        "AGENCY_SG_SPF_WEBHOOK_URL": "http://agency.example/hook",
        "AGENCY_SG_SPF_WEBHOOK_SECRET": SINK_SECRET,
    }
    make_report(formats=["json"])
    make_worker(outbox, registry, env).drain()
    (row,) = outbox.deliveries()
    assert row.status == "pending" and row.attempts == 0
    assert (
        row.last_error
        == "AGENCY_SG_SPF_WEBHOOK_URL must be an https:// URL (http only to 127.0.0.1)"
    )


def test_an_expired_lease_is_taken_over_and_delivered(
    outbox: Outbox,
    registry: Registry,
    sink: RunningSink,
    sink_env: dict[str, str],
    make_report: Callable[..., Report],
) -> None:
    make_report(formats=["json"])
    # A worker claims the row, then "dies" (never records anything).
    with outbox.sessions() as session:
        (claim,) = claim_due_deliveries(
            session, now=utcnow(), lease_until=utcnow() + timedelta(seconds=60), limit=10
        )
    worker = make_worker(outbox, registry, sink_env)
    worker.drain()
    assert outbox.deliveries()[0].status == "in_flight"  # the lease still holds
    assert sink.store.count() == 0
    with outbox.sessions.begin() as session:
        session.execute(update(Delivery).values(locked_until=utcnow() - timedelta(seconds=1)))
    worker.drain()
    (row,) = outbox.deliveries()
    assert row.status == "delivered"
    assert row.attempts == 2  # the dead worker's attempt counts
    # The dead worker wakes up: its claim is stale and must not change anything.
    with outbox.sessions() as session:
        assert record_statements(session, [delivered_statement(claim, now=utcnow())]) == [False]


def test_a_worker_that_died_on_the_last_attempt_dead_letters_without_sending(
    outbox: Outbox,
    registry: Registry,
    sink: RunningSink,
    sink_env: dict[str, str],
    make_report: Callable[..., Report],
) -> None:
    make_report(formats=["json"])
    with outbox.sessions.begin() as session:
        session.execute(
            update(Delivery).values(
                status="in_flight", attempts=3, locked_until=utcnow() - timedelta(seconds=1)
            )
        )
    make_worker(
        outbox, registry, sink_env, retry=RetryPolicy(max_attempts=3, base_seconds=0, max_seconds=0)
    ).drain()
    (row,) = outbox.deliveries()
    assert row.status == "dead"
    assert "stopped during attempt 3 of 3" in (row.last_error or "")
    assert sink.store.count() == 0


def test_queue_deliveries_are_left_for_analysts(
    outbox: Outbox, registry: Registry, sink_env: dict[str, str], make_report: Callable[..., Report]
) -> None:
    report = make_report(formats=["json"])
    with outbox.sessions.begin() as session:
        session.add(
            Delivery(
                report_id=report.id,
                agency_code="int-desk",
                transport="queue",
                idempotency_key=f"{report.reference}/manual",
            )
        )
    make_worker(outbox, registry, sink_env).drain()
    statuses = {row.transport: row.status for row in outbox.deliveries()}
    assert statuses == {"webhook": "delivered", "queue": "pending"}


def test_a_report_without_consent_is_never_sent(
    outbox: Outbox,
    registry: Registry,
    sink: RunningSink,
    sink_env: dict[str, str],
    make_report: Callable[..., Report],
) -> None:
    report = make_report(formats=["json"])
    with outbox.sessions.begin() as session:
        session.get(Report, report.id).consent_forward = False  # type: ignore[union-attr]
    make_worker(outbox, registry, sink_env).drain()
    (row,) = outbox.deliveries()
    assert row.status == "dead"
    assert row.last_error == "the reporter did not consent to forwarding"
    assert sink.store.count() == 0


def test_cross_border_reports_reach_each_agency(
    outbox: Outbox,
    registry: Registry,
    sink: RunningSink,
    sink_env: dict[str, str],
    make_report: Callable[..., Report],
) -> None:
    indicators = [
        NewIndicator(kind="phone", value="+60123456789"),  # Malaysia
        NewIndicator(kind="iban", value="DE89370400440532013000"),  # Germany
    ]
    report = make_report(indicators=indicators, consent_cross_border=True, formats=["json"])
    make_worker(outbox, registry, sink_env).drain()
    agencies = sorted(item.agency for item in sink.store.received())
    assert agencies == ["de-bka", "my-pdrm", "sg-spf"]
    for item in sink.store.received():
        document = item.document()
        assert document["agency_code"] == item.agency
        assert document["report"]["reference"] == report.reference
        assert json.loads(item.body)["idempotency_key"] == item.idempotency_key


def test_a_stopping_worker_gives_back_what_it_has_not_tried(
    outbox: Outbox,
    registry: Registry,
    sink: RunningSink,
    sink_env: dict[str, str],
    make_report: Callable[..., Report],
) -> None:
    for number in range(3):
        make_report(pseudonym=f"conv-{number}", formats=["json"])
    stop = threading.Event()
    stop.set()
    assert make_worker(outbox, registry, sink_env).process_batch(stop) == 3
    rows = outbox.deliveries()
    assert [(row.status, row.attempts, row.locked_until) for row in rows] == [
        ("pending", 0, None)
    ] * 3
    assert all(row.next_attempt_at <= utcnow() for row in rows)
    assert sink.store.count() == 0
