"""No update lost to a crash: each one is stored before Telegram hears it was received.

Telegram forgets an update once the bot confirms it: in polling mode the next ``getUpdates``
does so while the update may still be waiting for its handlers, and a webhook's answer does so
at once. ``InboxQueue`` is the Application's update queue (``ApplicationBuilder.update_queue``):
both the Updater's polling loop and its webhook handler await its ``put`` before they confirm,
and ``put`` stores the update first (scamreport.storage.inbox). The update processor marks it
handled when its handlers are done; at start the bot puts the updates never handled back in
the queue, oldest first (so each chat's in the order it sent them), before polling starts.

What is stored holds no secret: every text and caption is masked (scamreport.sensitive, with the
"a code was just mentioned" memory kept per reporter). The reporter's message text is masked here
once: the relay sends that masking on to Rasa (``InHand.masked``) instead of masking it again.
Once handled, only the update id stays, for a day, so that an update Telegram sends again is not
handled twice.

A message the bot had passed to Rasa before it was killed must not reach Rasa twice: each message
goes to Rasa with its update id in the metadata, and for an update taken up again the relay
first asks Rasa's tracker whether it has it (``InHand.replayed``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from telegram import Bot, Update

from bot.services import BotServices
from scamreport.sensitive import MaskResult, mask_secrets, mentioned_secret_kind
from scamreport.storage.database import scrub_deleted_content
from scamreport.storage.inbox import mark_handled, prune_handled, record_update, take_unhandled

logger = logging.getLogger(__name__)

# An update whose handling crashed the bot this many times is given up, not taken up again.
MAX_ATTEMPTS = 3
# Handled updates older than a day are forgotten at most this often.
PRUNE_INTERVAL_SECONDS = 3600.0
_MASKED_KEYS = ("text", "caption")
_ENTITY_KEYS = {"text": "entities", "caption": "caption_entities"}


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True)
class MaskedText:
    """A reporter's message text as the inbox masked it when the update came: the masking,
    and the kind of secret the text talked about (the next message may be that code)."""

    digest: bytes  # of the text as it came, which is not kept
    result: MaskResult
    about: str | None

    def is_of(self, text: str) -> bool:
        return _digest(text) == self.digest


# A message's text and caption as the inbox masked them (None where it has none).
Maskings = tuple[MaskedText | None, MaskedText | None]


@dataclass(frozen=True)
class InHand:
    """The update being handled: its id, whether an earlier run of the bot may have begun
    handling it (it was stored and never marked handled), and its message text and caption as
    the inbox masked them (None when it did not: stored before this start, or not stored)."""

    update_id: int
    replayed: bool = False
    masked: MaskedText | None = None
    masked_caption: MaskedText | None = None


_IN_HAND: ContextVar[InHand | None] = ContextVar("update_in_hand", default=None)


def in_hand() -> InHand | None:
    """The update the current task is handling (set by the update processor), if any."""
    return _IN_HAND.get()


def masked_by_inbox(text: str) -> MaskResult | None:
    """The inbox's masking of ``text`` when it is the text or the caption of the update in
    hand, so that a handler need not mask it again; None when the inbox did not mask it."""
    hand = in_hand()
    if hand is None:
        return None
    for kept in (hand.masked, hand.masked_caption):
        if kept is not None and kept.is_of(text):
            return kept.result
    return None


def utf16_units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts (a lone surrogate, which a client can
    send, is one unit)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _masked_message(
    message: dict[str, Any], expecting: str | None
) -> tuple[dict[str, Any], str | None, dict[str, MaskResult]]:
    """``message`` with its text and caption masked; the kind of secret the text was about;
    and the masking of its text and of its caption, by key.

    Entities that reach past the first masked character are dropped (their offsets no longer
    fit the text); a command's entity at the start stays."""
    about: str | None = None
    maskings: dict[str, MaskResult] = {}
    result = dict(message)
    for key in _MASKED_KEYS:
        value = result.get(key)
        if not isinstance(value, str):
            continue
        masked = maskings[key] = mask_secrets(value, expecting=expecting)
        about = masked.kinds[0] if masked.found else mentioned_secret_kind(value)
        if masked.masked_text == value:
            continue
        result[key] = masked.masked_text
        pairs = zip(value, masked.masked_text, strict=False)
        same = next((i for i, (a, b) in enumerate(pairs) if a != b), len(value))
        limit = utf16_units(value[:same])
        entities = result.get(_ENTITY_KEYS[key])
        if isinstance(entities, list):
            result[_ENTITY_KEYS[key]] = [
                e
                for e in entities
                if isinstance(e, dict) and e.get("offset", 0) + e.get("length", 0) <= limit
            ]
    for key, value in result.items():
        if isinstance(value, dict) and key not in ("from", "chat", "sender_chat"):
            result[key], _, _ = _masked_message(value, None)
    return result, about, maskings


def masked_update(data: dict[str, Any], expecting: str | None) -> tuple[dict[str, Any], str | None]:
    """The update as stored: every text and caption in it masked (the sender's own message
    with ``expecting``); and the kind of secret its text talked about (for the next one)."""
    result, about, _ = _masked_update(data, expecting)
    return result, about


