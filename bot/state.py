"""What the bot remembers about each reporter between messages (in memory, per process).

Nothing here needs to survive a restart: a lost offer only makes an old button answer "no
longer available", and a lost consent choice falls back to the notice's "writing means yes".
The reporter's language is stored once they consent and read back after a restart
(bot/language.py).
"""

from __future__ import annotations

import asyncio
import secrets
import weakref
from dataclasses import dataclass, field

from bot.rasa_client import Button, Conversation, Reply
from scamreport.languages import Language

# How long after /status REF new evidence goes to that report rather than the next one.
ATTACH_WINDOW_SECONDS = 30 * 60


@dataclass
class ChatState:
    user_id: int
    conversation: Conversation
    consent: bool | None = None
    reporter_registered: bool = False
    offer_nonce: str | None = None
    offer_buttons: list[Button] = field(default_factory=list)
    offer_message_ids: list[int] = field(default_factory=list)
    attach_report_id: int | None = None
    attach_reference: str | None = None
    attach_until: float = 0.0
    contact_keyboard_shown: bool = False
    last_media_group: str | None = None
    rate_notice_at: float = float("-inf")
    # The album whose first photo passed the rate limit (the rest of it passes too).
    rate_album: str | None = None
    # The kind of secret ("otp", "pin", "password"...) the reporter's last message talked
    # about without giving it: a bare code in the next message is that secret.
    expecting_secret: str | None = None
    # The language the bot speaks with the reporter (bot/language.py): None until the first
    # update settles it; kept when the reporter chose it; what the database holds, once read.
    language: Language | None = None
    language_kept: bool = False
    language_loaded: bool = False
    language_stored: Language | None = None
    # Set once the reporter's own writing has shown their language; from then on one message in
    # another language does not switch (a Manglish or 中英 writer would get every other reply in
    # the other language): two in a row, with no word of the current one, do.
    language_from_writing: bool = False
    language_switch_candidate: Language | None = None
    # Set once one message mixes two languages (Manglish, 中英): such a reporter reads both,
    # and their short answers in either never move the conversation's language.
    language_mixed: bool = False

    def offer(self, replies: list[Reply]) -> str | None:
        """Remembers the buttons of ``replies`` (if any) as the current offer; returns its nonce."""
        buttons = [button for reply in replies for button in reply.buttons]
        self.conversation.remember(replies)
        if not buttons:
            return None
        self.offer_nonce = secrets.token_hex(4)
        self.offer_buttons = buttons
        self.offer_message_ids = []
        return self.offer_nonce

    def offered(self, nonce: str, index: int) -> Button | None:
        """The button behind callback data (nonce, index), if it belongs to the current offer."""
        if nonce != self.offer_nonce or not 0 <= index < len(self.offer_buttons):
            return None
        button = self.offer_buttons[index]
        return button if self.conversation.accepts_payload(button.payload) else None

    def withdraw_offer(self) -> None:
        self.offer_nonce = None
        self.offer_buttons = []
        self.offer_message_ids = []
        self.conversation.offered_payloads = set()

    def attach_to(self, report_id: int, reference: str, now: float) -> None:
        self.attach_report_id = report_id
        self.attach_reference = reference
        self.attach_until = now + ATTACH_WINDOW_SECONDS

    def attach_target(self, now: float) -> tuple[int, str] | None:
        if self.attach_report_id is None or self.attach_reference is None:
            return None
        if now > self.attach_until:
            self.clear_attach_target()
            return None
        return self.attach_report_id, self.attach_reference

    def clear_attach_target(self) -> None:
        self.attach_report_id = None
        self.attach_reference = None
        self.attach_until = 0.0


class UserLocks:
    """One asyncio lock per user, so one reporter's updates are handled one at a time, in order."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, user_id: int) -> asyncio.Lock:
        found = self._locks.get(user_id)
        if found is None:
            found = asyncio.Lock()
            self._locks[user_id] = found
        return found
