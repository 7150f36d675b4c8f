"""The bot's inbox: every Telegram update, stored before Telegram is told it was received.

In polling mode the bot's next ``getUpdates`` tells Telegram the updates before it were
received, and Telegram forgets them; a webhook's answer does the same. The bot stores each
update here first (its texts already masked: no one-time code or PIN is ever written), and
marks it handled once its handlers are done, so that a bot killed in between handles it
after its restart, and one fetched again is not handled twice.

A handled row keeps only the update id, the conversation and the times (its content is
removed) until ``HANDLED_KEPT`` has passed: Telegram may send an update again for a day when
its receipt was never confirmed. Erasure removes every row of the reporter.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from scamreport.storage.models import InboxUpdate
from scamreport.storage.types import utcnow

# How long a handled update's id is remembered: Telegram keeps an unconfirmed update 24 hours.
HANDLED_KEPT = timedelta(hours=24)


def record_update(
    session: Session,
    *,
    bot_id: int,
    update_id: int,
    pseudonym: str | None,
    payload: dict[str, Any],
) -> bool:
    """Stores an update not yet handled (``pseudonym``: its sender's); False (and nothing
    stored) when the bot's ``update_id`` is already in the inbox, handled or not. Flushes; does
    not commit."""
    if session.scalar(
        select(InboxUpdate.id).where(
            InboxUpdate.bot_id == bot_id, InboxUpdate.update_id == update_id
        )
    ):
        return False
    session.add(
        InboxUpdate(bot_id=bot_id, update_id=update_id, pseudonym=pseudonym, payload=payload)
    )
    session.flush()
    return True


def mark_handled(
    session: Session, *, bot_id: int, update_id: int, now: datetime | None = None
) -> bool:
    """Marks the update handled and removes its content; False when it is not in the inbox
    (never stored, or erased meanwhile). Flushes; does not commit."""
    result = session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.bot_id == bot_id,
            InboxUpdate.update_id == update_id,
            InboxUpdate.handled_at.is_(None),
        )
        .values(handled_at=now or utcnow(), payload=None)
    )
    return bool(getattr(result, "rowcount", 0))


def take_unhandled(session: Session, *, bot_id: int) -> list[InboxUpdate]:
    """The updates never handled, in arrival order, each counted as taken up once more.
    Flushes; does not commit."""
    rows = list(
        session.scalars(
            select(InboxUpdate)
            .where(InboxUpdate.bot_id == bot_id, InboxUpdate.handled_at.is_(None))
            .order_by(InboxUpdate.id)
        )
    )
    for row in rows:
        row.attempts += 1
    session.flush()
    return rows


def prune_handled(session: Session, *, now: datetime | None = None) -> int:
    """Forgets handled updates older than ``HANDLED_KEPT``; returns how many."""
    cutoff = (now or utcnow()) - HANDLED_KEPT
    result = session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.handled_at.is_not(None), InboxUpdate.handled_at < cutoff
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def erase_inbox(session: Session, *, pseudonyms: set[str]) -> int:
    """Deletes every inbox row of ``pseudonyms``, handled or not; returns how many."""
    if not pseudonyms:
        return 0
    result = session.execute(delete(InboxUpdate).where(InboxUpdate.pseudonym.in_(list(pseudonyms))))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_inbox_older_than(session: Session, *, cutoff: datetime) -> int:
    """Deletes inbox rows received before ``cutoff`` (retention); returns how many."""
    result = session.execute(delete(InboxUpdate).where(InboxUpdate.received_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
