"""Fixtures of the console tests (the builders live in console_fixtures.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from console_fixtures import ConsoleEnv, SeededReports, build_console_env, seed_reports
from sqlalchemy.orm import Session, sessionmaker

from scamreport.storage.database import make_engine, make_session_factory, upgrade_database


@pytest.fixture
def console_env(tmp_path: Path) -> Iterator[ConsoleEnv]:
    env = build_console_env(tmp_path / "console")
    yield env
    env.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[sessionmaker[Session], SeededReports]]:
    """The seeded reports in a migrated SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'queue.db'}"
    else:
        factory_of_dbs: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
        url = factory_of_dbs()
    upgrade_database(url, "heads")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        reports, _ = seed_reports(session, tmp_path / "evidence")
    yield factory, reports
    engine.dispose()
