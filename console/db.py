"""The database session of a request: opened on first use, closed when the request ends; and
which database errors mean "the database is unavailable for a moment" (answered 503)."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from console.config import ConsoleConfig
from console.passwords import HashingPool
from scamreport.settings import Settings

EXTENSION_KEY = "scamreport_console"
# What a 503 answered while the database is unavailable asks the browser to wait, in seconds.
DATABASE_RETRY_AFTER_SECONDS = 5

log = logging.getLogger(__name__)

# SQLite errors that pass with time: another process holds the lock beyond the busy timeout,
# the file cannot be opened (a moved or unmounted volume), or the disk failed a read or write.
_SQLITE_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "unable to open database file",
    "disk i/o error",
)
# PostgreSQL SQLSTATE classes of operational errors that are the input's fault, not the
# server's: 54 (program limit exceeded, e.g. a value too long for an index). They stay 500s.
_POSTGRES_NOT_TRANSIENT_CLASSES = ("54",)


@dataclass(frozen=True)
class ConsoleState:
    """What the app was built with, kept in ``app.extensions``."""

    settings: Settings
    config: ConsoleConfig
    session_factory: sessionmaker[Session]
    # Bounds the argon2 computations of this process (see console.passwords).
    hashing: HashingPool


def state(app: Flask | None = None) -> ConsoleState:
    return (app or current_app).extensions[EXTENSION_KEY]


def db() -> Session:
    """This request's session (one per request; commit explicitly)."""
    if "db" not in g:
        g.db = state().session_factory()
    return g.db


def close_db(error: BaseException | None = None) -> None:
    session: Session | None = g.pop("db", None)
    if session is None:
        return
    try:
        if error is not None:
            session.rollback()
    except sa_exc.SQLAlchemyError as rollback_error:
        # The connection is gone with the database; the pool replaces it on the next request.
        log.warning("rollback failed after a request: %s", describe_database_error(rollback_error))
    finally:
        try:
            session.close()
        except sa_exc.SQLAlchemyError as close_error:
            log.warning("closing a session failed: %s", describe_database_error(close_error))


def _sqlstate(error: BaseException | None) -> str | None:
    """The SQLSTATE of a DB-API error (psycopg: ``sqlstate``), if it has one."""
    value = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return value if isinstance(value, str) else None


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached or used for a moment (server
    restarted or down, connection terminated, pool exhausted, SQLite locked), so that the
    same request may succeed later; as opposed to an error the request itself caused."""
    if isinstance(error, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return False
    original = error.orig
    if isinstance(original, sqlite3.Error):
        message = str(original).lower()
        return any(sign in message for sign in _SQLITE_TRANSIENT)
    state = _sqlstate(original)
    return state is None or not state.startswith(_POSTGRES_NOT_TRANSIENT_CLASSES)


def describe_database_error(error: BaseException) -> str:
    """A log line's worth about a database error without its SQL, parameters or message text
    (which may quote report content): the exception classes, SQLSTATE and whether the
    connection was dropped. SQLite's fixed lock messages are kept (they quote nothing)."""
    original = getattr(error, "orig", None)
    parts = [type(error).__name__]
    if original is not None:
        parts.append(f"{type(original).__module__}.{type(original).__name__}")
    state = _sqlstate(original)
    if state:
        parts.append(f"SQLSTATE {state}")
    if isinstance(original, sqlite3.Error):
        message = str(original).lower()
        parts += [sign for sign in _SQLITE_TRANSIENT if sign in message]
    if getattr(error, "connection_invalidated", False):
        parts.append("connection invalidated")
    return ", ".join(parts)
