"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from scamreport.storage.database import (
    current_revisions,
    head_revisions,
    make_engine,
    unmanaged_tables,
    upgrade_database,
)
from scamreport.storage.models import Base
from tests.schema_state import downgrade_database, schema_differences, schema_is_current

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """A database no migration has touched yet."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
    return factory()


def test_upgrade_head_produces_the_models_schema(empty_database_url: str) -> None:
    upgrade_database(empty_database_url)

    engine = make_engine(empty_database_url)
    try:
        assert schema_differences(engine) == []
        assert current_revisions(engine) == head_revisions()
        assert schema_is_current(engine)
        with engine.connect() as connection:
            skipped = unmanaged_tables(connection)
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"} - skipped
        assert tables == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_schema_comparison_notices_a_dropped_check_and_on_delete(sqlite_url: str) -> None:
    # The comparison above must be able to fail: rebuild one table without its CHECK and
    # without ON DELETE CASCADE, keeping every column and index.
    upgrade_database(sqlite_url)
    with closing(sqlite3.connect(make_url(sqlite_url).database)) as raw:
        raw.executescript(
            """
            PRAGMA foreign_keys = OFF;
            DROP TABLE consents;
            CREATE TABLE consents (
                id INTEGER NOT NULL, report_id INTEGER NOT NULL, kind VARCHAR(32) NOT NULL,
                granted BOOLEAN NOT NULL, wording TEXT NOT NULL, recorded_at DATETIME NOT NULL,
                CONSTRAINT pk_consents PRIMARY KEY (id),
                CONSTRAINT fk_consents_report_id_reports FOREIGN KEY(report_id)
                    REFERENCES reports (id)
            );
            CREATE INDEX ix_consents_report_id ON consents (report_id);
            """
        )
    engine = make_engine(sqlite_url)
    try:
        differences = schema_differences(engine)
    finally:
        engine.dispose()
    described = repr(differences)
    assert "ck_consents_kind" in described
    assert "fk_consents_report_id_reports" in described
    assert "CASCADE" in described


def test_migration_history_has_one_head() -> None:
    # Two features migrating from the same parent leave two heads; merge them before release.
    assert len(head_revisions()) == 1, head_revisions()


def test_every_constraint_and_index_is_named() -> None:
    # Batch migrations on SQLite can only drop or alter constraints that have names.
    for table in Base.metadata.sorted_tables:
        for item in [*table.constraints, *table.indexes]:
            assert item.name, f"unnamed {type(item).__name__} on {table.name}"
            assert len(item.name) <= 63, f"{item.name} is too long for PostgreSQL"


def test_downgrade_to_base_removes_everything_and_upgrade_restores_it(
    empty_database_url: str,
) -> None:
    upgrade_database(empty_database_url)
    downgrade_database(empty_database_url, "base")

    engine = make_engine(empty_database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        with engine.connect() as connection:
            assert (
                connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' "
                    "AND indexname != 'alembic_version_pkc'"
                    if engine.dialect.name == "postgresql"
                    else "SELECT count(*) FROM sqlite_master WHERE type IN ('index', 'trigger') "
                    "AND name NOT LIKE 'sqlite_autoindex_alembic_version%'"
                ).scalar()
                == 0
            )
        assert current_revisions(engine) == ()
        upgrade_database(empty_database_url)
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(sqlite_url: str) -> None:
    upgrade_database(sqlite_url)
    upgrade_database(sqlite_url)

    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert sorted(v for (v,) in versions) == list(head_revisions())
    finally:
        engine.dispose()


_UPGRADE_AT = """
import sys, time
from scamreport.storage.database import upgrade_database
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
upgrade_database(sys.argv[1])
"""


def test_concurrent_upgrades_from_separate_processes(empty_database_url: str) -> None:
    # Three processes start migrating the same empty database at the same instant.
    start_at = time.time() + 3.0
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _UPGRADE_AT, empty_database_url, str(start_at)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(process.wait(timeout=120), process.stderr.read()) for process in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()

    assert [code for code, _ in outcomes] == [0, 0, 0], [err for _, err in outcomes]
    engine = make_engine(empty_database_url)
    try:
        assert schema_differences(engine) == []
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert sorted(v for (v,) in versions) == list(head_revisions())
    finally:
        engine.dispose()
