"""One active process per database: the others wait as standbys and take over when it dies.

PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) held on a connection of its
own for the life of the process. When the holder dies, the kernel closes its socket, PostgreSQL
ends the session and releases the lock, and the next standby's try succeeds (within its poll
interval). TCP keepalives on the lock's connection also free the lock when the holder's host
vanishes without closing the socket.

SQLite: ``fcntl.flock`` on a file beside the database. SQLite serves one machine, so a lock of
that machine's kernel is exactly as wide as the database, and the kernel releases it when the
holder dies, however it dies. An in-memory database is not shared between processes: nothing to
stand by for, refused.

The holder watches its PostgreSQL connection. If it breaks (PostgreSQL restarted, a network
cut), the lock went with it: the holder reconnects and takes the lock again as soon as the
server answers (it tries four times as often as a standby, so it nearly always wins); if a
standby got it first, ``on_lost`` is called (the bot stops; its supervisor starts it again as
a standby). Until then two processes may both be active for a moment: the outbox and the kept
messages are claimed row by row (bot/outbox.py, bot/relay.py), so neither sends a row twice.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from scamreport.storage.database import normalise_database_url

logger = logging.getLogger(__name__)

# Arbitrary constants, one per role; the migration lock uses another.
BOT_LOCK_KEY = 7_335_201_804_117_000_014
# Seconds between tries of a standby, and between checks of the holder's connection.
POLL_SECONDS = 1.0
# TCP keepalive of the lock's connection (libpq): a silent peer is dropped in about 10 + 3 x 3 s.
_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
}


class LeaderLockError(RuntimeError):
    """The database cannot hold a lock shared between processes."""


def lock_file_for(url: URL) -> Path:
    """The file locked beside a SQLite database: ``<database>.lock``."""
    database = Path(url.database or "").expanduser()
    return database.with_name(database.name + ".lock")


class LeaderLock:
    """Waits for and then holds the one lock of ``role`` on the database at ``url``."""

    def __init__(
        self,
        url: str | URL,
        *,
        key: int = BOT_LOCK_KEY,
        role: str = "bot",
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.url = normalise_database_url(url)
        self.key = key
        self.role = role
        self.poll_seconds = poll_seconds
        self.backend = self.url.get_backend_name()
        database = self.url.database or ""
        if self.backend == "sqlite" and (database in ("", ":memory:") or "mode=memory" in database):
            raise LeaderLockError(
                "an in-memory SQLite database is not shared between processes: a standby "
                "needs a SQLite file or PostgreSQL (DATABASE_URL)"
            )
        if self.backend not in ("sqlite", "postgresql"):
            raise LeaderLockError(f"no process lock for {self.backend} databases")
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._file: IO[bytes] | None = None
        self._watcher: threading.Thread | None = None
        self._released = threading.Event()

    def _try_once(self) -> bool:
        if self.backend == "sqlite":
            assert self._file is not None
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True
        assert self._connection is not None
        got = self._connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
        ).scalar()
        self._connection.commit()
        return bool(got)

    def _attempt(self) -> bool:
        """One try of a waiting process; a PostgreSQL restart meanwhile means reconnecting."""
        if self.backend == "sqlite":
            return self._try_once()
        try:
            return self._try_once()
        except Exception:  # noqa: BLE001 - the lock's connection broke while waiting
            logger.warning("the database is unreachable; still waiting for the %s lock", self.role)
            return bool(self._retake())

    def _open(self) -> None:
        if self.backend == "sqlite":
            path = lock_file_for(self.url)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("ab")
            return
        # Its own engine without a pool: the connection lives as long as the lock.
        self._engine = create_engine(self.url, poolclass=NullPool, connect_args=_KEEPALIVES)
        self._connection = self._engine.connect()

    def acquire(self, *, on_lost: Callable[[], None] | None = None) -> float:
        """Blocks until this process holds the lock; returns the seconds it waited. With
        ``on_lost``, a thread checks the PostgreSQL connection every ``poll_seconds``, takes
        the lock again after the connection broke, and calls ``on_lost`` once if another
        process got it first."""
        self._open()
        started = time.monotonic()
        waiting_logged = False
        while not self._attempt():
            if not waiting_logged:
                logger.info(
                    "standby: another %s process is active; waiting for it to stop", self.role
                )
                waiting_logged = True
            time.sleep(self.poll_seconds)
        waited = time.monotonic() - started
        if waiting_logged:
            logger.info("taking over as the active %s process after %.1f s", self.role, waited)
        else:
            logger.info("active %s process (no other was running)", self.role)
        if on_lost is not None and self.backend == "postgresql":
            self._watcher = threading.Thread(
                target=self._watch, args=(on_lost,), name="leader-lock-watch", daemon=True
            )
            self._watcher.start()
        return waited

    def _alive(self) -> bool:
        try:
            assert self._connection is not None
            self._connection.execute(text("SELECT 1")).scalar()
            self._connection.commit()
        except Exception:  # noqa: BLE001 - any failure means the lock may be gone
            return False
        return True

    def _retake(self) -> bool | None:
        """After the lock's connection broke: True when this process holds the lock again,
        False when another one does, None while the server cannot be reached."""
        if self._connection is not None:
            try:
                self._connection.invalidate()
                self._connection.close()
            except Exception:  # noqa: BLE001 - the connection is dead already
                logger.debug("closing the broken lock connection failed", exc_info=True)
            self._connection = None
        try:
            assert self._engine is not None
            self._connection = self._engine.connect()
            return self._try_once()
        except Exception:  # noqa: BLE001 - not reachable yet; try again
            if self._connection is not None:
                self._connection.invalidate()
                self._connection = None
            return None

    def _watch(self, on_lost: Callable[[], None]) -> None:
        while not self._released.wait(self.poll_seconds):
            if self._alive():
                continue
            logger.warning(
                "the database connection that holds the %s lock broke; taking the lock again",
                self.role,
            )
            while not self._released.is_set():
                held = self._retake()
                if held:
                    logger.info("holding the %s lock again", self.role)
                    break
                if held is False:
                    logger.error("another %s process took over; stopping this one", self.role)
                    on_lost()
                    return
                self._released.wait(self.poll_seconds / 4)

    def release(self) -> None:
        """Releases the lock (closing its connection or file); safe to call twice."""
        self._released.set()
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001 - closing frees the lock either way
                logger.debug("closing the lock's connection failed", exc_info=True)
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> LeaderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def stop_this_process() -> None:
    """``on_lost`` for a process whose supervisor restarts it: SIGTERM to itself, so that
    python-telegram-bot stops cleanly."""
    os.kill(os.getpid(), signal.SIGTERM)
