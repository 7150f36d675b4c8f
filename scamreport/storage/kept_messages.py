"""Messages the bot could not hand to Rasa yet, kept per reporter and replayed in order.

Each is a ``PendingMessage`` row whose ``payload`` the bot writes and reads (bot/relay.py); the
row's ``pseudonym`` names the reporter. Between bot processes (an active bot and its standby) a
reporter's kept messages are claimed before they are replayed:
the oldest row and every row after it get the process's ``claimed_by`` and a ``claimed_until``
in one transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's transactions
hold the writer lock), and a reporter another process holds is left alone until its claim is
released or lapses (``CLAIM_SECONDS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from scamreport.storage.models import PendingMessage
from scamreport.storage.types import utcnow

# A replay of one conversation takes at most a few Rasa timeouts; after this another process
# may take over a claim whose process died.
CLAIM_SECONDS = 300.0


def keep_message(session: Session, *, pseudonym: str, payload: dict[str, Any]) -> PendingMessage:
    """Keeps a message of the reporter ``pseudonym`` to replay later. Does not flush or commit."""
    row = PendingMessage(pseudonym=pseudonym, payload=payload)
    session.add(row)
    return row


def kept_messages_of(session: Session, *, pseudonym: str) -> list[PendingMessage]:
    """The reporter's kept messages in the order they were kept."""
    return list(
        session.scalars(
            select(PendingMessage)
            .where(PendingMessage.pseudonym == pseudonym)
            .order_by(PendingMessage.id)
        )
    )


def count_kept_messages(session: Session, *, pseudonym: str) -> int:
    """How many messages of the reporter are kept."""
    return (
        session.scalar(
            select(func.count())
            .select_from(PendingMessage)
            .where(PendingMessage.pseudonym == pseudonym)
        )
        or 0
    )


def forget_kept_message(session: Session, *, message_id: int) -> None:
    """Deletes one kept message (replayed or given up). Does not commit."""
    session.execute(delete(PendingMessage).where(PendingMessage.id == message_id))


def update_kept_payload(session: Session, *, message_id: int, fields: Mapping[str, Any]) -> None:
    """Merges ``fields`` into the kept message's payload (nothing when it is gone). Does not
    commit."""
    row = session.get(PendingMessage, message_id)
    if row is not None:
        row.payload = {**row.payload, **fields}


def first_kept_messages(session: Session) -> list[PendingMessage]:
    """The oldest kept message of every reporter with any, oldest first."""
    firsts = session.execute(
        select(PendingMessage.pseudonym, func.min(PendingMessage.id))
        .group_by(PendingMessage.pseudonym)
        .order_by(func.min(PendingMessage.id))
    ).all()
    found: list[PendingMessage] = []
    for _pseudonym, first_id in firsts:
        row = session.get(PendingMessage, first_id)
        if row is not None:
            found.append(row)
    return found


def claim_kept_messages(
    session: Session, *, pseudonym: str, claimant: str, now: datetime | None = None
) -> bool:
    """Claims every kept message of the reporter ``pseudonym`` for ``claimant``; False when
    another process holds (or is claiming) any of them. True with nothing kept. Flushes; does
    not commit."""
    now = now or utcnow()
    first = session.scalar(
        select(func.min(PendingMessage.id)).where(PendingMessage.pseudonym == pseudonym)
    )
    if first is None:
        return True
    rows = list(
        session.scalars(
            select(PendingMessage)
            .where(PendingMessage.pseudonym == pseudonym)
            .order_by(PendingMessage.id)
            .with_for_update(skip_locked=True)
        )
    )
    if not rows or rows[0].id != first:
        return False
    if any(
        row.claimed_by not in (None, claimant)
        and row.claimed_until is not None
        and row.claimed_until >= now
        for row in rows
    ):
        return False
    for row in rows:
        row.claimed_by = claimant
        row.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
    session.flush()
    return True


def release_kept_messages(session: Session, *, pseudonym: str, claimant: str) -> None:
    """Gives back ``claimant``'s claims on the reporter's kept messages. Does not commit."""
    session.execute(
        update(PendingMessage)
        .where(
            PendingMessage.pseudonym == pseudonym,
            PendingMessage.claimed_by == claimant,
        )
        .values(claimed_by=None, claimed_until=None)
    )
