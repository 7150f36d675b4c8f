"""Shared fixtures: database URLs for SQLite (always) and PostgreSQL (development machines, CI)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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
