"""How interview slots read back to the reporter, in their language: labels, values, summary.

The words are in locales/<lang>/actions.yml (``label.<slot>``, ``value.*``...); values are put
in words by actions.wording and scamreport.presentation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from actions import wording
from actions.answers import SKIPPED
from scamreport.interviews import DETAIL_LABELS
from scamreport.presentation import describe_amount, describe_date

# The order slots appear in the summary (their labels: ``label.<slot>`` in the catalog).
SUMMARY_SLOTS: tuple[str, ...] = (
    "country", "scam_type", "claimed_agency", "claimed_identity", "contact_channel",
    "scammer_contact", "demand", *DETAIL_LABELS, "shop_name", "shop_link", "items_ordered",
    "item_received", "money_lost", "amount_lost", "payment_method", "payee_account",
    "incident_date", "story", "consent_forward", "contact_permission", "contact_phone",
)  # fmt: skip
# Slots whose codes read as words (``<slot>.<code>`` in the catalog).
_CODED_SLOTS = frozenset(
    {"item_received", "consent_forward", "contact_permission", "scam_type", "contact_channel",
     "payment_method"}
)  # fmt: skip
_AMOUNT_SLOTS = frozenset({"amount_lost", "amount_demanded", "amount_moved"})
# What actions/prefill.py writes into a slot in English, and its key in the catalog.
_ENGLISH_PHRASES: dict[str, str] = {
    'move money to a "safe account"': "demand.safe_account",
    "hand cash or cards to a courier": "demand.courier",
    "give bank details or codes": "demand.bank_details",
    "buy gift cards": "demand.gift_cards",
    "keep it secret from family": "demand.secret",
    "pay a fine or fee": "demand.fine",
    "a wrong-number message": "where_met.wrong_number",
}

STORY_PREVIEW_CHARS = 300


def slot_label(slot: str, language: str = "en") -> str:
    return wording.say(f"label.{slot}", language)


def indicator_label(kind: str, language: str = "en") -> str:
    return wording.say_or(f"indicator.{kind}", language, kind)


def _phrases(value: str, language: str) -> str:
    """'move money to a "safe account"; buy gift cards' in the reporter's words."""
    parts = value.split("; ")
    if not all(part in _ENGLISH_PHRASES for part in parts):
        return value
    return wording.say("known.separator", language).join(
        wording.say(_ENGLISH_PHRASES[part], language) for part in parts
    )


def describe_value(slot: str, value: Any, language: str = "en") -> str:
    if value == SKIPPED:
        return wording.say("value.skipped", language)
    if isinstance(value, bool):
        return wording.yes_no(value, language)
    if slot == "country":
        return wording.describe_country(str(value), language)
    if slot in _CODED_SLOTS:
        return wording.describe_code(str(value), slot, language)
    if slot in _AMOUNT_SLOTS or slot == "amount":
        return describe_amount(str(value), language=language)
    if slot in ("incident_date", "date"):
        return describe_date(str(value), language)
    text = _phrases(str(value), language)
    if slot == "story" and len(text) > STORY_PREVIEW_CHARS:
        text = text[:STORY_PREVIEW_CHARS].rstrip() + "…"
    return text


def build_summary(slots: Mapping[str, Any], language: str = "en") -> str:
    return "\n".join(
        wording.say(
            "summary.line",
            language,
            label=slot_label(slot, language),
            value=describe_value(slot, slots[slot], language),
        )
        for slot in SUMMARY_SLOTS
        if slots.get(slot) is not None
    )


def describe_screenshot_indicators(found: Sequence[tuple[str, str]], language: str = "en") -> str:
    """Summary lines for the (kind, value) pairs OCR read in the reporter's screenshots."""
    return "\n".join(
        wording.say(
            "screenshot.line",
            language,
            label=indicator_label(kind, language),
            value=describe_value(kind, value, language),
        )
        for kind, value in found
    )


def describe_known(slots: Mapping[str, Any], language: str = "en") -> str:
    """A short list of what was understood, for "I already have: ..."."""
    parts = [
        wording.say(
            "known.item",
            language,
            label=slot_label(slot, language).lower(),
            value=describe_value(slot, value, language),
        )
        for slot, value in slots.items()
        if slot in SUMMARY_SLOTS and slot != "story" and value is not None
    ]
    return wording.say("known.separator", language).join(parts)
