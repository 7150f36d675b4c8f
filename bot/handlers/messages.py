"""Typed text, and the kinds of message the bot cannot use."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers.callbacks import accept_consent
from bot.handlers.common import ensure_reporter, relay_of, sender, services_of
from bot.rendering import send_text


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Relays what the reporter typed to the assistant."""
    user, chat_id = sender(update)
    message = update.effective_message
    services = services_of(context)
    if message is None or not message.text:
        return
    state = services.state(user.id)
    if state.consent is False:
        await send_text(context.bot, chat_id, texts.NEEDS_CONSENT)
        return
    if not state.consent and says_i_agree(message.text):
        # The consent buttons' words typed (their message gone, or pressed while the database
        # was down): the answer to the privacy notice, not a message for the assistant.
        await accept_consent(update, context)
        return
    await ensure_reporter(services, user)
    await relay_of(context).typed(context.bot, user.id, chat_id, message.text)


_I_AGREE = re.compile(r"\W*(?:yes,?\s*)?i\s+agree\W*|\W*agree(?:d)?\W*", re.IGNORECASE)


def says_i_agree(text: str) -> bool:
    return bool(_I_AGREE.fullmatch(text.strip()))


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Voice notes, videos, stickers, locations…: says what the bot can take instead."""
    _, chat_id = sender(update)
    await send_text(context.bot, chat_id, texts.UNSUPPORTED_MESSAGE)
