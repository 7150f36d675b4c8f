"""Runs before every handler: private chats only, and the per-user rate limit."""

from __future__ import annotations

import math

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.handlers.common import services_of
from bot.language import settle_language
from bot.rendering import send_text

# At most one "slow down" message per user in this many seconds.
NOTICE_INTERVAL_SECONDS = 15.0


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stops updates from groups and channels, and from users over their rate limit; settles
    the reporter's language for the handlers."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE or user.is_bot:
        raise ApplicationHandlerStop
    services = services_of(context)
    state = services.state(user.id)
    language = await settle_language(services, state, user)
    album = update.message.media_group_id if update.message else None
    if album is not None and album == state.rate_album:
        # An album arrives as one message per photo: it costs one message, not ten.
        return
    wait = services.limiter.wait_time(user.id)
    if wait <= 0:
        state.rate_album = album
        return
    notice = texts.get("rate_limited", language, seconds=max(1, math.ceil(wait)))
    if update.callback_query is not None:
        await update.callback_query.answer(notice)
    else:
        now = services.clock()
        if now - state.rate_notice_at >= NOTICE_INTERVAL_SECONDS:
            state.rate_notice_at = now
            await send_text(context.bot, chat.id, notice)
    raise ApplicationHandlerStop
