"""Two worker processes on PostgreSQL never send the same delivery at once (row locks with
SKIP LOCKED): an agency that always answers at once sees every idempotency key exactly once,
before any dedupe."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from forwarding_support import (
    SINK_SECRET,
    fast_config_env,
    open_outbox,
    scamreport_command,
    start_sink,
    stop_sink,
    store_report,
    subprocess_env,
    wait_until,
)

from scamreport.forwarding.dev import sink_environment
from scamreport.registry import Registry
from scamreport.storage.records import NewIndicator

REPORTS = 300

pytestmark = pytest.mark.postgres


def test_two_workers_on_postgres_never_send_one_delivery_twice(
    postgres_database_factory: Callable[[], str], registry: Registry, tmp_path: Path
) -> None:
    outbox = open_outbox(postgres_database_factory())
    sink = start_sink(tmp_path / "sink.db")  # answers at once: no timeout can force a resend
    workers: list[subprocess.Popen[bytes]] = []
    logs = [tmp_path / f"worker-{index}.log" for index in range(2)]
    try:
        keys = set()
        for number in range(REPORTS):
            report = store_report(
                outbox,
                registry,
                pseudonym=f"conv-{number}",
                indicators=[NewIndicator(kind="phone", value=f"+657{number:07d}")],
            )
            keys |= {f"{report.reference}/sg-spf/webhook/{fmt}" for fmt in ("json", "stix")}
        env = subprocess_env(
            {
                "DATABASE_URL": outbox.url,
                **sink_environment(registry, sink.url, SINK_SECRET),
                # Small batches: many more claims racing each other.
                **fast_config_env(FORWARDING_BATCH_SIZE="2", FORWARDING_LEASE_SECONDS="120"),
            }
        )
        for log in logs:
            with log.open("wb") as out:
                workers.append(
                    subprocess.Popen(
                        scamreport_command("worker", "--threads", "3", "--poll-seconds", "0.05"),
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                    )
                )
        done = wait_until(
            lambda: outbox.statuses() == {"delivered": 2 * REPORTS}, timeout=120, interval=0.25
        )
        assert done, f"{outbox.statuses()}\n" + "\n".join(log.read_text()[-2000:] for log in logs)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        sink.server.shutdown()
        outbox.engine.dispose()

    receipts = sink.store.receipt_keys()
    repeats = {key: count for key, count in Counter(receipts).items() if count > 1}
    assert repeats == {}, f"sent more than once: {list(repeats)[:5]}"
    assert set(receipts) == keys
    assert all(row.attempts == 1 for row in outbox.deliveries())
    # Both workers took part (otherwise the test proves nothing about concurrency).
    for log in logs:
        assert "delivered" in log.read_text(), log.read_text()[-2000:]
    stop_sink(sink)
