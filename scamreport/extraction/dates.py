"""Dates the reporter mentions ("yesterday", "3 March", "12/03/2020", "last Friday"), as ISO 8601.

Candidate phrases are found with patterns; dateparser turns each into a date relative to today.
Relative and year-less dates are never in the future ("3 March" is the last 3 March). A date
written in full that lies in the future is no indicator (find_dates drops it), but parse_date
returns it so that the interview can say why it refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache

import dateparser

from scamreport.extraction.model import Found

# Countries that write the month first (12/03/2020 is 3 December).
MONTH_FIRST_COUNTRIES = frozenset(
    {"US", "CA", "PH", "FM", "MH", "PW", "GU", "PR", "AS", "VI", "MP"}
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)day"
_NUMBER_WORD = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of)"
_YEAR = r"(?:,?\s+(?:19|20)\d{2})"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (rule, re.compile(pattern, re.IGNORECASE))
    for rule, pattern in (
        ("date_iso", r"(?<![\d/.\-])(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?![\d/\-]|\.\d)"),
        (
            "date_numeric",
            r"(?<![\d/.\-])\d{1,2}(?P<sep>[/.\-])\d{1,2}(?P=sep)(?:\d{4}|\d{2})(?![\d/\-]|\.\d)",
        ),
        (
            "date_day_month",
            r"\b\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+" + _MONTH + _YEAR + r"?(?![\w\-])",
        ),
        (
            "date_month_day",
            r"\b" + _MONTH + r"\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\b(?!:)" + _YEAR + r"?",
        ),
        (
            "date_relative",
            r"\b(?:(?:the\s+)?day\s+before\s+yesterday|yesterday|today|tonight|last\s+night|"
            r"this\s+(?:morning|afternoon|evening)|earlier\s+today|"
            + _NUMBER_WORD
            + r"\s+(?:days?|weeks?)\s+ago)\b",
        ),
        (
            "date_weekday",
            r"\b(?:(?:last|this\s+past|past|on|this)\s+)?" + _WEEKDAY + r"\b",
        ),
    )
)
# Weekday mentions that point forward or are habits, not a date: "next Monday", "every Friday".
_NOT_PAST_BEFORE = re.compile(r"\b(?:next|every|coming|each|until|till|by)\s+$", re.IGNORECASE)


def _date_order(country: str | None) -> str:
    return "MDY" if country and country.upper() in MONTH_FIRST_COUNTRIES else "DMY"


def _phrase_for_parser(raw: str, rule: str) -> str:
    phrase = re.sub(r"\s+", " ", raw.strip().lower())
    if rule == "date_weekday":
        phrase = re.sub(r"^(?:this past|past)\s+", "last ", phrase)
        phrase = re.sub(r"^on\s+", "", phrase)
    if rule == "date_relative":
        phrase = phrase.replace("a couple of", "2").replace("earlier today", "today")
        phrase = {"tonight": "today", "this afternoon": "today", "this evening": "today"}.get(
            phrase, phrase
        )
    if rule == "date_month_day":
        phrase = phrase.replace(" the ", " ")
    return phrase


def _parse(raw: str, rule: str, country: str | None, today: date) -> date | None:
    return _parse_phrase(_phrase_for_parser(raw, rule), _date_order(country), today)


def _has_year(raw: str, rule: str) -> bool:
    return rule in ("date_iso", "date_numeric") or bool(re.search(r"(?:19|20)\d{2}\b", raw))


@lru_cache(maxsize=4096)  # dateparser takes ~0.5 ms a call; "yesterday" comes up all day
def _parse_phrase(phrase: str, order: str, today: date) -> date | None:
    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12, 0),
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": order,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed is not None else None


def find_dates(
    text: str,
    country: str | None = None,
    *,
    today: date | None = None,
    allow_future: bool = False,
) -> Iterator[Found]:
    """Dates in text; future ones only with allow_future and only when written with a year."""
    today = today or date.today()
    taken: list[tuple[int, int]] = []
    for rule, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if rule == "date_weekday" and _NOT_PAST_BEFORE.search(text[: match.start()]):
                continue
            if rule == "date_month_day" and match.group(0)[:3] == "may" and not _capital(match):
                continue  # "you may 2 ..." is a verb, "May 2" a month
            parsed = _parse(match.group(0), rule, country, today)
            if parsed is None:
                continue
            if parsed > today and not (allow_future and _has_year(match.group(0), rule)):
                continue
            taken.append((match.start(), match.end()))
            yield Found(
                "date", parsed.isoformat(), match.group(0), match.start(), match.end(), rule
            )


def _capital(match: re.Match[str]) -> bool:
    return match.group(0)[0].isupper()


def parse_date(text: str, country: str | None = None, *, today: date | None = None) -> date | None:
    """The first date mentioned in text, or None when it mentions none. Only a date written with
    its year ("25/12/2030") can be in the future; callers refuse those as they see fit."""
    if not text:
        return None
    found = sorted(
        find_dates(text, country, today=today, allow_future=True), key=lambda item: item.start
    )
    return date.fromisoformat(str(found[0].value)) if found else None
