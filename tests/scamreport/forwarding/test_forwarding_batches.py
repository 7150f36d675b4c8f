"""A batch costs a fixed number of transactions, on SQLite and PostgreSQL (issue 13): one to
claim it, one to read its reports, one to record every outcome; a row taken over by another
worker keeps the newer result; and retries this worker scheduled wake it before its poll."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from forwarding_support import (
    SINK_SECRET,
    Outbox,
    RunningSink,
    fast_config,
    open_outbox,
    start_sink,
    stop_sink,
    store_report,
)
from sqlalchemy import event, update

from agency_sink.server import SinkHandler
from scamreport.forwarding.dev import sink_environment
from scamreport.forwarding.outbox import claim_due_deliveries, mark_all_delivered
from scamreport.forwarding.retry import RetryPolicy
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry
from scamreport.storage.models import Delivery
from scamreport.storage.types import utcnow

REPORTS = 12


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_outbox(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_database_factory: Callable[[], str]
) -> Iterator[Outbox]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'outbox.db'}"
    else:
        url = postgres_database_factory()
    box = open_outbox(url)
    yield box
    box.engine.dispose()


def _store(outbox: Outbox, registry: Registry, count: int) -> None:
    for number in range(count):
        store_report(outbox, registry, pseudonym=f"conv-{number}", formats=["json"])


def test_a_batch_is_claimed_read_and_recorded_in_three_transactions(
    any_outbox: Outbox, registry: Registry, sink: RunningSink, sink_env: dict[str, str]
) -> None:
    _store(any_outbox, registry, REPORTS)
    worker = Worker(
        session_factory=any_outbox.sessions,
        registry=registry,
        config=fast_config(batch_size=REPORTS),
        env=sink_env,
    )
    begun: list[str] = []
    committed: list[str] = []
    event.listen(any_outbox.engine, "begin", lambda connection: begun.append("begin"))
    event.listen(any_outbox.engine, "commit", lambda connection: committed.append("commit"))

    assert worker.process_batch() == REPORTS

    assert len(begun) == 3  # claim, read the reports, record the outcomes
    assert len(committed) == 2  # the read commits nothing
    assert any_outbox.statuses() == {"delivered": REPORTS}
    assert sink.store.count() == REPORTS
    assert len(sink.store.receipt_keys()) == REPORTS  # each sent once


def test_a_row_taken_over_keeps_the_newer_result(any_outbox: Outbox, registry: Registry) -> None:
    _store(any_outbox, registry, 3)
    now = utcnow()
    with any_outbox.sessions() as session:
        claims = claim_due_deliveries(
            session, now=now, lease_until=now + timedelta(seconds=60), limit=10
        )
    assert len(claims) == 3
    taken = claims[1]
    # Another worker took the row over (its lease ran out): a new lease, one more attempt.
    with any_outbox.sessions.begin() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == taken.id)
            .values(locked_until=now + timedelta(seconds=120), attempts=taken.attempts + 1)
        )
    with any_outbox.sessions.begin() as session:
        kept = mark_all_delivered(session, claims=claims, now=utcnow())
    assert kept == {claims[0].id, claims[2].id}
    statuses = {row.id: row.status for row in any_outbox.deliveries()}
    assert statuses == {claims[0].id: "delivered", taken.id: "in_flight", claims[2].id: "delivered"}


class FailsFirstHandler(SinkHandler):
    """Answers 500 to the first request, then stores and accepts as usual."""

    failures_left = 0

    def do_POST(self) -> None:
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            self.read_body()
            self.respond_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "try again"})
            return
        super().do_POST()


def test_a_retry_that_fell_due_while_the_claim_looked_is_looked_for_again_at_once(
    outbox: Outbox, registry: Registry
) -> None:
    # On a busy machine the 0.2 s retry fell due between an empty claim and the idle wait, and
    # the worker slept its whole poll interval (30 s) instead of claiming it.
    now = utcnow()
    worker = Worker(
        session_factory=outbox.sessions,
        registry=registry,
        config=fast_config(),
        env={},
        clock=lambda: now,
    )
    worker._note_retry(now - timedelta(milliseconds=50))
    assert worker._idle_seconds(30.0) < 0.1  # one more look at once
    assert worker._idle_seconds(30.0) == 30.0  # nothing claimed then: another worker has it


def test_an_idle_worker_wakes_for_the_retry_it_scheduled(
    outbox: Outbox, registry: Registry, tmp_path: Path
) -> None:
    FailsFirstHandler.failures_left = 1
    sink = start_sink(tmp_path / "sink.db", handler=FailsFirstHandler)
    stop = threading.Event()
    try:
        _store(outbox, registry, 1)
        worker = Worker(
            session_factory=outbox.sessions,
            registry=registry,
            config=fast_config(
                retry=RetryPolicy(max_attempts=3, base_seconds=0.2, max_seconds=0.2)
            ),
            env=sink_environment(registry, sink.url, SINK_SECRET),
        )
        thread = threading.Thread(
            target=worker.run, args=(stop,), kwargs={"poll_seconds": 30.0}, daemon=True
        )
        began = time.monotonic()
        thread.start()
        while outbox.statuses() != {"delivered": 1} and time.monotonic() - began < 10:
            time.sleep(0.02)
        took = time.monotonic() - began
    finally:
        stop.set()
        stop_sink(sink)
    thread.join(timeout=10)
    assert outbox.statuses() == {"delivered": 1}
    (row,) = outbox.deliveries()
    assert row.attempts == 2
    # The retry was due within 0.2 s; a worker sleeping its 30 s poll would have missed it.
    assert took < 5, took
