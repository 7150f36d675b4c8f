"""Shared fixtures: database URLs for SQLite (always) and PostgreSQL (development machines, CI)."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from scamreport.cli.stack import Stack
from scamreport.storage.database import make_engine, make_session_factory
from telegram_standin.driver import ChatUser, Driver

# The bot's pseudonym key in every test that starts it.
PSEUDONYM_KEY = "test-pseudonym-key-0123456789abcdef"
DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_configure(config: pytest.Config) -> None:
    # Registered here rather than in pyproject.toml, whose every change rebuilds the app venv.
    config.addinivalue_line(
        "markers",
        "full: a slow real-process test whose ground a faster test of `make test` already "
        "covers; `make test` deselects it, `make full-tests` and `make scale` run it",
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file URL in a directory that does not exist yet (engines must create it)."""
    return f"sqlite:///{tmp_path / 'var' / 'scamreport.db'}"


def _postgres_server_url() -> URL:
    url = make_url(os.environ.get("SCAMREPORT_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL))
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


@pytest.fixture(scope="session")
def postgres_database_factory() -> Iterator[Callable[[], str]]:
    """Creates fresh, uniquely named PostgreSQL databases; drops them all after the session.

    Skips when the server is unreachable, except under CI (env CI=true), where it fails.
    """
    server_url = _postgres_server_url()
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        admin.dispose()
        reason = (
            f"PostgreSQL at {server_url.render_as_string(hide_password=True)} is unreachable "
            f"(set SCAMREPORT_TEST_POSTGRES_URL): {error.orig}"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)

    created: list[str] = []

    def create_database() -> str:
        name = f"scamreport_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return server_url.set(database=name).render_as_string(hide_password=False)

    yield create_database

    with admin.connect() as connection:
        for name in created:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(postgres_database_factory: Callable[[], str]) -> str:
    """One empty PostgreSQL database for the whole test session (dropped afterwards).

    Tests sharing it must clean up after themselves or tolerate each other's rows; a test that
    needs an empty database calls ``postgres_database_factory()`` instead.
    """
    return postgres_database_factory()


# --- end to end: every process for real, one Stack per test session, shared by tests/bot,
# tests/e2e, tests/security and tests/conversations (a Rasa start costs 30 s or more) ---


@pytest.fixture(scope="session")
def telegram_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server, Rasa (with a persistent tracker store), the stand-in and `python -m bot`."""
    data_dir = tmp_path_factory.mktemp("telegram-stack")
    with Stack(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'scamreport.db'}",
        extra_env={"PSEUDONYM_KEY": PSEUDONYM_KEY, "SCAMREPORT_ENV": "test"},
    ) as stack:
        stack.start_assistant()
        stack.start_telegram_standin_and_bot(
            args=[
                "--rasa-timeout",
                "60",
                "--replay-interval",
                "1",
                "--outbox-interval",
                "1",
                "--rate-per-minute",
                "120",
                "--rate-burst",
                "30",
            ]
        )
        yield stack


@pytest.fixture(scope="session")
def stack_driver(telegram_stack: Stack) -> Driver:
    return Driver(telegram_stack.standin_url)


@pytest.fixture(scope="session")
def stack_db(telegram_stack: Stack) -> sessionmaker[Session]:
    assert telegram_stack.database_url is not None
    return make_session_factory(make_engine(telegram_stack.database_url))


_user_ids = itertools.count(7_000_001)


@pytest.fixture
def new_user(stack_driver: Driver) -> Callable[..., ChatUser]:
    def make(first_name: str = "Mei", username: str | None = None) -> ChatUser:
        return stack_driver.user(next(_user_ids), first_name=first_name, username=username)

    return make
