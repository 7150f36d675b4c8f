"""Engines, sessions and schema migrations for SQLite (default) and PostgreSQL.

SQLite engines turn on foreign keys, WAL and a busy timeout, and start every transaction with
``BEGIN IMMEDIATE``: the writer lock is taken when a transaction starts, so a transaction that
reads then writes never fails half-way with "database is locked" because another process wrote
in between, and SAVEPOINTs behave. The price is that SQLite transactions run one at a time
(WAL readers outside transactions are not blocked), so keep sessions short.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Connection,
    Engine,
    String,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Arbitrary constant shared by every process that migrates the same PostgreSQL database.
_PG_MIGRATION_LOCK_KEY = 7_335_201_804_117_000_001
_SQLITE_BUSY_TIMEOUT_S = 30.0
# A second process waits this long for the first one's migration before giving up.
_SQLITE_MIGRATION_BUSY_TIMEOUT_S = 300.0


class MigrationError(RuntimeError):
    """The schema could not be brought up to date."""


class SchemaNotCurrentError(MigrationError):
    """A process was started on a database that is not at the head revision."""


def normalise_database_url(url: str | URL) -> URL:
    """Parses ``url``; plain ``postgres://``/``postgresql://`` URLs get the psycopg (v3) driver."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _is_memory_sqlite(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or "mode=memory" in database


def _make_sqlite_engine(
    url: URL, *, foreign_keys: bool, busy_timeout_s: float, echo: bool
) -> Engine:
    kwargs: dict[str, Any] = {"echo": echo}
    memory = _is_memory_sqlite(url)
    if memory:
        # One shared connection: otherwise each connection would see its own empty database.
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(url.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": busy_timeout_s}
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop pysqlite from issuing its own BEGIN (it skips it before SELECT and DDL);
        # the "begin" listener below issues one for every transaction instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
            if not memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def scrub_deleted_content(session: Session) -> None:
    """On SQLite, has this session's deletes overwrite the freed pages with zeros, so that
    erased text is not left readable in the database file (PostgreSQL reclaims by VACUUM)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))


def compact_after_erasure(engine: Engine) -> None:
    """On SQLite, after deletes that must leave nothing readable: merges the full-text index
    (dropping deleted entries) and empties the write-ahead log into the zeroed pages."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        has_index = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'reports_fts'"
        ).first()
        if has_index:
            connection.exec_driver_sql("INSERT INTO reports_fts(reports_fts) VALUES ('optimize')")
            connection.commit()
    checkpoint_sqlite(engine)


def checkpoint_sqlite(engine: Engine) -> None:
    """Copies SQLite's write-ahead log into the database and empties it. Best effort: while
    another connection reads, the log is emptied at a later checkpoint instead."""
    # Outside any transaction (the engine begins every transaction, and SQLite refuses a
    # checkpoint inside one): on the raw connection, which is in autocommit mode.
    connection = engine.raw_connection()
    try:
        busy, _, _ = connection.driver_connection.execute(
            "PRAGMA wal_checkpoint(TRUNCATE)"
        ).fetchone()
        if busy:
            logger.info("the SQLite write-ahead log is in use; a later checkpoint empties it")
    except sqlite3.OperationalError:
        logger.info("the SQLite write-ahead log is in use; a later checkpoint empties it")
    finally:
        connection.close()


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """Builds an engine for ``url`` (SQLite file, SQLite memory, or PostgreSQL).

    For a SQLite file the parent directory is created. PostgreSQL connections are checked
    before use (``pool_pre_ping``) so a restarted server does not fail the next request.
    """
    parsed = normalise_database_url(url)
    if _is_sqlite(parsed):
        return _make_sqlite_engine(
            parsed, foreign_keys=True, busy_timeout_s=_SQLITE_BUSY_TIMEOUT_S, echo=echo
        )
    return create_engine(parsed, pool_pre_ping=True, echo=echo)


@functools.lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL per process (engines hold connection pools; build them once)."""
    return make_engine(url)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (``expire_on_commit=False``)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises.

    Functions that commit on their own (``submit_report``) may be called inside it.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic configuration that needs no alembic.ini (works from an installed package)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        rendered = normalise_database_url(url).render_as_string(hide_password=False)
        # ConfigParser interpolation: a literal "%" (URL-encoded passwords) must be doubled.
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def head_revisions() -> tuple[str, ...]:
    """The newest revision of each migration branch shipped with the package (one, normally)."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if not heads:
        raise MigrationError(f"no migrations found in {MIGRATIONS_DIR}")
    return tuple(sorted(heads))


def head_revision() -> str:
    """The newest migration revision; raises if parallel branches were never merged."""
    heads = head_revisions()
    if len(heads) > 1:
        raise MigrationError(
            f"migration history has several heads {heads}: point one at the other "
            "(down_revision) or add a merge revision (alembic merge heads)"
        )
    return heads[0]


