"""Draining the notification outbox: status updates queued by the console, sent on Telegram.

``update_report_status`` queues a Notification only when the reporter allowed contact; the
outbox checks again when sending (the reporter may have erased their data since). Delivery is
at least once: a crash between sending and marking the row sent repeats one message. Run one
bot process per database (the rows are not claimed before sending).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import select
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


@dataclass(frozen=True)
class Due:
    id: int
    chat_id: int | None
    text: str
    refusal: str | None


def due_notifications(session: Session, *, limit: int = BATCH) -> list[Due]:
    """Pending notifications, oldest first, each with the reason it may not be sent (if any)."""
    rows = session.scalars(
        select(Notification)
        .where(Notification.status == "pending")
        .order_by(Notification.id)
        .limit(limit)
    )
    due: list[Due] = []
    for row in rows:
        reporter, report = row.reporter, row.report
        refusal = None
        if reporter is None or reporter.is_erased or reporter.telegram_user_id is None:
            refusal = "the reporter has no Telegram identity (erased or never given)"
        elif report is not None and report.contact_permission == "none":
            refusal = "the reporter did not allow contact about this report"
        chat_id = reporter.telegram_user_id if reporter is not None else None
        due.append(Due(id=row.id, chat_id=chat_id, text=row.text, refusal=refusal))
    return due


def record_attempt(
    session: Session,
    *,
    notification_id: int,
    sent: bool,
    error: str | None = None,
    final: bool = False,
) -> None:
    row = session.get(Notification, notification_id)
    if row is None:
        return
    row.attempts += 1
    row.last_error = error
    if sent:
        row.status = "sent"
        row.sent_at = utcnow()
    elif final or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"


async def drain_outbox(services: BotServices, bot: Bot, *, limit: int = BATCH) -> int:
    """Sends what is due; returns how many notifications were sent."""
    sent = 0
    for item in await services.db(lambda session: due_notifications(session, limit=limit)):
        if item.refusal is not None or item.chat_id is None:
            await services.db(
                lambda s, i=item: record_attempt(
                    s, notification_id=i.id, sent=False, error=i.refusal, final=True
                )
            )
            continue
        try:
            await send_text(bot, item.chat_id, item.text)
        except RetryAfter as error:
            # The rate limiter already waited and retried; leave the rest for the next round.
            logger.warning("flood control while sending notifications: %s", error)
            await asyncio.sleep(float(getattr(error, "retry_after", 1) or 1))
            break
        except (Forbidden, BadRequest) as error:
            await services.db(
                lambda s, i=item, e=error: record_attempt(
                    s, notification_id=i.id, sent=False, error=str(e), final=True
                )
            )
            continue
        except TelegramError as error:
            logger.warning("could not send notification %s: %s", item.id, error)
            await services.db(
                lambda s, i=item, e=error: record_attempt(
                    s, notification_id=i.id, sent=False, error=str(e)
                )
            )
            continue
        await services.db(lambda s, i=item: record_attempt(s, notification_id=i.id, sent=True))
        sent += 1
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
