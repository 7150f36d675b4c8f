"""A contact shared with Telegram's share-contact button: the reporter's verified number."""

from __future__ import annotations

import re

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.handlers.common import ensure_reporter, language_of, relay_of, sender, services_of
from bot.rendering import send_text


def e164(phone_number: str) -> str:
    """Telegram sends the number without "+" (``6581234567``); stored numbers carry it."""
    digits = re.sub(r"\D", "", phone_number)
    return f"+{digits}"


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stores the reporter's own shared number and passes it to the assistant as the answer."""
    user, chat_id = sender(update)
    message = update.effective_message
    contact = message.contact if message else None
    services = services_of(context)
    if contact is None:
        return
    language = language_of(services, user)
    # Only the sender's own contact proves the number is theirs (Telegram fills user_id).
    if contact.user_id != user.id:
        await send_text(context.bot, chat_id, texts.get("contact_not_own", language))
        return
    if services.state(user.id).consent is False:
        await send_text(context.bot, chat_id, texts.get("needs_consent", language))
        return
    phone = e164(contact.phone_number)
    state = await ensure_reporter(services, user, contact_phone=phone)
    state.contact_keyboard_shown = False
    await send_text(
        context.bot,
        chat_id,
        texts.get("contact_saved", language, phone=phone),
        ReplyKeyboardRemove(),
    )
    await relay_of(context).typed(context.bot, user.id, chat_id, phone)
