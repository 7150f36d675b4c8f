"""A reporter on the Telegram stand-in who files one complete report whatever goes wrong.

The reporter behaves as a patient person would: answers the question in front of them, waits
when told the assistant is unavailable, types the answer when a button has expired, types "yes"
again when saving failed, and only repeats themselves when nothing at all came back. Every such
event is counted, so the fault suite can tell a clear message from silence.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from bot import texts
from scamreport.settings import PROJECT_ROOT
from telegram_standin.driver import ChatUser, SentMessage, StandinError
from tests.bot.telegram_chat import Press
from tests.e2e.conversation import REFERENCE
from tests.rasa_rest import asked_in

OPENING = "I'm in Malaysia. I ordered 20 boxes of N95 masks from a website and nothing came"
SUBMIT = "submit"
SUBMITTED = "submitted"
SUBMIT_FAILED_MARKER = "couldn't save your report"
NOT_UNDERSTOOD = "Sorry, I didn't understand that."
# Every report of the suite goes at least to Malaysia's police (as JSON).
PRIMARY_DELIVERY = ("my-pdrm", "json")
# After "something went wrong, try again in a minute" a reporter waits this long, then retries.
RETRY_AFTER_SECONDS = 20.0


def fake_shop_answers(shop_name: str) -> dict[str, str | Press]:
    """A complete fake-shop interview; ``shop_name`` tells the reports apart."""
    return {
        "country": "Malaysia",
        "shop_name": shop_name,
        "shop_link": "skip",
        "items_ordered": "20 boxes of masks",
        "amount_lost": "RM 400",
        "payment_method": "bank transfer",
        "payee_account": "skip",
        "item_received": Press("Nothing arrived"),
        "incident_date": "yesterday",
        "story": "The seller stopped answering after I paid. His WhatsApp was +65 8123 4567.",
        "consent_forward": Press("Yes, and abroad if needed"),
        "contact_permission": Press("No contact please"),
    }


@lru_cache(maxsize=1)
def button_payloads() -> dict[str, str]:
    """Button title -> what a reporter types instead when the button no longer works."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    typed: dict[str, str] = {}
    for variants in domain["responses"].values():
        for variant in variants:
            for button in variant.get("buttons") or ():
                payload = str(button["payload"])
                # Typed text never reaches Rasa as an intent: say it in words instead.
                typed[str(button["title"])] = (
                    button["title"] if payload.startswith("/") else payload
                )
    return typed


@dataclass
class Outcome:
    """What one reporter went through."""

    name: str
    user_id: int
    reference: str | None = None
    events: Counter[str] = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)
    error: str | None = None

    def transcript(self, last: int = 60) -> str:
        return "\n".join(self.log[-last:])


StepHook = Callable[["Reporter", str], None]


