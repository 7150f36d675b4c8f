"""The one error handler: logs with context (never the token), then apologises to the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.services import BotServices
from scamreport.languages import DEFAULT_LANGUAGE

logger = logging.getLogger("bot.errors")


def describe_update(update: object, services: BotServices | None) -> str:
    """Which update failed, with the user as a pseudonym prefix (not the Telegram id)."""
    if not isinstance(update, Update):
        return f"{type(update).__name__}"
    kind = (
        "callback" if update.callback_query else "message" if update.effective_message else "update"
    )
    who = "unknown user"
    if update.effective_user is not None and services is not None:
        who = f"reporter {services.pseudonym(update.effective_user.id)[:8]}…"
    return f"update {update.update_id} ({kind}) from {who}"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error first, then tells the user something went wrong (if there is one)."""
    services = context.application.bot_data.get("services")
    logger.error(
        "error while handling %s",
        describe_update(update, services if isinstance(services, BotServices) else None),
        exc_info=context.error,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return
    language = DEFAULT_LANGUAGE
    if isinstance(services, BotServices) and update.effective_user is not None:
        language = services.state(update.effective_user.id).language or DEFAULT_LANGUAGE
    try:
        await context.bot.send_message(
            chat_id=update.effective_chat.id, text=texts.get("something_went_wrong", language)
        )
    except TelegramError:
        logger.warning("could not tell the user about the error either")
