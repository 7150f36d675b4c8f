"""What the handlers share: the services, the relay and the reporter's identity."""

from __future__ import annotations

from sqlalchemy.orm import Session
from telegram import Update, User
from telegram.ext import ContextTypes

from bot.relay import Relay
from bot.services import BotServices, services_of
from bot.state import ChatState
from scamreport.languages import DEFAULT_LANGUAGE, Language
from scamreport.storage.repository import get_or_create_reporter

RELAY_KEY = "relay"

__all__ = ["Relay", "ensure_reporter", "language_of", "relay_of", "services_of", "sender"]


def relay_of(context: ContextTypes.DEFAULT_TYPE) -> Relay:
    relay = context.application.bot_data[RELAY_KEY]
    assert isinstance(relay, Relay)
    return relay


def sender(update: Update) -> tuple[User, int]:
    """The user and the chat of a private-chat update (the guard lets no other kind through)."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return user, chat.id


def language_of(services: BotServices, user: User) -> Language:
    """The reporter's language, settled for this update by the guard (bot/language.py)."""
    return services.state(user.id).language or DEFAULT_LANGUAGE


async def ensure_reporter(
    services: BotServices, user: User, *, contact_phone: str | None = None
) -> ChatState:
    """Stores the reporter's Telegram identity under their pseudonym, once per process run
    (again when a verified phone number is added), with their language: storing the reporter
    is their consent."""
    state = services.state(user.id)
    if state.reporter_registered and contact_phone is None:
        return state
    pseudonym = state.conversation.pseudonym
    # Unless the stored language was read, it is left as it is (it may be a choice).
    language = state.language if state.language_loaded else None

    def register(session: Session) -> None:
        get_or_create_reporter(
            session,
            pseudonym=pseudonym,
            telegram_user_id=user.id,
            telegram_username=user.username,
            contact_phone=contact_phone,
            language=language,
        )

    await services.db(register)
    state.reporter_registered = True
    if language is not None:
        state.language_stored = language
    return state
