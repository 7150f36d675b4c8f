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

from actions.answers import (
    MAX_FAILED_ATTEMPTS,
    NO_MORE_CONTACTS,
    REQUIRED_SLOTS,
    SKIPPED,
    read_answer,
    refers_to_opening_story,
    with_more_contacts,
)
from actions.blocking import off_loop
from actions.corrections import announce_corrections, corrections_in, sounds_like_correction
from actions.messages import (
    full_message_text,
    latest_entities,
    latest_intent,
    masked_user_text,
    reporter_language,
    was_asked,
)
from actions.prefill import slots_from_text
from actions.safety import give_child_helpline, mask_and_warn, safeguard
from scamreport.extraction.amounts import amount_from_slot, local_currency
from scamreport.extraction.model import Amount
from scamreport.interviews import MONEY_QUESTIONS, questions_for

# Answers whose amounts are asked for, promised or passed through, never the reporter's loss.
NOT_A_LOSS = frozenset(
    {"demand", "prize", "withdrawal_blocked", "money_for", "accounts_used", "still_holding"}
)
# Paid in cash or gift cards: there is no account the money went to.
NO_PAYEE_METHODS = frozenset({"cash", "gift_cards"})


def amounts_in_currency_of(
    country: str, tracker: Tracker, updates: dict[str, Any]
) -> dict[str, Any]:
    """Amounts taken before the country was known ("$9,800", "300"), read again for it:
    a "$" from an Australian is AUD, a bare number is in the reporter's own currency."""
    story = tracker.get_slot("opening_story") or ""
    again = slots_from_text(story, country=country, interview=None) if story else {}
    changed: dict[str, Any] = {}
    for slot in ("amount_lost", "amount_demanded"):
        value = updates.get(slot, tracker.get_slot(slot))
        amount = amount_from_slot(value)
        if amount is None or amount.currency:
            continue
        reread = amount_from_slot(again.get(slot))
        if reread is not None and reread.value == amount.value and reread.currency:
            changed[slot] = str(reread)
        elif local_currency(country):
            changed[slot] = str(Amount(amount.value, local_currency(country)))
    return changed


def without_needless_questions(slots: list[str], tracker: Tracker) -> list[str]:
    """No money questions when nothing was lost, no payee for cash or gift cards; "any other
    number or account?" only after a contact the story gave (``asks_for_more_contacts``)."""
    if tracker.get_slot("money_lost") in (False, SKIPPED):
        # A mule's money went on to others whether or not they lost any: where is still asked.
        kept = ("payee_account",) if tracker.get_slot("scam_type") == "money_mule" else ()
        slots = [slot for slot in slots if slot not in MONEY_QUESTIONS or slot in kept]
    if tracker.get_slot("payment_method") in NO_PAYEE_METHODS:
        slots = [slot for slot in slots if slot != "payee_account"]
    slots = [slot for slot in slots if slot != "more_contacts"]
    if "scammer_contact" in slots and asks_for_more_contacts(tracker):
        slots.insert(slots.index("scammer_contact") + 1, "more_contacts")
    return list(slots)


