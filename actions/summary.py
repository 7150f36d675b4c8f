"""How interview slots read back to the reporter: labels, values and the summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from actions.answers import SKIPPED, describe_country
from scamreport import presentation
from scamreport.interviews import DETAIL_LABELS

# The order slots appear in the summary, with the words the reporter sees.
SLOT_LABELS: dict[str, str] = {
    "country": "Your country",
    "scam_type": "Kind of scam",
    "claimed_agency": "They claimed to be",
    "claimed_identity": "Name or badge they gave",
    "contact_channel": "How they contacted you",
    "scammer_contact": "Their number or account",
    "demand": "What they asked for",
    **DETAIL_LABELS,
    "shop_name": "Shop or seller",
    "shop_link": "Shop's link or page",
    "items_ordered": "What you ordered",
    "item_received": "What arrived",
    "money_lost": "Money lost",
    "amount_lost": "Amount",
    "payment_method": "How you paid",
    "payee_account": "Paid to",
    "incident_date": "When",
    "story": "What happened",
    "consent_forward": "Send to the police",
    "contact_permission": "May we contact you",
    "contact_phone": "Phone for contact",
}

_VALUE_WORDS: dict[str, dict[Any, str]] = {
    "money_lost": {True: "yes", False: "no"},
    "item_received": {
        "nothing": "nothing arrived",
        "fake_or_wrong": "fake or wrong items",
        "partial": "only part of the order",
        "received": "the order arrived",
    },
    "consent_forward": {
        "national": "yes, to my national agency",
        "national_and_abroad": "yes, and to agencies abroad if needed",
        "none": "no",
    },
    "contact_permission": {"telegram": "yes, in this chat", "phone": "yes, by phone", "none": "no"},
}

STORY_PREVIEW_CHARS = 300
# Slots whose values scamreport.presentation puts in words (amounts, dates, codes).
HUMAN_WORDS_SLOTS = frozenset(
    {"amount_lost", "amount_demanded", "amount_moved", "incident_date", "scam_type",
     "contact_channel", "payment_method", "minor"}
)  # fmt: skip


def describe_value(slot: str, value: Any) -> str:
    if value == SKIPPED:
        return "(skipped)"
    if slot == "country":
        return describe_country(str(value))
    words = _VALUE_WORDS.get(slot, {})
    if value in words:
        return words[value]
    if slot in HUMAN_WORDS_SLOTS:
        return presentation.describe_value(slot, value)
    text = str(value)
    if slot == "story" and len(text) > STORY_PREVIEW_CHARS:
        text = text[:STORY_PREVIEW_CHARS].rstrip() + "…"
    return text


def build_summary(slots: Mapping[str, Any]) -> str:
    lines = []
    for slot, label in SLOT_LABELS.items():
        value = slots.get(slot)
        if value is None:
            continue
        lines.append(f"• {label}: {describe_value(slot, value)}")
    return "\n".join(lines)


# How indicators read in screenshots are named in the summary.
INDICATOR_LABELS: dict[str, str] = {
    "phone": "Phone number",
    "url": "Link",
    "email": "E-mail",
    "iban": "Bank account",
    "crypto_wallet": "Crypto wallet",
    "handle": "Account",
    "amount": "Amount",
    "date": "Date",
    "claimed_agency": "Organisation named",
}
SCREENSHOT_MARK = "(from your screenshot)"


def describe_screenshot_indicators(found: Sequence[tuple[str, str]]) -> str:
    """Summary lines for the (kind, value) pairs OCR read in the reporter's screenshots."""
    lines = []
    for kind, value in found:
        label = INDICATOR_LABELS.get(kind, kind)
        lines.append(f"• {label}: {presentation.describe_value(kind, value)} {SCREENSHOT_MARK}")
    return "\n".join(lines)


def describe_known(slots: Mapping[str, Any]) -> str:
    """A short list of what was understood, for "I already have: ..."."""
    parts = [
        f"{SLOT_LABELS[slot].lower()} {describe_value(slot, value)}"
        for slot, value in slots.items()
        if slot in SLOT_LABELS and slot != "story" and value is not None
    ]
    return "; ".join(parts)
