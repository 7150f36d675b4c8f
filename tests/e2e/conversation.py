"""Driving a conversation over Rasa's REST channel by answering whatever the assistant asks."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.rasa_client import Conversation, Reply
from tests.rasa_rest import RasaClient, asked_in

REFERENCE = re.compile(r"\bSR-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


def question_in(replies: list[Reply]) -> str | None:
    for reply in reversed(replies):
        slot = asked_in(reply.text) if reply.text else None
        if slot is not None:
            return slot
    return None


@dataclass
class Chat:
    client: RasaClient
    conversation: Conversation = field(
        default_factory=lambda: Conversation(pseudonym=f"e2e-{uuid.uuid4().hex}")
    )
    log: list[tuple[str, list[str]]] = field(default_factory=list)

    def say(self, text: str) -> list[Reply]:
        replies = self.client.send_typed(self.conversation, text)
        self.log.append((text, [r.text or "" for r in replies]))
        return replies

    def press(self, payload: str) -> list[Reply]:
        replies = self.client.press_button(self.conversation, payload)
        self.log.append((payload, [r.text or "" for r in replies]))
        return replies

    def transcript(self) -> str:
        return "\n".join(f"> {said}\n" + "\n".join(f"  {r}" for r in got) for said, got in self.log)

    def answer_questions(
        self, replies: list[Reply], answers: Mapping[str, str], limit: int = 25
    ) -> tuple[list[Reply], list[str]]:
        """Answers each question from ``answers`` until none is asked; returns the slots asked."""
        asked: list[str] = []
        for _ in range(limit):
            slot = question_in(replies)
            if slot is None:
                return replies, asked
            asked.append(slot)
            assert slot in answers, f"unexpected question {slot}\n{self.transcript()}"
            replies = self.say(answers[slot])
        raise AssertionError(f"the interview did not end\n{self.transcript()}")


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text or "" for r in replies)