def asks_for_more_contacts(tracker: Tracker) -> bool:
    """The opening story named the scammers' number or account, so its question was never
    asked: scammers use several, and the others link reports, so they are asked for once."""
    if tracker.get_slot("more_contacts") is not None:
        return True  # asked (or being answered): the question stays in the form
    contact = tracker.get_slot("scammer_contact")
    answering = tracker.get_slot("requested_slot") == "scammer_contact"
    return (
        contact not in (None, SKIPPED)
        and not answering
        and not was_asked(tracker, "scammer_contact")
    )


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
        return without_needless_questions(domain_slots, tracker)

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        # Reading the answers runs the extractors and the registry: off the event loop.
        return await off_loop(self.validation_events, dispatcher, tracker, required)

    def validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, required: list[str]
    ) -> list[EventType]:
        """The slots the message fills or empties, and the safety rules' events."""
        to_validate = {
            slot: value
            for slot, value in tracker.slots_to_validate().items()
            if slot in required and slot != "requested_slot"
        }
        requested = tracker.get_slot("requested_slot")
        country = tracker.get_slot("country")
        updates: dict[str, Any] = {}
        safety_events = safeguard(
            masked_user_text(tracker),
            tracker,
            dispatcher,
            story=tracker.get_slot("opening_story") or "",
        )
        correction = self.correction_instead_of_answer(tracker, requested, to_validate, dispatcher)
        if correction:
            return [*safety_events, *correction]
        for slot, raw_value in to_validate.items():
            if raw_value is None:
                continue
            if not isinstance(raw_value, str) or raw_value == SKIPPED:
                updates[slot] = raw_value
                continue
            said_now = raw_value == tracker.latest_message.get("text")
            if said_now:
                raw_value = full_message_text(tracker.latest_message)
            text = mask_and_warn(raw_value, dispatcher)
            if slot == "story" and refers_to_opening_story(text):
                text = tracker.get_slot("opening_story") or text
            answer = read_answer(
                slot,
                text,
                intent=latest_intent(tracker),
                country=updates.get("country", country),
                language=reporter_language(tracker),
                entities=latest_entities(tracker) if said_now else None,
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
        more = updates.get("more_contacts")
        known = tracker.get_slot("scammer_contact")
        if more not in (None, SKIPPED, NO_MORE_CONTACTS) and known not in (None, SKIPPED):
            updates["scammer_contact"] = with_more_contacts(known, more, country)
        if "country" in to_validate and updates.get("country"):
            updates.update(amounts_in_currency_of(updates["country"], tracker, updates))
        helpline_given = any(event.get("name") == "minor" for event in safety_events)
        if (
            updates.get("minor") is True
            and tracker.get_slot("minor") is not True
            and not helpline_given
        ):
            give_child_helpline(dispatcher, updates.get("country", country))
        if "scam_type" in to_validate and updates.get("scam_type") not in (None, SKIPPED):
            updates.update(self.known_for_type(updates["scam_type"], tracker, updates))
        # A slot that keeps its value is not set again (the validated ones always are, for the
        # form): each event is checked against Rasa's schema and stored in the tracker (issue 13).
        return [
            *safety_events,
            *(
                SlotSet(slot, value)
                for slot, value in updates.items()
                if slot in to_validate or tracker.get_slot(slot) != value
            ),
        ]

    def correction_instead_of_answer(
        self,
        tracker: Tracker,
        requested: str | None,
        to_validate: dict[str, Any],
        dispatcher: CollectingDispatcher,
    ) -> list[EventType]:
        """ "oh wait it was 3000 not 30000" while asked how they paid: the amount is changed
        and the question asked again, instead of the words being taken as its answer."""
        text = masked_user_text(tracker)
        if requested not in to_validate or not text or not sounds_like_correction(text):
            return []
        changes = {
            slot: value
            for slot, value in corrections_in(text, tracker).items()
            if slot != requested and tracker.get_slot(slot) is not None
        }
        if not changes:
            return []
        announce_corrections(dispatcher, changes, reporter_language(tracker))
        return [
            *(SlotSet(slot, value) for slot, value in changes.items()),
            SlotSet(requested, None),
        ]

    def known_for_type(
        self, scam_type: str, tracker: Tracker, updates: dict[str, Any]
    ) -> dict[str, Any]:
        """Once the kind of scam is chosen, what the opening story already says for its questions."""
        story = tracker.get_slot("opening_story") or ""
        found = slots_from_text(
            story,
            country=updates.get("country", tracker.get_slot("country")),
            interview=self.interview,
            scam_type=scam_type,
        )
        return {
            slot: value
            for slot, value in found.items()
            if slot in questions_for(scam_type, story)
            and tracker.get_slot(slot) is None
            and slot not in updates
        }

    def more_from_answer(
        self, text: str, answered: str, tracker: Tracker, updates: dict[str, Any]
    ) -> dict[str, Any]:
        """Other still-empty slots of this interview that the same answer settles."""
        found = slots_from_text(
            text,
            country=updates.get("country", tracker.get_slot("country")),
            interview=self.interview,
            entity_values=latest_entities(tracker),
            scam_type=updates.get("scam_type", tracker.get_slot("scam_type")),
        )
        found.pop("story", None)
        found.pop(answered, None)
        if answered != "country":
            found.pop("country", None)
        if answered in NOT_A_LOSS:
            for slot in ("money_lost", *MONEY_QUESTIONS):
                found.pop(slot, None)
        return {
            slot: value
            for slot, value in found.items()
            if tracker.get_slot(slot) is None and slot not in updates
        }


class ValidateFakeAuthorityForm(ReportFormValidation):
    interview = "fake_authority"

    def name(self) -> str:
        return "validate_fake_authority_form"


class ValidateFakeShopForm(ReportFormValidation):
    interview = "fake_shop"

    def name(self) -> str:
        return "validate_fake_shop_form"


class ValidateGeneralForm(ReportFormValidation):
    """Every other type: the country, the type, then that type's own questions."""

    interview = "general"

    def name(self) -> str:
        return "validate_general_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        scam_type = tracker.get_slot("scam_type")
        story = tracker.get_slot("opening_story") or ""
        slots = ["country", "scam_type", *questions_for(scam_type, story)]
        return without_needless_questions(slots, tracker)


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
