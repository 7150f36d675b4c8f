"""Migration 0015 renames ``conversation_id`` to ``pseudonym`` in place, data and indexes kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, inspect, select, text

from console.search import story_matches
from scamreport.storage.database import make_engine, upgrade_database
from scamreport.storage.models import Report
from tests.schema_state import downgrade_database, schema_differences

BEFORE = "0014_delivery_notify"
AFTER = "0015_pseudonym_columns"
TABLES = ("reports", "pending_evidence", "pending_messages", "inbox_updates")

# One row in each table, written with the reporter's key under the name ``{column}``.
ROWS = (
    "INSERT INTO reports (reference, {column}, scam_type, status, urgent, story, consent_forward,"
    " consent_cross_border, contact_permission, details, triage_flags, created_at, updated_at)"
    " VALUES ('SR-AAAA-AAAA', 'pseudo-1', 'other', 'received', false, 'my gold', false, false,"
    " 'none', '{{}}', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO pending_evidence ({column}, sha256, size_bytes, mime_type, kind, created_at)"
    " VALUES ('pseudo-1', 'ab', 1, 'image/png', 'photo', CURRENT_TIMESTAMP)",
    "INSERT INTO pending_messages ({column}, payload, created_at)"
    " VALUES ('pseudo-1', '{{}}', CURRENT_TIMESTAMP)",
    "INSERT INTO inbox_updates (bot_id, update_id, {column}, payload, attempts, received_at)"
    " VALUES (1, 1, 'pseudo-1', '{{}}', 0, CURRENT_TIMESTAMP)",
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
    return factory()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade_database(database_url, BEFORE)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def insert_rows(engine: Engine, column: str) -> None:
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement.format(column=column)))


def keys_under(engine: Engine, column: str) -> dict[str, list[str]]:
    """The reporter keys each table holds in ``column``."""
    with engine.connect() as connection:
        return {
            table: list(connection.scalars(text(f"SELECT {column} FROM {table}")))
            for table in TABLES
        }


def columns_and_indexes(engine: Engine, table: str) -> tuple[set[str], set[str]]:
    inspector = inspect(engine)
    columns = {column["name"] for column in inspector.get_columns(table)}
    indexes = {index["name"] for index in inspector.get_indexes(table) if index["name"]}
    return columns, indexes


def assert_key_named(engine: Engine, name: str, *, instead_of: str) -> None:
    """Every table keeps its row under column ``name``, indexed as ix_<table>_<name>."""
    assert keys_under(engine, name) == {table: ["pseudo-1"] for table in TABLES}
    for table in TABLES:
        columns, indexes = columns_and_indexes(engine, table)
        assert name in columns and instead_of not in columns
        assert f"ix_{table}_{name}" in indexes
        assert f"ix_{table}_{instead_of}" not in indexes


@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index"
)
def test_upgrade_renames_the_column_and_its_index_keeping_the_rows(
    engine: Engine, database_url: str
) -> None:
    insert_rows(engine, "conversation_id")

    upgrade_database(database_url, AFTER)

    assert_key_named(engine, "pseudonym", instead_of="conversation_id")
    assert schema_differences(engine) == []


def test_downgrade_renames_them_back_keeping_the_rows(engine: Engine, database_url: str) -> None:
    upgrade_database(database_url, AFTER)
    insert_rows(engine, "pseudonym")

    downgrade_database(database_url, BEFORE)

    assert_key_named(engine, "conversation_id", instead_of="pseudonym")


def test_the_reports_search_still_finds_a_report_after_the_rename(
    engine: Engine, database_url: str
) -> None:
    # The rename is in place: the console's search index over reports (triggers on SQLite)
    # keeps working for rows written before and after it.
    insert_rows(engine, "conversation_id")
    upgrade_database(database_url, AFTER)
    with engine.begin() as connection:
        connection.execute(text("UPDATE reports SET story = 'the fake courier took my gold'"))

    with engine.connect() as connection:
        found = list(
            connection.scalars(
                select(Report.reference).where(story_matches("courier", engine.dialect.name))
            )
        )
    assert found == ["SR-AAAA-AAAA"]
