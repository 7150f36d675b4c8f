"""How values read to people: amounts, dates and codes in words, for reporters and analysts.

Slots, storage and exports keep normal forms ("1200 SGD", "2026-06", "bank_transfer"); what a
person reads goes through here, so that the bot's summary, the police console and the texts
agree: "1,200 SGD", "June 2026", "bank transfer". Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from scamreport.countries import country_name
from scamreport.extraction.amounts import amount_from_slot
from scamreport.extraction.dates import DateAnswer
from scamreport.extraction.model import Amount

NO_CURRENCY = "currency not given"
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

# --- amounts ------------------------------------------------------------------------------------


def describe_number(value: Decimal | int | float) -> str:
    """1200 -> "1,200"; 1500.5 -> "1,500.50" (cents only when there are some)."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number:,.2f}"


def describe_amount(
    amount: Amount | str | None, currency: str | None = None, *, unknown: str = NO_CURRENCY
) -> str:
    """ "1,200 SGD", "1,500.50 GBP", "300 (currency not given)"; "" for nothing.

    amount is an Amount, its slot text ("1200 SGD") or a bare number; currency, when given,
    fills in a missing one (the console stores value and currency apart).
    """
    if amount is None or amount == "":
        return ""
    if isinstance(amount, (Decimal, int, float)):
        parsed: Amount | None = Amount(Decimal(str(amount)), None)
    else:
        parsed = amount_from_slot(amount)
    if parsed is None:
        return str(amount)
    code = parsed.currency or currency
    number = describe_number(parsed.value)
    return f"{number} {code}" if code else f"{number} ({unknown})"


# --- dates --------------------------------------------------------------------------------------


def _day(value: date, *, year: bool = True, month: bool = True) -> str:
    text = str(value.day)
    if month:
        text += f" {_MONTH_NAMES[value.month - 1]}"
    if year:
        text += f" {value.year}"
    return text


def _month(value: date, *, year: bool = True) -> str:
    name = _MONTH_NAMES[value.month - 1]
    return f"{name} {value.year}" if year else name


def _point(value: date, unit: str) -> str:
    if unit == "month":
        return _month(value)
    if unit == "year":
        return str(value.year)
    if unit == "week":
        return f"the week of {_day(value)}"
    return _day(value)


def _day_range(start: date, end: date) -> str:
    """ "3 to 10 March 2026", "28 February to 3 March 2026", "20 December 2025 to 2 January 2026"."""
    if start == end:
        return _day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {_day(end)}"
    if start.year == end.year:
        return f"{_day(start, year=False)} to {_day(end)}"
    return f"{_day(start)} to {_day(end)}"


def _month_range(start: date, end: date) -> str:
    """ "June to August 2026", "November 2025 to February 2026"."""
    if (start.year, start.month) == (end.year, end.month):
        return _month(start)
    if start.year == end.year:
        return f"{_month(start, year=False)} to {_month(end)}"
    return f"{_month(start)} to {_month(end)}"


_PART_WORDS = {"early": "early", "mid": "mid-", "late": "late"}


def _describe_range(answer: DateAnswer) -> str:
    start, end, unit = answer.start, answer.end, answer.unit
    if answer.qualifier == "since":
        return f"since {_point(start, unit)}"
    if answer.qualifier in _PART_WORDS and (start.year, start.month) == (end.year, end.month):
        word = _PART_WORDS[answer.qualifier]
        return f"{word}{'' if word.endswith('-') else ' '}{_month(start)}"
    if unit == "month":
        text = _month_range(start, end)
    elif unit == "year":
        text = str(start.year) if start.year == end.year else f"{start.year} to {end.year}"
    else:
        text = _day_range(start, end)
    return f"around {text}" if answer.qualifier == "about" else text


def describe_date(value: DateAnswer | date | str | None) -> str:
    """A date in words at its precision: "20 October 2026", "the week of 16 November 2026",
    "June 2026", "2025", "June to August 2026", "3 to 10 March 2026", "since October 2025",
    "early March 2026". Accepts a DateAnswer, a date or its ISO text ("2026-06",
    "2026-06/2026-08"); text that is none of these comes back unchanged; "" for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _day(value)
    answer = value if isinstance(value, DateAnswer) else DateAnswer.from_iso(str(value))
    if answer is None:
        return str(value)
    if answer.precision == "range":
        return _describe_range(answer)
    return _point(answer.start, answer.precision)


# --- codes --------------------------------------------------------------------------------------

SCAM_TYPE_WORDS: dict[str, str] = {
    "fake_authority": "fake police or officials",
    "fake_shop": "fake online shop",
    "phishing": "phishing (stolen passwords, card or bank details)",
    "investment": "fake investment",
    "romance": "romance scam",
    "sextortion": "sextortion (threats to share intimate images)",
    "money_mule": "money mule (moving money for others)",
    "business_email_compromise": "business e-mail compromise",
    "advance_fee": "advance fee (a prize, loan or inheritance that needs a fee)",
    "tech_support": "fake tech support",
    "other": "other",
}
CONTACT_CHANNEL_WORDS: dict[str, str] = {
    "phone_call": "phone call",
    "video_call": "video call",
    "sms": "text message (SMS)",
    "email": "e-mail",
    "website": "website",
    "social_media": "social media",
    "messaging_app": "messaging app",
    "in_person": "in person",
}
PAYMENT_METHOD_WORDS: dict[str, str] = {
    "bank_transfer": "bank transfer",
    "instant_payment": "instant payment (e.g. PayNow, UPI, GCash)",
    "money_transfer_service": "money transfer service (e.g. Western Union)",
    "card": "card",
    "cash": "cash",
    "crypto": "cryptocurrency",
    "gift_cards": "gift cards",
    "paypal": "PayPal",
}
REPORT_STATUS_WORDS: dict[str, str] = {
    "received": "received",
    "in_review": "in review",
    "referred": "referred",
    "actioned": "actioned",
    "closed": "closed",
}
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
ITEM_RECEIVED_WORDS: dict[str, str] = {
    "nothing": "nothing arrived",
    "fake_or_wrong": "fake or wrong items",
    "partial": "only part of the order",
    "received": "the order arrived",
}
CODE_WORDS: dict[str, Mapping[str, str]] = {
    "scam_type": SCAM_TYPE_WORDS,
    "contact_channel": CONTACT_CHANNEL_WORDS,
    "payment_method": PAYMENT_METHOD_WORDS,
    "status": REPORT_STATUS_WORDS,
    "indicator_kind": INDICATOR_KIND_WORDS,
    "item_received": ITEM_RECEIVED_WORDS,
}


def describe_code(code: str | None, kind: str | None = None) -> str:
    """A code in words: describe_code("bank_transfer", "payment_method") -> "bank transfer".

    kind is one of CODE_WORDS ("scam_type", "contact_channel", "payment_method", "status",
    "indicator_kind", "item_received"); without it, or for a code it does not know, underscores
    become spaces. Free text passes through unchanged.
    """
    if not code:
        return ""
    words = CODE_WORDS.get(kind or "", {})
    if code in words:
        return words[code]
    for table in CODE_WORDS.values() if kind is None else ():
        if code in table:
            return table[code]
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
    """Any slot, field or indicator value in words, by its slot or indicator kind: amounts,
    dates, countries and codes are described; other values are shown as they are."""
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
        return "yes" if value else "no"
    return str(value)
