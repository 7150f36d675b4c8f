"""Fixtures for the forwarding tests: a migrated SQLite outbox, stored reports, a local sink."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from forwarding_support import (
    SINK_SECRET,
    Outbox,
    RunningSink,
    open_outbox,
    start_sink,
    stop_sink,
    store_report,
)

from scamreport.forwarding.dev import sink_environment
from scamreport.registry import Registry, load_registry, packaged_registry_path
from scamreport.storage.models import Report


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(packaged_registry_path())


@pytest.fixture
def outbox(sqlite_url: str) -> Iterator[Outbox]:
    box = open_outbox(sqlite_url)
    yield box
    box.engine.dispose()


@pytest.fixture
def make_report(outbox: Outbox, registry: Registry) -> Callable[..., Report]:
    def make(**overrides: Any) -> Report:
        return store_report(outbox, registry, **overrides)

    return make


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[RunningSink]:
    running = start_sink(tmp_path / "sink" / "received.db")
    yield running
    stop_sink(running)


@pytest.fixture
def sink_env(sink: RunningSink, registry: Registry) -> dict[str, str]:
    return sink_environment(registry, sink.url, SINK_SECRET)
