"""1,000 reports through an agency on loopback that fails at random: 500s before and after
storing, responses slower than the read timeout, connections dropped before and after storing.
Every report ends up at the agency exactly once after dedupe by Idempotency-Key."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections import Counter
from http import HTTPStatus
from pathlib import Path

from forwarding_support import (
    SINK_SECRET,
    Outbox,
    fast_config,
    start_sink,
    stop_sink,
    store_report,
    wait_until,
)

from agency_sink.server import SinkHandler
from scamreport.forwarding.dev import sink_environment
from scamreport.forwarding.retry import RetryPolicy
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry
from scamreport.storage.records import NewIndicator

REPORTS = 1_000
READ_TIMEOUT = 0.3
# Deterministic chaos: the same failures on every run.
_CHAOS = random.Random(20240301)
_CHAOS_LOCK = threading.Lock()


class FlakyAgencyHandler(SinkHandler):
    """The sink, sabotaged: about half the requests fail in one of five ways."""

    outcomes: Counter[str] = Counter()

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_POST(self) -> None:
        with _CHAOS_LOCK:
            roll = _CHAOS.random()
        if roll < 0.10:
            type(self).outcomes["500 before storing"] += 1
            self.read_body()
            self.respond_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "chaos"})
        elif roll < 0.17:
            type(self).outcomes["dropped before storing"] += 1
            self.read_body()
            self._drop()
        elif roll < 0.27:
            type(self).outcomes["500 after storing"] += 1
            self.receive()
            self.respond_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "chaos"})
        elif roll < 0.37:
            type(self).outcomes["timeout after storing"] += 1
            status, answer = self.receive()
            time.sleep(READ_TIMEOUT + 0.2)
            self.close_connection = True
            with contextlib.suppress(OSError):  # the client has given up already
                self.respond_json(status, answer)
        elif roll < 0.45:
            type(self).outcomes["dropped after storing"] += 1
            self.receive()
            self._drop()
        else:
            type(self).outcomes["ok"] += 1
            super().do_POST()


def test_a_thousand_reports_survive_a_flaky_agency(
    outbox: Outbox, registry: Registry, tmp_path: Path
) -> None:
    references = set()
    for number in range(REPORTS):
        report = store_report(
            outbox,
            registry,
            pseudonym=f"conv-{number}",
            indicators=[NewIndicator(kind="phone", value=f"+658{number:07d}")],
            formats=["json"],
        )
        references.add(report.reference)
    assert outbox.statuses() == {"pending": REPORTS}

    FlakyAgencyHandler.outcomes.clear()
    sink = start_sink(tmp_path / "sink.db", handler=FlakyAgencyHandler)
    worker = Worker(
        session_factory=outbox.sessions,
        registry=registry,
        config=fast_config(
            # P(50 failures in a row) at a failure rate of 0.45 is about 1e-17.
            retry=RetryPolicy(max_attempts=50, base_seconds=0.005, max_seconds=0.05),
            connect_timeout_seconds=1.0,
            read_timeout_seconds=READ_TIMEOUT,
            lease_seconds=5.0,
            batch_size=4,
        ),
        env=sink_environment(registry, sink.url, SINK_SECRET),
        rng=random.Random(7),
    )
    stop = threading.Event()
    runner = threading.Thread(
        target=worker.run, args=(stop,), kwargs={"poll_seconds": 0.01, "threads": 8}
    )
    started = time.monotonic()
    runner.start()
    try:
        done = wait_until(
            lambda: outbox.statuses().get("delivered", 0) == REPORTS, timeout=90, interval=0.25
        )
    finally:
        stop.set()
        runner.join(timeout=30)
        sink.server.shutdown()
    elapsed = time.monotonic() - started
    print(
        f"delivered {REPORTS} reports in {elapsed:.1f} s; agency behaviour: {dict(FlakyAgencyHandler.outcomes)}"
    )

    assert done, f"not all delivered after {elapsed:.0f} s: {outbox.statuses()}"
    assert outbox.statuses() == {"delivered": REPORTS}
    received = sink.store.received()
    # Exactly once after dedupe: one kept copy per report, none missing, none extra.
    assert len(received) == REPORTS
    assert {item.reference for item in received} == references
    assert {item.document()["report"]["reference"] for item in received} == references
    # The chaos really happened, and the receiver really saw duplicates to drop.
    outcomes = FlakyAgencyHandler.outcomes
    assert all(
        outcomes[name] > 20
        for name in (
            "500 before storing",
            "dropped before storing",
            "500 after storing",
            "timeout after storing",
            "dropped after storing",
        )
    ), outcomes
    receipts = sink.store.receipt_keys()
    assert len(receipts) > REPORTS
    assert len(set(receipts)) == REPORTS
    rows = outbox.deliveries()
    assert max(row.attempts for row in rows) > 1
    assert elapsed < 60, f"took {elapsed:.0f} s"
    stop_sink(sink)
