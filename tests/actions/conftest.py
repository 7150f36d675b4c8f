"""Trackers built from JSON-like dicts, as the action server receives them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker

from scamreport.settings import PROJECT_ROOT
from scamreport.storage.database import upgrade_database


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def user_event(text: str, intent: str, confidence: float = 0.95) -> dict[str, Any]:
    return {
        "event": "user",
        "timestamp": 1_700_000_000.0,
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": []},
    }


@pytest.fixture
def make_tracker(domain: dict[str, Any]) -> Callable[..., Tracker]:
    def make(
        text: str = "",
        intent: str = "inform",
        slots: dict[str, Any] | None = None,
        *,
        events: list[dict[str, Any]] | None = None,
        entities: list[dict[str, Any]] | None = None,
        sender_id: str = "test-sender",
        active_loop: str | None = None,
    ) -> Tracker:
        all_slots = {name: None for name in domain["slots"]}
        all_slots.update(slots or {})
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.95},
            "entities": entities or [],
        }
        history = list(events or []) + [user_event(text, intent)]
        return Tracker(
            sender_id=sender_id,
            slots=all_slots,
            latest_message=latest,
            events=history,
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name="action_listen",
        )

    return make


@pytest.fixture
def actions_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Points the action server's storage at a fresh SQLite file."""
    from actions import services

    url = f"sqlite:///{tmp_path / 'var' / 'scamreport.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SCAMREPORT_DATA_DIR", str(tmp_path / "var"))
    services.settings.cache_clear()
    services.session_factory.cache_clear()
    # The start step (`scamreport db upgrade`): the action server itself only checks the schema.
    upgrade_database(url)
    yield url
    services.settings.cache_clear()
    services.session_factory.cache_clear()
