"""scamreport/metrics.py: the token, the listener over HTTP, counters and database gauges."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from scamreport import metrics
from scamreport.forwarding.circuit import AgencyCircuits
from scamreport.settings import SettingsError, get_settings, metrics_port, metrics_token
from tests.observability.observability_support import TOKEN, database, file_report, sample, scrape


def test_the_token_is_a_bearer_token() -> None:
    assert metrics.authorisation_status(f"Bearer {TOKEN}", TOKEN) == 200
    assert metrics.authorisation_status(f"bearer {TOKEN}", TOKEN) == 200
    assert metrics.authorisation_status(None, TOKEN) == 401
    assert metrics.authorisation_status(TOKEN, TOKEN) == 401
    assert metrics.authorisation_status("Bearer nope", TOKEN) == 403
    assert metrics.authorisation_status(f"Bearer {TOKEN}", None) == 404  # metrics off


def test_the_token_and_ports_come_from_the_environment() -> None:
    assert metrics_token({"METRICS_TOKEN": TOKEN, "SCAMREPORT_ENV": "production"}) == TOKEN
    # No default outside development: metrics are off.
    assert metrics_token({"SCAMREPORT_ENV": "production"}) is None
    assert metrics_token({}) is not None  # development's known secret
    with pytest.raises(SettingsError, match="METRICS_TOKEN"):
        metrics_token({"METRICS_TOKEN": "short"})
    assert metrics_port({}, "bot") is None
    assert metrics_port({"SCAMREPORT_WORKER_METRICS_PORT": "9102"}, "worker") == 9102
    with pytest.raises(SettingsError, match="SCAMREPORT_CONSOLE_METRICS_PORT"):
        metrics_port({"SCAMREPORT_CONSOLE_METRICS_PORT": "x"}, "console")
    production = get_settings(
        {
            "SCAMREPORT_ENV": "production",
            "DATABASE_URL": "sqlite://",
            "PSEUDONYM_KEY": "k" * 20,
            "CONSOLE_SECRET_KEY": "c" * 20,
        }
    )
    with pytest.raises(SettingsError, match="set METRICS_TOKEN too"):
        metrics.listener_port("bot", production, {"SCAMREPORT_BOT_METRICS_PORT": "0"})
    assert metrics.start_listener("bot", production, {}) is None
    assert TOKEN not in repr(get_settings({"METRICS_TOKEN": TOKEN}))


@pytest.fixture
def listener() -> Iterator[metrics.MetricsServer]:
    server = metrics.serve("127.0.0.1", 0, TOKEN)
    yield server
    server.close()


def test_the_listener_refuses_without_the_token_and_answers_with_it(
    listener: metrics.MetricsServer,
) -> None:
    url = f"http://127.0.0.1:{listener.port}/metrics"
    refused = scrape(url, token=None)
    assert refused.status_code == 401 and "scamreport" not in refused.text
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert scrape(url, token="wrong-token-0123456789").status_code == 403
    assert scrape(f"http://127.0.0.1:{listener.port}/other").status_code == 404
    metrics.observe_turn(0.4)
    answered = scrape(url)
    assert answered.status_code == 200
    assert answered.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    names = {family.name for family in text_string_to_metric_families(answered.text)}
    assert metrics.TURN_SECONDS in names
    assert sample(answered.text, f"{metrics.TURN_SECONDS}_count")


def test_a_filed_report_moves_the_counter_and_the_delivery_gauges(tmp_path: Path) -> None:
    sessions = database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    filed = f"{metrics.REPORTS_FILED}_total"
    labels = {"scam_type": "investment", "language": "zh"}
    before = REGISTRY.get_sample_value(filed, labels) or 0.0
    file_report(sessions, scam_type="investment", language="zh", agencies=("sg-spf", "my-pdrm"))
    file_report(sessions, scam_type="investment", language="zh", agencies=("sg-spf",))
    assert REGISTRY.get_sample_value(filed, labels) == before + 2

    registry = CollectorRegistry()
    metrics.register_scrape("deliveries", metrics.delivery_families(sessions), registry)
    metrics.register_scrape("queues", metrics.queue_families(sessions), registry)
    text = generate_latest(registry).decode()
    assert sample(text, metrics.DELIVERIES_PENDING, agency="sg-spf") == 2
    assert sample(text, metrics.DELIVERIES_PENDING, agency="my-pdrm") == 1
    assert sample(text, metrics.QUEUE_DEPTH, queue="inbox") == 0
    assert sample(text, metrics.QUEUE_DEPTH, queue="outbox") == 0


def test_a_database_outage_leaves_the_gauges_out(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> list[object]:
        raise ConnectionError("database down")

    registry = CollectorRegistry()
    metrics.register_scrape("deliveries", broken, registry)
    with caplog.at_level(logging.ERROR):
        assert metrics.DELIVERIES_PENDING not in generate_latest(registry).decode()
    assert "reading deliveries failed (ConnectionError)" in caplog.text


def test_circuits_show_one_state_per_agency() -> None:
    circuits = AgencyCircuits(failures=1)
    circuits.failed("sg-spf")
    registry = CollectorRegistry()
    metrics.register_scrape("circuits", metrics.circuit_families(circuits.states), registry)
    text = generate_latest(registry).decode()
    assert sample(text, metrics.CIRCUIT_STATE, agency="sg-spf", state="open") == 1
    assert sample(text, metrics.CIRCUIT_STATE, agency="sg-spf", state="closed") == 0


def test_errors_are_counted_by_process_and_logger() -> None:
    counted: list[tuple[str, str]] = []
    handler = metrics.ErrorCounter("worker", lambda process, kind: counted.append((process, kind)))
    log = logging.getLogger("scamreport.forwarding.test")
    log.addHandler(handler)
    try:
        log.warning("not an error")
        log.error("an error")
    finally:
        log.removeHandler(handler)
    assert counted == [("worker", "scamreport.forwarding.test")]
    errors = f"{metrics.ERRORS}_total"
    labels = {"process": "test", "kind": "observability"}
    before = REGISTRY.get_sample_value(errors, labels) or 0.0
    metrics.count_error("test", "observability")
    assert REGISTRY.get_sample_value(errors, labels) == before + 1


def test_two_threads_using_an_instrument_first_at_once_make_one_and_both_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A console worker's threads: the first two requests at once once lost a count, because
    # both made the counter and the second registration failed.
    import prometheus_client

    name = "scamreport_test_first_use_race"
    monkeypatch.setitem(metrics.INSTRUMENTS, name, metrics.Instrument("counter", ()))
    monkeypatch.setitem(metrics.HELP, name, "Counted by two threads at once")
    made = prometheus_client.Counter

    def slowly_made(*args: object, **kwargs: object) -> object:
        time.sleep(0.2)  # long enough for the other thread to ask too
        return made(*args, **kwargs)

    monkeypatch.setattr(prometheus_client, "Counter", slowly_made)
    both = threading.Barrier(2)

    def count() -> None:
        both.wait()
        metrics._update(name, lambda found: found.inc())

    threads = [threading.Thread(target=count) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert REGISTRY.get_sample_value(f"{name}_total") == 2
    finally:
        counter = metrics.instrument(name)
        if counter is not None:
            REGISTRY.unregister(counter)
