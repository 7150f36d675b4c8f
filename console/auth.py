"""Signing in and out, server-side sessions with an idle timeout and an absolute lifetime.

The session cookie (Flask's signed cookie) carries only a random token; the database keeps its
SHA-256 with the user, the time of sign-in and the time of the last request. A token is refused
once it was signed out, idled past the timeout, outlived the session lifetime, or its user was
deactivated. Sign-in attempts pass the atomic throttle (console.throttle) before a password is
hashed, and hashing runs in a bounded pool (console.passwords.HashingPool).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.access import Viewer
from console.audit import record
from console.passwords import (
    HashingBusy,
    HashingPool,
    hash_password,
    needs_rehash,
    verify_password,
)
from console.throttle import (
    ThrottleLimits,
    clear_after_success,
    forget_ended_windows,
    give_back,
    reserve_attempt,
)
from console.users import find_user, normalise_email
from scamreport.storage.models import ConsoleSession, ConsoleUser, LoginAttempt
from scamreport.storage.types import utcnow

_MAX_EMAIL_LENGTH = 254
# The key of the session token in the signed session cookie.
SESSION_TOKEN_KEY = "sid"


def loggable_email(email: str) -> str:
    """What is typed in the e-mail field, unless it does not look like an address: people
    sometimes type their password there, and the log must not keep it."""
    if "@" in email and " " not in email:
        return email
    return "not-an-address:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:16]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def viewer_of(user: ConsoleUser) -> Viewer:
    return Viewer(user_id=user.id, email=user.email, agency_code=user.agency_code, role=user.role)


@dataclass(frozen=True)
class LoginOutcome:
    viewer: Viewer | None = None
    token: str | None = None
    throttled: bool = False
    retry_after: timedelta | None = None
    # Every password-hashing slot was busy: nothing was checked, try again in a moment.
    busy: bool = False


# One sign-in in this many also deletes the throttle counters whose window has ended.
_CLEANUP_EVERY = 100


def _check_password(
    hashing: HashingPool, *, user: ConsoleUser | None, password: str
) -> tuple[bool, str | None]:
    """Whether the password is right, and a new hash when the stored one is outdated; both in
    one slot of the hashing pool (raises HashingBusy)."""
    usable = user is not None and user.active
    with hashing.slot():
        ok = verify_password(user.password_hash if usable and user else None, password)
        if ok and user is not None and needs_rehash(user.password_hash):
            return True, hash_password(password)
    return ok, None


def attempt_login(
    session: Session,
    *,
    email: str,
    password: str,
    ip: str,
    limits: ThrottleLimits,
    hashing: HashingPool,
) -> LoginOutcome:
    """Counts the attempt against the throttle (committed at once), then checks the password
    in the hashing pool; records the attempt and audits it. Flushes; the caller commits."""
    email = loggable_email(normalise_email(email)[:_MAX_EMAIL_LENGTH])
    now = utcnow()
    if secrets.randbelow(_CLEANUP_EVERY) == 0:
        forget_ended_windows(session, window=limits.window, now=now)
    reservation = reserve_attempt(session, email=email, ip=ip, limits=limits, now=now)
    if reservation.refused:
        record(session, action="login_throttled", email=email, ip=ip)
        session.flush()
        return LoginOutcome(throttled=True, retry_after=reservation.retry_after)
    user = find_user(session, email=email) if email else None
    # No transaction stays open while argon2 runs (on SQLite it would hold the write lock).
    session.commit()
    try:
        ok, new_hash = _check_password(hashing, user=user, password=password)
    except HashingBusy:
        give_back(session, keys=reservation.keys)
        record(session, action="login_busy", email=email, ip=ip)
        session.flush()
        return LoginOutcome(busy=True)
    session.add(LoginAttempt(ip=ip, email=email, succeeded=ok, at=now))
    if not ok or user is None:
        record(session, action="login_failed", email=email, ip=ip)
        session.flush()
        return LoginOutcome()
    clear_after_success(session, reservation=reservation)
    if new_hash is not None:
        user.password_hash = new_hash
    user.last_login_at = now
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(token_sha256=token_digest(token), user_id=user.id, ip=ip))
    viewer = viewer_of(user)
    record(session, action="login", viewer=viewer, ip=ip)
    session.flush()
    return LoginOutcome(viewer=viewer, token=token)


@dataclass(frozen=True)
class SessionCheck:
    viewer: Viewer | None
    # Why a valid session was just ended: "idle" or "lifetime" (None: it was not).
    expired: str | None = None


def check_session(
    session: Session,
    *,
    token: str,
    idle_timeout: timedelta,
    lifetime: timedelta,
    ip: str | None,
) -> SessionCheck:
    """The viewer of a session token, ending it when idle too long or older than ``lifetime``
    (however active). Flushes; the caller commits."""
    row = session.scalars(
        select(ConsoleSession).where(ConsoleSession.token_sha256 == token_digest(token))
    ).first()
    if row is None or row.ended_at is not None:
        return SessionCheck(viewer=None)
    user = row.user
    now = utcnow()
    if not user.active:
        row.ended_at = now
        session.flush()
        return SessionCheck(viewer=None)
    viewer = viewer_of(user)
    expired = (
        "lifetime"
        if now - row.created_at > lifetime
        else "idle"
        if now - row.last_seen_at > idle_timeout
        else None
    )
    if expired is not None:
        row.ended_at = now
        record(session, action="session_expired", viewer=viewer, ip=ip, details={"why": expired})
        session.flush()
        return SessionCheck(viewer=None, expired=expired)
    # Write the time of the last request only now and then (each write is a transaction).
    if now - row.last_seen_at > min(timedelta(seconds=30), idle_timeout / 10):
        row.last_seen_at = now
        session.flush()
    return SessionCheck(viewer=viewer)


def sign_out(session: Session, *, token: str, viewer: Viewer | None, ip: str | None) -> None:
    row = session.scalars(
        select(ConsoleSession).where(ConsoleSession.token_sha256 == token_digest(token))
    ).first()
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
    if viewer is not None:
        record(session, action="logout", viewer=viewer, ip=ip)
    session.flush()
