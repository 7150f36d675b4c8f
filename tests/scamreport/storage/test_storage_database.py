"""Engines, sessions, column types and input records."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from scamreport.storage.database import (
    MigrationError,
    make_engine,
    make_session_factory,
    normalise_database_url,
    session_scope,
    upgrade_database,
)
from scamreport.storage.models import PendingMessage, Reporter
from scamreport.storage.records import (
    NewConsent,
    NewDelivery,
    NewEvidence,
    NewIndicator,
    NewReport,
    NewTranscriptMessage,
)
from tests.schema_state import schema_is_current


def test_sqlite_engine_creates_the_directory_and_sets_pragmas(sqlite_url: str) -> None:
    path = Path(make_url(sqlite_url).database or "")
    assert not path.parent.exists()
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert path.exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///var/x.db", "sqlite"),
    ],
)
def test_database_urls_get_an_installed_driver(given: str, driver: str) -> None:
    assert normalise_database_url(given).drivername == driver


def test_session_scope_commits_or_rolls_back(
    session_factory: sessionmaker[Session],
) -> None:
    with session_scope(session_factory) as session:
        session.add(Reporter(pseudonym="kept"))
    with pytest.raises(RuntimeError), session_scope(session_factory) as session:
        session.add(Reporter(pseudonym="dropped"))
        session.flush()
        raise RuntimeError("boom")
    with session_factory() as session:
        assert session.scalars(select(Reporter.pseudonym)).all() == ["kept"]


def test_savepoint_rollback_keeps_the_outer_transaction(
    session_factory: sessionmaker[Session],
) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; make_engine works around it.
    with session_factory() as session:
        session.add(Reporter(pseudonym="outer"))
        session.flush()
        nested = session.begin_nested()
        session.add(Reporter(pseudonym="inner"))
        session.flush()
        nested.rollback()
        session.commit()
    with session_factory() as session:
        assert session.scalars(select(Reporter.pseudonym)).all() == ["outer"]


def test_timestamps_are_stored_in_utc_and_read_back_aware(
    session_factory: sessionmaker[Session],
) -> None:
    singapore = datetime(2025, 3, 3, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    with session_factory() as session:
        reporter = Reporter(pseudonym="tz", created_at=singapore)
        session.add(reporter)
        session.commit()
        reporter_id = reporter.id
    with session_factory() as session:
        stored = session.get(Reporter, reporter_id)
        assert stored is not None
        assert stored.created_at == singapore
        assert stored.created_at.tzinfo == timezone.utc
        assert stored.created_at.hour == 1


def test_naive_timestamps_are_refused(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        session.add(Reporter(pseudonym="naive", created_at=datetime(2025, 3, 3, 9, 0)))
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()


def test_pending_message_payload_round_trips(session_factory: sessionmaker[Session]) -> None:
    payload = {"sender": "c1", "message": "héllo 👋", "metadata": {"n": [1, 2.5, None, True]}}
    with session_factory() as session:
        session.add(PendingMessage(pseudonym="c1", payload=payload))
        session.commit()
    with session_factory() as session:
        (stored,) = session.scalars(select(PendingMessage)).all()
        assert stored.payload == payload


def test_concurrent_read_then_write_transactions_all_succeed(
    session_factory: sessionmaker[Session],
) -> None:
    # On SQLite a deferred BEGIN would fail some of these with "database is locked".
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(20):
                with session_scope(session_factory) as session:
                    session.scalars(select(Reporter)).all()
                    session.add(Reporter(pseudonym=f"t{n}-{i}"))
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_factory() as session:
        assert len(session.scalars(select(Reporter)).all()) == 80


def test_in_memory_sqlite_is_migrated_through_its_engine() -> None:
    engine = make_engine("sqlite://")
    try:
        with pytest.raises(MigrationError):
            upgrade_database("sqlite://")
        upgrade_database(engine)
        assert schema_is_current(engine)
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            session.add(Reporter(pseudonym="mem"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pseudonym FROM reporters")).scalar() == "mem"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "build",
    [
        lambda: NewReport(pseudonym="c", scam_type="lottery"),
        lambda: NewReport(pseudonym="", scam_type="other"),
        lambda: NewReport(pseudonym="c", scam_type="other", contact_channel="pigeon"),
        lambda: NewReport(pseudonym="c", scam_type="other", country="sg"),
        lambda: NewReport(pseudonym="c", scam_type="other", currency="S$"),
        lambda: NewReport(pseudonym="c", scam_type="other", amount_lost=Decimal("-1")),
        lambda: NewReport(pseudonym="c", scam_type="other", amount_lost=Decimal("1000000000000")),
        lambda: NewReport(pseudonym="c", scam_type="other", contact_permission="phone"),
        lambda: NewReport(pseudonym="c", scam_type="other", contact_permission="email"),
        lambda: NewIndicator(kind="telephone", value="+6581234567"),
        lambda: NewIndicator(kind="phone", value="x" * 513),
        lambda: NewTranscriptMessage(seq=0, sender="user", text="hi", sent_at=datetime(2025, 1, 1)),
        lambda: NewTranscriptMessage(
            seq=0, sender="agent", text="hi", sent_at=datetime.now(timezone.utc)
        ),
        lambda: NewConsent(kind="marketing", granted=True, wording="ok?"),
        lambda: NewConsent(kind="contact", granted=True, wording=" "),
        lambda: NewEvidence(sha256="ABC", size_bytes=1, mime_type="image/png", kind="photo"),
        lambda: NewEvidence(
            sha256="a" * 64,
            size_bytes=1,
            mime_type="image/png",
            kind="photo",
            storage_path="../../etc/passwd",
        ),
        lambda: NewDelivery(agency_code="SG-SPF", transport="fax"),
        lambda: NewDelivery(agency_code="SG-SPF", transport="webhook", payload_format="xml"),
    ],
)
def test_records_refuse_bad_values(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_records_refuse_floats_and_datetimes_where_exact_types_are_needed() -> None:
    with pytest.raises(TypeError):
        NewReport(pseudonym="c", scam_type="other", amount_lost=12.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        NewReport(
            pseudonym="c",
            scam_type="other",
            incident_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
        )
    assert NewReport(pseudonym="c", scam_type="other", incident_date=date(2025, 1, 1))
