"""On PostgreSQL a queued report wakes the workers at once (LISTEN/NOTIFY, migration 0014):
a worker that would poll only every minute delivers it within seconds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from forwarding_support import (
    SINK_SECRET,
    fast_config,
    open_outbox,
    start_sink,
    stop_sink,
    store_report,
    wait_until,
)
from sqlalchemy import text

from scamreport.forwarding.dev import sink_environment
from scamreport.forwarding.wakeup import DELIVERIES_CHANNEL, DeliveryListener, libpq_conninfo
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry

pytestmark = pytest.mark.postgres


def test_the_connection_string_keeps_the_password_for_psycopg() -> None:
    conninfo = libpq_conninfo("postgresql+psycopg://user:s3cret@127.0.0.1:5432/db")
    assert conninfo == "postgresql://user:s3cret@127.0.0.1:5432/db"


def test_a_queued_report_wakes_an_idle_worker_at_once(
    postgres_database_factory: Callable[[], str], registry: Registry, tmp_path: Path
) -> None:
    outbox = open_outbox(postgres_database_factory())
    sink = start_sink(tmp_path / "sink.db")
    worker = Worker(
        session_factory=outbox.sessions,
        registry=registry,
        config=fast_config(),
        env=sink_environment(registry, sink.url, SINK_SECRET),
    )
    listener = DeliveryListener(outbox.url, worker.wakeup).start()
    stop = threading.Event()
    thread = threading.Thread(
        target=worker.run, args=(stop,), kwargs={"poll_seconds": 60.0, "threads": 2}, daemon=True
    )
    try:
        assert wait_until(listener.listening.is_set, timeout=10)
        thread.start()
        assert wait_until(lambda: not worker.wakeup.is_set(), timeout=10)  # idle, waiting
        for number in range(3):
            store_report(outbox, registry, pseudonym=f"conv-{number}")
            # Without the notification nothing would look for a minute.
            assert wait_until(
                lambda n=number: outbox.statuses() == {"delivered": 2 * (n + 1)}, timeout=10
            ), outbox.statuses()
    finally:
        stop.set()
        thread.join(timeout=10)
        listener.stop()
        stop_sink(sink)
        outbox.engine.dispose()
    assert not thread.is_alive()


def test_the_listener_comes_back_after_its_connection_is_killed(
    postgres_database_factory: Callable[[], str], registry: Registry
) -> None:
    outbox = open_outbox(postgres_database_factory())
    event = threading.Event()
    listener = DeliveryListener(outbox.url, event, reconnect_seconds=0.1).start()
    try:
        assert wait_until(listener.listening.is_set, timeout=10)
        with outbox.engine.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND query = :listen"
                ),
                {"listen": f"LISTEN {DELIVERIES_CHANNEL}"},
            ).scalar_one()
        assert killed == 1
        assert wait_until(lambda: not listener.listening.is_set(), timeout=10)
        assert wait_until(listener.listening.is_set, timeout=10)
        event.clear()
        store_report(outbox, registry, pseudonym="after-reconnect")
        assert event.wait(10)
    finally:
        listener.stop()
        outbox.engine.dispose()
