"""The sign-in throttle: fixed-window counters raised atomically *before* a password is checked.

Three limits apply to every attempt: per account and address (the common case of one person
mistyping), per account from every address (slow guessing spread over many machines), and per
address across every account (one machine trying many accounts or random e-mails). Each
counter is raised by one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement, so two
attempts at the same moment can never both see the old count (PostgreSQL locks the row for the
upsert; SQLite holds its write lock). The reservation is committed before the password is
hashed, so no lock is held while argon2 runs. A successful sign-in clears the account's
counters and gives the address its attempt back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scamreport.storage.models import LoginThrottle

_TABLE = LoginThrottle.__table__


@dataclass(frozen=True)
class ThrottleLimits:
    """How many attempts each key may make within ``window``."""

    per_account_and_address: int = 5
    per_account: int = 20
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class ThrottleKey:
    scope: str
    key_sha256: str
    limit: int


@dataclass(frozen=True)
class Reservation:
    """The counters raised for one attempt; ``refused`` when any went over its limit."""

    keys: tuple[ThrottleKey, ...]
    refused: bool
    retry_after: timedelta | None = None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def throttle_keys(*, email: str, ip: str, limits: ThrottleLimits) -> tuple[ThrottleKey, ...]:
    """The keys of one attempt, always in the same order (so concurrent upserts cannot
    deadlock on PostgreSQL)."""
    return (
        ThrottleKey("account", _digest("account", email), limits.per_account),
        ThrottleKey("address", _digest("address", ip), limits.per_address),
        ThrottleKey("pair", _digest("pair", email, ip), limits.per_account_and_address),
    )


def _raise_counter(
    session: Session, *, key: ThrottleKey, now: datetime, window: timedelta
) -> tuple[int, datetime]:
    """Adds one attempt to ``key`` in one statement (a new window when the last has ended);
    returns the attempts in the window and when it started."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_TABLE).values(
        key_sha256=key.key_sha256, scope=key.scope, window_started_at=now, attempts=1
    )
    ended = _TABLE.c.window_started_at <= now - window
    statement = statement.on_conflict_do_update(
        index_elements=[_TABLE.c.key_sha256],
        set_={
            "attempts": case((ended, 1), else_=_TABLE.c.attempts + 1),
            "window_started_at": case(
                (ended, statement.excluded.window_started_at), else_=_TABLE.c.window_started_at
            ),
        },
    ).returning(_TABLE.c.attempts, _TABLE.c.window_started_at)
    attempts, started = session.execute(statement).one()
    return int(attempts), started


def reserve_attempt(
    session: Session, *, email: str, ip: str, limits: ThrottleLimits, now: datetime
) -> Reservation:
    """Counts the attempt against every key before the password is looked at. Commits."""
    keys = throttle_keys(email=email, ip=ip, limits=limits)
    waits: list[timedelta] = []
    for key in keys:
        attempts, started = _raise_counter(session, key=key, now=now, window=limits.window)
        if attempts > key.limit:
            waits.append(started + limits.window - now)
    session.commit()
    if waits:
        return Reservation(keys, refused=True, retry_after=max(max(waits), timedelta(seconds=1)))
    return Reservation(keys, refused=False)


def give_back(session: Session, *, keys: Sequence[ThrottleKey]) -> None:
    """Takes one attempt off ``keys`` (an attempt that was not a failed guess). Flushes."""
    digests = [key.key_sha256 for key in keys]
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key_sha256.in_(digests), LoginThrottle.attempts > 0)
        .values(attempts=LoginThrottle.attempts - 1)
    )


def clear_after_success(session: Session, *, reservation: Reservation) -> None:
    """A right password: the account's counters start again; the address gets its attempt
    back (its counter keeps counting failures only). Flushes; the caller commits."""
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.key_sha256.in_(
                [key.key_sha256 for key in reservation.keys if key.scope != "address"]
            )
        )
    )
    give_back(session, keys=[key for key in reservation.keys if key.scope == "address"])


def forget_ended_windows(session: Session, *, window: timedelta, now: datetime) -> int:
    """Deletes counters whose window ended (random e-mails leave many). Flushes."""
    result = session.execute(
        delete(LoginThrottle).where(LoginThrottle.window_started_at <= now - window)
    )
    return int(result.rowcount or 0)