def current_revisions(engine: Engine) -> tuple[str, ...]:
    """The revisions the database is at (empty for a database never migrated)."""
    with engine.connect() as connection:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    revisions = current_revisions(engine)
    if len(revisions) > 1:
        raise MigrationError(f"the database is at several revisions: {revisions}")
    return revisions[0] if revisions else None


def require_current_schema(url: str | URL, *, migrate: bool = False) -> None:
    """What a long-running process does at start: checks that the database is at head.

    Migrating is the start step's job (`scamreport db upgrade`); ``migrate`` (the development
    opt-in SCAMREPORT_MIGRATE_ON_START=1) migrates here instead. Raises SchemaNotCurrentError
    with what to run when the schema is behind (or ahead of) this code.
    """
    if migrate:
        upgrade_database(url)
        return
    engine = make_engine(url)
    try:
        current = current_revisions(engine)
    finally:
        engine.dispose()
    heads = head_revisions()
    if current != heads:
        at = ", ".join(current) if current else "no revision"
        raise SchemaNotCurrentError(
            "the database is not migrated: run `scamreport db upgrade` (it is at "
            f"{at}, this code needs {', '.join(heads)}; in development, "
            "SCAMREPORT_MIGRATE_ON_START=1 lets a process started on its own migrate it)"
        )


def unmanaged_tables(connection: Connection) -> set[str]:
    """Tables the models cannot describe and schema comparisons must skip.

    On SQLite: virtual tables (FTS5 full-text indexes created by migrations) and their shadow
    tables (``<name>_data``, ``<name>_idx``, ...). None on PostgreSQL.
    """
    if connection.dialect.name != "sqlite":
        return set()
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
    ).all()
    virtual = {name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")}
    return {
        name
        for name, _ in rows
        if name in virtual or any(name.startswith(f"{table}_") for table in virtual)
    }


def include_object_filter(skip_tables: set[str]) -> Callable[..., bool]:
    """An Alembic ``include_object`` hook that ignores ``skip_tables`` in the database."""

    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        table_name = (
            name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        )
        return not (reflected and table_name in skip_tables)

    return include_object


def compare_column_types(
    context: MigrationContext,
    inspected_column: Any,
    metadata_column: Any,
    inspected_type: Any,
    metadata_type: Any,
) -> bool | None:
    """Alembic's type comparison, except a VARCHAR's length on SQLite, which SQLite does not
    enforce (and widening it there would rebuild the table and drop its search triggers)."""
    both_strings = isinstance(inspected_type, String) and isinstance(metadata_type, String)
    if context.dialect.name == "sqlite" and both_strings:
        return False
    return None  # the default comparison


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    # Migrations run with foreign keys off (batch mode rebuilds tables); verify afterwards.
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise MigrationError(f"foreign key violations after migrating: {violations[:5]}")


@contextmanager
def migration_connection(url: str | URL) -> Iterator[Connection]:
    """A connection in a transaction that no other migrating process can enter at once.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: ``BEGIN IMMEDIATE`` holds the
    writer lock; the second process waits (busy timeout), then finds the schema up to date.
    DDL is transactional on both, so a failing migration leaves the schema as it was.
    """
    parsed = normalise_database_url(url)
    sqlite = _is_sqlite(parsed)
    if sqlite and _is_memory_sqlite(parsed):
        raise MigrationError("an in-memory SQLite database must be migrated through its engine")
    if not sqlite:
        engine = create_engine(parsed, poolclass=NullPool)
        try:
            with engine.connect() as connection, connection.begin():
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY}
                )
                yield connection
        finally:
            engine.dispose()
        return
    database = Path(parsed.database or "").expanduser()
    database.parent.mkdir(parents=True, exist_ok=True)
    with _sqlite_migration_lock(database):
        engine = _make_sqlite_engine(
            parsed,
            foreign_keys=False,
            busy_timeout_s=_SQLITE_MIGRATION_BUSY_TIMEOUT_S,
            echo=False,
        )
        try:
            with engine.connect() as connection, connection.begin():
                yield connection
                _check_sqlite_foreign_keys(connection)
        finally:
            engine.dispose()


@contextmanager
def _sqlite_migration_lock(database: Path) -> Iterator[None]:
    """Holds an exclusive lock on a file beside ``database`` while one process migrates it.

    SQLite's own lock is not enough on a new file: switching it to WAL can answer "database
    is locked" at once, without the busy timeout, when another process is doing the same.
    """
    lock_path = database.with_name(database.name + "-migrate.lock")
    deadline = time.monotonic() + _SQLITE_MIGRATION_BUSY_TIMEOUT_S
    with lock_path.open("a") as lock_file:
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise MigrationError(
                        f"another process has been migrating {database} for too long"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def upgrade_database(url: str | URL | Engine, revision: str = "heads") -> None:
    """Migrates the database at ``url`` to ``revision``; safe to run from several processes.

    The default, every head, also applies migration branches that were never merged.

    An ``Engine`` may be passed instead of a URL (needed for in-memory SQLite); it is then
    used as it is, without the cross-process lock.
    """
    config = alembic_config()
    if isinstance(url, Engine):
        with url.connect() as connection, connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return
    with migration_connection(url) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
