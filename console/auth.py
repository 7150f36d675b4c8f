"""Signing in and out, server-side sessions with an idle timeout, and the login rate limit.

The session cookie (Flask's signed cookie) carries only a random token; the database keeps its
SHA-256 with the user and the time of the last request. A token is refused once it was signed
out, idled past the timeout, or its user was deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.access import Viewer
from console.audit import record
from console.passwords import hash_password, needs_rehash, verify_password
from console.users import find_user, normalise_email
from scamreport.storage.console_models import ConsoleSession, ConsoleUser, LoginAttempt
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


def _failures_since(session: Session, *, ip: str, email: str, since: datetime) -> list[datetime]:
    """Times of failed attempts after ``since`` and after the last success (oldest first)."""
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.ip == ip,
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.at >= since,
        )
    )
    conditions = [
        LoginAttempt.ip == ip,
        LoginAttempt.email == email,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.at >= since,
    ]
    if last_success is not None:
        conditions.append(LoginAttempt.at > last_success)
    return list(
        session.scalars(select(LoginAttempt.at).where(*conditions).order_by(LoginAttempt.at))
    )


def attempt_login(
    session: Session,
    *,
    email: str,
    password: str,
    ip: str,
    max_failures: int,
    window: timedelta,
) -> LoginOutcome:
    """Checks the rate limit, then the password; records the attempt and audits it.
    Flushes; the caller commits (also on failure, so the attempt is remembered)."""
    email = loggable_email(normalise_email(email)[:_MAX_EMAIL_LENGTH])
    now = utcnow()
    failures = _failures_since(session, ip=ip, email=email, since=now - window)
    if len(failures) >= max_failures:
        retry_after = failures[-max_failures] + window - now
        record(session, action="login_throttled", email=email, ip=ip)
        return LoginOutcome(throttled=True, retry_after=max(retry_after, timedelta(seconds=1)))
    user = find_user(session, email=email) if email else None
    usable = user is not None and user.active
    ok = verify_password(user.password_hash if usable and user else None, password)
    session.add(LoginAttempt(ip=ip, email=email, succeeded=ok, at=now))
    if not ok or user is None:
        record(session, action="login_failed", email=email, ip=ip)
        session.flush()
        return LoginOutcome()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
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
    expired: bool = False


def check_session(
    session: Session, *, token: str, idle_timeout: timedelta, ip: str | None
) -> SessionCheck:
    """The viewer of a session token, ending it when idle too long. Flushes; caller commits."""
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
    if now - row.last_seen_at > idle_timeout:
        row.ended_at = now
        record(session, action="session_expired", viewer=viewer, ip=ip)
        session.flush()
        return SessionCheck(viewer=None, expired=True)
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
