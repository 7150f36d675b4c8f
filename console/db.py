"""The database session of a request: opened on first use, closed when the request ends."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from console.config import ConsoleConfig
from console.passwords import HashingPool
from scamreport.settings import Settings

EXTENSION_KEY = "scamreport_console"


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
    finally:
        session.close()
