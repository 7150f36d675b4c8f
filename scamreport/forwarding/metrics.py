"""The forwarding worker's /metrics: deliveries pending and dead per agency (read from the
database at each scrape) and each agency's circuit (scamreport/forwarding/circuit.py), beside
the delivery outcomes the worker counts as it records them (scamreport.metrics.DELIVERIES)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session

from scamreport import metrics
from scamreport.forwarding.circuit import AgencyCircuits
from scamreport.settings import Settings


def register(session_factory: Callable[[], Session], circuits: AgencyCircuits) -> None:
    """Adds the worker's scrape-time gauges to prometheus_client's registry (once a process)."""
    metrics.register_scrape("deliveries", metrics.delivery_families(session_factory))
    metrics.register_scrape("circuits", metrics.circuit_families(circuits.states))


def start(
    session_factory: Callable[[], Session],
    circuits: AgencyCircuits,
    settings: Settings,
    env: Mapping[str, str],
) -> metrics.MetricsServer | None:
    """The worker's /metrics listener when SCAMREPORT_WORKER_METRICS_PORT is set, else None
    (SettingsError when METRICS_TOKEN is missing)."""
    if metrics.listener_port("worker", settings, env) is None:
        return None
    register(session_factory, circuits)
    return metrics.start_listener("worker", settings, env)
