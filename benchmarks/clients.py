"""Simulated reporters: over Rasa's REST channel, or as Telegram users through the stand-in.

A *script* is the list of texts one reporter types, one per turn; each turn waits for its
replies before the next is typed. ``learn_*`` plays one conversation adaptively (answering
whatever the assistant asks) and returns the script and how many replies each turn had, which
the timed runs then replay and check (every turn complete, nothing extra, in order).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.rasa_client import WEBHOOK_PATH
from scamreport.channel import CHANNEL_TOKEN_HEADER
from tests.rasa_rest import FAKE_POLICE_ANSWERS, FAKE_POLICE_STORY, asked_in

# The project's interview: a greeting (a response-only turn), an opening story (custom actions
# start the report), then form answers (each runs the form's validation action).
PROJECT_OPENING = ["hello", FAKE_POLICE_STORY]
PROJECT_ANSWERS = FAKE_POLICE_ANSWERS
# The kind of each turn of the project's script, by position (then "form" for the rest).
PROJECT_KINDS = ["greet", "story"]
# The bare assistant: "hello" is answered by a response, "are you a bot?" by a custom action.
BARE_SCRIPT = ["hello", "are you a bot?"]
BARE_KINDS = ["greet", "custom_action"]

_user_ids = itertools.count(random.randint(10**9, 2 * 10**9))


def turn_kind(kinds: Sequence[str], index: int) -> str:
    return kinds[index] if index < len(kinds) else "form"


def asked_slot(replies: Sequence[str]) -> str | None:
    for reply in reversed(replies):
        slot = asked_in(reply)
        if slot:
            return slot
    return None


@dataclass
class Turn:
    kind: str
    seconds: float
    replies: list[str]
    error: str | None = None


@dataclass
class Transcript:
    turns: list[Turn] = field(default_factory=list)


class TurnError(RuntimeError):
    pass


# --- REST -------------------------------------------------------------------------------


class RestReporter:
    """One conversation over Rasa's REST channel (the project's, with its secret, or stock)."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, channel_token: str | None):
        self.client = client
        self.url = base_url.rstrip("/") + WEBHOOK_PATH
        self.headers = {CHANNEL_TOKEN_HEADER: channel_token} if channel_token else {}
        self.sender = f"bench-{uuid.uuid4().hex}"

    async def say(self, text: str, expected: int | None = None) -> tuple[float, list[str]]:
        started = time.perf_counter()
        response = await self.client.post(
            self.url, json={"sender": self.sender, "message": text}, headers=self.headers
        )
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise TurnError(f"HTTP {response.status_code}")
        replies = [str(r.get("text") or "") for r in response.json()]
        if expected is not None and len(replies) != expected:
            raise TurnError(f"{len(replies)} replies, expected {expected}")
        return elapsed, replies


# --- Telegram, through the stand-in ------------------------------------------------------


class TelegramReporter:
    """One Telegram user typing to the bot through the stand-in's control API."""

    def __init__(self, client: httpx.AsyncClient, standin_url: str, *, quiet: float = 2.0):
        self.client = client
        self.url = standin_url.rstrip("/") + "/_standin"
        self.user = {"id": next(_user_ids), "first_name": "Bench", "language_code": "en"}
        self.after = 0
        self.quiet = quiet

    async def _messages(self, timeout: float) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"{self.url}/chats/{self.user['id']}/messages",
            params={"after": self.after, "timeout": timeout},
            timeout=timeout + 30,
        )
        response.raise_for_status()
        return list(response.json()["messages"])

    async def say(
        self, text: str, expected: int | None = None, timeout: float = 120.0
    ) -> tuple[float, list[str]]:
        """Types ``text``; waits for ``expected`` replies (or, learning, until quiet)."""
        started = time.perf_counter()
        response = await self.client.post(
            f"{self.url}/messages", json={"user": self.user, "message": {"text": text}}
        )
        response.raise_for_status()
        got: list[dict[str, Any]] = []
        last_at = started
        deadline = started + timeout
        while True:
            now = time.perf_counter()
            if expected is not None and len(got) >= expected:
                break
            if now >= deadline:
                raise TurnError(f"{len(got)} replies after {timeout:.0f}s, expected {expected}")
            if expected is None and got and now - last_at >= self.quiet:
                break
            wait = min(deadline - now, self.quiet if expected is None and got else 50.0)
            new = await self._messages(max(0.05, wait))
            if new:
                got.extend(new)
                self.after = max(int(m["seq"]) for m in new)
                last_at = time.perf_counter()
        elapsed = last_at - started
        if expected is not None and len(got) != expected:
            raise TurnError(f"{len(got)} replies, expected {expected}")
        seqs = [int(m["seq"]) for m in got]
        if seqs != sorted(seqs):
            raise TurnError("replies out of order")
        return elapsed, [str(m.get("text") or m.get("caption") or "") for m in got]

    async def extra_messages(self) -> int:
        """Messages that arrived after the script was done (should be none)."""
        return len(await self._messages(0))


Reporter = RestReporter | TelegramReporter


async def bot_api_calls(client: httpx.AsyncClient, standin_url: str) -> dict[str, int]:
    """How many Bot API requests the bot has made to the stand-in so far, by method."""
    response = await client.get(standin_url.rstrip("/") + "/_standin/calls")
    response.raise_for_status()
    counts: dict[str, int] = {}
    for call in response.json()["calls"]:
        counts[call["method"]] = counts.get(call["method"], 0) + 1
    return counts


async def learn(
    make: Callable[[], Reporter], opening: Sequence[str], answers: dict[str, str], max_turns: int
) -> tuple[list[str], list[int]]:
    """Plays one conversation answering what is asked; returns its script and reply counts."""
    reporter = make()
    script: list[str] = []
    counts: list[int] = []
    replies: list[str] = []
    for text in opening:
        _, replies = await reporter.say(text)
        script.append(text)
        counts.append(len(replies))
    asked: set[str] = set()
    while len(script) < max_turns:
        slot = asked_slot(replies)
        if slot is None or slot not in answers or slot in asked:
            break
        asked.add(slot)
        _, replies = await reporter.say(answers[slot])
        script.append(answers[slot])
        counts.append(len(replies))
    if any(count == 0 for count in counts):
        raise TurnError(
            f"a turn of the learned script had no reply: {list(zip(script, counts, strict=True))}"
        )
    return script, counts


async def play(
    reporter: Reporter, script: Sequence[str], counts: Sequence[int], kinds: Sequence[str]
) -> Transcript:
    """Replays ``script``; a failed turn ends the conversation (later turns would differ)."""
    transcript = Transcript()
    for index, (text, count) in enumerate(zip(script, counts, strict=True)):
        kind = turn_kind(kinds, index)
        try:
            seconds, replies = await reporter.say(text, expected=count)
            transcript.turns.append(Turn(kind, seconds, replies))
        except (TurnError, httpx.HTTPError, ValueError) as error:
            transcript.turns.append(Turn(kind, 0.0, [], f"{type(error).__name__}: {error}"))
            break
    return transcript


def http_client(connections: int = 400, timeout: float = 180.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=timeout,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    )


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
