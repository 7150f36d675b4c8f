"""Playing a persona through the Telegram stand-in: answer only what the bot asks.

The simulator is a Telegram user (telegram_standin.driver.ChatUser) talking to the real bot,
Rasa and actions. Each bot message is named after the domain response it renders
(questions.Catalogue); a question ``utter_ask_<name>`` is answered from the persona's facts
(``facts.answer_for``), pressing a button when the fact matches one. Questions are recognised
in every language the bot speaks; the persona answers in its own, from a Telegram client that
sends its ``language_code``. It stops at the reference number, or after ``max_turns`` messages
from the victim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from telegram_standin.driver import ChatUser, Driver, SentMessage
from tests.conversations.facts import Reply, answer_for
from tests.conversations.personas import SUMMARY, Persona, words_of
from tests.conversations.questions import Catalogue, question_name

REFERENCE = re.compile(r"\bSR-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
ECHO = "✔"  # the bot's echo of a pressed button
CONSENT_CALLBACK = "consent:yes"  # the privacy notice's "I agree" (bot/handlers/commands.py)
URGENT_RESPONSES = ("utter_urgent_stop", "utter_urgent_sextortion")  # stop-now advice
DEFAULT_MAX_TURNS = 40
MAX_NUDGES = 2


@dataclass
class Turn:
    said: str
    replies: list[str]
    buttons: list[str] = field(default_factory=list)  # the titles the replies offered


@dataclass
class Playthrough:
    """What happened when one persona was played."""

    persona_id: str
    user_id: int
    questions: list[str] = field(default_factory=list)  # every question, re-asks included
    unanswered: list[str] = field(default_factory=list)  # asked about facts the persona lacks
    reference: str | None = None
    error: str | None = None
    urgent_advice_first: bool | None = None  # stop-now advice before the first question
    transcript: list[Turn] = field(default_factory=list)
    seconds: float = 0.0
    opening_turn: int | None = None  # the transcript's turn where the story was first told

    def text(self, width: int = 300) -> str:
        return "\n".join(
            f"> {t.said}\n" + "\n".join(f"  {line[:width]}" for line in t.replies)
            for t in self.transcript
        )


@dataclass
class Simulator:
    driver: Driver
    catalogue: Catalogue
    max_turns: int = DEFAULT_MAX_TURNS
    timeout: float = 60.0
    quiet: float = 0.8

    # --- talking ---

    def _read(
        self, user: ChatUser, said: str, play: Playthrough, *, timeout: float | None = None
    ) -> list[SentMessage]:
        """The bot's answer, past the echo it sends at once for a pressed button."""
        got: list[SentMessage] = []
        while True:
            batch = user.replies(timeout=timeout or self.timeout, quiet=self.quiet)
            got.extend(batch)
            if not batch or any(not m.body.startswith(ECHO) for m in batch):
                break
        titles = [title for m in got for title, _ in m.buttons]
        play.transcript.append(Turn(said, [m.body for m in got], titles))
        return [m for m in got if not m.body.startswith(ECHO)]

    def _say(self, user: ChatUser, text: str, play: Playthrough) -> list[SentMessage]:
        user.send_text(text)
        return self._read(user, text, play)

    def _press(
        self, user: ChatUser, message: SentMessage, index: int, play: Playthrough
    ) -> list[SentMessage]:
        title = message.buttons[index][0]
        user.press(message, index)
        return self._read(user, f"[pressed {title}]", play)

    def _reply(
        self, user: ChatUser, message: SentMessage, reply: Reply, play: Playthrough
    ) -> list[SentMessage]:
        if reply.button is not None:
            return self._press(user, message, reply.button, play)
        return self._say(user, reply.text, play)

    # --- reading ---

    def _named(self, messages: list[SentMessage]) -> list[tuple[str | None, SentMessage]]:
        """Each response the bot sent, named: a message of several replies counts as its parts
        (only the last holds the message's buttons)."""
        named: list[tuple[str | None, SentMessage]] = []
        for message in messages:
            if message.photo is not None:
                named.append((self.catalogue.name_of(message.body), message))
                continue
            parts = self.catalogue.parts(message.body)
            if len(parts) == 1:
                named.append((parts[0][0].name if parts[0][0] else None, message))
                continue
            for number, (template, text) in enumerate(parts, start=1):
                markup = message.reply_markup if number == len(parts) else None
                part = replace(message, text=text, reply_markup=markup)
                named.append((template.name if template else None, part))
        return named

    def _pending(
        self, named: list[tuple[str | None, SentMessage]]
    ) -> tuple[str, SentMessage] | None:
        """The last question (or the summary) in the bot's answer."""
        for index in range(len(named) - 1, -1, -1):
            name, message = named[index]
            if name == "utter_summary":
                with_buttons = [m for _, m in named[index:] if m.buttons]
                return name, (with_buttons[-1] if with_buttons else message)
            if question_name(name):
                return name, message  # type: ignore[return-value]
        for _name, message in reversed(named):  # a question the domain does not know
            if message.buttons or message.body.rstrip().endswith(("?", "？")):
                return "unknown", message
        return None

    # --- the conversation ---

    def start(self, user: ChatUser, play: Playthrough) -> None:
        """/start and the privacy notice's "I agree"."""
        replies = self._say(user, "/start", play)
        notice = next((m for m in reversed(replies) if m.buttons), None)
        if notice is not None:
            data = [d for _, d in notice.buttons]
            titles = [t.lower() for t, _ in notice.buttons]
            agree = next(
                (i for i, d in enumerate(data) if d == CONSENT_CALLBACK),
                next((i for i, t in enumerate(titles) if "agree" in t), 0),
            )
            self._press(user, notice, agree, play)

    def play(self, persona: Persona, user_id: int, *, start: bool = True) -> Playthrough:
        play = Playthrough(persona.id, user_id)
        user = self.driver.user(
            user_id, first_name=persona.first_name, language_code=persona.language_code
        )
        while user.poll(0):  # a returning reporter's earlier chat is not this conversation
            pass
        try:
            if start:
                self.start(user, play)
            self._interview(user, persona, play)
        except Exception as error:  # noqa: BLE001 - a failed persona is a result, not a crash
            play.error = f"{type(error).__name__}: {error}"
        return play

    def _interview(self, user: ChatUser, persona: Persona, play: Playthrough) -> None:
        play.opening_turn = len(play.transcript)
        replies = self._say(user, persona.opening, play)
        asked: dict[str, int] = {}
        said: list[Any] = []  # the interjections said after their question
        nudges = 0
        for _ in range(self.max_turns):
            named = self._named(replies)
            self._note_urgent(named, play)
            reference = REFERENCE.search("\n".join(m.body for _, m in named))
            if reference:
                play.reference = reference.group(0)
                return
            pending = self._pending(named)
            if pending is None:
                replies = self._unstick(user, persona, play, nudges)
                if replies is None:
                    play.error = "stuck: the bot asked nothing and went quiet"
                    return
                nudges += 1
                continue
            name, message = pending
            if name == "utter_summary":
                # What was to follow a question the story already answered is said here, where
                # the reporter sees the wrong value, as a person would.
                interjections = [
                    *(i for i in persona.interjections_after(SUMMARY) if i not in said),
                    *(i for i in persona.interjections if i.after != SUMMARY and i not in said),
                ]
                replies = self._at_summary(user, message, interjections, play)
                said.extend(interjections)
                continue
            replies = self._answer(user, persona, name, message, asked, play, said)
        play.error = f"no reference number after {self.max_turns} turns"

    def _unstick(
        self, user: ChatUser, persona: Persona, play: Playthrough, nudges: int
    ) -> list[SentMessage] | None:
        """The bot asked nothing: wait a little, then do what a person would (at most twice):
        before any question, say plainly that they want to report; later, answer again."""
        replies = self._read(user, "[waits]", play, timeout=5.0)
        if replies or nudges >= MAX_NUDGES:
            return replies or None
        if not play.questions:
            return self._say(user, words_of(persona.language).want_to_report, play)
        last = play.questions[-1]
        reply = answer_for(persona, last, [], times=1)
        return self._say(user, reply.text, play)

    def _note_urgent(self, named: list[tuple[str | None, SentMessage]], play: Playthrough) -> None:
        if play.urgent_advice_first is not None:
            return
        for name, _ in named:
            if name in URGENT_RESPONSES:
                play.urgent_advice_first = not play.questions
                return
            if question_name(name) and not play.questions:
                # The first question arrives without the stop-now advice before it.
                play.urgent_advice_first = False
                return

    def _answer(
        self,
        user: ChatUser,
        persona: Persona,
        name: str,
        message: SentMessage,
        asked: dict[str, int],
        play: Playthrough,
        said: list[Any],
    ) -> list[SentMessage]:
        question = question_name(name) or f"unknown: {message.body.split(chr(10))[0][:60]}"
        play.questions.append(question)
        asked[question] = asked.get(question, 0) + 1
        buttons = [(title, self.catalogue.payload_of(name, title)) for title, _ in message.buttons]
        reply = answer_for(
            persona,
            question,
            buttons,
            times=asked[question],
            asked_text=self.catalogue.english_text(message.body),
        )
        if reply.fact_key is None:
            play.unanswered.append(question)
        replies = self._reply(user, message, reply, play)
        for interjection in persona.interjections_after(reply.fact_key or question):
            if asked[question] == 1:
                replies = self._say(user, interjection.say, play)
                said.append(interjection)
        return replies

    def _at_summary(
        self,
        user: ChatUser,
        message: SentMessage,
        interjections: list[Any],
        play: Playthrough,
    ) -> list[SentMessage]:
        """Confirms the summary, or first says what is wrong with it."""
        payloads = [self.catalogue.payload_of("utter_summary", t) for t, _ in message.buttons]
        wrong = next((i for i, p in enumerate(payloads) if p == "/deny"), len(payloads) - 1)
        right = next((i for i, p in enumerate(payloads) if p == "/affirm"), 0)
        if not interjections:
            return self._press(user, message, right, play)
        replies = self._press(user, message, wrong, play)
        for interjection in interjections:
            replies = self._say(user, interjection.say, play)
        return replies
