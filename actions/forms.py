"""Validation of the four interview forms.

One base class reads every answer through actions.answers, masks secrets, fills whatever else the
answer settles, and gives up kindly on an optional question after repeated failures.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import REQUIRED_SLOTS, SKIPPED, read_answer, refers_to_opening_story
from actions.prefill import slots_from_text
from actions.safety import mask_and_warn, safeguard
from scamreport.channel import FULL_TEXT_KEY
from scamreport.sensitive import mask_secrets

# After this many answers that could not be read, an optional question is left blank.
MAX_FAILED_ATTEMPTS = 2

MONEY_SLOTS = ("amount_lost", "payment_method", "payee_account")


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def full_message_text(message: dict[str, Any]) -> str:
    """A user message's whole text: NLU reads only the beginning of a long message, and the
    bot sends the whole text beside it in the metadata (scamreport.channel)."""
    text = message.get("text") or ""
    whole = (message.get("metadata") or {}).get(FULL_TEXT_KEY)
    return whole if isinstance(whole, str) and whole.startswith(text) else text


def user_text(tracker: Tracker) -> str:
    """The latest user message (whole), or "" for a button payload such as /affirm."""
    text = full_message_text(tracker.latest_message)
    return "" if text.startswith("/") else text


def latest_entities(tracker: Tracker) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for entity in tracker.latest_message.get("entities") or []:
        values.setdefault(entity.get("entity", ""), []).append(str(entity.get("value", "")))
    return values


class ReportFormValidation(FormValidationAction):
    """Shared validation for every interview form."""

    interview: str | None = None

    @abstractmethod
    def name(self) -> str:
        """Every interview form's validator names itself."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return list(domain_slots)

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        to_validate = {
            slot: value
            for slot, value in tracker.slots_to_validate().items()
            if slot in required and slot != "requested_slot"
        }
        requested = tracker.get_slot("requested_slot")
        country = tracker.get_slot("country")
        updates: dict[str, Any] = {}
        safety_events = safeguard(
            mask_secrets(user_text(tracker)).masked_text,
            tracker,
            dispatcher,
            story=tracker.get_slot("opening_story") or "",
        )
        for slot, raw_value in to_validate.items():
            if raw_value is None:
                continue
            if not isinstance(raw_value, str) or raw_value == SKIPPED:
                updates[slot] = raw_value
                continue
            if raw_value == tracker.latest_message.get("text"):
                raw_value = full_message_text(tracker.latest_message)
            text = mask_and_warn(raw_value, dispatcher)
            if slot == "story" and refers_to_opening_story(text):
                text = tracker.get_slot("opening_story") or text
            answer = read_answer(
                slot, text, intent=latest_intent(tracker), country=updates.get("country", country)
            )
            if answer.ok:
                updates[slot] = answer.value
                updates.update(
                    {k: v for k, v in answer.also.items() if tracker.get_slot(k) is None}
                )
                updates["failed_attempts"] = 0
                if slot == requested and text != SKIPPED:
                    updates.update(self.more_from_answer(text, slot, tracker, updates))
                continue
            updates[slot] = None
            failures = int(tracker.get_slot("failed_attempts") or 0) + 1
            if slot not in REQUIRED_SLOTS and failures > MAX_FAILED_ATTEMPTS:
                dispatcher.utter_message(response="utter_skipped")
                updates[slot] = SKIPPED
                updates["failed_attempts"] = 0
            else:
                dispatcher.utter_message(response=answer.response, **answer.response_args)
                updates["failed_attempts"] = failures
        return [*safety_events, *(SlotSet(slot, value) for slot, value in updates.items())]

    def more_from_answer(
        self, text: str, answered: str, tracker: Tracker, updates: dict[str, Any]
    ) -> dict[str, Any]:
        """Other still-empty slots of this interview that the same answer settles."""
        found = slots_from_text(
            text,
            country=updates.get("country", tracker.get_slot("country")),
            interview=self.interview,
            entity_values=latest_entities(tracker),
        )
        found.pop("story", None)
        found.pop(answered, None)
        if answered != "country":
            found.pop("country", None)
        return {
            slot: value
            for slot, value in found.items()
            if tracker.get_slot(slot) is None and slot not in updates
        }


class MoneyQuestionsFormValidation(ReportFormValidation):
    """An interview that drops the amount, payment and payee questions when no money was lost."""

    @abstractmethod
    def name(self) -> str:
        """Every interview form's validator names itself."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("money_lost") in (False, SKIPPED):
            return [slot for slot in domain_slots if slot not in MONEY_SLOTS]
        return list(domain_slots)


class ValidateFakeAuthorityForm(MoneyQuestionsFormValidation):
    interview = "fake_authority"

    def name(self) -> str:
        return "validate_fake_authority_form"


class ValidateFakeShopForm(ReportFormValidation):
    interview = "fake_shop"

    def name(self) -> str:
        return "validate_fake_shop_form"


class ValidateGeneralForm(MoneyQuestionsFormValidation):
    interview = "general"

    def name(self) -> str:
        return "validate_general_form"


class ValidateClosingForm(ReportFormValidation):
    interview = None

    def name(self) -> str:
        return "validate_closing_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots = list(domain_slots)
        if tracker.get_slot("contact_permission") != "phone":
            slots.remove("contact_phone")
        return slots

    def more_from_answer(
        self, text: str, answered: str, tracker: Tracker, updates: dict[str, Any]
    ) -> dict[str, Any]:
        return {}
