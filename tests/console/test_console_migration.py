"""Migration 0002_console: its tables match the models, and full-text search works on both
databases (SQLite: FTS5 table and triggers; PostgreSQL: GIN expression index)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select, text

from console.search import story_matches
from scamreport.storage.database import (
    make_engine,
    upgrade_database,
)
from scamreport.storage.models import Base, Report
from scamreport.storage.models.console import SQLITE_SEARCH_TABLES
from tests.schema_state import downgrade_database, schema_differences

CONSOLE_TABLES = {
    "console_users",
    "console_sessions",
    "console_login_attempts",
    "console_audit_log",
    "console_report_notes",
    "console_status_changes",
}


def _pseudonym_column(engine: Engine) -> str:
    """The column of the reporter's pseudonym: ``conversation_id`` before migration 0015."""
    columns = {column["name"] for column in inspect(engine).get_columns("reports")}
    return "pseudonym" if "pseudonym" in columns else "conversation_id"


def _insert_report(engine: Engine, reference: str, story: str) -> None:
    pseudonym = _pseudonym_column(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO reports (reference, {pseudonym}, scam_type, status, urgent, story,"
                " consent_forward, consent_cross_border, contact_permission, details, created_at,"
                " updated_at) VALUES (:reference, 'c', 'other', 'received', false, :story, false,"
                " false, 'none', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"reference": reference, "story": story},
        )


def _matching(engine: Engine, query: str) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(Report.reference).where(story_matches(query, engine.dialect.name))
            )
        )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrate.db'}"
    factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
    return factory()


# SQLite cannot reflect expression indexes; Alembic says so and compares them on PostgreSQL.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index"
)
def test_the_migration_builds_the_console_models(empty_url: str) -> None:
    upgrade_database(empty_url, "heads")
    engine = make_engine(empty_url)
    try:
        assert schema_differences(engine) == []
        tables = set(inspect(engine).get_table_names())
        assert tables >= CONSOLE_TABLES
        assert tables - {"alembic_version", *SQLITE_SEARCH_TABLES} == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_reports_stored_before_the_migration_become_searchable(empty_url: str) -> None:
    upgrade_database(empty_url, "0001")
    engine = make_engine(empty_url)
    try:
        _insert_report(engine, "SR-AAAA-AAAA", "The fake courier took my gold.")
        upgrade_database(empty_url, "0002_console")
        assert _matching(engine, "courier gold") == ["SR-AAAA-AAAA"]
        _insert_report(engine, "SR-BBBB-BBBB", "Another courier, no gold.")
        assert sorted(_matching(engine, "courier")) == ["SR-AAAA-AAAA", "SR-BBBB-BBBB"]
        assert _matching(engine, "silver") == []
    finally:
        engine.dispose()


def test_downgrade_removes_the_console_and_the_search_index(empty_url: str) -> None:
    upgrade_database(empty_url, "0002_console")
    downgrade_database(empty_url, "0001")
    engine = make_engine(empty_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert not tables & (CONSOLE_TABLES | set(SQLITE_SEARCH_TABLES))
        index_names = {ix["name"] for ix in inspect(engine).get_indexes("reports")}
        assert "ix_reports_story_tsv" not in index_names
        assert "ix_reports_created_at_id" not in index_names
        # No trigger is left behind to break writes to reports.
        _insert_report(engine, "SR-CCCC-CCCC", "still writable")
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                triggers = connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                ).all()
            assert triggers == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(postgres_database_factory: Callable[[], str]) -> None:
    url = postgres_database_factory()
    upgrade_database(url, "heads")
    engine = make_engine(url)
    try:
        _insert_report(engine, "SR-DDDD-DDDD", "Interpol called about my parcel.")
        statement = select(Report.id).where(story_matches("interpol parcel", "postgresql"))
        compiled = statement.compile(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(
                row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
            )
        assert "ix_reports_story_tsv" in plan
        assert _matching(engine, "interpol parcel") == ["SR-DDDD-DDDD"]
    finally:
        engine.dispose()
