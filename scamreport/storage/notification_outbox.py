"""The notification outbox the bot drains: claiming due rows, recording each attempt.

``repository.update_report_status`` queues a Notification only when the reporter allowed
contact; ``claim_notifications`` checks again (the reporter may have erased their data since).

Two bot processes never send one row twice: a process claims the rows it will send in one
transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a second process skips them
instead of waiting; on SQLite every transaction holds the writer lock) by writing its id into
``claimed_by`` and ``claimed_until``; it then sends, and marks a row sent only while the claim
is still its own. A claim lapses after ``CLAIM_SECONDS``: a process killed mid-batch leaves its
rows to the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from scamreport.storage.models import Notification
from scamreport.storage.types import utcnow

MAX_ATTEMPTS = 5
BATCH = 50
# Longer than a batch takes to send (the bot's rate limiter waits out flood control in it).
CLAIM_SECONDS = 300.0


@dataclass(frozen=True)
class Due:
    """A claimed notification: where to send it, and why it may not be sent (if so)."""

    id: int
    chat_id: int | None
    text: str
    refusal: str | None


def claim_notifications(
    session: Session, *, claimant: str, limit: int = BATCH, now: datetime | None = None
) -> list[Due]:
    """Claims the pending notifications no one else holds, oldest first, for ``claimant``;
    each with the reason it may not be sent (if any). Flushes; does not commit."""
    now = now or utcnow()
    rows = list(
        session.scalars(
            select(Notification)
            .where(
                Notification.status == "pending",
                or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
            )
            .order_by(Notification.id)
            .limit(limit)
            # PostgreSQL: rows another transaction is claiming are skipped, not waited for.
            # SQLite renders no FOR UPDATE (BEGIN IMMEDIATE serialises the claims).
            .with_for_update(skip_locked=True)
        )
    )
    due: list[Due] = []
    for row in rows:
        row.claimed_by = claimant
        row.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
        reporter, report = row.reporter, row.report
        refusal = None
        if reporter is None or reporter.is_erased or reporter.telegram_user_id is None:
            refusal = "the reporter has no Telegram identity (erased or never given)"
        elif report is not None and report.contact_permission == "none":
            refusal = "the reporter did not allow contact about this report"
        chat_id = reporter.telegram_user_id if reporter is not None else None
        due.append(Due(id=row.id, chat_id=chat_id, text=row.text, refusal=refusal))
    session.flush()
    return due


def record_attempt(
    session: Session,
    *,
    notification_id: int,
    claimant: str,
    sent: bool,
    error: str | None = None,
    final: bool = False,
) -> bool:
    """Records one attempt of ``claimant`` and releases its claim; False (nothing changed)
    when the row is gone or its claim passed to another process meanwhile."""
    row = session.get(Notification, notification_id, with_for_update=True)
    if row is None or row.claimed_by != claimant:
        return False
    row.attempts += 1
    row.last_error = error
    row.claimed_by = None
    row.claimed_until = None
    if sent:
        row.status = "sent"
        row.sent_at = utcnow()
    elif final or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
    return True


def release_claims(session: Session, *, claimant: str, ids: list[int]) -> None:
    """Gives back ``claimant``'s claims on ``ids`` (left unsent: flood control)."""
    for row in session.scalars(
        select(Notification).where(Notification.id.in_(ids), Notification.claimed_by == claimant)
    ):
        row.claimed_by = None
        row.claimed_until = None


def count_pending_notifications(session: Session, *, reporter_id: int) -> int:
    """How many notifications wait to be sent to the reporter."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.reporter_id == reporter_id, Notification.status == "pending")
        )
        or 0
    )
