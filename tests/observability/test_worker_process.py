"""`scamreport worker` serves /metrics on SCAMREPORT_WORKER_METRICS_PORT while it runs: the
delivery counter moves after a delivery and the pending gauge falls to zero."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agency_sink.server import SinkStore, make_sink_server, serve_in_thread
from scamreport import metrics
from scamreport.forwarding.dev import sink_environment
from scamreport.registry import load_registry, packaged_registry_path
from scamreport.settings import PROJECT_ROOT
from tests.observability.observability_support import (
    TOKEN,
    database,
    file_report,
    free_port,
    sample,
    scrape,
    wait_until,
)

SINK_SECRET = "sink-secret-for-tests-0123456789"


@pytest.fixture
def sink_url(tmp_path: Path) -> Iterator[str]:
    store = SinkStore(tmp_path / "sink.db")
    server = make_sink_server(store=store, secret=SINK_SECRET)
    serve_in_thread(server)
    yield server.url
    server.shutdown()
    server.server_close()
    store.close()


def test_the_running_worker_serves_its_metrics(tmp_path: Path, sink_url: str) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    file_report(database(url), agencies=("sg-spf",))
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AGENCY_", "FORWARDING_"))
    }
    env.update(sink_environment(load_registry(packaged_registry_path()), sink_url, SINK_SECRET))
    env.update(
        {
            "SCAMREPORT_ENV": "test",
            "DATABASE_URL": url,
            "METRICS_TOKEN": TOKEN,
            "SCAMREPORT_WORKER_METRICS_PORT": str(port),
        }
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scamreport", "worker", "--poll-seconds", "0.2"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    target = f"http://127.0.0.1:{port}/metrics"
    delivered = f"{metrics.DELIVERIES}_total"
    try:
        assert wait_until(lambda: scrape(target, token=None).status_code == 401, timeout=60), (
            log.read_text()[-2000:]
        )
        assert scrape(target, token="wrong-token-0123456789").status_code == 403
        text = wait_until(
            lambda: (
                answer.text
                if (answer := scrape(target)).ok
                and sample(answer.text, delivered, agency="sg-spf", outcome="delivered")
                else None
            ),
            timeout=60,
        )
        assert text, log.read_text()[-2000:]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert sample(text, delivered, agency="sg-spf", outcome="delivered") == 1
    assert sample(text, metrics.DELIVERIES_PENDING, agency="sg-spf") in (None, 0)