def _masked_update(
    data: dict[str, Any], expecting: str | None
) -> tuple[dict[str, Any], str | None, dict[str, MaskResult]]:
    """``masked_update``, and the maskings of the text and caption of its new message
    (``message``), by key."""
    result = dict(data)
    about: str | None = None
    maskings: dict[str, MaskResult] = {}
    for key, value in data.items():
        if not isinstance(value, dict):
            continue
        sent_by_user = key in ("message", "edited_message", "business_message")
        result[key], found, masked = _masked_message(value, expecting if sent_by_user else None)
        if sent_by_user:
            about = found
        if key == "message":
            maskings = masked
    return result, about, maskings


class Inbox:
    """Stores updates before they are confirmed, and hands back those never handled."""

    def __init__(self, services: BotServices, bot_id: int) -> None:
        self.services = services
        self.bot_id = bot_id  # Telegram numbers updates per bot
        # Per user, the secret their last message (in arrival order) talked about.
        self.expecting: dict[int, str | None] = {}
        # Updates taken up again at this start: the relay checks Rasa's record first.
        self.replayed: set[int] = set()
        # The message text and caption of each update stored and not yet handled, as masked here.
        self.masked: dict[int, Maskings] = {}
        self._pruned_at = float("-inf")

    def _pseudonym(self, update: Update) -> str | None:
        user = update.effective_user
        return self.services.pseudonym(user.id) if user is not None else None

    def _stored_form(self, update: Update) -> tuple[dict[str, Any], Maskings]:
        """The update as stored, and its message's text and caption as masked for it."""
        user = update.effective_user
        expecting = None
        if user is not None:
            expecting = self.expecting.get(user.id) or self.services.state(user.id).expecting_secret
        payload, about, maskings = _masked_update(update.to_dict(), expecting)
        message = update.message
        if user is None or message is None:
            return payload, (None, None)
        text = caption = None
        if message.text is not None:
            self.expecting[user.id] = about
            if "text" in maskings:
                text = MaskedText(_digest(message.text), maskings["text"], about)
        if message.caption is not None and "caption" in maskings:
            caption = MaskedText(_digest(message.caption), maskings["caption"], about)
        return payload, (text, caption)

    async def record(self, update: Update) -> bool:
        """Stores ``update``; False when it is in the inbox already (Telegram sent it again:
        it was handled, or is queued since this start). When the database cannot take it,
        it is handled all the same, unstored. Never raises: an exception here would end the
        polling loop (python-telegram-bot's retry loop stops on anything but TelegramError)
        and the bot would answer no one again."""
        try:
            payload, masked = self._stored_form(update)
            pseudonym = self._pseudonym(update)
        except Exception:
            # Stored unmasked it could keep a secret: handled all the same, unstored.
            logger.exception("could not mask update %s for the inbox", update.update_id)
            return True

        def store(session: Session) -> bool:
            return record_update(
                session,
                bot_id=self.bot_id,
                update_id=update.update_id,
                pseudonym=pseudonym,
                payload=payload,
            )

        try:
            stored = await self.services.db(store)
        except Exception:
            logger.exception("could not store update %s in the inbox", update.update_id)
            stored = True  # handled all the same
        if stored and masked != (None, None):
            self.masked[update.update_id] = masked
        return stored

    async def handled(self, update_id: int) -> None:
        """Marks the update handled and removes its content (never fails)."""
        self.replayed.discard(update_id)
        self.masked.pop(update_id, None)
        prune = time.monotonic() - self._pruned_at >= PRUNE_INTERVAL_SECONDS
        if prune:
            self._pruned_at = time.monotonic()

        def mark(session: Session) -> None:
            # The removed content is overwritten on disk (SQLite), not just unlinked.
            scrub_deleted_content(session)
            mark_handled(session, bot_id=self.bot_id, update_id=update_id)
            if prune:
                prune_handled(session)

        try:
            await self.services.db(mark)
        except Exception:
            logger.exception("could not mark update %s handled", update_id)

    async def take_unhandled(self, bot: Bot) -> list[Update]:
        """The updates stored and never handled (by a bot that was killed), oldest first."""

        def take(session: Session) -> list[tuple[int, int, dict[str, Any] | None]]:
            return [
                (r.update_id, r.attempts, r.payload)
                for r in take_unhandled(session, bot_id=self.bot_id)
            ]

        updates: list[Update] = []
        for update_id, attempts, payload in await self.services.db(take):
            update = Update.de_json(payload, bot) if payload else None
            if update is None or attempts > MAX_ATTEMPTS:
                logger.error("giving up update %s after %d starts", update_id, attempts - 1)
                await self.handled(update_id)
                continue
            self.replayed.add(update_id)
            updates.append(update)
        return updates

    @contextlib.contextmanager
    def handling(self, update: object) -> Iterator[InHand | None]:
        """Makes ``update`` the update in hand (``in_hand``) for the handlers run inside."""
        value = None
        if isinstance(update, Update):
            text, caption = self.masked.pop(update.update_id, (None, None))
            value = InHand(
                update.update_id,
                replayed=update.update_id in self.replayed,
                masked=text,
                masked_caption=caption,
            )
        token = _IN_HAND.set(value)
        try:
            yield value
        finally:
            _IN_HAND.reset(token)


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is stored before ``put`` returns (and so
    before polling confirms it to Telegram, or the webhook answers); one already in the
    inbox is not queued again."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self.inbox.record(item):
            logger.info("update %s is in the inbox already; not handled again", item.update_id)
            return
        await super().put(item)
