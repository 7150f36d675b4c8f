"""How values read to people: amounts, dates and codes in words, for reporters and analysts.

Slots, storage and exports keep normal forms ("1200 SGD", "2026-06", "bank_transfer"); what a
person reads goes through here, so that the bot's summary, the police console and the texts
agree: "1,200 SGD", "June 2026", "bank transfer". The words are in locales/<lang>/values.yml;
English is the default (the console's), the bot and the actions pass the reporter's language.
Status and indicator-kind words are analysts' words, in English only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from scamreport.countries import country_name
from scamreport.extraction.amounts import amount_from_slot
from scamreport.extraction.dates import DateAnswer
from scamreport.extraction.model import Amount
from scamreport.locales import MissingTextError, text
from scamreport.statuses import STATUS_WORDS

CATALOG = "values"
ENGLISH = "en"


def say(key: str, language: str, /, **values: object) -> str:
    """One text of the values catalog in ``language``."""
    return text(CATALOG, key, language, **values)


# --- amounts ------------------------------------------------------------------------------------


def describe_amount(
    amount: Amount | Decimal | str | None, currency: str | None = None, *, language: str = ENGLISH
) -> str:
    """ "1,200 SGD", "1,500.50 GBP", "300 (currency not given)" (Amount.describe, in
    ``language``'s words for a missing currency); "" for nothing.

    amount is an Amount, its slot text ("1200 SGD") or a bare number (a stored ``Decimal``);
    currency, when given, fills in a missing one (reports store value and currency apart).
    Every amount people read goes through here: the reporter's summary, the console (its
    ``money`` filter too), the texts of the STIX and MISP bodies.
    """
    if amount is None or amount == "":
        return ""
    if isinstance(amount, (Decimal, int, float)):
        parsed: Amount | None = Amount(Decimal(str(amount)), None)
    else:
        parsed = amount_from_slot(amount)
    if parsed is None:
        return str(amount)
    # The template unfilled: Amount.describe puts the number in.
    no_currency = say("amount.no_currency", language)
    return Amount(parsed.value, parsed.currency or currency).describe(no_currency)



class NamedIndicator(Protocol):
    """A stored indicator as the agencies' texts read it: its kind and value."""

    kind: str
    value: Any


# What a story is said to have mentioned in the texts agencies read (STIX, MISP).
MENTIONED_KINDS = ("amount", "date", "claimed_agency")


def mentioned_lines(indicators: Iterable[NamedIndicator]) -> list[str]:
    """One line per amount, date or agency the story mentioned ("Mentioned amount: 5,000
    SGD"), an amount read as everywhere else."""
    return [
        f"Mentioned {i.kind.replace('_', ' ')}: "
        + (describe_amount(i.value) if i.kind == "amount" else str(i.value))
        for i in indicators
        if i.kind in MENTIONED_KINDS
    ]


# --- dates --------------------------------------------------------------------------------------


def _month_name(value: date, language: str) -> str:
    return say(f"month.{value.month}", language)


def _day(value: date, language: str) -> str:
    month = _month_name(value, language)
    return say("date.day", language, day=value.day, month=month, year=value.year)


def _month(value: date, language: str) -> str:
    return say("date.month", language, month=_month_name(value, language), year=value.year)


def _year(year: int, language: str) -> str:
    return say("date.year", language, year=year)


def _point(value: date, unit: str, language: str) -> str:
    if unit == "month":
        return _month(value, language)
    if unit == "year":
        return _year(value.year, language)
    if unit == "week":
        return say("date.week", language, date=_day(value, language))
    return _day(value, language)


def _day_range(start: date, end: date, language: str) -> str:
    """ "3 to 10 March 2026", "28 February to 3 March 2026", "20 December 2025 to 2 January 2026"."""
    if start == end:
        return _day(start, language)
    if (start.year, start.month) == (end.year, end.month):
        month = _month_name(start, language)
        return say(
            "date.days_in_month", language, start=start.day, end=end.day, month=month,
            year=start.year,
        )  # fmt: skip
    if start.year == end.year:
        return say(
            "date.days_in_year", language, start_day=start.day,
            start_month=_month_name(start, language), end_day=end.day,
            end_month=_month_name(end, language), year=start.year,
        )  # fmt: skip
    return say("date.range", language, start=_day(start, language), end=_day(end, language))


def _month_range(start: date, end: date, language: str) -> str:
    """ "June to August 2026", "November 2025 to February 2026"."""
    if (start.year, start.month) == (end.year, end.month):
        return _month(start, language)
    if start.year == end.year:
        return say(
            "date.months_in_year", language, start=_month_name(start, language),
            end=_month_name(end, language), year=start.year,
        )  # fmt: skip
    return say("date.range", language, start=_month(start, language), end=_month(end, language))


_PART_KEYS = {"early": "date.early", "mid": "date.mid", "late": "date.late"}


