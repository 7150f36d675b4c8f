"""Typed text, and the kinds of message the bot cannot use."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers.callbacks import accept_consent
from bot.handlers.common import ensure_reporter, language_of, relay_of, sender, services_of
from bot.language import follow_writing, remember_language
from bot.rendering import send_text


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Relays what the reporter typed to the assistant, in the language they write in (when
    their message clearly tells, and they did not choose one with /language)."""
    user, chat_id = sender(update)
    message = update.effective_message
    services = services_of(context)
    if message is None or not message.text:
        return
    state = services.state(user.id)
    follow_writing(state, message.text)
    if state.consent is False:
        await send_text(
            context.bot, chat_id, texts.get("needs_consent", language_of(services, user))
        )
        return
    if not state.consent and says_i_agree(message.text):
        # The consent buttons' words typed (their message gone, or pressed while the database
        # was down): the answer to the privacy notice, not a message for the assistant.
        await accept_consent(update, context)
        return
    await ensure_reporter(services, user)
    await remember_language(services, state)
    await relay_of(context).typed(context.bot, user.id, chat_id, message.text)


_I_AGREE = re.compile(r"\W*(?:yes,?\s*)?i\s+agree\W*|\W*agree(?:d)?\W*", re.IGNORECASE)


def says_i_agree(text: str) -> bool:
    """ "I agree", or the consent button's words in any language ("我同意", "Saya setuju")."""
    if _I_AGREE.fullmatch(text.strip()):
        return True
    typed = re.sub(r"[^\w\s]", "", text).strip().casefold()
    return any(
        typed == re.sub(r"[^\w\s]", "", agree).strip().casefold()
        for agree in texts.in_every_language("consent_yes").values()
    )


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Voice notes, videos, stickers, locations…: says what the bot can take instead."""
    user, chat_id = sender(update)
    language = language_of(services_of(context), user)
    await send_text(context.bot, chat_id, texts.get("unsupported_message", language))
