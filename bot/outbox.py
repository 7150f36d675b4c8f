"""Draining the notification outbox: status updates queued by the console, sent on Telegram.

``update_report_status`` queues a Notification only when the reporter allowed contact; the
outbox checks again when sending (the reporter may have erased their data since).

Two bot processes (an active one and its standby, or an old one that lost its lock but still
runs) never send one row twice: a process claims the rows it will send in one transaction
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a second process skips them instead of
waiting; on SQLite every transaction holds the writer lock) by writing its id into ``claimed_by``
and ``claimed_until``; it then sends, and marks a row sent only while the claim is still its
own. A claim lapses after ``CLAIM_SECONDS``: a process killed mid-batch leaves its rows to the
next one. What remains at least once is a crash between Telegram's answer and the commit that
marks the row sent: that one message is sent again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.rendering import send_text
from bot.services import BotServices
from scamreport.storage.models import Notification
from scamreport.storage.types import utcnow

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 50
# Longer than a batch takes to send (the rate limiter waits out flood control in it).
CLAIM_SECONDS = 300.0


@dataclass(frozen=True)
class Due:
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


async def drain_outbox(services: BotServices, bot: Bot, *, limit: int = BATCH) -> int:
    """Claims what is due and sends it; returns how many notifications were sent."""
    claimant = services.claimant
    sent = 0
    due = await services.db(
        lambda session: claim_notifications(session, claimant=claimant, limit=limit)
    )

    async def record(
        item: Due, *, sent: bool, error: str | None = None, final: bool = False
    ) -> bool:
        def work(session: Session) -> bool:
            return record_attempt(
                session,
                notification_id=item.id,
                claimant=claimant,
                sent=sent,
                error=error,
                final=final,
            )

        return await services.db(work)

    for index, item in enumerate(due):
        if item.refusal is not None or item.chat_id is None:
            await record(item, sent=False, error=item.refusal, final=True)
            continue
        try:
            await send_text(bot, item.chat_id, item.text)
        except RetryAfter as error:
            # The rate limiter already waited and retried; leave the rest for the next round.
            logger.warning("flood control while sending notifications: %s", error)
            rest = [later.id for later in due[index:]]
            await services.db(lambda s, ids=rest: release_claims(s, claimant=claimant, ids=ids))
            await asyncio.sleep(float(getattr(error, "retry_after", 1) or 1))
            break
        except (Forbidden, BadRequest) as error:
            await record(item, sent=False, error=str(error), final=True)
            continue
        except TelegramError as error:
            logger.warning("could not send notification %s: %s", item.id, error)
            await record(item, sent=False, error=str(error))
            continue
        if await record(item, sent=True):
            sent += 1
        else:
            logger.warning("notification %s was sent after its claim lapsed", item.id)
    return sent


async def run_outbox(services: BotServices, bot: Bot, interval: float) -> None:
    """Drains the outbox every ``interval`` seconds until cancelled."""
    while True:
        try:
            await drain_outbox(services, bot)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("draining the notification outbox failed")
        await asyncio.sleep(interval)
