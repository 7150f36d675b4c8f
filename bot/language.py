"""Which language the bot speaks with each reporter, and remembering it.

In order: a language chosen with /language (kept until the reporter chooses again); else the
language of what they write, when a message clearly tells ("ok", "5000", a link, a button
press or a command never do; once their writing has shown a language, it takes two messages in
a row in another one to switch, and nothing does after a message that mixed two languages);
else their Telegram client's language; else English.

The language lives in the chat's state (bot/state.py) and, once the reporter has consented,
in ``reporters.language``; before consent nothing is stored, so it stays in memory. After a
restart the stored language is read back once; a stored language other than the client's
came from a choice or from what the reporter wrote, and is kept as a choice would be (the
database says which language, not why).
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from telegram import User

from bot.services import BotServices
from bot.state import ChatState
from scamreport.languages import (
    DEFAULT_LANGUAGE,
    HAN_RANGES,
    Language,
    detect_language,
    is_language,
    language_from_telegram,
    language_shares,
)
from scamreport.storage.repository import reporter_language, set_reporter_language

logger = logging.getLogger(__name__)

# A message in Latin letters tells its language only with this many words (links, e-mail
# addresses and numbers removed): "ok", "yes please", "RM5000" do not.
MIN_WORDS = 3
# A first message with at least this share of the phone's language does not leave it.
MIXED_SHARE = 0.25
_HAN = re.compile(f"[{HAN_RANGES}]")
# Links, e-mail addresses and handles: no language. Chinese has no spaces, so one ends at a Han
# character or Chinese punctuation ("要付1.99新币重新派送" is no link, nor is the whole message).
_LINK_CHAR = f"[^\\s{HAN_RANGES}，。！？；：、（）「」“”]"
_NOT_WORDS = re.compile(f"{_LINK_CHAR}*(?:://|www\\.|@|\\w\\.\\w){_LINK_CHAR}*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")


def written_language(text: str) -> Language | None:
    """The language ``text`` is clearly written in; None when it does not tell."""
    cleaned = _NOT_WORDS.sub(" ", text)
    if cleaned.lstrip().startswith("/"):
        return None
    found = detect_language(cleaned)
    if found == "zh" and _HAN.search(cleaned):
        return "zh"
    if len(_WORD.findall(cleaned)) < MIN_WORDS:
        return None
    if found == DEFAULT_LANGUAGE and detect_language(cleaned, default="zh") != found:
        return None  # no word of any language: detect_language fell back to its default
    return found


def client_language(user: User | None) -> Language:
    return language_from_telegram(user.language_code if user is not None else None)


async def settle_language(services: BotServices, state: ChatState, user: User) -> Language:
    """The reporter's language for this update: the one in memory, else the one remembered in
    the database (read once per process), else the client's."""
    if not state.language_loaded:
        pseudonym = state.conversation.pseudonym
        try:
            stored = await services.db(
                lambda session: reporter_language(session, pseudonym=pseudonym)
            )
        except SQLAlchemyError as error:
            logger.warning("could not read a reporter's language: %s", type(error).__name__)
        else:
            state.language_loaded = True
            state.language_stored = stored if is_language(stored) else None  # type: ignore[assignment]
            if state.language is None and state.language_stored is not None:
                state.language = state.language_stored
                state.language_kept = state.language_stored != client_language(user)
    if state.language is None:
        state.language = client_language(user)
    return state.language


def follow_writing(state: ChatState, text: str) -> bool:
    """Follows the language the reporter writes in, unless they chose one; True when the
    language changed.

    Until their writing has shown a language, one clear message switches (a Chinese speaker on
    an English phone is answered in Chinese from the first reply), unless a quarter of it or
    more is in the phone's language already. After that a switch needs two messages in a row
    clearly in the other language and with no word of the current one, and a reporter who has
    mixed two languages in one message (they read both) is not switched by their writing again,
    so a reporter who mixes languages keeps one language for the whole conversation.
    """
    if state.language_kept:
        return False
    found = written_language(text)
    if found is None:
        return False
    shares = language_shares(text)
    if sum(1 for value in shares.values() if value >= MIXED_SHARE) >= 2:
        state.language_mixed = True  # also when the message is mostly in today's language
    if found == state.language:
        state.language_from_writing = True
        state.language_switch_candidate = None
        return False
    current = state.language
    share = shares.get(current, 0.0) if current is not None else 0.0
    if state.language_from_writing:
        if share > 0 or state.language_mixed:
            state.language_switch_candidate = None
            return False
        if state.language_switch_candidate != found:
            state.language_switch_candidate = found
            return False
    elif found != "zh" and share >= MIXED_SHARE:
        # Manglish on a Malay phone: as much Malay as English is no reason to leave Malay.
        # (Han characters always switch: a writer who types them reads them.)
        state.language_from_writing = True
        return False
    state.language = found
    state.language_from_writing = True
    state.language_switch_candidate = None
    return True


def choose(state: ChatState, language: Language) -> None:
    """The reporter's own choice (/language): it wins over everything else, and is kept."""
    state.language = language
    state.language_kept = True


async def remember_language(services: BotServices, state: ChatState) -> None:
    """Stores the reporter's language when it changed, if they are stored at all (never before
    consent: ``set_reporter_language`` creates no reporter)."""
    language = state.language
    if language is None or state.consent is False or language == state.language_stored:
        return
    if not state.language_loaded:
        return  # the stored language is unknown: keep it rather than overwrite it blindly
    pseudonym = state.conversation.pseudonym

    def store(session: Session) -> bool:
        return set_reporter_language(session, pseudonym=pseudonym, language=language)

    if await services.db(store):
        state.language_stored = language


def language_of(state: ChatState) -> Language:
    """The language settled for this reporter (English before any update settled it)."""
    return state.language or DEFAULT_LANGUAGE
