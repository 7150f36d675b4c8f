"""Erasing conversations from Rasa's SQL tracker store, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, func, insert, select

from scamreport.storage.tracker_store import EVENTS, TrackerStore


def add_events(engine: Engine, sender_id: str, count: int, timestamp: float) -> None:
    EVENTS.create(engine, checkfirst=True)
    with engine.begin() as connection:
        connection.execute(
            insert(EVENTS),
            [
                {"sender_id": sender_id, "type_name": "user", "timestamp": timestamp,
                 "data": '{"text": "my secret story"}'}
                for _ in range(count)
            ],
        )  # fmt: skip


def count_events(store: TrackerStore, pseudonym: str) -> int:
    with store.engine.connect() as connection:
        statement = select(func.count()).select_from(EVENTS)
        return int(connection.scalar(statement.where(EVENTS.c.sender_id == pseudonym)) or 0)


def test_a_conversation_is_erased_and_others_stay(engine: Engine) -> None:
    store = TrackerStore(engine)
    assert store.erase_conversation("nobody") == 0  # no events table yet
    now = time.time()
    add_events(engine, "reporter-a", 5, now)
    add_events(engine, "reporter-b", 2, now)
    assert store.erase_conversation("reporter-a") == 5
    assert count_events(store, "reporter-a") == 0
    assert count_events(store, "reporter-b") == 2
    with engine.begin() as connection:
        EVENTS.drop(connection)


def test_conversations_past_retention_are_erased(engine: Engine) -> None:
    store = TrackerStore(engine)
    old = (datetime.now(timezone.utc) - timedelta(days=400)).timestamp()
    add_events(engine, "old", 3, old)
    add_events(engine, "recent", 3, time.time())
    cutoff = datetime.now(timezone.utc) - timedelta(days=365)
    assert store.erase_older_than(cutoff) == 3
    assert (count_events(store, "old"), count_events(store, "recent")) == (0, 3)
    with engine.begin() as connection:
        EVENTS.drop(connection)
