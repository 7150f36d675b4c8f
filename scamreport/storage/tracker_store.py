"""Rasa's conversation history (its SQL tracker store), as far as erasure and retention need it.

Rasa 3.6's ``SQLTrackerStore`` keeps every event of a conversation as one row of its ``events``
table, keyed by ``sender_id`` (our pseudonym). Rasa has no API that deletes a conversation, so
the reporter's events are deleted here, on the tracker store's own database (SQLite or
PostgreSQL, named by ``TRACKER_STORE_URL``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, select
from sqlalchemy.engine import Engine

from scamreport.storage.database import checkpoint_sqlite, make_engine

_METADATA = MetaData()
EVENTS = Table(
    "events",
    _METADATA,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), index=True),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


class TrackerStore:
    """The events table of Rasa's SQL tracker store."""

    def __init__(self, url_or_engine: str | Engine) -> None:
        self.engine = (
            make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
        )

    def _has_events_table(self) -> bool:
        with self.engine.connect() as connection:
            return self.engine.dialect.has_table(connection, "events")

    def erase_conversation(self, pseudonym: str) -> int:
        """Deletes every event of the reporter ``pseudonym``; returns how many."""
        if not self._has_events_table():
            return 0
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.begin() as connection:
            if sqlite:  # freed pages are zeroed, so the text is not left in the file
                connection.exec_driver_sql("PRAGMA secure_delete = ON")
            # Rasa's sender_id column holds the pseudonym.
            result = connection.execute(delete(EVENTS).where(EVENTS.c.sender_id == pseudonym))
            erased = int(result.rowcount or 0)
        if sqlite:
            checkpoint_sqlite(self.engine)
        return erased

    def erase_older_than(self, cutoff: datetime) -> int:
        """Deletes every conversation whose latest event is older than ``cutoff``."""
        if not self._has_events_table():
            return 0
        latest = (
            select(EVENTS.c.sender_id)
            .group_by(EVENTS.c.sender_id)
            .having(func.max(EVENTS.c.timestamp) < cutoff.timestamp())
        )
        with self.engine.begin() as connection:
            result = connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(latest)))
            return int(result.rowcount or 0)

    def dispose(self) -> None:
        self.engine.dispose()
