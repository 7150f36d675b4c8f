"""The report-level kill tests' knobs, their scripted reporters and their results file.

| variable | default (`make test`) | `make scale` |
|---|---|---|
| `SCALE_REPLICAS` | `2` | `3` (Rasa replicas behind HAProxy) |
| `SCALE_REPORTERS` | `6` | `6` (whole reports filed at once over REST) |
| `SCALE_LOAD_REPORTERS` | `20` | `20` (whole reports filed at once through the bot) |
| `SCALE_RESULTS` | unset | `results/scale.md` |

Over REST, each reporter plays the fake-police interview of tests/rasa_rest.py over Rasa's REST
channel with the bot's rules and its conversation header (tests/e2e/conversation.py), in two
parts, so that a replica can be killed while every conversation is in the middle of its form.
Through the bot, each reporter is a Telegram user of the stand-in filing a whole fake-shop report
(tests/chaos/reporter.py: patient when told to wait), timed message by message (``TimedChatUser``).
Each test writes its own section of the results file (``record``), keeping the others'.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot import texts as bot_texts
from bot.rasa_client import Conversation, Reply, neutralise_typed_text
from scamreport.settings import whole_number
from telegram_standin.driver import ChatUser, SentMessage
from tests.chaos.reporter import Reporter as TelegramReporter
from tests.e2e.conversation import REFERENCE, Chat, question_in, texts
from tests.rasa_rest import FAKE_POLICE_ANSWERS, FAKE_POLICE_STORY, RasaClient, asked_in

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


def scale_load_reporters() -> int:
    return whole_number(os.environ, "SCALE_LOAD_REPORTERS", 20, minimum=2, error=pytest.UsageError)


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


# --- the results file: one section per test ------------------------------------------------

RESULTS_TITLE = "# Scale-out kill tests"
MID_FORM_SECTION = "A replica killed mid-form (REST)"
UNDER_LOAD_SECTION = "A replica killed under load (through the bot)"


def sections_of(text: str) -> dict[str, str]:
    """The ``## title`` sections of a results file, by title, in order."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = found.setdefault(line[3:].strip(), [])
            current.clear()
        elif current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in found.items()}


def record(path: Path, section: str, body: str) -> None:
    """Writes ``body`` as the section ``section`` of ``path``, keeping the other sections."""
    sections = sections_of(path.read_text()) if path.exists() else {}
    sections[section] = body.strip()
    parts = [RESULTS_TITLE, ""] + [f"## {title}\n\n{text}\n" for title, text in sections.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts))


# --- reporters through the bot, under load --------------------------------------------------


@dataclass
class TimedChatUser(ChatUser):
    """A stand-in user who notes when each of the bot's messages reached them."""

    heard: list[tuple[float, SentMessage]] = field(default_factory=list)

    def poll(self, timeout: float = 0.0) -> list[SentMessage]:
        messages = super().poll(timeout)
        now = time.monotonic()
        self.heard.extend((now, message) for message in messages)
        return messages


class Steps:
    """Counts the messages the reporters have sent; the test kills a replica after so many."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.sent = 0

    def hook(self, reporter: TelegramReporter, step: str) -> None:
        with self.condition:
            self.sent += 1
            self.condition.notify_all()

    def wait_for(self, count: int, *, timeout: float) -> bool:
        with self.condition:
            return self.condition.wait_for(lambda: self.sent >= count, timeout=timeout)


def notices() -> tuple[str, ...]:
    """What the bot says while Rasa cannot answer (not an answer of the interview)."""
    return tuple(
        bot_texts.get(key, "en")
        for key in ("unavailable", "still_unavailable", "resumed", "something_went_wrong")
    ) + (bot_texts.get("unavailable_resend", "en", message="").strip(),)


def is_answer(message: SentMessage) -> bool:
    """A message of the interview itself: not one of the bot's notices."""
    return not any(message.body.startswith(notice) for notice in notices() if notice)


def seconds_to_answer(user: TimedChatUser, since: float) -> float | None:
    """How long after ``since`` the first answer of the interview reached ``user``."""
    for moment, message in user.heard:
        if moment >= since and is_answer(message):
            return moment - since
    return None


def asked_slots(user: TimedChatUser) -> list[str]:
    """The slots the questions ``user`` got asked for, in the order they arrived, a question
    asked again at once (after "didn't understand") counted once."""
    slots: list[str] = []
    for _, message in user.heard:
        slot = asked_in(message.body)
        if slot is not None and (not slots or slots[-1] != slot):
            slots.append(slot)
    return slots


def out_of_order(sequences: Sequence[list[str]]) -> int:
    """Reporters whose questions came in another order than most reporters', or came back
    after a later one (an answer arriving late, or twice)."""
    usual, _ = Counter(tuple(slots) for slots in sequences).most_common(1)[0]
    return sum(1 for slots in sequences if tuple(slots) != usual or len(set(slots)) != len(slots))


def taken_twice_or_late(events: Sequence[Mapping[str, object]], update_key: str) -> int:
    """User messages of one tracker that Rasa took twice (the same Telegram update and text)
    or after a later update (out of order)."""
    seen: set[tuple[object, object]] = set()
    wrong = 0
    last = -1
    for event in events:
        if event.get("event") != "user":
            continue
        metadata = event.get("metadata") or {}
        update = metadata.get(update_key) if isinstance(metadata, dict) else None
        if not isinstance(update, int):
            continue
        key = (update, event.get("text"))
        if key in seen or update < last:
            wrong += 1
        seen.add(key)
        last = max(last, update)
    return wrong


@dataclass(frozen=True)
class UnderLoadResult:
    replicas: int
    reporters: int
    killed: str
    mid_conversation: int
    referenced: int
    filed: int
    duplicates: int
    lost: int
    out_of_order: int
    taken_twice: int
    seen: str
    detected_seconds: float | None
    recovery_seconds: float | None
    seconds: float


def load_markdown(result: UnderLoadResult) -> str:
    r = result

    def number(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds:.0f}"

    return "\n".join(
        [
            "Written by `make scale` (tests/deploy/test_stack_replicas.py, "
            "`test_reports_through_the_bot_survive_a_replica_killed_under_load`). The same "
            "replicas behind HAProxy, with the Telegram stand-in and the real bot (`python -m "
            "bot`, default settings) in front: every reporter, a Telegram user, files a whole "
            "fake-shop report at once, and the replica that served the most sessions since "
            "they began is SIGKILLed while they keep sending. *mid-conversation*: reporters "
            "who had begun and had no reference at the kill; *filed*: rows in `reports` from "
            "their conversations; *duplicates*: reports beyond one per conversation; *lost*: "
            "reporters without a reference or whose reference is not stored; *out of order*: "
            "reporters whose questions came in another order than the others' or came back; "
            "*taken twice*: messages a tracker holds twice or after a later one; *detected*: "
            "the kill to HAProxy counting the replica down; *recovered*: the kill to the last "
            "mid-conversation reporter getting an answer of the interview again (not a "
            "notice); *seconds*: first message to last reference.",
            "",
            "| Rasa replicas | reporters | killed | mid-conversation | referenced | filed "
            "| duplicates | lost | out of order | taken twice | what reporters saw "
            "| detected (s) | recovered (s) | seconds |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            f"| {r.replicas} | {r.reporters} | {r.killed} | {r.mid_conversation} "
            f"| {r.referenced} | {r.filed} | {r.duplicates} | {r.lost} | {r.out_of_order} "
            f"| {r.taken_twice} | {r.seen} | {number(r.detected_seconds)} "
            f"| {number(r.recovery_seconds)} | {r.seconds:.0f} |",
            "",
        ]
    )
