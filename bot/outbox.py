"""Draining the notification outbox: status updates queued by the console, sent on Telegram.

The rows are claimed, and each attempt recorded, by ``scamreport.storage.notification_outbox``:
two bot processes (an active one and its standby, or an old one that lost its lock but still
runs) never send one row twice, and a claim lapses after ``CLAIM_SECONDS`` so that a process
killed mid-batch leaves its rows to the next one. What remains at least once is a crash between
Telegram's answer and the commit that marks the row sent: that one message is sent again.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.orm import Session
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.rendering import send_text
from bot.services import BotServices
from scamreport.storage.notification_outbox import (
    BATCH,
    Due,
    claim_notifications,
    record_attempt,
    release_claims,
)

logger = logging.getLogger(__name__)


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
