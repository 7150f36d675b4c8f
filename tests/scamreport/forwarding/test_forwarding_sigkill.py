"""A worker process killed with SIGKILL mid-drain loses nothing: after a restart every delivery
arrives (at least once), and exactly once after the receiver's dedupe by Idempotency-Key."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from pathlib import Path

from forwarding_support import (
    SINK_SECRET,
    Outbox,
    fast_config_env,
    scamreport_command,
    start_sink,
    stop_sink,
    store_report,
    subprocess_env,
    wait_until,
)

from agency_sink.server import SinkHandler
from scamreport.forwarding.dev import sink_environment
from scamreport.registry import Registry
from scamreport.storage.records import NewIndicator

REPORTS = 60
KILL_AT_REQUEST = 20


class SlowAgencyHandler(SinkHandler):
    """Stores each delivery, then takes its time to answer; request KILL_AT_REQUEST waits long
    enough for the test to kill the sender before it hears back."""

    lock = threading.Lock()
    requests = 0
    holding = threading.Event()

    def do_POST(self) -> None:
        status, answer = self.receive()
        with self.lock:
            type(self).requests += 1
            number = type(self).requests
        if number == KILL_AT_REQUEST:
            type(self).holding.set()
            time.sleep(3)
        else:
            time.sleep(0.05)
        with contextlib.suppress(OSError):  # the sender was killed
            self.respond_json(status, answer)


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            scamreport_command("worker", "--threads", "2", "--poll-seconds", "0.05"),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def test_a_worker_killed_mid_drain_loses_nothing(
    outbox: Outbox, registry: Registry, tmp_path: Path
) -> None:
    keys = set()
    for number in range(REPORTS):
        report = store_report(
            outbox,
            registry,
            pseudonym=f"conv-{number}",
            indicators=[NewIndicator(kind="phone", value=f"+659{number:07d}")],
            formats=["json"],
        )
        keys.add(f"{report.reference}/sg-spf/webhook/json")

    SlowAgencyHandler.requests = 0
    SlowAgencyHandler.holding.clear()
    sink = start_sink(tmp_path / "sink.db", handler=SlowAgencyHandler)
    env = subprocess_env(
        {
            "DATABASE_URL": outbox.url,
            **sink_environment(registry, sink.url, SINK_SECRET),
            # A killed worker's rows come back after the 3 s lease.
            **fast_config_env(FORWARDING_LEASE_SECONDS="3", FORWARDING_READ_TIMEOUT_SECONDS="1"),
        }
    )
    log = tmp_path / "worker.log"
    first = _start_worker(env, log)
    try:
        assert SlowAgencyHandler.holding.wait(timeout=60), log.read_text()
        first.kill()  # SIGKILL: no handler runs, nothing is recorded
        first.wait(timeout=10)
        assert first.returncode == -9

        statuses = outbox.statuses()
        rows = outbox.deliveries()
        in_flight = [row for row in rows if row.status == "in_flight"]
        received_keys = {item.idempotency_key for item in sink.store.received()}
        # Killed mid-drain: some delivered, some never tried, and some were on the wire. A
        # batch's outcomes are recorded together, so what the agency took is either recorded
        # as delivered or still in flight (sent, not yet recorded), never pending.
        assert statuses.get("delivered", 0) > 0, statuses
        assert statuses.get("pending", 0) > 0, statuses
        assert in_flight, statuses
        assert len(received_keys) >= KILL_AT_REQUEST
        status_of = {row.idempotency_key: row.status for row in rows}
        assert {status_of[key] for key in received_keys} <= {"delivered", "in_flight"}
        # The agency stored at least one delivery the worker never heard back about.
        assert any(row.idempotency_key in received_keys for row in in_flight)

        second = _start_worker(env, log)
        try:
            finished = wait_until(
                lambda: outbox.statuses() == {"delivered": REPORTS}, timeout=60, interval=0.2
            )
        finally:
            second.terminate()
            second.wait(timeout=20)
        assert finished, f"{outbox.statuses()}\n{log.read_text()[-3000:]}"
        assert second.returncode == 0  # SIGTERM stops the worker cleanly
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
        sink.server.shutdown()

    receipts = sink.store.receipt_keys()
    assert set(receipts) == keys  # nothing lost
    assert len(receipts) > len(keys)  # at least once: the in-flight delivery was sent again
    received = sink.store.received()
    assert len(received) == REPORTS  # exactly once after dedupe
    assert {item.idempotency_key for item in received} == keys
    stop_sink(sink)
