"""The one-active-process lock: a standby waits while another holds it and gets it when the
holder dies; a holder whose PostgreSQL connection breaks is told. Real processes, real
PostgreSQL, a real file lock."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from scamreport.storage.leader_lock import BOT_LOCK_KEY, LeaderLock, LeaderLockError, lock_file_for

HOLD = """
import sys, time
from scamreport.storage.leader_lock import LeaderLock
lock = LeaderLock(sys.argv[1], poll_seconds=0.05)
lock.acquire()
print("held", flush=True)
time.sleep(600)
"""


def acquire_in_thread(lock: LeaderLock) -> tuple[threading.Thread, threading.Event]:
    got = threading.Event()

    def run() -> None:
        lock.acquire()
        got.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, got


def holder_process(url: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLD, url], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_standby_gets_the_lock_when_the_holder_is_killed(
    backend: str, sqlite_url: str, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = sqlite_url
    else:
        factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
        url = factory()
    holder = holder_process(url)
    standby = LeaderLock(url, poll_seconds=0.05)
    try:
        thread, got = acquire_in_thread(standby)
        assert not got.wait(1.0)  # the holder is alive: the standby waits
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        killed = time.monotonic()
        assert got.wait(10.0)
        assert time.monotonic() - killed < 3.0
        thread.join(5)
    finally:
        holder.kill()
        holder.wait(timeout=10)
        standby.release()
    if backend == "sqlite":
        assert lock_file_for(make_url(url)).exists()


def test_an_in_memory_database_cannot_have_a_standby() -> None:
    with pytest.raises(LeaderLockError, match="in-memory"):
        LeaderLock("sqlite://")


TERMINATE_HOLDER = text(
    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND (classid::bigint << 32 | objid::bigint) = :key"
)


@pytest.mark.postgres
def test_a_holder_whose_connection_breaks_takes_the_lock_again_or_steps_down(
    postgres_database_factory: Callable[[], str],
) -> None:
    url = postgres_database_factory()
    lock = LeaderLock(url, poll_seconds=0.5)
    lost = threading.Event()
    lock.acquire(on_lost=lost.set)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        # The connection breaks (as when PostgreSQL restarts) and no one else wants the lock:
        # the holder takes it again, on a new connection, and carries on.
        before = holder_pid(admin)
        with admin.connect() as connection:
            assert connection.execute(TERMINATE_HOLDER, {"key": BOT_LOCK_KEY}).all() == [(True,)]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and holder_pid(admin) in (None, before):
            time.sleep(0.05)
        assert holder_pid(admin) not in (None, before)
        assert not lost.is_set()

        # It breaks again and another process takes the lock first: the holder steps down.
        with admin.connect() as connection:
            assert connection.execute(TERMINATE_HOLDER, {"key": BOT_LOCK_KEY}).all() == [(True,)]
            while not connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": BOT_LOCK_KEY}
            ).scalar():
                time.sleep(0.01)
            assert lost.wait(10.0)
    finally:
        lock.release()
        admin.dispose()


def holder_pid(admin: Engine) -> int | None:
    """The server process (connection) holding the bot's lock, if any."""
    with admin.connect() as connection:
        return connection.execute(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND (classid::bigint << 32 | objid::bigint) = :key"
            ),
            {"key": BOT_LOCK_KEY},
        ).scalar()


@pytest.mark.postgres
def test_a_waiting_standby_survives_its_connection_breaking(
    postgres_database_factory: Callable[[], str],
) -> None:
    url = postgres_database_factory()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    standby = LeaderLock(url, poll_seconds=0.1)
    try:
        with admin.connect() as holder:
            assert holder.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": BOT_LOCK_KEY}
            ).scalar()
            thread, got = acquire_in_thread(standby)
            time.sleep(0.5)
            # Every other connection to the database is cut, the standby's among them.
            cut = holder.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
            assert (True,) in cut
            assert not got.wait(1.0)
            assert thread.is_alive()
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": BOT_LOCK_KEY})
            assert got.wait(5.0)
    finally:
        standby.release()
        admin.dispose()