@dataclass
class Reporter:
    """Drives one user through the interview; ``on_step`` hears each step just after it is sent."""

    user: ChatUser
    name: str
    answers: Mapping[str, str | Press]
    on_step: StepHook = lambda reporter, step: None
    silence_seconds: float = 300.0
    # After "please try again in a minute": long enough for Rasa to restart and the bot to replay.
    outage_seconds: float = 600.0
    max_actions: int = 40
    # More "didn't understand" than this after retyping: the reporter is stuck.
    max_not_understood: int = 3
    outcome: Outcome = field(init=False)
    step: str = field(init=False, default="")
    _last: tuple[str, Callable[[], None]] | None = field(init=False, default=None)
    _told_to_wait: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.outcome = Outcome(name=self.name, user_id=self.user.id)

    # --- doing ---

    def _act(self, step: str, description: str, action: Callable[[], None]) -> None:
        self.step = step
        self._last = (description, action)
        self.outcome.log.append(f"> {description}")
        action()
        self.on_step(self, step)

    def _say(self, step: str, text: str) -> None:
        self._act(step, text, lambda: self.user.send_text(text))

    def _press(self, step: str, message: SentMessage, title: str) -> None:
        def press() -> None:
            try:
                self.user.press(message, title)
            except StandinError:
                # The bot took the buttons away meanwhile: say it in words instead.
                self.outcome.events["button gone"] += 1
                self.user.send_text(button_payloads().get(title, title))

        self._act(step, f"[press {title}]", press)

    def _answer(self, slot: str, message: SentMessage) -> None:
        answer = self.answers[slot]
        if isinstance(answer, Press):
            self._press(slot, message, answer.title)
        else:
            self._say(slot, answer)

    # --- reading ---

    def _read(self) -> list[SentMessage]:
        """The bot's next messages; [] after ``silence_seconds`` of silence."""
        timeout = self.outage_seconds if self._told_to_wait else self.silence_seconds
        deadline = time.monotonic() + timeout
        got: list[SentMessage] = []
        # The stand-in caps each long poll: keep asking until the reporter's patience ends.
        while not got and time.monotonic() < deadline:
            got = self.user.replies(timeout=max(0.0, deadline - time.monotonic()), quiet=1.0)
        self.outcome.log.extend(f"  {m.body[:200]!r}" for m in got)
        return got

    def run(self) -> Outcome:
        try:
            self._run()
        except (AssertionError, StandinError, OSError) as error:
            self.outcome.error = f"{type(error).__name__}: {error}"
        return self.outcome

    def _run(self) -> None:
        self._say("start", "/start")
        for _ in range(self.max_actions):
            got = self._read()
            if not got:
                self.outcome.events["silence"] += 1
                self._repeat()
                continue
            if self._react(got):
                return
        raise AssertionError(f"{self.name}: no reference after {self.max_actions} actions")

    def _repeat(self) -> None:
        """Nothing came back at all: do the last thing again, as a person would."""
        if self._last is None:
            raise AssertionError(f"{self.name}: silence before anything was sent")
        description, action = self._last
        self.outcome.log.append(f"> (again) {description}")
        action()

    def _react(self, got: list[SentMessage]) -> bool:
        """Does the next thing after ``got``; True once the reporter has their reference."""
        bodies = [m.body for m in got]
        joined = "\n".join(bodies)
        match = REFERENCE.search(joined)
        if match:
            self.outcome.reference = match.group(0)
            self.step = SUBMITTED
            self.on_step(self, SUBMITTED)
            return True
        self._count_notices(bodies)
        last = got[-1]
        self._told_to_wait = last.body in (
            texts.get("unavailable", "en"),
            texts.get("still_unavailable", "en"),
        )
        if self._told_to_wait:
            return False  # told to wait: the answer comes when the assistant is back
        if last.body.startswith(NOT_UNDERSTOOD) and (
            self.outcome.events["told not understood"] > self.max_not_understood
        ):
            raise AssertionError(f"{self.name}: stuck, nothing they type is understood")
        if last.body == texts.get("button_expired", "en") or last.body.startswith(NOT_UNDERSTOOD):
            self._retype()
            return False
        if last.body.startswith(texts.get("unavailable_resend", "en", message="").strip()):
            self._repeat()
            return False
        if last.body == texts.get("something_went_wrong", "en"):
            time.sleep(RETRY_AFTER_SECONDS)
            self._repeat()
            return False
        if texts.get("consent_yes", "en") in [title for title, _ in last.buttons]:
            self._press("agree", last, texts.get("consent_yes", "en"))
            return False
        return self._next_answer(got)

    def _count_notices(self, bodies: list[str]) -> None:
        for body in bodies:
            if body == texts.get("unavailable", "en"):
                self.outcome.events["told unavailable"] += 1
            elif body == texts.get("still_unavailable", "en"):
                self.outcome.events["told still unavailable"] += 1
            elif body == texts.get("resumed", "en"):
                self.outcome.events["resumed"] += 1
            elif body == texts.get("button_expired", "en"):
                self.outcome.events["button expired"] += 1
            elif SUBMIT_FAILED_MARKER in body:
                self.outcome.events["told saving failed"] += 1
            elif body.startswith(NOT_UNDERSTOOD):
                self.outcome.events["told not understood"] += 1
            elif body == texts.get("something_went_wrong", "en"):
                self.outcome.events["told to try again"] += 1

    def _next_answer(self, got: list[SentMessage]) -> bool:
        for message in reversed(got):
            slot = asked_in(message.body)
            if slot is not None:
                self._answer(slot, message)
                return False
            if message.body.endswith("Is this correct?") and message.buttons:
                self._press(SUBMIT, message, "Yes, submit it")
                return False
            if "what happened" in message.body and self.step in ("start", "agree"):
                self._say("opening", OPENING)
                return False
            if SUBMIT_FAILED_MARKER in message.body:
                self._say(SUBMIT, "yes")
                return False
        # Something else (an echo, advice): wait for what follows.
        return False

    def _retype(self) -> None:
        """The last answer did not get through as meant (its button is gone, or it was not
        understood): type it in words, as a person would."""
        if self._last is None:
            raise AssertionError(f"{self.name}: asked to say again before saying anything")
        description = self._last[0]
        if description.startswith("[press "):
            title = description.removeprefix("[press ").removesuffix("]")
            description = button_payloads().get(title, title)
        self._say(self.step, description)


class Progress:
    """Which steps reporters have reached; a fault waits for one to strike mid-step."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._reached: list[tuple[str, float]] = []
        self._closed = False

    def hook(self, reporter: Reporter, step: str) -> None:
        with self._condition:
            self._reached.append((step, time.monotonic()))
            self._condition.notify_all()

    def wait_for(self, step: str, *, after: int, timeout: float) -> int | None:
        """Waits until a reporter reaches ``step`` (at an index past ``after``); returns the
        index of that moment, or None if none did in time."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for index in range(after, len(self._reached)):
                    if self._reached[index][0] == step:
                        return index + 1
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    return None
                self._condition.wait(remaining)

    def close(self) -> None:
        """Every reporter is done: steps not reached by now never will be."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()
