"""A whole report run through the actions in the order Rasa calls them: the opening story and
action_start_report, each form's questions (the form's validation of what the story already
filled, then one answer per question), the summary and the reporter's yes.

Rasa itself is not run: the run plays its part as the rules in data/ and Rasa's forms do (the
answer to the requested slot becomes that slot's candidate, the next question is the first
required slot still empty), so that the actions see the trackers they see in a real report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.forms import (
    ValidateClosingForm,
    ValidateFakeAuthorityForm,
    ValidateFakeShopForm,
    ValidateGeneralForm,
)
from actions.interview import ActionStartReport
from actions.submission import ActionShowSummary, ActionSubmitReport

FORMS: dict[str, tuple[str, FormValidationAction]] = {
    "fake_authority": ("fake_authority_form", ValidateFakeAuthorityForm()),
    "fake_shop": ("fake_shop_form", ValidateFakeShopForm()),
    "general": ("general_form", ValidateGeneralForm()),
}
CLOSING = ("closing_form", ValidateClosingForm())


@dataclass
class ReportRun:
    """One reporter's conversation, as the tracker Rasa keeps of it."""

    domain: dict[str, Any]
    sender_id: str = "report-run"
    slots: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    latest: dict[str, Any] = field(default_factory=dict)
    replies: list[dict[str, Any]] = field(default_factory=list)
    clock: float = 1_700_000_000.0

    def __post_init__(self) -> None:
        self.slots = {name: None for name in self.domain["slots"]} | self.slots

    def tick(self) -> float:
        self.clock += 1.0
        return self.clock

    def say(self, text: str, intent: str = "inform") -> None:
        """The reporter's message, as Rasa records it."""
        parse = {"intent": {"name": intent, "confidence": 0.95}, "entities": [], "text": text}
        self.latest = parse
        self.events.append(
            {"event": "user", "timestamp": self.tick(), "text": text, "parse_data": parse}
        )

    def tracker(self, active_loop: str | None = None) -> Tracker:
        return Tracker(
            sender_id=self.sender_id,
            slots=dict(self.slots),
            latest_message=dict(self.latest),
            events=list(self.events),
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name="action_listen",
        )

    def record(
        self, name: str, events: list[dict[str, Any]], messages: list[dict[str, Any]]
    ) -> None:
        """What an action returned, into the tracker: its events and what it said."""
        self.events.append({"event": "action", "timestamp": self.tick(), "name": name})
        for event in events:
            self.events.append({**event, "timestamp": self.tick()})
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        for message in messages:
            text = message.get("text") or message.get("response") or ""
            self.events.append(
                {
                    "event": "bot",
                    "timestamp": self.tick(),
                    "text": text,
                    "metadata": {"utter_action": message.get("response")},
                }
            )
        self.replies.extend(messages)

    async def run(self, action: Action, active_loop: str | None = None) -> list[dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, self.tracker(active_loop), self.domain)
        self.record(action.name(), events, dispatcher.messages)
        return events

    async def validate(
        self, form: str, validator: FormValidationAction, candidates: Mapping[str, Any]
    ) -> None:
        """The form's validation of slot candidates (appended last, as Rasa's form does)."""
        for slot, value in candidates.items():
            self.events.append({"event": "slot", "name": slot, "value": value})
            self.slots[slot] = value
        await self.run(validator, active_loop=form)

    async def next_question(self, form: str, validator: FormValidationAction) -> str | None:
        required = await validator.required_slots(
            validator.domain_slots(self.domain),
            CollectingDispatcher(),
            self.tracker(form),
            self.domain,
        )
        return next((slot for slot in required if self.slots.get(slot) is None), None)

    async def fill_form(
        self, form: str, validator: FormValidationAction, answers: Mapping[str, str]
    ) -> None:
        """The form from its activation to its last question."""
        domain_slots = validator.domain_slots(self.domain)
        prefilled = {s: self.slots[s] for s in domain_slots if self.slots.get(s) is not None}
        if prefilled:
            await self.validate(form, validator, prefilled)
        asked: set[str] = set()
        while (slot := await self.next_question(form, validator)) is not None:
            assert slot not in asked, f"{slot} asked twice: {self.slots.get('failed_attempts')}"
            asked.add(slot)
            self.slots["requested_slot"] = slot
            self.events.append({"event": "slot", "name": "requested_slot", "value": slot})
            self.events.append({"event": "bot", "timestamp": self.tick(), "text": f"ask {slot}"})
            self.say(answers[slot])
            await self.validate(form, validator, {slot: answers[slot]})
        self.slots["requested_slot"] = None

    async def interview(self, story: str, intent: str, answers: Mapping[str, str]) -> None:
        """The report up to its summary: the opening story, then every question answered."""
        self.say(story, intent)
        await self.run(ActionStartReport())
        form, validator = FORMS[self.slots["interview"]]
        await self.fill_form(form, validator, answers)
        await self.fill_form(*CLOSING, answers)
        await self.run(ActionShowSummary())

    async def submit(self) -> str | None:
        """The reporter's yes to the summary; the report's reference number."""
        self.say("/affirm", "affirm")
        events = await self.run(ActionSubmitReport())
        return next((e["value"] for e in events if e.get("name") == "reference"), None)

    async def report(self, story: str, intent: str, answers: Mapping[str, str]) -> str | None:
        """The whole report; its reference number."""
        await self.interview(story, intent, answers)
        return await self.submit()
