"""Per-agency circuit breakers: an agency that keeps failing is left alone for a while, the
others go on, nothing is lost or spends an attempt while it waits, and it is tried again."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from forwarding_support import SINK_SECRET, Outbox, fast_config, start_sink, stop_sink

from scamreport.forwarding.circuit import AgencyCircuits
from scamreport.forwarding.dev import sink_environment
from scamreport.forwarding.wakeup import DELIVERIES_CHANNEL
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 12, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_a_circuit_opens_after_failures_in_a_row_and_doubles_when_still_failing() -> None:
    clock = Clock()
    circuits = AgencyCircuits(failures=3, cooldown_seconds=10, max_cooldown_seconds=25, clock=clock)
    assert [circuits.failed("sg-spf") for _ in range(3)] == [False, False, True]
    assert circuits.open_agencies() == {"sg-spf"}
    assert circuits.states() == {"sg-spf": "open"}
    clock.advance(10)
    assert circuits.states() == {"sg-spf": "half_open"}
    assert circuits.open_agencies() == frozenset()
    assert circuits.failed("sg-spf")  # the one half-open try failed: 20 s now
    clock.advance(19)
    assert circuits.is_open("sg-spf")
    clock.advance(1)
    assert circuits.failed("sg-spf")  # 40 s capped at 25
    clock.advance(24)
    assert circuits.is_open("sg-spf")
    clock.advance(1)
    circuits.succeeded("sg-spf")
    assert circuits.states() == {}


def test_an_answer_in_between_resets_the_count() -> None:
    circuits = AgencyCircuits(failures=3, clock=Clock())
    for _ in range(10):
        circuits.failed("my-pdrm")
        circuits.failed("my-pdrm")
        circuits.succeeded("my-pdrm")
    assert circuits.open_agencies() == frozenset()


def test_the_settings_come_from_the_environment() -> None:
    circuits = AgencyCircuits.from_env(
        {
            "FORWARDING_CIRCUIT_FAILURES": "4",
            "FORWARDING_CIRCUIT_COOLDOWN_SECONDS": "2.5",
            "FORWARDING_CIRCUIT_MAX_COOLDOWN_SECONDS": "9",
        }
    )
    assert (circuits.failures, circuits.cooldown_seconds, circuits.max_cooldown_seconds) == (
        4,
        2.5,
        9,
    )


def test_a_dead_agency_waits_without_spending_attempts_and_is_delivered_when_back(
    outbox: Outbox, registry: Registry, make_report: Callable[..., object], tmp_path: Path
) -> None:
    for number in range(6):
        make_report(pseudonym=f"conv-{number}")
    # Nothing listens on port 9 of loopback: every send is refused at once.
    down = sink_environment(registry, "http://127.0.0.1:9", SINK_SECRET)
    clock = Clock()
    circuits = AgencyCircuits(failures=3, cooldown_seconds=60, clock=clock)
    worker = Worker(
        session_factory=outbox.sessions,
        registry=registry,
        config=fast_config(batch_size=12),
        env=down,
        circuits=circuits,
    )
    worker.drain()
    rows = outbox.deliveries()
    assert circuits.is_open("sg-spf")
    # Three sends failed and opened the circuit; the rest were given back untried.
    assert sorted(row.attempts for row in rows) == [0] * 9 + [1] * 3
    assert {row.status for row in rows} == {"pending"}
    worker.drain()  # the circuit is open: nothing is claimed
    assert sorted(row.attempts for row in outbox.deliveries()) == [0] * 9 + [1] * 3

    sink = start_sink(tmp_path / "sink.db")
    try:
        worker.env = sink_environment(registry, sink.url, SINK_SECRET)
        clock.advance(60)  # half-open: one batch may try
        worker.drain()
        assert outbox.statuses() == {"delivered": 12}
        assert circuits.states() == {}
    finally:
        stop_sink(sink)


def test_the_migration_notifies_the_channel_the_workers_listen_on() -> None:
    migration = importlib.import_module(
        "scamreport.storage.migrations.versions.0014_delivery_notify"
    )
    assert migration.CHANNEL == DELIVERIES_CHANNEL
