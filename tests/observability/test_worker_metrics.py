"""The forwarding worker's metrics: a delivery moves the outcome counter, and its /metrics
listener shows deliveries pending per agency and each agency's circuit."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from agency_sink.server import SinkStore, make_sink_server, serve_in_thread
from scamreport import metrics
from scamreport.cli import main
from scamreport.forwarding import metrics as worker_metrics
from scamreport.forwarding.circuit import AgencyCircuits
from scamreport.forwarding.dev import sink_environment
from scamreport.logs import JsonFormatter
from scamreport.registry import load_registry, packaged_registry_path
from scamreport.settings import get_settings
from tests.observability.observability_support import (
    TOKEN,
    database,
    file_report,
    sample,
    scrape,
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


def test_a_delivery_moves_the_counter(
    tmp_path: Path,
    sink_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    file_report(database(url), agencies=("sg-spf",))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SCAMREPORT_ENV", "test")
    monkeypatch.delenv("AGENCY_REGISTRY", raising=False)
    registry = load_registry(packaged_registry_path())
    for name, value in sink_environment(registry, sink_url, SINK_SECRET).items():
        monkeypatch.setenv(name, value)
    counter = f"{metrics.DELIVERIES}_total"
    labels = {"agency": "sg-spf", "outcome": "delivered"}
    before = REGISTRY.get_sample_value(counter, labels) or 0.0
    with caplog.at_level(logging.INFO, logger="scamreport.forwarding"):
        assert main(["worker", "--once"]) == 0
    assert REGISTRY.get_sample_value(counter, labels) == before + 1
    # The delivered line carries the report's reference for JSON logs.
    (delivered,) = [r for r in caplog.records if "delivered" in r.getMessage()]
    line = json.loads(JsonFormatter("worker").format(delivered))
    assert line["reference"] and line["reference"] in line["message"]
    assert "delivery 1 (sg-spf, webhook/json)" in line["message"]


def test_the_worker_listener_shows_pending_deliveries_and_circuits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    sessions = database(url)
    file_report(sessions, agencies=("sg-spf", "my-pdrm"))
    circuits = AgencyCircuits(failures=1)
    circuits.failed("my-pdrm")
    env = {
        "SCAMREPORT_ENV": "test",
        "DATABASE_URL": url,
        "METRICS_TOKEN": TOKEN,
        "SCAMREPORT_WORKER_METRICS_PORT": "0",
    }
    settings = get_settings(env)
    assert worker_metrics.start(sessions, circuits, settings, {}) is None  # no port: off
    served = worker_metrics.start(sessions, circuits, settings, env)
    assert served is not None
    try:
        target = f"http://127.0.0.1:{served.port}/metrics"
        assert scrape(target, token=None).status_code == 401
        assert scrape(target, token="wrong-token-0123456789").status_code == 403
        answered = scrape(target)
        assert answered.status_code == 200
    finally:
        served.close()
    text = answered.text
    assert sample(text, metrics.DELIVERIES_PENDING, agency="sg-spf") == 1
    assert sample(text, metrics.DELIVERIES_PENDING, agency="my-pdrm") == 1
    assert sample(text, metrics.CIRCUIT_STATE, agency="my-pdrm", state="open") == 1
    assert sample(text, metrics.CIRCUIT_STATE, agency="my-pdrm", state="closed") == 0
