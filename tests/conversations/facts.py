"""From a question the bot asked to the persona's answer: which fact, typed or pressed.

Facts are keyed by what the bot may ask about: today's slot names (``amount_lost``), and names
for questions the per-type interviews are expected to ask (``platform``, ``deadline``). A
question is matched to a fact by its exact name, then through ``ALIASES``, then by a fact key
that is a whole ``_``-separated part of the question's name (``threat_platform`` -> ``platform``).
A question with no fact gets "idk", as a victim who does not know would say.

A fact is a string (typed, or pressed when it names a button: its title, or its payload such as
a scam-type code), ``{press: <index or title>}``, ``{say: <text>}``, ``{press: <payload>, say:
<text>}`` (pressed when the bot offers it, else typed in the persona's words), or a list of these
for a question asked again (the last one repeats). Payloads are the domain's English ones
whatever the language the buttons are shown in, so ``{press: phone call, say: 打电话来的}``
works for a persona of any language. The few stock answers ("idk", "yes") are in the persona's
language (personas.WORDS).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from tests.conversations.personas import Defaults, Persona, Words, words_of

IDK = "idk"

# Question names (today's or likely) -> the fact keys that answer them, in order of preference.
ALIASES: dict[str, tuple[str, ...]] = {
    "scam_type_choice": ("scam_type",),
    "scam_type_confirm": ("scam_type",),
    "reporter_country": ("country",),
    "amount": ("amount_lost",),
    "amount_paid": ("amount_lost",),
    "amount_sent": ("amount_lost",),
    "money_paid": ("money_lost",),
    "paid_anything": ("money_lost",),
    "paid": ("money_lost",),
    "lost_money": ("money_lost",),
    "amount_demanded": ("demand_amount", "demand"),
    "demanded_amount": ("demand_amount", "demand"),
    "ransom": ("demand_amount", "demand"),
    "payment": ("payment_method",),
    "date": ("incident_date",),
    "when": ("incident_date",),
    "started": ("incident_date",),
    "start_date": ("incident_date",),
    "channel": ("contact_channel",),
    "how_contacted": ("contact_channel",),
    "sender": ("scammer_contact",),
    "message_sender": ("scammer_contact",),
    "scammer_account": ("scammer_contact", "profile"),
    "scammer_profile": ("profile", "scammer_contact"),
    "threat_account": ("scammer_contact", "profile"),
    "account_that_threatened": ("scammer_contact",),
    # "Besides @x, any other number or account?": a persona gives all it knows again
    "more_contacts": ("more_contacts", "scammer_contact"),
    "phishing_link": ("link", "shop_link"),
    "link": ("link", "shop_link", "site"),
    "url": ("link", "site", "shop_link"),
    "website": ("site", "link", "shop_link"),
    "platform_site": ("site", "link"),
    "platform_url": ("site", "link"),
    "app": ("app_installed", "platform"),
    "remote_app": ("app_installed",),
    "remote_access_app": ("app_installed",),
    "still_connected": ("remote_access",),
    "remote_access_now": ("remote_access",),
    "age": ("minor",),
    "is_minor": ("minor",),
    "under_18": ("minor",),
    "reporter_minor": ("minor",),
    "deadline": ("deadline",),
    "by_when": ("deadline",),
    "met_where": ("where_met",),
    "where_met": ("where_met",),
    "relationship_length": ("how_long",),
    "relationship_duration": ("how_long",),
    "money_purpose": ("money_for",),
    "reason_given": ("money_for", "demand"),
    "recruitment": ("recruited_how",),
    "how_recruited": ("recruited_how",),
    "accounts_used": ("accounts", "payee_account"),
    "mule_accounts": ("accounts", "payee_account"),
    "holding_money": ("still_holding",),
    "still_holds": ("still_holding",),
    "spoofed_email": ("spoofed_address", "scammer_contact"),
    "reply_to": ("spoofed_address", "reply_to_address"),
    "spoofed_domain": ("spoofed_address", "scammer_contact"),
    "invoice_details": ("invoice",),
    "new_account": ("changed_account", "payee_account"),
    "changed_bank_details": ("changed_account", "payee_account"),
    "prize_promised": ("prize",),
    "fee_asked": ("fee", "demand"),
    "fees_demanded": ("fees_demanded", "fee"),
    "withdrawal": ("withdrawal_blocked",),
    "mentor_group": ("mentor",),
    "group": ("mentor",),
    "what_entered": ("entered_details",),
    "details_entered": ("entered_details",),
    "unauthorised_transactions": ("unauthorised_transactions", "amount_lost"),
    "unauthorized_transactions": ("unauthorised_transactions", "amount_lost"),
    "what_to_correct": ("correction",),
    "demand": ("fee", "demand_amount"),
    "amount_lost": ("money_lost",),  # "how much did you lose, if any?" -> "no"
    "scammer_contact": ("mentor", "profile", "seller_contact", "seller_phone"),
    "payee_account": ("changed_account", "accounts"),
}


@dataclass(frozen=True)
class Reply:
    """What the victim does: type ``text`` or press button ``button``."""

    text: str = ""
    button: int | None = None
    fact_key: str | None = None  # None when the persona had no fact for the question


def fact_key_for(question: str, facts: dict[str, Any]) -> str | None:
    if question in facts:
        return question
    for key in ALIASES.get(question, ()):
        if key in facts:
            return key
    parts = question.split("_")
    for size in range(len(parts) - 1, 0, -1):  # longest whole part first
        for start in range(len(parts) - size + 1):
            key = "_".join(parts[start : start + size])
            if key in facts:
                return key
    return None


def _norm(text: str) -> str:
    text = text.lower().lstrip("/").replace("report_", "").replace("_", " ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def button_for(value: str, buttons: list[tuple[str, str]]) -> int | None:
    """The button a fact names: its title, its payload, or a scam-type code in its payload."""
    wanted = _norm(value)
    if not wanted:
        return None
    for index, (title, payload) in enumerate(buttons):
        if wanted in (_norm(title), _norm(payload)):
            return index
    for index, (_title, payload) in enumerate(buttons):
        if payload.startswith("/") and wanted and wanted == _norm(payload.split("{")[0]):
            return index
    for index, (_title, payload) in enumerate(buttons):
        entities = _payload_entities(payload)
        if wanted in (_norm(str(v)) for v in entities.values()):
            return index
    return None


def _payload_entities(payload: str) -> dict[str, Any]:
    """The entities of a button payload such as '/report_other_scam{"scam_type": "romance"}'."""
    if not payload.startswith("/") or "{" not in payload:
        return {}
    try:
        found = json.loads(payload[payload.index("{") :])
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _other_button(buttons: list[tuple[str, str]]) -> int | None:
    for index, (_title, payload) in enumerate(buttons):
        if _payload_entities(payload).get("scam_type") == "other" or _norm(payload) in (
            "something else",
            "other scam",
        ):
            return index
    for index, (title, _payload) in enumerate(buttons):
        if re.search(r"something else|other|not sure", title, re.I):
            return index
    return None


def _pick(value: Any, times: int, idk: str = IDK) -> Any:
    if isinstance(value, list):
        return value[min(times, len(value)) - 1] if value else idk
    return value


def _reply(
    value: Any,
    buttons: list[tuple[str, str]],
    key: str,
    scam_type_question: bool,
    words: Words | None = None,
) -> Reply:
    words = words or words_of("en")
    if isinstance(value, dict) and "press" in value:
        wanted = value["press"]
        if buttons:
            if isinstance(wanted, int):
                return Reply(button=wanted % len(buttons), fact_key=key)
            found = button_for(str(wanted), buttons)
            if found is not None:
                return Reply(button=found, fact_key=key)
        if "say" in value:
            return Reply(text=str(value["say"]), fact_key=key)
        return Reply(text=str(wanted) if not isinstance(wanted, int) else words.yes, fact_key=key)
    if isinstance(value, dict) and "say" in value:
        return Reply(text=str(value["say"]), fact_key=key)
    text = "" if value is None else str(value)
    if isinstance(value, bool):
        text = words.yes if value else words.no
    found = button_for(text, buttons)
    if found is not None:
        return Reply(button=found, fact_key=key)
    if scam_type_question and buttons and re.fullmatch(r"[a-z_]+", text):
        other = _other_button(buttons)
        if other is not None:  # a type with no button of its own: "Something else"
            return Reply(button=other, fact_key=key)
    if re.fullmatch(r"[a-z]+(_[a-z]+)+", text):
        text = text.replace("_", " ")  # a code typed as words
    return Reply(text=text or words.idk, fact_key=key)


# Questions that ask two things at once, answered as a person would when they know both: the
# words in the question that ask the second thing, its fact, and how the two are joined.
TWO_PART_QUESTIONS: dict[str, tuple[re.Pattern[str], str, str]] = {
    "payment_method": (re.compile(r"to which account", re.I), "payee_account", " to "),
    "platform": (re.compile(r"\blink\b", re.I), "site", ", "),
    # the fake-shop link question asks for the seller's number too (3ba8651)
    "shop_link": (re.compile(r"seller's number", re.I), "scammer_contact", ", "),
}


def answer_for(
    persona: Persona,
    question: str,
    buttons: list[tuple[str, str]],
    *,
    times: int = 1,
    asked_text: str = "",
) -> Reply:
    """The persona's reply to ``question`` (worded ``asked_text``) asked for the ``times``-th
    time."""
    words = words_of(persona.language)
    defaults = Defaults(persona.language).facts
    # Asked for the story again, a person who said "I told you" writes the opening once more.
    story = [defaults["story"], persona.opening]
    facts = {**defaults, "story": story, "scam_type": persona.type, **persona.facts}
    key = fact_key_for(question, facts)
    if key is None:
        return Reply(text=words.idk, fact_key=None)
    value = _pick(facts[key], times, words.idk)
    reply = _reply(value, buttons, key, scam_type_question=key == "scam_type", words=words)
    second = _second_part(question, asked_text, facts, times, words)
    if second and reply.text and reply.text != words.idk:
        return Reply(text=f"{reply.text}{_joined(second, persona.language)}", fact_key=key)
    return reply


def _joined(second: tuple[str, str], language: str) -> str:
    """The two answers' join: the English one's words (" to ") only in English."""
    joiner, value = second
    if language == "en":
        return joiner + value
    return ("，" if language == "zh" else ", ") + value


def _second_part(
    question: str, asked_text: str, facts: dict[str, Any], times: int, words: Words
) -> tuple[str, str] | None:
    """(joiner, the second answer) when ``asked_text`` (the question's English wording) asks
    for a second thing the persona knows."""
    if question not in TWO_PART_QUESTIONS:
        return None
    asks, fact, joiner = TWO_PART_QUESTIONS[question]
    value = _pick(facts.get(fact), times, words.idk) if fact in facts else None
    if not asks.search(asked_text) or not isinstance(value, str):
        return None
    skipped = (IDK, words.idk, words.no, "skip", "no", "none", "dont know", "don't know")
    if value.strip().lower() in skipped:
        return None
    return joiner, value
