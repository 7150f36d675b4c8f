"""What the reporter's latest message says: its whole text, its intent, its entities; who sent
it (their pseudonym) and in which language; and the events of the report in progress."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from scamreport.channel import FULL_TEXT_KEY, metadata_language
from scamreport.extraction.readings import mask_message
from scamreport.languages import Language

# A report ends when it was stored (the reference is set) or cancelled; a submission that
# failed half way (the action server died) does not end it.
_CANCELLED_MARKER = "action_cancel_report"


def report_events(tracker: Tracker) -> list[dict[str, Any]]:
    """The events of the report in progress: everything after the previous report ended."""
    events = tracker.events
    start = 0
    for index, event in enumerate(events):
        stored = event.get("event") == "slot" and event.get("name") == "reference"
        cancelled = event.get("event") == "action" and event.get("name") == _CANCELLED_MARKER
        if stored or cancelled:
            start = index + 1
    return events[start:]


def was_asked(tracker: Tracker, slot: str) -> bool:
    """Whether the report in progress asked the question for ``slot`` (an answer the opening
    story gave was never asked for)."""
    return any(
        event.get("event") == "slot"
        and event.get("name") == "requested_slot"
        and event.get("value") == slot
        for event in report_events(tracker)
    )


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_intent_confidence(tracker: Tracker) -> float:
    """How sure the NLU was of the latest message's intent (0 when it did not say)."""
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def action_before_message(tracker: Tracker) -> str | None:
    """The bot's last action before the reporter's latest message (action_listen aside)."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "action" and event["name"] != "action_listen":
            return str(event["name"])
    return None


def full_message_text(message: dict[str, Any]) -> str:
    """A user message's whole text: NLU reads only the beginning of a long message, and the
    bot sends the whole text beside it in the metadata (scamreport.channel)."""
    text = message.get("text") or ""
    whole = (message.get("metadata") or {}).get(FULL_TEXT_KEY)
    return whole if isinstance(whole, str) and whole.startswith(text) else text


def reporter_pseudonym(tracker: Tracker) -> str:
    """The reporter's pseudonym: Rasa's sender id for the conversation (the bot sends it)."""
    return tracker.sender_id


def reporter_language(tracker: Tracker) -> Language:
    """The language the reporter is using: the bot sends it with every message."""
    return metadata_language(tracker.latest_message.get("metadata"))


def user_text(tracker: Tracker) -> str:
    """The latest user message (whole), or "" for a button payload such as /affirm."""
    text = full_message_text(tracker.latest_message)
    return "" if text.startswith("/") else text


def masked_user_text(tracker: Tracker) -> str:
    """The latest user message with its secrets masked (once per message: every action and
    step that reads it gets the same masking, scamreport.extraction.readings)."""
    return mask_message(user_text(tracker)).masked_text


def latest_entities(tracker: Tracker) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for entity in tracker.latest_message.get("entities") or []:
        values.setdefault(entity.get("entity", ""), []).append(str(entity.get("value", "")))
    return values
