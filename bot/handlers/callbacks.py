"""Inline-button presses: Rasa's buttons, the consent, erasure and language questions.

Every callback query is answered (the client stops its spinner) and the pressed keyboard is
taken away, so a choice cannot be made twice. A press handled after a restart of the bot
(bot/inbox.py) may be too old for Telegram to take an answer: its notice then comes as a
message.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from bot.erasure import erase_personal_data
from bot.handlers.commands import (
    CONSENT_CALLBACK_YES,
    DELETE_CALLBACK_YES,
    INTENT_GREET,
    INTENT_HELP,
    LANGUAGE_CALLBACK_PREFIX,
)
from bot.handlers.common import ensure_reporter, language_of, relay_of, sender, services_of
from bot.language import choose, remember_language
from bot.rendering import parse_button_callback, remove_inline_keyboard, send_text
from scamreport.languages import is_language
from scamreport.registry import load_registry

logger = logging.getLogger(__name__)


def _query(update: Update) -> CallbackQuery:
    query = update.callback_query
    assert query is not None
    return query


async def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, notice: str | None = None
) -> bool:
    """Answers the press (True); when Telegram no longer takes an answer (the query is too
    old), ``notice`` is sent as a message instead (False)."""
    try:
        await _query(update).answer(notice)
    except BadRequest as error:
        logger.info("a button press could not be answered: %s", error)
        if notice:
            await send_text(context.bot, sender(update)[1], notice)
        return False
    return True


async def _take_keyboard_away(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = _query(update)
    if query.message is not None:
        await remove_inline_keyboard(context.bot, query.message.chat.id, query.message.message_id)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button Rasa offered: its payload goes to Rasa only if it is in the current offer."""
    query = _query(update)
    user, chat_id = sender(update)
    services = services_of(context)
    state = services.state(user.id)
    parsed = parse_button_callback(query.data or "")
    button = state.offered(*parsed) if parsed else None
    if button is None and await relay_of(context).answered_before(context.bot, user.id, chat_id):
        # Pressed before the bot was killed, and Rasa had it: its answer was shown now.
        await _answer(update, context)
        await _take_keyboard_away(update, context)
        return
    if button is None:
        expired = texts.get("button_expired", language_of(services, user))
        answered = await _answer(update, context, expired)
        if answered and state.offer_nonce is None:
            # Nothing offered since the bot started (it was restarted): the reporter has no
            # keyboard left to answer with, and a toast is easy to miss.
            await send_text(context.bot, chat_id, expired)
        await _take_keyboard_away(update, context)
        return
    await _answer(update, context)
    for message_id in state.offer_message_ids:
        await remove_inline_keyboard(context.bot, chat_id, message_id)
    state.withdraw_offer()
    chosen = texts.get("button_chosen", language_of(services, user), title=button.title)
    await send_text(context.bot, chat_id, chosen)
    await ensure_reporter(services, user)
    await relay_of(context).deliver(context.bot, user.id, chat_id, button.payload)


async def accept_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Consent given (the button, or "I agree" typed): the conversation starts.

    The buttons are taken away only once the reporter is stored: while the database is down
    the reporter is told to try again, and "I agree" still works."""
    user, chat_id = sender(update)
    state = await ensure_reporter(services_of(context), user)
    if update.callback_query is not None:
        await _take_keyboard_away(update, context)
    state.consent = True
    await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_GREET)


async def on_consent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer to the privacy notice: start the conversation, or store nothing."""
    query = _query(update)
    user, chat_id = sender(update)
    services = services_of(context)
    await _answer(update, context)
    if query.data == CONSENT_CALLBACK_YES:
        await accept_consent(update, context)
    else:
        await _take_keyboard_away(update, context)
        services.state(user.id).consent = False
        declined = texts.get("consent_declined", language_of(services, user))
        await send_text(context.bot, chat_id, declined)


async def on_delete_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Erases everything about me once I confirm; says plainly what the police already have."""
    query = _query(update)
    user, chat_id = sender(update)
    services = services_of(context)
    # Taken before the erasure, which forgets the chat's state.
    language = language_of(services, user)
    await _answer(update, context)
    await _take_keyboard_away(update, context)
    if query.data != DELETE_CALLBACK_YES:
        await send_text(context.bot, chat_id, texts.get("delete_kept", language))
        return
    erasure = await erase_personal_data(services, user.id)
    names = {agency.code: agency.name for agency in load_registry().agencies}
    await send_text(context.bot, chat_id, texts.deletion_done(erasure, names, language))


async def on_language_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language chosen from /language's list: kept from now on (stored once the reporter
    consented). A report in progress carries on: the assistant asks its question again, now
    in that language."""
    query = _query(update)
    user, chat_id = sender(update)
    services = services_of(context)
    chosen = (query.data or "").removeprefix(LANGUAGE_CALLBACK_PREFIX)
    await _answer(update, context)
    await _take_keyboard_away(update, context)
    if not is_language(chosen):
        return
    state = services.state(user.id)
    choose(state, chosen)  # type: ignore[arg-type]
    await remember_language(services, state)
    await send_text(context.bot, chat_id, texts.get("language_set", chosen))
    if state.consent is not False and await services.rasa.report_in_progress(
        services.pseudonym(user.id)
    ):
        await relay_of(context).deliver(context.bot, user.id, chat_id, INTENT_HELP, keep=False)
