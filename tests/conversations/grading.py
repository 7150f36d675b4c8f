"""Grading a stored report against a persona's ``expect``, field by field.

Only the fields a persona names are graded. Kinds of expectation:

- exact: scam_type, country, urgent, money_lost, currency, payment_method, contact_channel,
  item_received, consent_forward, contact_permission (``null`` means "must be empty");
- amount: the decimal value (``3000`` or ``"3000.50"``);
- contains (case-insensitive): claimed_agency (also its indicators), shop_name, shop_link,
  scammer_contact, payee_account, items_ordered, demand;
- incident_date: ISO ``2026-03-03``, ``"03-03"`` (the latest 3 March), ``{days_ago: 1}``, ``{days_ago: [7, 14]}`` (a range),
  ``{month: 6}`` or ``{months: [6, 8]}`` (the latest such months not in the future),
  ``{last_month: 12}`` ("last December": the latest December before this month),
  ``{months_ago: 1}`` (last calendar month: 上个月, bulan lepas), or null;
- indicators: ``{phone: ["+6581234567"], url: [...]}`` must all be among the report's;
- not_asked: questions the story already answered; max_questions: a bound for this persona;
- urgent_advice: the stop-now advice came before the first question;
- language: the language stored with the report (``zh``; personas of another language than
  English expect their own unless they say);
- anything else is looked up in the report's ``details`` (fields still to be built).

Every conversation is also graded ``reply_language``: each bot reply in the persona's language
(tests/conversations/reply_language.py), whatever the persona expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from scamreport.storage.models import Report
from tests.conversations.reply_language import wrong_language_replies
from tests.conversations.simulator import Playthrough

EXACT = (
    "scam_type",
    "country",
    "urgent",
    "money_lost",
    "currency",
    "payment_method",
    "contact_channel",
    "item_received",
    "consent_forward",
    "contact_permission",
)
CONTAINS = (
    "claimed_agency",
    "shop_name",
    "shop_link",
    "scammer_contact",
    "payee_account",
    "items_ordered",
    "demand",
)
MISSING = "(no such field)"
REPLY_LANGUAGE = "reply_language"


@dataclass(frozen=True)
class FieldResult:
    field: str
    expected: Any
    actual: Any
    ok: bool

    def describe(self) -> str:
        return f"{self.field}: expected {self.expected!r}, got {self.actual!r}"


def _months_back(today: date, month: int) -> tuple[date, date]:
    year = today.year if month <= today.month else today.year - 1
    start = date(year, month, 1)
    end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    return start, end


def date_window(spec: Any, today: date) -> tuple[date, date] | None:
    """The dates an ``incident_date`` expectation accepts (None: the date must be empty)."""
    if spec is None:
        return None
    if isinstance(spec, date):
        return spec, spec
    if isinstance(spec, str) and len(spec) == 5:  # "MM-DD": the latest such day, not ahead
        month, day = (int(part) for part in spec.split("-"))
        this_year = date(today.year, month, day)
        exact = this_year if this_year <= today else date(today.year - 1, month, day)
        return exact, exact
    if isinstance(spec, str):
        exact = date.fromisoformat(spec)
        return exact, exact
    if "days_ago" in spec:
        days = spec["days_ago"]
        low, high = (days, days) if isinstance(days, int) else days
        return today - timedelta(days=high), today - timedelta(days=low)
    if "months_ago" in spec:
        back = int(spec["months_ago"])
        month_index = today.year * 12 + today.month - 1 - back
        year, month = divmod(month_index, 12)
        return _months_back(date(year, month + 1, 1), month + 1)
    if "month" in spec:
        return _months_back(today, int(spec["month"]))
    if "last_month" in spec:
        month = int(spec["last_month"])
        return _months_back(today.replace(day=1) - timedelta(days=1), month)
    if "months" in spec:
        first, last = spec["months"]
        start, _ = _months_back(today, int(first))
        _, end = _months_back(today, int(last))
        return start, end
    raise ValueError(f"unknown incident_date expectation {spec!r}")


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def indicators_of(report: Report) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for indicator in report.indicators:
        found.setdefault(indicator.kind, set()).add(indicator.value)
    return found


def _grade_indicators(expected: dict[str, list[str]], report: Report) -> list[FieldResult]:
    have = indicators_of(report)
    results = []
    for kind, values in expected.items():
        actual = sorted(have.get(kind, set()))
        missing = [v for v in values if v not in have.get(kind, set())]
        results.append(FieldResult(f"indicators.{kind}", values, actual, not missing))
    return results


def _contains(expected: Any, actual: Any) -> bool:
    if expected is None:
        return actual in (None, "", "skipped")
    return actual is not None and str(expected).lower() in str(actual).lower()


def _grade_field(name: str, expected: Any, report: Report, today: date) -> FieldResult:
    if name == "amount":
        actual = report.amount_lost
        return FieldResult(name, expected, actual, _decimal(expected) == _decimal(actual))
    if name == "incident_date":
        actual = report.incident_date
        window = date_window(expected, today)
        ok = (
            actual is None
            if window is None
            else (actual is not None and window[0] <= actual <= window[1])
        )
        shown = expected if window is None else f"{window[0]}..{window[1]}"
        return FieldResult(name, shown, actual and actual.isoformat(), ok)
    if name == "claimed_agency":
        agencies = indicators_of(report).get("claimed_agency", set())
        actual = report.claimed_agency
        ok = _contains(expected, actual) or any(_contains(expected, a) for a in agencies)
        return FieldResult(name, expected, actual if ok or not agencies else sorted(agencies), ok)
    if name == "language":
        actual = getattr(report, "language", MISSING)
        return FieldResult(name, expected, actual, actual == expected)
    if name in EXACT:
        actual = getattr(report, name)
        return FieldResult(name, expected, actual, actual == expected)
    if name in CONTAINS:
        actual = getattr(report, name)
        return FieldResult(name, expected, actual, _contains(expected, actual))
    details = report.details or {}
    actual = details.get(name.removeprefix("details."), MISSING)
    return FieldResult(name, expected, actual, actual == expected)


def _grade_conversation(expect: dict[str, Any], play: Playthrough) -> list[FieldResult]:
    results = []
    if "not_asked" in expect:
        again = [q for q in expect["not_asked"] if q in play.questions]
        results.append(FieldResult("not_asked", expect["not_asked"], again, not again))
    if "max_questions" in expect:
        count = len(play.questions)
        results.append(
            FieldResult(
                "max_questions",
                expect["max_questions"],
                count,
                count <= int(expect["max_questions"]),
            )
        )
    if "urgent_advice" in expect:
        actual = bool(play.urgent_advice_first)
        results.append(
            FieldResult(
                "urgent_advice",
                expect["urgent_advice"],
                actual,
                actual == bool(expect["urgent_advice"]),
            )
        )
    return results


CONVERSATION_KEYS = frozenset({"not_asked", "max_questions", "urgent_advice"})


def grade_reply_language(
    play: Playthrough, language: str, client_language_code: str | None
) -> FieldResult:
    """Every reply in ``language``; the wrong ones (at most three, shortened) when not."""
    turns = [(t.said, t.replies, t.buttons) for t in play.transcript]
    wrong = wrong_language_replies(
        turns, language, client_language_code=client_language_code, opening_turn=play.opening_turn
    )
    shown = [f"{w.detected}: {w.text[:80]}" for w in wrong[:3]]
    return FieldResult(REPLY_LANGUAGE, language, shown, not wrong)


def grade(
    expect: dict[str, Any],
    report: Report | None,
    play: Playthrough,
    *,
    today: date,
    language: str = "en",
    client_language_code: str | None = "en",
) -> list[FieldResult]:
    """One result per expected field (a missing report fails every report field), and whether
    the bot answered in the persona's ``language``."""
    results = _grade_conversation(expect, play)
    results.append(grade_reply_language(play, language, client_language_code))
    for name, expected in expect.items():
        if name in CONVERSATION_KEYS:
            continue
        if report is None:
            results.append(FieldResult(name, expected, "(no report)", False))
        elif name == "indicators":
            results.extend(_grade_indicators(expected, report))
        else:
            results.append(_grade_field(name, expected, report, today))
    return results
