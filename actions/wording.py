"""Values in the reporter's language: codes, yes/no, amounts, dates and countries.

The words live in locales/<lang>/actions.yml; the rules are those of scamreport.presentation
(which stays English, for the police console), so an English summary reads as before.
"""

from __future__ import annotations

from datetime import date, datetime

from scamreport import presentation
from scamreport.countries import country_name
from scamreport.extraction.amounts import amount_from_slot
from scamreport.extraction.dates import DateAnswer
from scamreport.locales import MissingTextError, text

CATALOG = "actions"


def say(key: str, language: str, /, **values: object) -> str:
    """One text of the actions' catalog in ``language``."""
    return text(CATALOG, key, language, **values)


def say_or(key: str, language: str, default: str) -> str:
    """The text of ``key``, or ``default`` for a key the catalog does not have (a code the
    assistant does not know, a country without a translated name)."""
    try:
        return say(key, language)
    except MissingTextError:
        return default


def yes_no(value: bool, language: str) -> str:
    return say("value.yes" if value else "value.no", language)


def describe_code(code: str, kind: str, language: str) -> str:
    """A scam type, channel, payment method... in words; free text passes through unchanged."""
    return say_or(f"{kind}.{code}", language, presentation.describe_code(code, kind))


def describe_country(code: str, language: str) -> str:
    return say_or(f"country.{code}", language, country_name(code) or code)


def describe_amount(value: object, language: str) -> str:
    """ "3,000 SGD" in every language; "300 (currency not given)" in the reporter's words."""
    amount = amount_from_slot(str(value))
    if amount is None or amount.currency:
        return presentation.describe_amount(str(value))
    number = presentation.describe_number(amount.value)
    return say("amount.no_currency", language, number=number)


# --- dates ---------------------------------------------------------------------------------


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


def describe_date(value: DateAnswer | date | str | None, language: str) -> str:
    """A date at its precision, as scamreport.presentation.describe_date words it in English:
    "3 November 2026", "2026年11月3日", "3 November 2026"; "Mac 2026"; "2026年3月初"."""
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
