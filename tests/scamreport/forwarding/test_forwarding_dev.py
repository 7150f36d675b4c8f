"""sink_environment points every agency of the registry at the local sink (web and e-mail)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from forwarding_support import SINK_SECRET, Outbox, fast_config, free_port
from sqlalchemy import update

from agency_sink.server import SinkStore, SmtpSink
from scamreport.forwarding.dev import SINK_SECRET_ENV, sink_environment
from scamreport.forwarding.transports import EmailEndpoint, SmtpConfig, resolve_endpoint
from scamreport.forwarding.worker import Worker
from scamreport.registry import Registry
from scamreport.storage.models import Delivery, Report
from tests.registry_env import env_names


def test_every_webhook_agency_reaches_the_sink(registry: Registry) -> None:
    env = sink_environment(registry, "http://127.0.0.1:8099/", "dev-secret")
    assert env[SINK_SECRET_ENV] == "dev-secret"
    webhook_agencies = [
        agency
        for agency in registry.agencies
        if agency.delivery is not None and agency.delivery.transport == "webhook"
    ]
    assert len(webhook_agencies) > 30
    for agency in webhook_agencies:
        endpoint = resolve_endpoint(agency, env)
        assert endpoint.url == f"http://127.0.0.1:8099/agencies/{agency.code}"  # type: ignore[union-attr]
        assert endpoint.secret == "dev-secret"  # type: ignore[union-attr]
    # Only agency variables and the sink's own secret; nothing for e-mail agencies.
    expected = {SINK_SECRET_ENV} | {
        name
        for agency in webhook_agencies
        for name in env_names(agency.delivery)  # type: ignore[arg-type]
    }
    assert set(env) == expected


def test_an_empty_secret_is_refused(registry: Registry) -> None:
    with pytest.raises(ValueError, match="secret"):
        sink_environment(registry, "http://127.0.0.1:8099", "")


def test_with_an_smtp_port_email_agencies_reach_the_sink_too(registry: Registry) -> None:
    env = sink_environment(registry, "http://127.0.0.1:8099", "dev-secret", smtp_port=8025)
    report_fraud = registry.by_code("gb-actionfraud")
    assert report_fraud is not None
    assert resolve_endpoint(report_fraud, env) == EmailEndpoint("gb-actionfraud@sink.invalid")
    config = SmtpConfig.from_env(env)
    assert (config.host, config.port, config.starttls) == ("127.0.0.1", 8025, False)
    assert "AGENCY_GB_ACTIONFRAUD_EMAIL" not in sink_environment(registry, "http://h:1", "s")


def test_the_smtp_sink_keeps_email_deliveries(
    outbox: Outbox, registry: Registry, make_report: Callable[..., Report], tmp_path: Path
) -> None:
    store = SinkStore(tmp_path / "sink.db")
    port = free_port()
    smtp = SmtpSink(store, port=port)
    smtp.start()
    try:
        report = make_report(country="GB", indicators=[])
        env = sink_environment(registry, "http://127.0.0.1:1", SINK_SECRET, smtp_port=port)
        worker = Worker(
            session_factory=outbox.sessions, registry=registry, config=fast_config(), env=env
        )
        worker.drain()
        # A second copy of the same delivery (a retry after a lost answer) is dropped.
        with outbox.sessions.begin() as session:
            session.execute(update(Delivery).values(status="pending", attempts=1))
        worker.drain()
    finally:
        smtp.stop()
    (item,) = store.received()
    assert (item.agency, item.reference, item.copies) == ("gb-actionfraud", report.reference, 2)
    assert item.document()["agency_code"] == "gb-actionfraud"
    assert outbox.statuses() == {"delivered": 1}
    store.close()
