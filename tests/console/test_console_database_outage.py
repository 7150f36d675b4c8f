"""The console while its database is away: a SQLite file locked by another process, PostgreSQL
connections terminated mid-request, a PostgreSQL database that refuses connections. Every
request is answered 503 with Retry-After (never 500), the log names the error without any report
content, and the console serves again by itself once the database is back."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from console_fixtures import (
    AGENCY_A,
    HOSTILE_STORY,
    PASSWORD,
    build_console_env,
    email_of,
    login,
    seed_reports,
    seed_users,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from console import create_app
from console.config import ConsoleConfig
from console.db import database_unavailable
from scamreport.cli.stack import free_port
from scamreport.settings import get_settings
from scamreport.storage.database import (
    _make_sqlite_engine,
    make_engine,
    make_session_factory,
    upgrade_database,
)
from tests.conftest import DEFAULT_TEST_POSTGRES_URL

PROJECT_ROOT = Path(__file__).resolve().parents[2]
UNAVAILABLE_TEXT = "The database is unavailable for a moment; try again"
# Words of the seeded reports that must never reach a log line.
REPORT_WORDS = ("Interpol", "5000 dollars", "__pwned")


def _assert_unavailable_page(status: int, headers: dict[str, str], body: str) -> None:
    assert status == 503, body[:500]
    assert headers.get("Retry-After") == "5"
    assert UNAVAILABLE_TEXT in body


def test_database_errors_are_told_apart() -> None:
    locked = OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
    syntax = OperationalError("SELECT", {}, sqlite3.OperationalError('near "x": syntax error'))
    duplicate = IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert database_unavailable(locked)
    assert not database_unavailable(syntax)
    assert not database_unavailable(duplicate)
    assert not database_unavailable(ValueError("not a database error"))


def test_a_locked_sqlite_database_is_answered_503_then_served_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = build_console_env(tmp_path / "console")
    url = env.settings.database_url
    # The console's own engine waits 30 s for a lock; this one gives up after half a second.
    engine = _make_sqlite_engine(make_url(url), foreign_keys=True, busy_timeout_s=0.5, echo=False)
    app = create_app(
        env.settings, session_factory=make_session_factory(engine), config=ConsoleConfig()
    )
    app.config["TESTING"] = True
    client = app.test_client()
    try:
        login(client, AGENCY_A, "analyst")
        reference = env.reports.a_hostile
        assert client.get(f"/reports/{reference}").status_code == 200
        locker = sqlite3.connect(make_url(url).database, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            with caplog.at_level(logging.WARNING):
                for path in ("/reports?q=interpol", f"/reports/{reference}", "/dashboard"):
                    response = client.get(path)
                    _assert_unavailable_page(
                        response.status_code,
                        dict(response.headers),
                        response.get_data(as_text=True),
                    )
        finally:
            locker.rollback()
            locker.close()
        assert client.get(f"/reports/{reference}").status_code == 200
        assert client.get("/reports?q=interpol").status_code == 200
    finally:
        engine.dispose()
        env.engine.dispose()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "database unavailable" in logged and "database is locked" in logged
    for word in (*REPORT_WORDS, "interpol", "SELECT"):
        assert word not in logged, word


# --- PostgreSQL, the console under gunicorn -------------------------------------------------


def _admin_url() -> str:
    return os.environ.get("SCAMREPORT_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)


@pytest.fixture
def postgres_console(
    postgres_database_factory: Callable[[], str], tmp_path: Path
) -> Iterator[tuple[str, str, str, Path]]:
    """(console URL, database name, a report reference, the console's log) on a dedicated
    PostgreSQL database, served by `scamreport console` (gunicorn, one worker, 4 threads)."""
    database_url = postgres_database_factory()
    upgrade_database(database_url, "heads")
    engine = make_engine(database_url)
    settings = get_settings(
        {
            "SCAMREPORT_ENV": "test",
            "SCAMREPORT_DATA_DIR": str(tmp_path),
            "DATABASE_URL": database_url,
        }
    )
    with make_session_factory(engine)() as session:
        reports, _ = seed_reports(session, settings.evidence_dir)
        seed_users(session)
    engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "SCAMREPORT_ENV": "development",
        "SCAMREPORT_DATA_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "CONSOLE_HASH_CONCURRENCY": "1",
    }
    log = tmp_path / "console.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scamreport", "console", "--port", str(port)]
            + ["--workers", "1", "--threads", "4"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if requests.get(f"{url}/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the console did not start:\n" + log.read_text()
            time.sleep(0.1)
        yield url, make_url(database_url).database or "", reports.a_hostile, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _signed_in(url: str) -> requests.Session:
    browser = requests.Session()
    html = browser.get(f"{url}/login", timeout=30).text
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    token = html[start : html.index('"', start)]
    response = browser.post(
        f"{url}/login",
        data={"email": email_of(AGENCY_A, "analyst"), "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=120,
    )
    assert response.status_code == 302, response.text[:500]
    return browser


@pytest.mark.postgres
def test_postgres_connections_dropped_or_refused_give_503_never_500_and_the_console_recovers(
    postgres_console: tuple[str, str, str, Path],
) -> None:
    url, database, reference, log = postgres_console
    browser = _signed_in(url)
    paths = (f"/reports/{reference}", "/reports?q=interpol", "/dashboard", "/networks")
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    terminate = text(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = :name AND pid <> pg_backend_pid()"
    )
    try:
        # 1. Connections terminated again and again while requests run (mid-request too).
        stop = threading.Event()
        terminated = Counter[str]()

        def terminator() -> None:
            with admin.connect() as connection:
                while not stop.is_set():
                    terminated["backends"] += connection.execute(
                        terminate, {"name": database}
                    ).scalar_one()
                    time.sleep(0.01)

        killer = threading.Thread(target=terminator, daemon=True)
        killer.start()
        statuses: Counter[int] = Counter()
        deadline = time.monotonic() + 5
        try:
            while time.monotonic() < deadline:
                for path in paths:
                    response = browser.get(url + path, allow_redirects=False, timeout=60)
                    statuses[response.status_code] += 1
                    if response.status_code == 503:
                        _assert_unavailable_page(503, dict(response.headers), response.text)
        finally:
            stop.set()
            killer.join(30)
        print(f"while connections were terminated: {dict(statuses)}, {terminated}")
        assert set(statuses) <= {200, 503}, statuses
        assert terminated["backends"] > 0

        # 2. The database refuses every connection: each page is answered 503.
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
            connection.execute(terminate, {"name": database})
        for path in paths:
            response = browser.get(url + path, allow_redirects=False, timeout=60)
            _assert_unavailable_page(response.status_code, dict(response.headers), response.text)
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))

        # 3. Back: served again without a restart, from the first request on.
        for _ in range(5):
            for path in paths:
                response = browser.get(url + path, allow_redirects=False, timeout=60)
                assert response.status_code == 200, (path, response.status_code)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    logged = log.read_text(errors="replace")
    assert "database unavailable" in logged
    assert "Exception on" not in logged and "Traceback" not in logged, logged[-3000:]
    for word in (*REPORT_WORDS, "SELECT", HOSTILE_STORY[:20]):
        assert word not in logged, word
