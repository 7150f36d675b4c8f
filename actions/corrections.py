"""Corrections of earlier answers, in the reporter's own words, at any point.

"no, it was 300 not 3000", "actually the amount was 21400", "oh wait it was yesterday": the
slots such a message changes. The summary's "something is wrong" and a correction said in the
middle of another question both read them here.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ACCOUNT_NUMBER, SKIPPED
from actions.messages import latest_entities
from actions.prefill import slots_from_text
from actions.summary import SUMMARY_SLOTS, describe_value, slot_label
from scamreport.extraction import Amount, parse_amount
from scamreport.extraction.amounts import amount_from_slot
from scamreport.extraction.numerals import ZH_NUMERAL_CHARS
from scamreport.extraction.readings import read_message
from scamreport.extraction.totals import (
    NUMBER,
    listed_payments_total,
    sums_named,
    whole_number,
)
from scamreport.interviews import CLOSING_QUESTIONS, INTERVIEW_QUESTIONS

# The old value a correction names: "300 not 3000", "是三千不是三万", "300 bukan 3000".
_NOT_X = re.compile(
    r"\b(?:not|instead of|rather than|bukan(?:nya)?|dan\s+bukan)\s+[^,.;!?，。；！？]*"
    r"|(?:而?不是|并非|并不是)[^,.;!?，。；！？]*",
    re.I,
)
# Words that say a message changes something said before, not answers the question asked.
_CORRECTION_CUE = re.compile(
    r"\b(?:actually|oh\s+wait|wait|sorry|i\s+mean|i\s+meant|correction|mistake|typo|"
    r"should\s+(?:be|have\s+been)|instead\s+of|not\s+\S*\d|wrong|change|silap|salah|"
    r"sebenarnya|betulkan|maaf|tukar|sepatutnya|bukan\s+\S*\d|tunggu|kejap|jap)\b"
    r"|不对|错了|搞错|弄错|说错|写错|打错|更正|纠正|应该是|其实|改成|改为|等等|等一下|再算|算错|漏了|忘记算|不是\S*?[0-9"
    + ZH_NUMERAL_CHARS
    + r"]",
    re.IGNORECASE,
)


# "不是，我19岁", "tak, sy 34 tahun": an age answers "under 18?", it corrects no amount.
_AGE = re.compile(
    r"\d{1,3}\s*(?:周岁|岁|歲|tahun|thn|years?\s+old|yrs?\s+old|yo\b|y/o)", re.IGNORECASE
)


def sounds_like_correction(text: str) -> bool:
    text = _AGE.sub(" ", text)
    return bool(_CORRECTION_CUE.search(text)) or names_another_payment(text)


# "是六万三不是八万三", "300 bukan 3000", "21400 not 12400": the new amount, then the old one.
_NEW_NOT_OLD = re.compile(
    r"(?P<new>" + NUMBER.pattern + r")\s*[,，]?\s*(?:而?不是|并不是|not|bukan(?:nya)?)\s*"
    r"(?P<old>" + NUMBER.pattern + r")",
    re.IGNORECASE,
)


def amount_new_not_old(text: str, tracker: Tracker) -> dict[str, Any]:
    """The amount of "X not Y" when both are numbers: only that ("刚刚算错了，是六万三不是八万三，
    有两万是他还没转的" changes the amount, not the date to "just now" or the money to unpaid)."""
    text = _AGE.sub(" ", text)
    match = _NEW_NOT_OLD.search(text)
    if not match or tracker.get_slot("amount_lost") in (None, SKIPPED):
        return {}
    # "insurans tu 890 bukan 980. jadi total 2,540": a part corrected, then the whole
    whole = whole_number(text[match.end() :])
    return bare_amount_correction(whole or match["new"], tracker, {})


# A payment left out before: "还有一笔八百我忘记了", "my mum sent another 1,200 this morning",
# "lupa, ada satu lagi RM500". Its amount is added to the total given, unless the message gives
# the new total. "also" and "too" say so only beside a word of forgetting.
_ANOTHER_PAYMENT = re.compile(
    r"\b(?:another|one\s+more|an\s+extra|plus)\b|还有(?:一|两|二|三)(?:笔|次)|另外(?:一笔|一次|还有)|"
    r"又(?:转|付|汇|给|交)了|\b(?:satu\s+lagi|lagi\s+satu|tambah)\b",
    re.IGNORECASE,
)
_ALSO = re.compile(r"\b(?:also|too|as\s+well)\b", re.IGNORECASE)
_FORGOT = re.compile(
    r"\b(?:forgot|forgotten|forget|missed|left\s+(?:it\s+)?out)\b|忘|漏|\b(?:lupa|terlupa|tertinggal)\b",
    re.IGNORECASE,
)


def names_another_payment(text: str) -> bool:
    """ "another 1,200", "还有一笔八百", "forgot, paid 3k also": a payment not counted before."""
    return bool(_ANOTHER_PAYMENT.search(text) or _ALSO.search(text) and _FORGOT.search(text))


def added_payment(text: str, tracker: Tracker) -> dict[str, Any]:
    """The total with a payment the reporter forgot to count ("还有一笔八百我忘记了" after
    3,000 SGD: 3,800 SGD), or the total the message gives; {} when it names no forgotten
    payment. The date such a message names is that payment's, not the incident's."""
    previous = amount_from_slot(tracker.get_slot("amount_lost"))
    if previous is None or not names_another_payment(text):
        return {}
    country = tracker.get_slot("country")
    text = without_indicators(text, country)
    if whole_number(text):  # "漏了一笔，总共是四千二", "forgot, paid 3k also. so total 38k"
        return whole_amount_named(text, tracker)
    more = parse_amount(text, country) or next(iter(sums_named(text, country)), None)
    if more is None or more.value < 10 or more.currency not in (None, previous.currency):
        return {}
    return {"amount_lost": str(Amount(previous.value + more.value, previous.currency))}


def corrections_in(text: str, tracker: Tracker) -> dict[str, Any]:
    """Slots a correction such as "no, it was 300 not 3000" changes."""
    interview = tracker.get_slot("interview")
    new_amount = amount_new_not_old(text, tracker)
    if new_amount and tracker.get_slot("amount_lost") != new_amount["amount_lost"]:
        return {**new_amount, "money_lost": True}
    added = added_payment(text, tracker)
    if added:
        return {**added, "money_lost": True}
    without_old_values = _NOT_X.sub(" ", _AGE.sub(" ", text))
    found = slots_from_text(
        without_old_values,
        country=tracker.get_slot("country"),
        interview=interview if interview in INTERVIEW_QUESTIONS else None,
        entity_values=latest_entities(tracker),
        scam_type=tracker.get_slot("scam_type"),
    )
    found.pop("story", None)
    found.update(bare_amount_correction(without_old_values, tracker, found))
    found.update(whole_amount_named(without_old_values, tracker))
    allowed = set(INTERVIEW_QUESTIONS.get(interview, ())) | set(CLOSING_QUESTIONS)
    changes = {
        slot: value
        for slot, value in found.items()
        if slot in allowed and tracker.get_slot(slot) != value
    }
    if "amount_lost" in changes:
        changes["money_lost"] = True
        if names_another_payment(text):  # "another 1,200 this morning": that payment's day
            changes.pop("incident_date", None)
    return changes


# Indicators whose digits are no amount: "nombor yg call 03-2296 5566" is not RM 5,566.
_NUMBERED_KINDS = ("phone", "iban", "crypto_wallet", "url", "email", "handle")


def without_indicators(text: str, country: str | None) -> str:
    """``text`` with its phone numbers, accounts, wallets, links and addresses blanked out."""
    spans = [
        (found.start, found.end)
        for found in read_message(text, country).found
        if found.kind in _NUMBERED_KINDS
    ]
    spans += [match.span() for match in ACCOUNT_NUMBER.finditer(text)]  # a local bank account
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def bare_amount_correction(text: str, tracker: Tracker, found: dict[str, Any]) -> dict[str, Any]:
    """ "it was 300" corrects the amount given earlier, keeping its currency."""
    previous = tracker.get_slot("amount_lost")
    if "amount_lost" in found or "incident_date" in found or previous in (None, SKIPPED):
        return {}
    text = without_indicators(text, tracker.get_slot("country"))
    amount = parse_amount(text, tracker.get_slot("country"))
    whole = whole_number(text)
    if amount is None and whole:
        amount = parse_amount(whole, tracker.get_slot("country"))
        if amount is not None and amount.value < 10:  # "是一个马来西亚的户口": no amount
            amount = None
    if amount is None:  # "its 1150 total": the last number that is not a count ("2 payments")
        amounts = sums_named(text, tracker.get_slot("country"))
        amount = amounts[-1] if amounts else None
    if amount is None or amount.value <= 0:
        return {}
    currency = amount.currency or (str(previous).partition(" ")[2] or None)
    return {"amount_lost": str(Amount(amount.value, currency))}


def whole_amount_named(text: str, tracker: Tracker) -> dict[str, Any]:
    """The amount a correction calls the whole ("是三万五，她第二天又转了五千": 35,000, not the
    5,000 of the second payment); {} when it names none."""
    previous = amount_from_slot(tracker.get_slot("amount_lost"))
    country = tracker.get_slot("country")
    if previous is None:
        return {}
    text = without_indicators(text, country)
    whole = whole_number(text)
    amount = parse_amount(whole, country) if whole else listed_payments_total(text, country)
    if amount is None or amount.value < 10:  # "是一个马来西亚的户口": no amount
        return {}
    return {"amount_lost": str(Amount(amount.value, amount.currency or previous.currency))}


def announce_corrections(
    dispatcher: CollectingDispatcher, changes: dict[str, Any], language: str = "en"
) -> None:
    """ "Thanks, I've changed the amount to 3,000 HKD." for each answer changed."""
    for slot, value in changes.items():
        if slot in SUMMARY_SLOTS and slot != "money_lost":
            dispatcher.utter_message(
                response="utter_corrected",
                field=slot_label(slot, language).lower(),
                value=describe_value(slot, value, language),
            )