def _describe_range(answer: DateAnswer, language: str) -> str:
    start, end, unit = answer.start, answer.end, answer.unit
    if answer.qualifier == "since":
        return say("date.since", language, date=_point(start, unit, language))
    if answer.qualifier in _PART_KEYS and (start.year, start.month) == (end.year, end.month):
        return say(_PART_KEYS[answer.qualifier], language, month=_month(start, language))
    if unit == "month":
        words = _month_range(start, end, language)
    elif unit == "year":
        first, last = _year(start.year, language), _year(end.year, language)
        words = first if start.year == end.year else say(
            "date.range", language, start=first, end=last
        )  # fmt: skip
    else:
        words = _day_range(start, end, language)
    return say("date.about", language, date=words) if answer.qualifier == "about" else words


def describe_date(value: DateAnswer | date | str | None, language: str = ENGLISH) -> str:
    """A date in words at its precision: "20 October 2026", "the week of 16 November 2026",
    "June 2026", "2025", "June to August 2026", "3 to 10 March 2026", "since October 2025",
    "early March 2026"; in Chinese "2026年11月3日", "2026年3月初"; in Malay "Mac 2026". Accepts
    a DateAnswer, a date or its ISO text ("2026-06", "2026-06/2026-08"); text that is none of
    these comes back unchanged; "" for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _day(value, language)
    answer = value if isinstance(value, DateAnswer) else DateAnswer.from_iso(str(value))
    if answer is None:
        return str(value)
    if answer.precision == "range":
        return _describe_range(answer, language)
    return _point(answer.start, answer.precision, language)


# --- codes --------------------------------------------------------------------------------------

# Analysts' words for the kinds only the console shows (English only).
INDICATOR_KIND_WORDS: dict[str, str] = {
    "phone": "phone number",
    "url": "link",
    "email": "e-mail address",
    "iban": "bank account (IBAN)",
    "crypto_wallet": "crypto wallet",
    "handle": "account name",
    "amount": "amount",
    "date": "date",
    "claimed_agency": "claimed organisation",
    "domain": "website domain",
}
_ENGLISH_ONLY: dict[str, dict[str, str]] = {
    "status": STATUS_WORDS,
    "indicator_kind": INDICATOR_KIND_WORDS,
}
# Every kind of code, in the order a code without its kind is looked up in ("received" is a
# status before it is an item_received). The others' words are ``<kind>.<code>`` in the catalog.
CODE_KINDS: tuple[str, ...] = (
    "scam_type",
    "contact_channel",
    "payment_method",
    "status",
    "indicator_kind",
    "item_received",
)


def code_words(code: str, kind: str, language: str = ENGLISH) -> str | None:
    """The words for ``code`` of ``kind`` (one of CODE_KINDS), or None when there are none."""
    if kind in _ENGLISH_ONLY:
        return _ENGLISH_ONLY[kind].get(code)
    if kind not in CODE_KINDS:
        return None
    try:
        return say(f"{kind}.{code}", language)
    except MissingTextError:
        return None


def describe_code(code: str | None, kind: str | None = None, language: str = ENGLISH) -> str:
    """A code in words: describe_code("bank_transfer", "payment_method") -> "bank transfer".

    kind is one of CODE_KINDS ("scam_type", "contact_channel", "payment_method", "status",
    "indicator_kind", "item_received"); without it, or for a code it does not know, underscores
    become spaces. Free text passes through unchanged.
    """
    if not code:
        return ""
    for each in CODE_KINDS if kind is None else (kind,):
        words = code_words(code, each, language)
        if words is not None:
            return words
    return code.replace("_", " ")


def capitalised(text: str) -> str:
    """First letter in capitals, the rest as it is ("e-mail" -> "E-mail", "PayPal" stays)."""
    return text[:1].upper() + text[1:]


# --- any value ----------------------------------------------------------------------------------

# What kind of value each interview slot and report field holds.
_VALUE_KINDS: dict[str, str] = {
    "amount": "amount", "amount_lost": "amount", "amount_demanded": "amount",
    "amount_moved": "amount",
    "date": "date", "incident_date": "date",
    "country": "country",
    "scam_type": "scam_type", "contact_channel": "contact_channel",
    "payment_method": "payment_method", "status": "status", "item_received": "item_received",
}  # fmt: skip


def describe_value(kind: str, value: object) -> str:
    """Any slot, field or indicator value in English words, by its slot or indicator kind:
    amounts, dates, countries and codes are described; other values are shown as they are."""
    if value is None:
        return ""
    what = _VALUE_KINDS.get(kind)
    if what == "amount":
        return describe_amount(value if isinstance(value, (Amount, str)) else str(value))
    if what == "date":
        return describe_date(value if isinstance(value, (DateAnswer, date)) else str(value))
    if what == "country":
        return country_name(str(value))
    if what is not None:
        return describe_code(str(value), what)
    if isinstance(value, bool):
        return say("value.yes" if value else "value.no", ENGLISH)
    return str(value)
