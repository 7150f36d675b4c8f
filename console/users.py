"""Console accounts: create, find, list and disable users (used by the CLI and the tests)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.passwords import check_password_strength, hash_password
from scamreport.storage.models import ConsoleSession, ConsoleUser
from scamreport.storage.models.console import CONSOLE_ROLES
from scamreport.storage.types import utcnow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """The account cannot be created or changed as asked."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, *, email: str, password: str, agency_code: str, role: str
) -> ConsoleUser:
    """Adds a user with an argon2 password hash. Flushes; does not commit.

    The caller checks ``agency_code`` against the agency registry.
    """
    email = normalise_email(email)
    if not _EMAIL.fullmatch(email) or len(email) > 254:
        raise UserError(f"{email!r} is not an e-mail address")
    if role not in CONSOLE_ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(CONSOLE_ROLES)}")
    if not agency_code.strip():
        raise UserError("a user needs an agency")
    if find_user(session, email=email) is not None:
        raise UserError(f"a user with e-mail {email} already exists")
    password_hash = hash_password(_acceptable(password, context=(email, agency_code)))
    user = ConsoleUser(
        email=email, password_hash=password_hash, agency_code=agency_code, role=role, active=True
    )
    session.add(user)
    session.flush()
    return user


def _acceptable(password: str, *, context: tuple[str, ...]) -> str:
    """``password`` when the policy accepts it (console.passwords), else UserError."""
    try:
        check_password_strength(password, context=context)
    except ValueError as error:
        raise UserError(str(error)) from error
    return password


def find_user(session: Session, *, email: str) -> ConsoleUser | None:
    return session.scalars(
        select(ConsoleUser).where(ConsoleUser.email == normalise_email(email))
    ).first()


def list_users(session: Session, *, agency_code: str | None = None) -> list[ConsoleUser]:
    statement = select(ConsoleUser).order_by(ConsoleUser.agency_code, ConsoleUser.email)
    if agency_code is not None:
        statement = statement.where(ConsoleUser.agency_code == agency_code)
    return list(session.scalars(statement))


def set_password(session: Session, *, user: ConsoleUser, password: str) -> None:
    """Replaces the password and signs the user out everywhere. Flushes; does not commit."""
    user.password_hash = hash_password(
        _acceptable(password, context=(user.email, user.agency_code))
    )
    end_sessions(session, user=user)


def deactivate_user(session: Session, *, user: ConsoleUser) -> None:
    """Stops the user signing in and ends their sessions. Flushes; does not commit."""
    user.active = False
    end_sessions(session, user=user)


def end_sessions(session: Session, *, user: ConsoleUser) -> None:
    now = utcnow()
    for row in session.scalars(
        select(ConsoleSession).where(
            ConsoleSession.user_id == user.id, ConsoleSession.ended_at.is_(None)
        )
    ):
        row.ended_at = now
    session.flush()
