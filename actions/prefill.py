"""What a reporter has already told us, read out of free text into interview slots.

Whatever is found here is not asked again; the summary shows it so the reporter can correct it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from actions.answers import (
    CHANNEL_PATTERNS,
    MAX_STORY_CHARS,
    PAYMENT_METHOD_PATTERNS,
    clean_text,
    format_amount,
)
from scamreport.countries import resolve_country
from scamreport.extraction import Indicators, classify_scam_type, extract_indicators
from scamreport.extraction.payments import money_mentions, says_not_paid

# Fewer words than this and the opening message is a request, not the story itself.
STORY_MIN_WORDS = 15

_COUNTRY_PHRASE = re.compile(
    r"\b(?:i am|i'm|im|i live|living|we live|we are|we're|based|staying|here)\s+(?:in|at)\s+"
    r"((?:the\s+)?[A-Za-z'][A-Za-z' .-]{1,30}?)(?=[,.;!?]|\s+(?:and|but|my|a|an|the|someone|last|yesterday|today)\b|$)",
    re.I,
)
_PAID = re.compile(
    r"\b(paid|pay|transferr?ed|transfer|sent|send|gave|bought|withdr[ae]w|deposit)", re.I
)
_DEMANDS: list[tuple[str, re.Pattern[str]]] = [
    (
        'move money to a "safe account"',
        re.compile(r"safe account|safety account|secure account", re.I),
    ),
    (
        "hand cash or cards to a courier",
        re.compile(r"courier|collect (the )?(cash|money|card)", re.I),
    ),
    (
        "give bank details or codes",
        re.compile(r"bank (details|login|account number)|otp|one.time|pin\b|password", re.I),
    ),
    ("buy gift cards", re.compile(r"gift ?card|google play|itunes", re.I)),
    (
        "keep it secret from family",
        re.compile(
            r"secret|(don'?t|do not|not to|never) tell|confidential|keep (it|this) (quiet|between)",
            re.I,
        ),
    ),
    ("pay a fine or fee", re.compile(r"\bfine\b|bail|penalty|clearance fee|release fee", re.I)),
]


def countries_in(text: str, entity_values: Iterable[str] = ()) -> str | None:
    """The reporter's country when the text says it plainly ("I'm in Singapore")."""
    for value in entity_values:
        code = resolve_country(value)
        if code:
            return code
    for match in _COUNTRY_PHRASE.finditer(text):
        code = resolve_country(match.group(1))
        if code:
            return code
    return None


def first_match(text: str, table: list[tuple[str, re.Pattern[str]]]) -> str | None:
    for code, pattern in table:
        if pattern.search(text):
            return code
    return None


def demands_in(text: str) -> str | None:
    found = [label for label, pattern in _DEMANDS if pattern.search(text)]
    return "; ".join(found) if found else None


def slots_from_indicators(found: Indicators, interview: str | None) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    if found.claimed_agency and interview in ("fake_authority", None):
        slots["claimed_agency"] = found.claimed_agency[0]
    contacts = found.phone + found.email + found.handle
    if interview == "fake_shop":
        links = found.url + found.handle
        if links:
            slots["shop_link"] = links[0]
    elif contacts:
        slots["scammer_contact"] = ", ".join(dict.fromkeys(contacts))
    accounts = found.iban + found.crypto_wallet
    if accounts and interview != "fake_shop":
        slots["payee_account"] = ", ".join(accounts)
    if found.date:
        slots["incident_date"] = found.date[0]
    return slots


def money_slots(text: str, country: str | None, found: Indicators) -> dict[str, Any]:
    """Money lost (an amount the words say was paid) apart from money demanded."""
    if not found.amount:
        return {"money_lost": False} if says_not_paid(text) else {}
    mentions = money_mentions(text, country)
    slots: dict[str, Any] = {}
    if mentions.lost:
        slots["amount_lost"] = format_amount(mentions.lost[0])
        slots["money_lost"] = True
    elif mentions.says_not_paid:
        slots["money_lost"] = False
    if mentions.demanded:
        slots["amount_demanded"] = format_amount(mentions.demanded[0])
    return slots


def slots_from_text(
    text: str,
    *,
    country: str | None,
    interview: str | None,
    entity_values: Mapping[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Every interview slot ``text`` settles, as normalised slot values."""
    entity_values = entity_values or {}
    slots: dict[str, Any] = {}
    found_country = countries_in(text, entity_values.get("country", []))
    if found_country:
        slots["country"] = found_country
    found = extract_indicators(text, found_country or country)
    slots.update(slots_from_indicators(found, interview))
    slots.update(money_slots(text, found_country or country, found))
    channel = first_match(text, CHANNEL_PATTERNS)
    if channel and len(text.split()) >= 5:
        slots["contact_channel"] = channel
    # "told me to transfer money" is a demand, not a payment: a method counts once an amount does.
    if _PAID.search(text) and slots.get("money_lost") is True:
        method = first_match(text, PAYMENT_METHOD_PATTERNS)
        if method:
            slots["payment_method"] = method
    if interview == "fake_authority":
        demand = demands_in(text)
        if demand:
            slots["demand"] = demand
    if interview == "general":
        scam_type = classify_scam_type(text)
        if scam_type:
            slots["scam_type"] = scam_type
    if len(text.split()) >= STORY_MIN_WORDS:
        story = clean_text(text, limit=MAX_STORY_CHARS)
        if story:
            slots["story"] = story
    return slots
