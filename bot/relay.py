"""Relaying a reporter's messages to Rasa, so that nothing they send is lost.

Every message goes to Rasa with a fresh ``relay_id`` in its metadata. When Rasa (or the action
server behind it) cannot answer, the message is kept as a ``PendingMessage`` row and the
reporter is told kindly; kept messages are replayed in order, before anything newer from the
same reporter, by the next message they send or by the background replayer.

A kept message is in one of three states:

- ``unsent``: Rasa never got it (connection refused): send it again.
- ``uncertain``: it was sent but the answer was lost (a timeout, an error status). Rasa's
  tracker (HTTP API) is asked whether it was handled: if so, its answer is shown and it is not
  sent twice; if not, it is resent once Rasa has had time to finish (``settle_seconds``).
- ``swallowed``: Rasa took it and answered nothing, because an action failed inside Rasa (the
  action server is down). Rasa then keeps the message but loses the action's work, so the
  message is sent again (with a new relay id) until it is answered, or given up after
  ``SWALLOWED_GIVE_UP_SECONDS`` with a request to resend it. (Rasa's ``rewind`` event is not
  used: in Rasa 3.6 it also throws away the active form.)

Every send carries the id of the Telegram update the message came from (``UPDATE_ID_KEY``), the
first and each resend alike: for an update taken up again after the bot was killed
(bot/inbox.py), Rasa's tracker is asked first whether it has the message, so that it never
reaches Rasa twice; and the report's transcript keeps a resent message once.

Callers hold the reporter's lock (``BotServices.locks``): the update processor takes it for
every update, and the replayer takes it before replaying. That lock is one process's; between
processes (an active bot and its standby, docs/deployment.md) a conversation's kept messages are
claimed before they are replayed: the oldest row and every row after it get the process's
``claimed_by`` and a ``claimed_until`` in one transaction (``SELECT ... FOR UPDATE SKIP LOCKED``
on PostgreSQL; SQLite's transactions hold the writer lock), and a conversation another process
holds is left alone until its claim is released or lapses (``CLAIM_SECONDS``).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session
from telegram import Bot
from telegram.error import Forbidden, TelegramError

from bot import texts
from bot.erasure import discard_drafts
from bot.inbox import in_hand
from bot.rasa_client import RasaUnavailable, Reply, length_notice, neutralise_typed_text
from bot.rendering import render_replies, send_text, typing
from bot.services import BotServices
from scamreport.channel import LANGUAGE_KEY, UPDATE_ID_KEY
from scamreport.languages import DEFAULT_LANGUAGE, Language, is_language
from scamreport.sensitive import mask_secrets, mentioned_secret_kind
from scamreport.storage.kept_messages import (
    claim_kept_messages,
    first_kept_messages,
    forget_kept_message,
    keep_message,
    kept_messages_of,
    release_kept_messages,
    update_kept_payload,
)
from scamreport.storage.models import PendingMessage

logger = logging.getLogger(__name__)

UNSENT, UNCERTAIN, SWALLOWED = "unsent", "uncertain", "swallowed"
# The custom payload key with which the assistant says it dropped the report in progress.
REPORT_CANCELLED_KEY = "report_cancelled"
# A message Rasa keeps taking without answering is given up after this long, and the reporter
# asked to send it again, so that they are never stuck behind it.
SWALLOWED_GIVE_UP_SECONDS = 600.0
# What masking leaves of a secret (scamreport.sensitive): a message the inbox masked already.
REDACTED_MARK = "[REDACTED "


@dataclass(frozen=True)
class Attempt:
    """Where a message stands with Rasa: its state, the relay id and time of the last send."""

    state: str = UNSENT
    relay_id: str | None = None
    sent_at: float | None = None
    swallowed_since: float | None = None
    replies: list[Reply] | None = None

    @property
    def answered(self) -> bool:
        return self.replies is not None

    def fields(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "relay_id": self.relay_id,
            "sent_at": self.sent_at,
            "swallowed_since": self.swallowed_since,
        }


@dataclass(frozen=True)
class Kept:
    """A PendingMessage row as the relay reads it."""

    id: int
    pseudonym: str
    chat_id: int
    user_id: int
    message: str
    attempt: Attempt
    # The Telegram update the message came from (None for one kept before updates were).
    origin: int | None = None
    # The reporter's language when it was kept (None for one kept before languages were).
    language: Language | None = None

    @classmethod
    def from_row(cls, row: PendingMessage) -> Kept:
        payload: dict[str, Any] = row.payload

        def number(name: str) -> float | None:
            value = payload.get(name)
            return float(value) if value is not None else None

        origin = payload.get(UPDATE_ID_KEY)
        language = payload.get(LANGUAGE_KEY)

        return cls(
            id=row.id,
            pseudonym=row.pseudonym,
            chat_id=int(payload["chat_id"]),
            user_id=int(payload.get("user_id", payload["chat_id"])),
            message=str(payload["message"]),
            attempt=Attempt(
                state=str(payload.get("state", UNSENT)),
                relay_id=payload.get("relay_id"),
                sent_at=number("sent_at"),
                swallowed_since=number("swallowed_since"),
            ),
            origin=int(origin) if origin is not None else None,
            language=language if is_language(language) else None,
        )


class Relay:
    def __init__(self, services: BotServices) -> None:
        self.services = services

    @property
    def settle_seconds(self) -> float:
        """How long Rasa may still be working on a message whose answer was lost: until then
        it is not resent (Rasa records a message in its tracker once it has handled it)."""
        return 2 * self.services.config.rasa_timeout

    # --- one message ---

    def language(self, user_id: int) -> Language:
        """The reporter's language, settled for the update in hand (bot/language.py)."""
        return self.services.state(user_id).language or DEFAULT_LANGUAGE

    async def typed(self, bot: Bot, user_id: int, chat_id: int, text: str) -> None:
        """Relays text the reporter typed: secrets masked first, so that neither Rasa's tracker
        nor anything after it ever sees them, and never as an intent (neutralise_typed_text)."""
        state = self.services.state(user_id)
        language = self.language(user_id)
        hand = in_hand()
        if hand is not None and hand.masked is not None and hand.masked.is_of(text):
            # Masked once, by the inbox when the update came (bot/inbox.py).
            masked, about = hand.masked.result, hand.masked.about
        else:
            masked = mask_secrets(text, expecting=state.expecting_secret)
            about = masked.kinds[0] if masked.found else mentioned_secret_kind(text)
        # After a code was mentioned (by the reporter, or by the bot's own warning just below),
        # a bare code in the next message is read as one too.
        state.expecting_secret = about
        # A message taken up again after a crash was masked by the inbox already.
        masked_before = hand is not None and hand.replayed and REDACTED_MARK in text
        if masked.found or masked_before:
            await send_text(bot, chat_id, texts.get("secret_not_kept", language))
        cleaned = neutralise_typed_text(masked.masked_text)
        notice = length_notice(text, language)
        if cleaned and notice:
            await send_text(bot, chat_id, notice)
        if cleaned:
            await self.deliver(bot, user_id, chat_id, cleaned)

    async def deliver(
        self, bot: Bot, user_id: int, chat_id: int, message: str, *, keep: bool = True
    ) -> bool:
        """Hands ``message`` (neutralised text or a payload the bot offered) to Rasa and shows
        the answer. True when it was answered now. When Rasa cannot answer, the message is
        kept for later and the reporter told so; with ``keep=False`` (a message worth nothing
        later, like /help) it is dropped silently."""
        state = self.services.state(user_id)
        pseudonym = state.conversation.pseudonym
        language = self.language(user_id)
        hand = in_hand()
        origin = hand.update_id if hand is not None else None
        backlog = await self.backlog(pseudonym)
        if hand is not None and hand.replayed:
            if any(kept.origin == origin for kept in backlog):
                # Kept by the run that was killed: it goes to Rasa with the backlog.
                return await self.replay_conversation(bot, pseudonym, announce=False)
            if not backlog and await self._answered_before(
                bot, user_id, chat_id, pseudonym, message
            ):
                return True
        if backlog and not await self.replay_conversation(bot, pseudonym, announce=False):
            if keep:
                await self._keep(pseudonym, chat_id, user_id, message, Attempt(), origin, language)
                await send_text(bot, chat_id, texts.get("still_unavailable", language))
            return False
        async with typing(bot, chat_id):
            attempt = await self._advance(pseudonym, message, Attempt(), origin, language)
        if attempt.answered:
            await render_replies(bot, chat_id, state, attempt.replies or [])
            await self.after_replies(bot, chat_id, pseudonym, attempt.replies or [], language)
            return True
        if keep:
            await self._keep(pseudonym, chat_id, user_id, message, attempt, origin, language)
            await send_text(bot, chat_id, texts.get("unavailable", language))
        return False

    async def answered_before(self, bot: Bot, user_id: int, chat_id: int) -> bool:
        """For an update a killed bot had begun (a button press whose offer died with it):
        True when Rasa has a message of it, whose answer is then shown."""
        hand = in_hand()
        if hand is None or not hand.replayed:
            return False
        pseudonym = self.services.state(user_id).conversation.pseudonym
        return await self._answered_before(bot, user_id, chat_id, pseudonym, None)

    async def _answered_before(
        self, bot: Bot, user_id: int, chat_id: int, pseudonym: str, message: str | None
    ) -> bool:
        """For an update a killed bot had begun: when Rasa has the message already, shows its
        answer (the reporter may never have seen it) instead of sending it again."""
        hand = in_hand()
        if hand is None:
            return False
        recorded = await self.services.rasa.replies_to_update(pseudonym, hand.update_id, message)
        if not recorded:
            return False
        logger.info("Rasa had a message of %s… before the restart", pseudonym[:8])
        state = self.services.state(user_id)
        await render_replies(bot, chat_id, state, recorded)
        await self.after_replies(bot, chat_id, pseudonym, recorded, self.language(user_id))
        return True

    async def after_replies(
        self,
        bot: Bot,
        chat_id: int,
        pseudonym: str,
        replies: list[Reply],
        language: Language = DEFAULT_LANGUAGE,
    ) -> None:
        """What the bot itself does when the assistant cancelled the report: the files sent for
        it are deleted."""
        if any((reply.custom or {}).get(REPORT_CANCELLED_KEY) for reply in replies):
            deleted = await discard_drafts(self.services, pseudonym)
            if deleted:
                await send_text(
                    bot, chat_id, texts.get("cancel_drafts_deleted", language, count=deleted)
                )

    async def _advance(
        self,
        pseudonym: str,
        message: str,
        attempt: Attempt,
        origin: int | None = None,
        language: Language = DEFAULT_LANGUAGE,
    ) -> Attempt:
        """One step towards an answer: ask Rasa's tracker about an uncertain earlier send,
        else (re)send the message (marked with ``origin``, its update id, and the reporter's
        ``language``). Returns the new state (answered when ``replies`` is set)."""
        rasa = self.services.rasa
        if attempt.state == UNCERTAIN and attempt.relay_id is not None:
            recorded = await rasa.replies_after(pseudonym, attempt.relay_id)
            if recorded:
                return replace(attempt, replies=recorded)
            if recorded is None and time.time() - (attempt.sent_at or 0) < self.settle_seconds:
                return attempt
        relay_id, sent_at = uuid.uuid4().hex, time.time()
        metadata: dict[str, Any] = {"relay_id": relay_id}
        if origin is not None:
            metadata[UPDATE_ID_KEY] = origin
        try:
            replies = await rasa.send(pseudonym, message, metadata=metadata, language=language)
        except RasaUnavailable as error:
            logger.warning("Rasa could not take a message of %s…: %s", pseudonym[:8], error)
            if not error.maybe_received:
                return attempt
            return await self._after_lost_answer(pseudonym, attempt, relay_id, sent_at)
        if replies:
            return Attempt(replies=replies)
        # Rasa answers nothing when an action failed inside it (the action server is down).
        logger.warning("Rasa gave no answer to a message of %s…", pseudonym[:8])
        recorded = await rasa.replies_after(pseudonym, relay_id)
        if recorded:
            return Attempt(replies=recorded)
        if recorded is None:
            return Attempt(state=UNCERTAIN, relay_id=relay_id, sent_at=sent_at)
        return Attempt(
            state=SWALLOWED,
            relay_id=relay_id,
            sent_at=sent_at,
            swallowed_since=attempt.swallowed_since or sent_at,
        )

    async def _after_lost_answer(
        self, pseudonym: str, attempt: Attempt, relay_id: str, sent_at: float
    ) -> Attempt:
        """A timeout or an error status after sending: Rasa may have it. Ask now."""
        recorded = await self.services.rasa.replies_after(pseudonym, relay_id)
        if recorded:
            return Attempt(replies=recorded)
        if recorded == []:
            return Attempt(
                state=SWALLOWED,
                relay_id=relay_id,
                sent_at=sent_at,
                swallowed_since=attempt.swallowed_since or sent_at,
            )
        return Attempt(
            state=UNCERTAIN,
            relay_id=relay_id,
            sent_at=sent_at,
            swallowed_since=attempt.swallowed_since,
        )

    # --- the backlog ---

    async def _keep(
        self,
        pseudonym: str,
        chat_id: int,
        user_id: int,
        message: str,
        attempt: Attempt,
        origin: int | None = None,
        language: Language | None = None,
    ) -> None:
        payload = {"chat_id": chat_id, "user_id": user_id, "message": message, **attempt.fields()}
        if origin is not None:
            payload[UPDATE_ID_KEY] = origin
        if language is not None:
            payload[LANGUAGE_KEY] = language

        def keep(session: Session) -> None:
            keep_message(session, pseudonym=pseudonym, payload=payload)

        await self.services.db(keep)

    async def backlog(self, pseudonym: str) -> list[Kept]:
        def read(session: Session) -> list[Kept]:
            return [Kept.from_row(row) for row in kept_messages_of(session, pseudonym=pseudonym)]

        return await self.services.db(read)

    async def _forget(self, kept_id: int) -> None:
        await self.services.db(lambda session: forget_kept_message(session, message_id=kept_id))

    async def _record(self, kept_id: int, attempt: Attempt) -> None:
        await self.services.db(
            lambda session: update_kept_payload(
                session, message_id=kept_id, fields=attempt.fields()
            )
        )

    async def replay_conversation(self, bot: Bot, pseudonym: str, *, announce: bool) -> bool:
        """Sends the kept messages of one conversation in order; True when none is left.
        False, untouched, while another process holds the conversation's claim."""
        claimant = self.services.claimant

        def claim(session: Session) -> bool:
            return claim_kept_messages(session, pseudonym=pseudonym, claimant=claimant)

        def release(session: Session) -> None:
            release_kept_messages(session, pseudonym=pseudonym, claimant=claimant)

        if not await self.services.db(claim):
            logger.info("another bot process is replaying %s…", pseudonym[:8])
            return False
        try:
            return await self._replay_claimed(bot, pseudonym, announce=announce)
        finally:
            await self.services.db(release)

    async def _replay_claimed(self, bot: Bot, pseudonym: str, *, announce: bool) -> bool:
        first = True
        for kept in await self.backlog(pseudonym):
            # The reporter's language now (they may have switched since), else as it was kept.
            language = (
                self.services.state(kept.user_id).language or kept.language or DEFAULT_LANGUAGE
            )
            async with typing(bot, kept.chat_id):
                attempt = await self._advance(
                    pseudonym, kept.message, kept.attempt, kept.origin, language
                )
            if not attempt.answered:
                since = attempt.swallowed_since
                if since is None or time.time() - since < SWALLOWED_GIVE_UP_SECONDS:
                    if attempt != kept.attempt:
                        await self._record(kept.id, attempt)
                    return False
                logger.warning("giving up on a message Rasa keeps failing to answer")
            await self._forget(kept.id)
            try:
                if not attempt.answered:
                    await send_text(
                        bot,
                        kept.chat_id,
                        texts.get("unavailable_resend", language, message=kept.message),
                    )
                    continue
                if announce and first:
                    await send_text(bot, kept.chat_id, texts.get("resumed", language))
                first = False
                state = self.services.state(kept.user_id)
                await render_replies(bot, kept.chat_id, state, attempt.replies or [])
                await self.after_replies(
                    bot, kept.chat_id, pseudonym, attempt.replies or [], language
                )
            except Forbidden:
                logger.info("a reporter blocked the bot; dropping the answer to a kept message")
        return True

    async def conversations_with_backlog(self) -> list[tuple[str, int]]:
        """(pseudonym, user id) of every conversation with kept messages, oldest first."""

        def read(session: Session) -> list[tuple[str, int]]:
            return [
                (row.pseudonym, Kept.from_row(row).user_id) for row in first_kept_messages(session)
            ]

        return await self.services.db(read)

    async def replay_all(self, bot: Bot) -> int:
        """One pass of the background replayer; returns how many conversations it cleared."""
        cleared = 0
        for pseudonym, user_id in await self.conversations_with_backlog():
            async with self.services.locks.lock(user_id):
                try:
                    done = await self.replay_conversation(bot, pseudonym, announce=True)
                except TelegramError as error:
                    logger.warning("replaying for %s… failed: %s", pseudonym[:8], error)
                    done = False
            cleared += int(done)
        return cleared

    async def run_replayer(self, bot: Bot, interval: float) -> None:
        """Replays kept messages every ``interval`` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.replay_all(bot)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("the replayer failed; trying again in %.0f s", interval)
