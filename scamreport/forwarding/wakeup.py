"""Workers woken by PostgreSQL when deliveries are queued (LISTEN/NOTIFY), not by polling.

Migration 0014 adds a trigger on ``deliveries`` that calls ``pg_notify(DELIVERIES_CHANNEL)``
whenever a row becomes due (inserted or set back to pending for now); the notification is sent
when the queuing transaction commits, so a woken worker always finds the rows. A listener
thread per worker process holds one connection in LISTEN and sets an event; idle worker
threads wait on that event, with the poll interval kept only as a safety net (a lost
connection, a retry that falls due, which no statement announces).

SQLite has no notifications: there the worker polls as before.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

DELIVERIES_CHANNEL = "scamreport_deliveries"


def libpq_conninfo(database_url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as psycopg's connection string."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class DeliveryListener:
    """Sets ``event`` on every notification; reconnects after a lost connection."""

    def __init__(
        self,
        database_url: str,
        event: threading.Event,
        *,
        reconnect_seconds: float = 1.0,
        channel: str = DELIVERIES_CHANNEL,
    ) -> None:
        self.conninfo = libpq_conninfo(database_url)
        self.event = event
        self.reconnect_seconds = reconnect_seconds
        self.channel = channel
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> DeliveryListener:
        self._thread = threading.Thread(target=self._run, name="delivery-listener", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {self.channel}")
                    self.listening.set()
                    # Rows queued while no one listened: look once.
                    self.event.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            self.event.set()
            except psycopg.Error as error:
                logger.warning(
                    "forwarding: listening for queued deliveries failed (%s); polling until "
                    "it is back",
                    type(error).__name__,
                )
            finally:
                self.listening.clear()
            self._stop.wait(self.reconnect_seconds)
