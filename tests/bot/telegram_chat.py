"""Interviews on the Telegram stand-in: answering whatever the real assistant asks.

Questions are recognised by the first line of their utter_ask_<slot> text in domain.yml (as in
tests/e2e/conversation.py); an answer is typed, or pressed when it is a ``Press``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from telegram_standin.driver import ChatUser, SentMessage
from tests.rasa_rest import asked_in


@dataclass(frozen=True)
class Press:
    """Answer by tapping the inline button with this title."""

    title: str


@dataclass(frozen=True)
class ShareContact:
    """Answer by tapping Telegram's share-contact button."""

    phone_number: str


Answer = str | Press | ShareContact


@dataclass
class TelegramChat:
    user: ChatUser
    log: list[tuple[str, list[str]]] = field(default_factory=list)
    timeout: float = 60.0

    def _got(self, said: str) -> list[SentMessage]:
        """The bot's answer: past the "✔ choice" echo it sends at once for a button press."""
        got: list[SentMessage] = []
        while True:
            batch = self.user.replies(timeout=self.timeout, quiet=1.0)
            got.extend(batch)
            if not batch or any(not m.body.startswith("✔") for m in batch):
                break
        self.log.append((said, [m.body for m in got]))
        return got

    def say(self, text: str) -> list[SentMessage]:
        self.user.send_text(text)
        return self._got(text)

    def press(self, message: SentMessage, title: str) -> list[SentMessage]:
        self.user.press(message, title)
        return self._got(f"[pressed {title}]")

    def share_contact(self, phone_number: str) -> list[SentMessage]:
        self.user.share_contact(phone_number)
        return self._got(f"[shared contact {phone_number}]")

    def transcript(self) -> str:
        return "\n".join(
            f"> {said}\n" + "\n".join(f"  {line[:300]}" for line in got) for said, got in self.log
        )

    def question_in(self, replies: list[SentMessage]) -> tuple[str, SentMessage] | None:
        for message in reversed(replies):
            slot = asked_in(message.body)
            if slot is not None:
                return slot, message
        return None

    def answer(self, message: SentMessage, answer: Answer) -> list[SentMessage]:
        if isinstance(answer, Press):
            return self.press(message, answer.title)
        if isinstance(answer, ShareContact):
            return self.share_contact(answer.phone_number)
        return self.say(answer)

    def answer_questions(
        self, replies: list[SentMessage], answers: Mapping[str, Answer], limit: int = 30
    ) -> tuple[list[SentMessage], list[str]]:
        """Answers each question from ``answers`` until none is asked; returns the slots asked."""
        asked: list[str] = []
        for _ in range(limit):
            found = self.question_in(replies)
            if found is None:
                return replies, asked
            slot, message = found
            asked.append(slot)
            assert slot in answers, f"unexpected question {slot}\n{self.transcript()}"
            replies = self.answer(message, answers[slot])
        raise AssertionError(f"the interview did not end\n{self.transcript()}")


def texts(messages: list[SentMessage]) -> str:
    return "\n".join(m.body for m in messages)
