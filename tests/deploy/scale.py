"""The report-level kill test's knobs, its scripted reporters and its results file.

| variable | default (`make test`) | `make scale` |
|---|---|---|
| `SCALE_REPLICAS` | `2` | `3` (Rasa replicas behind HAProxy) |
| `SCALE_REPORTERS` | `6` | `6` (whole reports filed at once) |
| `SCALE_RESULTS` | unset | `results/scale.md` |

Each reporter plays the fake-police interview of tests/rasa_rest.py over Rasa's REST channel
with the bot's rules and its conversation header (tests/e2e/conversation.py), in two parts, so
that a replica can be killed while every conversation is in the middle of its form.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.rasa_client import Conversation, Reply, neutralise_typed_text
from scamreport.settings import whole_number
from tests.e2e.conversation import REFERENCE, Chat, question_in, texts
from tests.rasa_rest import FAKE_POLICE_ANSWERS, FAKE_POLICE_STORY, RasaClient

ANSWERS: Mapping[str, str] = {
    **FAKE_POLICE_ANSWERS,
    "consent_forward": "yes, send it to my national agency",
    "contact_permission": "yes, contact me in this chat",
}
# More questions than the interview has: a loop is a failure, not a hang.
MAX_QUESTIONS = 25
CONFIRM = "/affirm"


def scale_replicas() -> int:
    return whole_number(os.environ, "SCALE_REPLICAS", 2, minimum=2, error=pytest.UsageError)


def scale_reporters() -> int:
    return whole_number(os.environ, "SCALE_REPORTERS", 6, minimum=2, error=pytest.UsageError)


def scale_results() -> Path | None:
    value = os.environ.get("SCALE_RESULTS", "").strip()
    return Path(value) if value else None


def pseudonyms(count: int) -> list[str]:
    """Fixed 64-character ids (the length of the bot's pseudonyms): HAProxy's consistent hash
    puts each on the same replica every run, so the spread the test asserts is reproducible."""
    return [f"{index:02d}" + "ab" * 31 for index in range(count)]


@dataclass
class Reporter:
    """One scripted reporter; ``sent`` is what Rasa received, in order (its tracker's user
    turns must be exactly these)."""

    pseudonym: str
    chat: Chat
    replies: list[Reply] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)

    @classmethod
    def over(cls, rasa_url: str, *, channel_token: str, pseudonym: str) -> Reporter:
        # Its own HTTP session: each reporter runs in its own thread.
        client = RasaClient(rasa_url, channel_token=channel_token, timeout=120)
        return cls(pseudonym=pseudonym, chat=Chat(client, Conversation(pseudonym)))

    def say(self, text: str) -> None:
        self.sent.append(neutralise_typed_text(text))
        self.replies = self.chat.say(text)

    def begin(self, answers: int) -> None:
        """Greets, tells the story and answers the first ``answers`` questions."""
        self.say("hello")
        self.say(FAKE_POLICE_STORY)
        answered = self.answer(limit=answers)
        assert answered == answers, f"{self.pseudonym}: the form ended early\n{self.transcript()}"

    def finish(self) -> None:
        """Answers the remaining questions and confirms the summary."""
        self.answer(limit=MAX_QUESTIONS)
        assert question_in(self.replies) is None, f"the interview did not end\n{self.transcript()}"
        assert "Here is your report" in texts(self.replies), self.transcript()
        assert self.chat.conversation.accepts_payload(CONFIRM), self.transcript()
        self.sent.append(CONFIRM)
        self.replies = self.chat.press(CONFIRM)

    def answer(self, *, limit: int) -> int:
        answered = 0
        while answered < limit and (slot := question_in(self.replies)) is not None:
            assert slot in ANSWERS, f"unexpected question {slot}\n{self.transcript()}"
            self.say(ANSWERS[slot])
            answered += 1
        return answered

    def references(self) -> set[str]:
        """Every reference number the assistant gave this reporter."""
        return {
            ref for _, replies in self.chat.log for r in replies for ref in REFERENCE.findall(r)
        }

    def transcript(self) -> str:
        return f"[{self.pseudonym}]\n{self.chat.transcript()}"


@dataclass(frozen=True)
class ScaleResult:
    replicas: int
    reporters: int
    killed: str
    on_killed: int
    referenced: int
    filed: int
    duplicates: int
    lost: int
    delivery_sets: str
    seconds: float


def markdown(result: ScaleResult) -> str:
    r = result
    return "\n".join(
        [
            "# Scale-out kill test",
            "",
            "Written by `make scale` (tests/deploy/test_stack_replicas.py, "
            "`test_reports_survive_a_replica_killed_mid_form`). Rasa replicas with the "
            "bundle's endpoints (tracker store on PostgreSQL, lock store on Redis) behind "
            "Debian's HAProxy; each reporter files a whole fake-police report over the REST "
            "channel with the bot's conversation header; one replica is SIGKILLed when every "
            "conversation is mid-form. *filed*: rows in `reports` from the reporters' "
            "conversations; *duplicates*: reports beyond one per conversation; *lost*: "
            "reporters without a stored report; *seconds*: first message to last reference.",
            "",
            "| Rasa replicas | reporters | killed | its conversations | referenced | filed "
            "| duplicates | lost | deliveries per report | seconds |",
            "|---|---|---|---|---|---|---|---|---|---|",
            f"| {r.replicas} | {r.reporters} | {r.killed} | {r.on_killed} | {r.referenced} "
            f"| {r.filed} | {r.duplicates} | {r.lost} | {r.delivery_sets} | {r.seconds:.0f} |",
            "",
        ]
    )
