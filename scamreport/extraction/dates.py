"""Dates the reporter mentions, read with their precision and written in ISO 8601.

"yesterday", "3 March", "12/03/2020" are days; "last week", "2 weeks back" weeks; "june",
"last month" months; "between June and August", "since October", "end of september",
"a few days ago" ranges. Two entry points share one set of rules:

- ``read_date`` reads a reporter's answer to "when did it happen?": typos are corrected first
  ("yesturday", "las week", "octobr") and bare forms are accepted ("june", "20/10", "2023").
  It returns future dates too, so that the interview can say why it refuses them
  (``incident_date_problem``).
- ``find_dates`` finds dates inside free text for the indicators, more cautiously (a month
  alone needs "in", "last", "since"...; "20/10" needs "on"); future and far-past dates are
  dropped.

Everything is relative to an injectable ``today``. A date written without its year is the most
recent one that is not in the future ("3 March" is the last 3 March; "june" in May is last June).
No external date parser: the rules are plain regular expressions, so results are deterministic.
Chinese and Malay are read by rules of their own ("前天", "上个月初", "10月5日", "kelmarin",
"awal bulan lepas", "5 Okt") that give the same answers (issue 12).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from scamreport.countries import country_code, edit_distance
from scamreport.extraction.model import Found

Precision = Literal["day", "week", "month", "year", "range"]
Unit = Literal["day", "week", "month", "year"]
# "early", "mid", "late" (part of a month), "since" (up to today), "about" (approximate).
Qualifier = Literal["early", "mid", "late", "since", "about"]

# Countries that write the month first (12/03/2020 is 3 December).
MONTH_FIRST_COUNTRIES = frozenset(
    {"US", "CA", "PH", "FM", "MH", "PW", "GU", "PR", "AS", "VI", "MP"}
)
# An incident that ended longer ago than this is not believable as one being reported now.
OLDEST_INCIDENT_YEARS = 20


@dataclass(frozen=True)
class DateAnswer:
    """A date as precise as the reporter gave it.

    ``start`` and ``end`` are the first and last day it covers (never after today for a period
    that includes today). ``unit`` is the precision of a range's two ends ("day" or "month"...);
    for other precisions it equals ``precision``.
    """

    precision: Precision
    start: date
    end: date
    unit: Unit = "day"
    qualifier: Qualifier | None = None

    @property
    def iso(self) -> str:
        """ISO 8601: "2026-10-20", "2026-W47", "2026-06", "2026", "2026-06/2026-08"; a range
        up to today ends on the day ("since October": "2026-10/2026-11-18")."""
        if self.precision == "range":
            end_unit = "day" if self.qualifier == "since" else self.unit
            return f"{iso_at(self.start, self.unit)}/{iso_at(self.end, end_unit)}"
        return iso_at(self.start, self.precision)

    def is_future(self, today: date) -> bool:
        return self.start > today

    @classmethod
    def day(cls, value: date) -> DateAnswer:
        return cls("day", value, value, "day")

    @classmethod
    def week(cls, value: date) -> DateAnswer:
        """The Monday-to-Sunday week that holds value."""
        monday = value - timedelta(days=value.weekday())
        return cls("week", monday, monday + timedelta(days=6), "week")

    @classmethod
    def month(cls, year: int, month: int) -> DateAnswer:
        return cls("month", date(year, month, 1), _month_end(year, month), "month")

    @classmethod
    def year(cls, year: int) -> DateAnswer:
        return cls("year", date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def between(
        cls, start: date, end: date, unit: Unit = "day", qualifier: Qualifier | None = None
    ) -> DateAnswer:
        return cls("range", start, end, unit, qualifier)

    @classmethod
    def from_iso(cls, text: str | None) -> DateAnswer | None:
        """Reads back what ``iso`` wrote (e.g. a slot value); None when it is not such a value."""
        if not text:
            return None
        text = text.strip()
        if "/" in text:
            first, _, last = text.partition("/")
            start, end = cls.from_iso(first), cls.from_iso(last)
            if start is None or end is None or "range" in (start.precision, end.precision):
                return None
            if start.start > end.end:
                return None
            unit = start.unit if start.unit == end.unit else "day"
            return cls.between(start.start, end.end, unit)
        return _from_iso_point(text)


def iso_at(value: date, unit: str) -> str:
    """value written at a unit's precision: day 2026-10-20, week 2026-W43, month 2026-10."""
    if unit == "week":
        year, week, _ = value.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return f"{value.year:04d}-{value.month:02d}"
    if unit == "year":
        return f"{value.year:04d}"
    return value.isoformat()


_ISO_POINTS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], DateAnswer]], ...] = (
    (
        re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
        lambda m: DateAnswer.day(date(int(m[1]), int(m[2]), int(m[3]))),
    ),
    (
        re.compile(r"(\d{4})-W(\d{2})"),
        lambda m: DateAnswer.week(date.fromisocalendar(int(m[1]), int(m[2]), 1)),
    ),
    (re.compile(r"(\d{4})-(\d{2})"), lambda m: DateAnswer.month(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})"), lambda m: DateAnswer.year(int(m[1]))),
)


def _from_iso_point(text: str) -> DateAnswer | None:
    for pattern, build in _ISO_POINTS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return build(match)
            except ValueError:
                return None
    return None


# --- calendar helpers ---------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _recent_day(month: int, day: int, today: date) -> date | None:
    """The most recent month/day on or before today (a 29 February may be some years back)."""
    for year in range(today.year, today.year - 8, -1):
        found = _safe_date(year, month, day)
        if found is not None and found <= today:
            return found
    return None


def _recent_month(month: int, today: date) -> tuple[int, int]:
    return (today.year if month <= today.month else today.year - 1), month


def _clip(answer: DateAnswer, today: date) -> DateAnswer:
    """A period that includes today ends today (it cannot have happened later)."""
    if answer.start <= today < answer.end:
        return replace(answer, end=today)
    return answer


def _four_digit_year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000
        if year > today.year:
            year -= 100
    return year


# --- vocabulary ------------------------------------------------------------------------------------

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])"
)
_WEEKDAY_RE = (
    r"(?:mon|tue(?:s)?|wed(?:nes)?|thu(?:r(?:s)?)?|fri|sat(?:ur)?|sun)(?:day)?\.?(?![a-z])"
)
_YESTERDAY_RE = r"(?:yesterday|yesturday|yesterdy|yestarday|yesteday|yday|ytd|yest)"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2,
    "couple of": 2, "a couple": 2, "a few": 0, "few": 0, "several": 0,
}  # fmt: skip
_NUMBER_RE = r"(?:\d{1,3}|" + "|".join(
    re.escape(word).replace(r"\ ", r"\s+") for word in sorted(_NUMBER_WORDS, key=len, reverse=True)
) + ")"  # fmt: skip
_DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])"
_ORDINAL = r"(?:st|nd|rd|th)"
_YEAR_RE = r"(?:19|20)\d{2}"
_TIME_OF_DAY = r"(?:\s+(?:night|morning|afternoon|evening|arvo))?"


def _month_number(word: str) -> int:
    return _MONTHS.index(next(name for name in _MONTHS if name.startswith(word[:3].lower()))) + 1


def _weekday_number(word: str) -> int:
    return next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(word[:2].lower()))


def _count(word: str) -> int:
    """2 for "2", "two", "a couple of"; 0 for "a few" and "several" (approximate)."""
    word = re.sub(r"\s+", " ", word.strip().lower())
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


# --- rules --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    today: date
    month_first: bool
    reading: bool  # an answer to "when?" (lenient) rather than free text (cautious)


Resolver = Callable[[re.Match[str], _Context], "DateAnswer | None"]


def _day_month_year(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    day, month = int(match["day"]), _month_number(match["month"])
    if match["year"]:
        found = _safe_date(int(match["year"]), month, day)
    else:
        found = _recent_day(month, day, ctx.today)
    return DateAnswer.day(found) if found else None


def _month_day_year(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    if not ctx.reading and match["month"].lower().startswith("may") and match["month"][0] != "M":
        return None  # "you may 2 ..." is a verb, "May 2" a month
    return _day_month_year(match, ctx)


def _iso_day(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    found = _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    return DateAnswer.day(found) if found else None


def _day_and_month(first: int, second: int, month_first: bool) -> tuple[int, int]:
    """(day, month) from a numeric date; a part over 12 can only be the day."""
    if first > 12 >= second:
        return first, second
    if second > 12 >= first:
        return second, first
    return (second, first) if month_first else (first, second)


def _numeric_day(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    day, month = _day_and_month(int(match["first"]), int(match["second"]), ctx.month_first)
    if match["year"]:
        found = _safe_date(_four_digit_year(match["year"], ctx.today), month, day)
    elif 1 <= month <= 12:
        found = _recent_day(month, day, ctx.today)
    else:
        found = None
    return DateAnswer.day(found) if found else None


def _month_year(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    month = _month_number(match["month"]) if match["month"] else int(match["month_number"])
    if not 1 <= month <= 12:
        return None
    return _clip(DateAnswer.month(int(match["year"]), month), ctx.today)


def _month_alone(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    word, rel, year_rel = match["month"], match["rel"], match["year_rel"]
    if not ctx.reading and not rel and not year_rel:
        return None  # a month name alone in free text is too often a name or a verb
    if word.lower().startswith("may") and _may_is_a_verb(match, ctx):
        return None
    month = _month_number(word)
    year, _ = _recent_month(month, ctx.today)
    if rel and rel.lower().startswith("last") and month == ctx.today.month:
        year -= 1
    if year_rel:
        year = ctx.today.year - (1 if year_rel.lower() == "last" else 0)
    return _clip(DateAnswer.month(year, month), ctx.today)


_MAY_VERB_BEFORE = re.compile(r"\b(?:i|we|you|he|she|they|it|that|this|which|who)\s+$", re.I)
_MAY_VERB_AFTER = re.compile(r"\s+(?:be|have|not|i|we|he|she|they|you|it)\b", re.I)


def _may_is_a_verb(match: re.Match[str], ctx: _Context) -> bool:
    if not ctx.reading and match["month"][0] != "M":
        return True
    return bool(
        _MAY_VERB_BEFORE.search(match.string[: match.start("month")])
        or _MAY_VERB_AFTER.match(match.string, match.end("month"))
    )


_DAYS_BACK = {"dby": 2, "yesterday": 1, "today": 0}


def _relative_day(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    back = next(days for group, days in _DAYS_BACK.items() if match[group])
    return DateAnswer.day(ctx.today - timedelta(days=back))


def _units_ago(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    count, unit = _count(match["count"]), match["unit"].lower()
    if count == 0:
        return _a_few_ago(unit, ctx.today)
    if unit.startswith(("day", "night")):
        return DateAnswer.day(ctx.today - timedelta(days=count)) if count <= 400 else None
    if unit.startswith("w"):
        return DateAnswer.week(ctx.today - timedelta(weeks=count)) if count <= 120 else None
    if unit.startswith("m"):
        return DateAnswer.month(*_add_months(ctx.today.year, ctx.today.month, -count))
    return DateAnswer.year(ctx.today.year - count) if count <= 100 else None


def _a_few_ago(unit: str, today: date) -> DateAnswer:
    """ "a few days ago": about 2 to 5 days back; weeks and months alike."""
    if unit.startswith(("day", "night")):
        return DateAnswer.between(today - timedelta(days=5), today - timedelta(days=2),
                                  qualifier="about")  # fmt: skip
    if unit.startswith("w"):
        return DateAnswer.between(
            DateAnswer.week(today - timedelta(weeks=4)).start,
            DateAnswer.week(today - timedelta(weeks=2)).end, "week", "about",
        )  # fmt: skip
    if unit.startswith("m"):
        first = _add_months(today.year, today.month, -4)
        last = _add_months(today.year, today.month, -2)
        return DateAnswer.between(date(*first, 1), _month_end(*last), "month", "about")
    return DateAnswer.between(date(today.year - 5, 1, 1), date(today.year - 2, 12, 31), "year",
                              "about")  # fmt: skip


def _last_n(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "in the last 3 days", "past two weeks": from that long ago up to today."""
    count, unit = _count(match["count"]) or 3, match["unit"].lower()
    days = {"d": 1, "w": 7, "m": 30, "y": 365}[unit[0]] * count
    return DateAnswer.between(ctx.today - timedelta(days=days), ctx.today, qualifier="since")


def _this_or_last(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "last week", "this month", "the year before last", "earlier this week"."""
    rel, unit = (match["rel"] or "").lower(), match["unit"].lower()
    back = 0 if "this" in rel and "past" not in rel else 1
    return _periods_back(unit, back, ctx.today)


def _before_last(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    return _periods_back(match["unit"].lower(), 2, ctx.today)


def _periods_back(unit: str, back: int, today: date) -> DateAnswer:
    if unit == "weekend":
        return _weekend(today, back)
    if unit == "week":
        return _clip(DateAnswer.week(today - timedelta(weeks=back)), today)
    if unit == "month":
        return _clip(DateAnswer.month(*_add_months(today.year, today.month, -back)), today)
    return _clip(DateAnswer.year(today.year - back), today)


def _weekend(today: date, back: int) -> DateAnswer:
    """The most recent weekend (back 0), or the one before it when today is in one (back 1)."""
    saturday = today - timedelta(days=(today.weekday() - 5) % 7)
    if back and today.weekday() >= 5:
        saturday -= timedelta(weeks=1)
    return _clip(DateAnswer.between(saturday, saturday + timedelta(days=1)), today)


def _the_weekend(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    return _weekend(ctx.today, 0)


_NOT_PAST_BEFORE = re.compile(r"\b(?:next|every|coming|each|until|till|by)\s+$", re.IGNORECASE)


def _weekday(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    if _NOT_PAST_BEFORE.search(match.string[: match.start()]):
        return None  # "next Monday", "every Friday"
    wanted = _weekday_number(match["weekday"])
    rel = (match["rel"] or "").lower()
    if match["last_week"]:
        monday = DateAnswer.week(ctx.today - timedelta(weeks=1)).start
        return DateAnswer.day(monday + timedelta(days=wanted))
    back = (ctx.today.weekday() - wanted) % 7
    if back == 0 and rel != "this":
        back = 7  # "on Wednesday" said on a Wednesday is a week ago: today would be "today"
    return DateAnswer.day(ctx.today - timedelta(days=back))


_PARTS: dict[str, tuple[Qualifier, int, int]] = {
    "early": ("early", 1, 10), "beginning": ("early", 1, 10), "start": ("early", 1, 10),
    "mid": ("mid", 11, 20), "middle": ("mid", 11, 20),
    "late": ("late", 21, 31), "end": ("late", 21, 31), "towards": ("late", 21, 31),
}  # fmt: skip


def _part_of_month(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "early this month", "mid-october", "end of september 2025": a third of the month."""
    qualifier, first, last = _PARTS[match["part"].split()[0].lower()]
    today = ctx.today
    if match["rel"]:
        back = 0 if match["rel"].lower() in ("this", "the") else 1  # "beginning of the month"
        if match["rel"].lower() == "the" and today.day < first:
            back = 1  # "end of the month", said on the 9th: the month before
        year, month = _add_months(today.year, today.month, -back)
    else:
        month = _month_number(match["month"])
        year = int(match["year"]) if match["year"] else _recent_month(month, today)[0]
    end = _month_end(year, month)
    end = end.replace(day=min(last, end.day))
    answer = DateAnswer.between(date(year, month, first), end, qualifier=qualifier)
    return _clip(answer, today)


_DURATION = re.compile(r"(?P<count>" + _NUMBER_RE + r")\s+(?P<unit>days|weeks|months|years)", re.I)


def _since(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "since October", "since last week"; also "since 3 weeks" (for the last three weeks)."""
    duration = _DURATION.fullmatch(match["point"])
    if duration:
        return _last_n(duration, ctx)
    point = _read_point(match["point"], ctx)
    if point is None or point.start > ctx.today:
        return None
    unit: Unit = point.unit if point.precision != "range" else "day"
    return DateAnswer.between(point.start, ctx.today, unit, "since")


_BARE_DAY = re.compile(r"(?:the\s+)?(" + _DAY_RE + r")" + _ORDINAL + r"?", re.IGNORECASE)
_UP_TO_NOW = re.compile(r"now|today|the\s+present|present|date", re.IGNORECASE)


def _range(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "between June and August", "3-10 march", "from 3 march to 10 april", "june till now"."""
    first, last = match["first"], match["last"]
    if _UP_TO_NOW.fullmatch(last):
        point = _read_point(first, ctx)
        if point is None or point.start > ctx.today:
            return None
        unit: Unit = point.unit if point.precision != "range" else "day"
        return DateAnswer.between(point.start, ctx.today, unit, "since")
    bare_first, bare_last = _BARE_DAY.fullmatch(first), _BARE_DAY.fullmatch(last)
    if bare_first and bare_last:
        return None
    if bare_last:
        start = _read_point(first, ctx)
        end = _day_in_month_of(start, int(bare_last[1]))
    else:
        end = _read_point(last, ctx)
        if bare_first:
            start = _day_in_month_of(end, int(bare_first[1]))
        else:
            before = replace(ctx, today=end.end) if end is not None else ctx
            start = _read_point(first, before)
    if start is None or end is None or start.start > end.end:
        return None
    unit = start.unit if start.unit == end.unit and start.precision != "range" else "day"
    return _clip(DateAnswer.between(start.start, end.end, unit), ctx.today)


def _day_in_month_of(answer: DateAnswer | None, day: int) -> DateAnswer | None:
    if answer is None or answer.precision != "day":
        return None
    found = _safe_date(answer.start.year, answer.start.month, day)
    return DateAnswer.day(found) if found else None


def _ordinal_day(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "on the 20th": the most recent 20th of a month."""
    day, today = int(match["day"]), ctx.today
    for back in range(0, 3):
        year, month = _add_months(today.year, today.month, -back)
        found = _safe_date(year, month, day)
        if found is not None and found <= today:
            return DateAnswer.day(found)
    return None


def _year_alone(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    if not ctx.reading and not match["prep"]:
        return None
    return _clip(DateAnswer.year(int(match["year"])), ctx.today)


def _future(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """Dates the reporter gives in the future: kept only so that they can be refused kindly."""
    today = ctx.today
    if match["tomorrow"]:
        days = 2 if "after" in match["tomorrow"].lower() else 1
        return DateAnswer.day(today + timedelta(days=days))
    if match["next_unit"]:
        unit = match["next_unit"].lower()
        if unit == "week":
            return DateAnswer.week(today + timedelta(weeks=1))
        if unit == "month":
            return DateAnswer.month(*_add_months(today.year, today.month, 1))
        if unit == "year":
            return DateAnswer.year(today.year + 1)
        ahead = (_weekday_number(unit) - today.weekday()) % 7 or 7
        return DateAnswer.day(today + timedelta(days=ahead))
    count = _count(match["count"]) or 3
    unit = match["in_unit"].lower()
    days = {"d": 1, "w": 7, "m": 30}[unit[0]] * count
    return DateAnswer.day(today + timedelta(days=days))


# A point inside a range or after "since" (unnamed groups: it is read again on its own).
_DATED_POINT = (
    r"(?:(?:the\s+)?" + _DAY_RE + _ORDINAL + r"?(?:\s+of)?\s*" + _MONTH_RE + r"(?:,?\s*" + _YEAR_RE
    + r")?|" + _MONTH_RE + r"\s*(?:the\s+)?" + _DAY_RE + _ORDINAL + r"?(?!\d)(?:,?\s*" + _YEAR_RE
    + r")?|" + _MONTH_RE + r"(?:,?\s*" + _YEAR_RE + r")?|" + _DAY_RE + r"[/.]" + _DAY_RE
    + r"(?:[/.](?:\d{4}|\d{2}))?(?![\d/.]))"
)  # fmt: skip
_BARE_DAY_POINT = r"(?:the\s+)?" + _DAY_RE + _ORDINAL + r"?(?![\d/.:])"
_POINT = r"(?:" + _DATED_POINT + r"|" + _BARE_DAY_POINT + r")"
_SINCE_POINT = (
    r"(?:" + _NUMBER_RE + r"\s+(?:days|weeks|months|years)|" + _POINT + r"|" + _YEAR_RE + r"|(?:last|this)\s+(?:week|month|year)|" + _YESTERDAY_RE
    + r"|" + _WEEKDAY_RE + r")"
)  # fmt: skip

# --- Chinese and Malay (issue 12) -----------------------------------------------------------------
# The same answers as the English rules, from "前天", "上个月初", "三天前", "10月5日", "kelmarin",
# "minggu lepas", "awal bulan lepas", "3 hari lepas", "5 Okt". dateparser 1.5 (checked with
# languages zh, ms and PREFER_DATES_FROM past) reads only "前天", "昨天", "semalam" and "5 Okt"
# of these, and without their precision, so these are rules like the English ones.

_ZH_NUMERAL = r"(?:\d{1,4}|[零〇一二两三四五六七八九十]{1,3})"
_ZH_COUNT = r"(?P<count>\d{1,3}|[一二两三四五六七八九十]{1,3}|几|幾|好几|好幾)"
_ZH_DAYS_BACK = {
    "大前天": 3, "前天": 2, "前日": 2, "昨天": 1, "昨日": 1, "昨晚": 1, "昨夜": 1, "昨天晚上": 1,
    "今天": 0, "今日": 0, "今早": 0, "今晚": 0, "今天早上": 0, "刚才": 0, "刚刚": 0,
}  # fmt: skip
# "前几天" (the other day): a few days back, as "a few days ago".
_ZH_A_FEW_DAYS_BACK = ("前几天", "前幾天", "前些天", "前些日子", "这几天", "這幾天")
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_PARTS: dict[str, Qualifier] = {
    "初": "early", "上旬": "early", "中": "mid", "中旬": "mid", "底": "late", "末": "late",
    "尾": "late", "下旬": "late",
}  # fmt: skip
_ZH_PART = r"(?P<part>上旬|中旬|下旬|初|中|底|末|尾)?"
_ZH_WEEK = r"(?:个)?(?:星期|礼拜|禮拜|周|週)"
_MS_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mac": 3, "april": 4, "apr": 4, "mei": 5,
    "jun": 6, "julai": 7, "jul": 7, "ogos": 8, "ogo": 8, "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "disember": 12, "dis": 12,
    "december": 12, "october": 10,
}  # fmt: skip
_MS_MONTH_RE = r"(?P<month>" + "|".join(sorted(_MS_MONTHS, key=len, reverse=True)) + r")\.?"
# Only the spellings English does not share: "5 Jun" stays the English rules' (ranges and all).
_MS_ONLY_MONTHS = ("januari", "februari", "mac", "mei", "julai", "ogos", "ogo", "oktober", "okt",
                   "disember", "dis")  # fmt: skip
_MS_ONLY_MONTH_RE = (
    r"(?P<month>" + "|".join(sorted(_MS_ONLY_MONTHS, key=len, reverse=True)) + r")\.?"
)
_MS_WEEKDAYS = {
    "isnin": 0, "selasa": 1, "rabu": 2, "khamis": 3, "jumaat": 4, "sabtu": 5, "ahad": 6,
}  # fmt: skip
_MS_COUNTS = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "lapan": 8,
    "sembilan": 9, "sepuluh": 10, "beberapa": 0, "se": 1,
}  # fmt: skip
_MS_PARTS: dict[str, Qualifier] = {
    "awal": "early", "permulaan": "early", "pertengahan": "mid", "tengah": "mid",
    "hujung": "late", "akhir": "late", "penghujung": "late",
}  # fmt: skip
_MS_AGO = r"(?:yang\s+|yg\s+)?(?:lepas|lalu|sudah|sebelum\s+ini)"
_PART_DAYS: dict[str, tuple[int, int]] = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}


def _zh_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    from scamreport.extraction.numerals import read_zh_number

    value = read_zh_number(text)
    return int(value) if value is not None and value == int(value) else None


def _part_of(year: int, month: int, part: Qualifier | None, today: date) -> DateAnswer:
    """The month, or the third of it a part ("early", "mid", "late") names."""
    if not part:
        return _clip(DateAnswer.month(year, month), today)
    first, last = _PART_DAYS[part]
    end = _month_end(year, month)
    answer = DateAnswer.between(
        date(year, month, first),
        end.replace(day=min(last, end.day)),
        qualifier=part,
    )
    return _clip(answer, today)


def _zh_relative(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    if match["word"] in _ZH_A_FEW_DAYS_BACK:
        return _a_few_ago("days", ctx.today)
    return DateAnswer.day(ctx.today - timedelta(days=_ZH_DAYS_BACK[match["word"]]))


def _ago_in(count: int, unit: str, today: date) -> DateAnswer | None:
    """count units back (unit one of day, week, month, year); count 0 is "a few"."""
    if count == 0:
        return _a_few_ago(unit, today)
    if unit == "day":
        return DateAnswer.day(today - timedelta(days=count)) if count <= 400 else None
    if unit == "week":
        return DateAnswer.week(today - timedelta(weeks=count)) if count <= 120 else None
    if unit == "month":
        return DateAnswer.month(*_add_months(today.year, today.month, -count))
    return DateAnswer.year(today.year - count) if count <= 100 else None


_ZH_UNITS = {"天": "day", "日": "day", "月": "month", "年": "year"}


def _zh_ago(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    word = match["count"]
    count = 0 if "几" in word or "幾" in word else _zh_int(word)
    if count is None:
        return None
    unit = _ZH_UNITS.get(match["unit"][-1], "week")
    return _ago_in(count, unit, ctx.today)


def _zh_weekday(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    written = match["weekday"]
    wanted = int(written) - 1 if written.isdigit() else _ZH_WEEKDAYS.get(written)
    if wanted is None or not 0 <= wanted <= 6:
        return None
    rel = match["rel"] or ""
    if rel:
        weeks_back = 2 if rel == "上上" else 1 if rel == "上" else 0
        monday = DateAnswer.week(ctx.today - timedelta(weeks=weeks_back)).start
        return DateAnswer.day(monday + timedelta(days=wanted))
    back = (ctx.today.weekday() - wanted) % 7 or 7
    return DateAnswer.day(ctx.today - timedelta(days=back))


def _zh_period(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "上星期", "上个月初", "这个月", "上上个月", "去年", "前年"."""
    rel, unit, today = match["rel"], match["unit"], ctx.today
    back = {"上上": 2, "上": 1, "前": 2, "去": 1}.get(rel, 0)
    if unit == "年":
        return _clip(DateAnswer.year(today.year - back), today)
    if unit == "月":
        year, month = _add_months(today.year, today.month, -back)
        return _part_of(year, month, _ZH_PARTS.get(match["part"] or ""), today)
    return _clip(DateAnswer.week(today - timedelta(weeks=back)), today)


def _zh_year(match: re.Match[str], ctx: _Context) -> int | None:
    if match["year"]:
        return int(match["year"])
    rel = match["year_rel"]
    if rel:
        return ctx.today.year - {"今": 0, "去": 1, "前": 2}[rel[0]]
    return None


def _zh_day(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "10月5日", "十月五号", "2026年10月5日", "去年12月3号"."""
    month, day = _zh_int(match["month"]), _zh_int(match["day"])
    if month is None or day is None or not 1 <= month <= 12:
        return None
    year = _zh_year(match, ctx)
    found = _safe_date(year, month, day) if year else _recent_day(month, day, ctx.today)
    return DateAnswer.day(found) if found else None


def _zh_month(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "10月", "十月初", "去年12月", "2025年3月底"."""
    month = _zh_int(match["month"])
    if month is None or not 1 <= month <= 12:
        return None
    year = _zh_year(match, ctx) or _recent_month(month, ctx.today)[0]
    return _part_of(year, month, _ZH_PARTS.get(match["part"] or ""), ctx.today)


_MS_DAYS_BACK = {"kelmarin": 2, "semalam": 1, "malam tadi": 1, "hari ini": 0, "pagi tadi": 0,
                 "petang tadi": 0, "tadi": 0}  # fmt: skip
# How people type them in chats: "hari ni", "harini", "arini", "smlm", "mlm td", "ptg tadi".
_MS_CHAT_SPELLINGS = {"ni": "ini", "harini": "hari ini", "arini": "hari ini", "hr": "hari",
                      "hri": "hari", "smlm": "semalam", "semlm": "semalam", "mlm": "malam",
                      "td": "tadi", "ptg": "petang"}  # fmt: skip


def _ms_relative(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    words = match["word"].lower().split()
    word = " ".join(_MS_CHAT_SPELLINGS.get(w, w) for w in words)
    word = _MS_CHAT_SPELLINGS.get(word, word)
    return DateAnswer.day(ctx.today - timedelta(days=_MS_DAYS_BACK[word]))


_MS_UNITS = {"hari": "day", "minggu": "week", "bulan": "month", "tahun": "year"}


def _ms_ago(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "3 hari lepas", "dua minggu lalu", "seminggu yang lepas", "beberapa hari lepas"."""
    word = match["count"].lower()
    count = int(word) if word.isdigit() else _MS_COUNTS[word]
    return _ago_in(count, _MS_UNITS[match["unit"].lower()], ctx.today)


def _ms_period(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "minggu lepas", "bulan lepas", "awal bulan lepas", "hujung bulan ini", "tahun lalu"."""
    unit, today = match["unit"].lower(), ctx.today
    back = 0 if match["rel"].lower() in ("ini", "ni") else 1
    part = _MS_PARTS.get((match["part"] or "").lower())
    if unit == "bulan":
        year, month = _add_months(today.year, today.month, -back)
        return _part_of(year, month, part, today)
    if unit == "minggu":
        return _part_of_week(today - timedelta(weeks=back), part, today)
    if part:
        return None
    return _clip(DateAnswer.year(today.year - back), today)


# "awal minggu ni" (early this week): Monday to Wednesday; "hujung minggu lepas" is last
# weekend, as Malay says it (the week runs Monday to Sunday, as in DateAnswer.week).
_WEEK_PART_DAYS: dict[str, tuple[int, int]] = {"early": (0, 2), "mid": (2, 4), "late": (5, 6)}


def _part_of_week(day: date, part: Qualifier | None, today: date) -> DateAnswer | None:
    """The Monday-to-Sunday week that holds day, or the part of it a part names; None when
    that part is still to come."""
    week = DateAnswer.week(day)
    if not part:
        return _clip(week, today)
    first, last = _WEEK_PART_DAYS[part]
    start = week.start + timedelta(days=first)
    if start > today:
        return None
    return _clip(
        DateAnswer.between(start, week.start + timedelta(days=last), qualifier=part), today
    )


def _ms_day_month(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "5 Okt", "5hb Ogos", "20 Disember 2025"."""
    day, month = int(match["day"]), _MS_MONTHS[match["month"].lower()]
    if match["year"]:
        found = _safe_date(int(match["year"]), month, day)
    else:
        found = _recent_day(month, day, ctx.today)
    return DateAnswer.day(found) if found else None


def _ms_month(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "bulan Mac", "pada bulan Ogos", "awal Oktober", "Julai lepas", "awal bulan 9"."""
    written = match["month"].lower()
    month = int(written) if written.isdigit() else _MS_MONTHS[written]
    year, _ = _recent_month(month, ctx.today)
    if match["year"]:
        year = int(match["year"])
    elif match["rel"] and month == ctx.today.month:
        year -= 1
    return _part_of(year, month, _MS_PARTS.get((match["part"] or "").lower()), ctx.today)


def _ms_weekday(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "hari Isnin lepas", "Jumaat lalu", "pada hari Selasa": the most recent one."""
    wanted = _MS_WEEKDAYS[match["weekday"].lower()]
    back = (ctx.today.weekday() - wanted) % 7 or 7
    return DateAnswer.day(ctx.today - timedelta(days=back))


def _ms_ago_se(match: re.Match[str], ctx: _Context) -> DateAnswer | None:
    """ "seminggu lepas" is one week; otherwise as _ms_ago."""
    if match["count_se"]:
        return _ago_in(1, _MS_UNITS[match["unit"].lower()], ctx.today)
    return _ms_ago(match, ctx)


_ZH_MS_RULES: tuple[tuple[str, str, Resolver, bool], ...] = (
    (
        "date_zh_day",
        r"(?:(?:(?P<year>(?:19|20)\d{2})\s?年|(?P<year_rel>今年|去年|前年))\s?)?(?<![\d.])"
        r"(?P<month>" + _ZH_NUMERAL + r")\s?月(?:份)?\s?(?P<day>" + _ZH_NUMERAL + r")\s?[日号號]",
        _zh_day, True,
    ),
    (
        "date_zh_ago",
        _ZH_COUNT + r"\s?(?:个|個)?(?P<unit>天|日|星期|礼拜|禮拜|周|週|月|年)(?:半)?(?:前|之前|以前)",
        _zh_ago, True,
    ),
    (
        "date_zh_relative",
        r"(?P<word>"
        + "|".join(sorted((*_ZH_DAYS_BACK, *_ZH_A_FEW_DAYS_BACK), key=len, reverse=True))
        + r")",
        _zh_relative, True,
    ),
    (
        "date_zh_weekday",
        r"(?P<rel>上上|上|这|這|本)?\s?(?:个|個)?(?:星期|礼拜|禮拜|周|週)(?P<weekday>[一二三四五六日天1-7])",
        _zh_weekday, True,
    ),
    (
        "date_zh_period",
        r"(?P<rel>上上|上|这|這|本)\s?(?:个|個)?(?P<unit>星期|礼拜|禮拜|周|週|月)" + _ZH_PART,
        _zh_period, True,
    ),
    ("date_zh_period", r"(?P<rel>今|去|前)(?P<unit>年)(?P<part>)(?!\d|[一二三四五六七八九十]+月)",
     _zh_period, True),  # fmt: skip
    (
        "date_zh_month",
        r"(?:(?:(?P<year>(?:19|20)\d{2})\s?年|(?P<year_rel>今年|去年|前年))\s?)?(?<![\d.个個])"
        r"(?P<month>" + _ZH_NUMERAL + r")\s?月(?:份)?" + _ZH_PART + r"(?![\d前])",
        _zh_month, True,
    ),
    (
        "date_ms_ago",
        r"\b(?:(?P<count>\d{1,3}|satu|dua|tiga|empat|lima|enam|tujuh|lapan|sembilan|sepuluh|"
        r"beberapa)\s+|(?P<count_se>se))(?P<unit>hari|minggu|bulan|tahun)\s+" + _MS_AGO + r"\b",
        _ms_ago_se, True,
    ),
    (
        "date_ms_relative",
        r"\b(?P<word>kelmarin|semalam|smlm|semlm|(?:malam|mlm)\s+(?:tadi|td)|(?:hari|hr|hri)\s+(?:ini|ni)"
        r"|harini|arini|(?:pagi|petang|ptg)\s+(?:tadi|td)|tadi)\b",
        _ms_relative, True,
    ),
    (
        "date_ms_period",
        r"\b(?:(?P<part>awal|permulaan|pertengahan|tengah|hujung|akhir|penghujung)\s+)?"
        r"(?P<unit>minggu|bulan|tahun)\s+(?P<rel>ini|ni|" + _MS_AGO + r")\b",
        _ms_period, True,
    ),
    (
        "date_ms_day_month",
        r"(?<![\w/.])(?P<day>[12]\d|3[01]|0?[1-9])\s*(?:hb\.?\s*|haribulan\s+)?" + _MS_ONLY_MONTH_RE
        + r"(?:\s+(?P<year>(?:19|20)\d{2}))?(?![\w])",
        _ms_day_month, True,
    ),
    (
        "date_ms_weekday",
        r"\b(?:(?:pada\s+)?hari\s+)?(?P<weekday>isnin|selasa|rabu|khamis|jumaat|sabtu|ahad)"
        r"(?:\s+" + _MS_AGO + r")?\b",
        _ms_weekday, True,
    ),
    (
        "date_ms_month",
        r"\b(?:(?P<part>awal|pertengahan|hujung|akhir)\s+(?:bulan\s+)?|(?:pada\s+)?bulan\s+)"
        + _MS_MONTH_RE + r"(?:\s+(?P<year>(?:19|20)\d{2}))?(?P<rel>)(?![\w])",
        _ms_month, True,
    ),
    (
        "date_ms_month",
        r"\b" + _MS_MONTH_RE + r"\s+(?P<rel>" + _MS_AGO + r")(?P<part>)(?P<year>)\b",
        _ms_month, True,
    ),
    (
        # a month by its number, as chats write it: "bulan 9", "awal bln 10", "hujung bulan 8"
        "date_ms_month_number",
        r"\b(?:(?P<part>awal|pertengahan|hujung|akhir)\s+)?(?:pada\s+)?(?:bulan|bln)\s+"
        r"(?P<month>1[0-2]|0?[1-9])(?:\s+(?P<year>(?:19|20)\d{2}))?(?P<rel>)(?![\w/.:-])",
        _ms_month, True,
    ),
)  # fmt: skip


_RULES_SOURCE: tuple[tuple[str, str, Resolver, bool], ...] = _ZH_MS_RULES + (
    # (rule name, pattern, resolver, also in free text)
    (
        "date_range",
        r"(?=[bf])\b(?:between|from)\s+(?P<first>" + _POINT + r")\s*(?:and|to|till|until|-|–)\s*"
        r"(?P<last>" + _POINT + r"|now|today|the\s+present|present|date)(?![\w/])",
        _range, True,
    ),
    (
        "date_range",
        r"(?=[\dtjfmasond])(?<![\w/.])(?P<first>" + _POINT + r")\s*(?:-|–|to|till|until)\s*"
        r"(?P<last>" + _DATED_POINT + r"|now|today|the\s+present|date)(?![\w/])",
        _range, True,
    ),
    (
        "date_range",  # "march 3 to 10": only in an answer ("paid march 3 to 10 people")
        r"(?=[\djfmasond])(?<![\w/.])(?P<first>" + _DATED_POINT + r")\s*(?:-|–|to|till|until)\s*"
        r"(?P<last>" + _BARE_DAY_POINT + r")(?![\w/])",
        _range, False,
    ),
    (
        "date_since",
        r"(?=[es])\b(?:ever\s+)?(?:since|starting(?:\s+from)?)\s+(?P<point>" + _SINCE_POINT + r")(?![\w/])",
        _since, True,
    ),
    (
        "date_part_of_month",
        r"(?=[tebsml])\b(?:(?:the|towards\s+the)\s+)?(?P<part>early|beginning\s+of|start\s+of|mid|middle\s+of|"
        r"late|end\s+of)(?:\s+|-)(?:the\s+)?(?:(?P<rel>this|last|previous|the)\s+month|"
        r"(?P<month>" + _MONTH_RE + r")(?:,?\s*(?P<year>" + _YEAR_RE + r"))?)\b",
        _part_of_month, True,
    ),
    (
        "date_iso",
        r"(?=[12])(?<![\d/.\-])(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
        r"(?![\d/\-]|\.\d)",
        _iso_day, True,
    ),
    (
        "date_numeric",
        r"(?=\d)(?<![\d/.\-])(?P<first>\d{1,2})(?P<sep>[/.\-])(?P<second>\d{1,2})(?P=sep)"
        r"(?P<year>\d{4}|\d{2})(?![\d/\-]|\.\d)",
        _numeric_day, True,
    ),
    (
        "date_day_month",
        r"(?=[\dtmtwfs])(?<![\d/.\-])(?:" + _WEEKDAY_RE + r",?\s+(?:the\s+)?)?(?:the\s+)?(?P<day>" + _DAY_RE
        + r")" + _ORDINAL + r"?(?:\s+of)?\s*(?P<month>" + _MONTH_RE + r")(?:,?\s*(?P<year>"
        + _YEAR_RE + r"))?(?![\w\-])",
        _day_month_year, True,
    ),
    (
        "date_month_day",
        r"(?=[jfmasondmtwfs])\b(?:" + _WEEKDAY_RE + r",?\s+)?(?P<month>" + _MONTH_RE + r")\s*(?:the\s+)?(?P<day>"
        + _DAY_RE + r")" + _ORDINAL + r"?(?![\d:.]|\s*(?:am|pm)\b)(?:,?\s+(?P<year>" + _YEAR_RE
        + r"))?\b",
        _month_day_year, True,
    ),
    (
        "date_month_year",
        r"(?=[jfmasond])\b(?P<month>" + _MONTH_RE + r"),?\s*(?:of\s+)?(?P<year>" + _YEAR_RE + r")(?!\d)"
        r"(?P<month_number>)",
        _month_year, True,
    ),
    (
        "date_month_year",
        r"(?=\d)(?<![\d/.\-])(?P<month_number>0?[1-9]|1[0-2])[/.\-](?P<year>" + _YEAR_RE + r")"
        r"(?![\d/.\-])(?P<month>)",
        _month_year, False,
    ),
    (
        "date_relative",
        r"(?=[tdyljeaof\d])\b(?:(?P<dby>(?:the\s+)?day\s+before\s+" + _YESTERDAY_RE + r")|(?P<yesterday>"
        + _YESTERDAY_RE + r"|last\s+night)|(?P<today>today|tonight|this\s+(?:morning|afternoon|"
        r"evening|arvo)|earlier\s+today|just\s+now|(?:an?|one|few|a\s+few|\d{1,2})\s+"
        r"(?:hours?|hrs?|minutes?|mins?)\s+(?:ago|back)))" + _TIME_OF_DAY + r"\b",
        _relative_day, True,
    ),
    (
        "date_ago",
        r"(?=[\daotfsenc])\b(?P<count>" + _NUMBER_RE + r")\s+(?P<unit>days?|nights?|weeks?|wks?|months?|mths?|"
        r"years?|yrs?)\s+(?:ago|back|earlier|before)\b",
        _units_ago, True,
    ),
    (
        "date_last_n",
        r"(?=[iodftlp])\b(?:(?:in|over|during|for)\s+)?(?:the\s+)?(?:last|past)\s+(?P<count>" + _NUMBER_RE
        + r")\s+(?P<unit>days|weeks|months)\b",
        _last_n, True,
    ),
    (
        "date_weekday",
        r"(?=[ltpomtwfs])\b(?:(?P<rel>last|this\s+past|past|previous|on|this)\s+)?(?P<weekday>" + _WEEKDAY_RE
        + r")" + _TIME_OF_DAY + r"(?P<last_week>\s+(?:of\s+)?last\s+week)?\b",
        _weekday, True,
    ),
    (
        "date_month",
        r"(?=[jfmasond])\b(?P<rel>)(?P<month>" + _MONTH_RE + r")\s+(?P<year_rel>last|this)\s+year\b",
        _month_alone, True,
    ),
    (
        "date_other_day",
        r"(?=t)\bthe\s+other\s+day\b",
        lambda _, ctx: DateAnswer.between(
            ctx.today - timedelta(days=7), ctx.today - timedelta(days=1), qualifier="about"
        ),
        True,
    ),
    (
        "date_period",
        r"(?=[lpte])\b(?P<rel>last|previous|this\s+past|earlier\s+this|this)\s+(?P<unit>week|month|year|"
        r"weekend)\b",
        _this_or_last, True,
    ),
    (
        "date_period",
        r"(?=[twmy])\b(?:the\s+)?(?P<unit>week|month|year)\s+before\s+last\b",
        _before_last, True,
    ),
    ("date_weekend", r"(?=[oda])\b(?:on|over|during|at)\s+the\s+weekend\b", _the_weekend, True),
    (
        "date_future",
        r"(?=[tdni])\b(?:(?P<tomorrow>(?:the\s+)?day\s+after\s+tomorrow|tomorrow|tmrw?)|next\s+(?P<next_unit>"
        r"week|month|year|" + _WEEKDAY_RE + r")|in\s+(?P<count>" + _NUMBER_RE + r")\s+"
        r"(?P<in_unit>days?|weeks?|months?)(?!\s+ago))\b",
        _future, True,
    ),
    (
        "date_month",
        r"(?=[idltajfmasond])\b(?:(?P<rel>in|during|last|this\s+past|in\s+early|around)\s+)?(?P<month>" + _MONTH_RE
        + r")(?:\s+(?P<year_rel>last|this)\s+year)?(?![\w/])",
        _month_alone, True,
    ),
    (
        "date_numeric",
        r"(?=o)(?<![\d/.\-\w])(?:on\s+)(?P<first>\d{1,2})(?P<sep>/)(?P<second>\d{1,2})(?![\d/.\-])"
        r"(?P<year>)",
        _numeric_day, True,
    ),
    (
        "date_numeric",
        r"(?=\d)(?<![\d/.\-\w])(?P<first>\d{1,2})(?P<sep>[/.\-])(?P<second>\d{1,2})(?![\d/.\-])"
        r"(?P<year>)",
        _numeric_day, False,
    ),
    ("date_ordinal", r"(?=o)\bon\s+the\s+(?P<day>" + _DAY_RE + r")" + _ORDINAL + r"\b",
     _ordinal_day, True),  # fmt: skip
    (
        "date_ordinal",
        r"(?=[t\d])(?<![\w/.])(?:the\s+)?(?P<day>" + _DAY_RE + r")" + _ORDINAL + r"\b",
        _ordinal_day, False,
    ),
    (
        "date_year",
        r"(?=[idsa12])(?<![\w/.\-])(?P<prep>(?:in|during|since|around)\s+)?(?P<year>" + _YEAR_RE + r")"
        r"(?![\w/.\-])",
        _year_alone, True,
    ),
)  # fmt: skip


# What a text must contain (in lower case) for a rule to be worth running: one string of each
# group. Checking these is much cheaper than running ~25 patterns over every message.
_DIGITS = tuple("0123456789")
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_GATES: dict[str, tuple[tuple[str, ...], ...]] = {
    "date_range": (_MONTH_STEMS + _DIGITS,),
    "date_since": (("since", "starting"),),
    "date_part_of_month": (("early", "beginning", "start", "mid", "late", "end"),),
    "date_iso": (("-",), _DIGITS),
    "date_numeric": (("/", ".", "-"), _DIGITS),
    "date_day_month": (_MONTH_STEMS,),
    "date_month_day": (_MONTH_STEMS,),
    "date_month_year": (_DIGITS,),
    "date_month": (_MONTH_STEMS,),
    "date_relative": (
        ("yest", "yday", "ytd", "night", "today", "tonight", "this", "just", "ago", "back"),
    ),  # fmt: skip
    "date_ago": (("ago", "back", "earlier", "before"),),
    "date_last_n": (("last", "past"),),
    "date_weekday": (("mon", "tue", "wed", "thu", "fri", "sat", "sun"),),
    "date_other_day": (("other day",),),
    "date_period": (("last", "previous", "this"),),
    "date_weekend": (("weekend",),),
    "date_future": (("tomorrow", "tmr", "next", "in "),),
    "date_ordinal": (_DIGITS,),
    "date_year": (("19", "20"),),
    "date_zh_day": (("月",), ("日", "号", "號")),
    "date_zh_ago": (("前",),),
    "date_zh_relative": (("天", "日", "晚", "夜", "早", "刚"),),
    "date_zh_weekday": (("星期", "礼拜", "禮拜", "周", "週"),),
    "date_zh_period": (("上", "这", "這", "本", "今", "去", "前"),),
    "date_zh_month": (("月",),),
    "date_ms_ago": (("hari", "minggu", "bulan", "tahun"), ("lepas", "lalu", "sudah", "sebelum")),
    "date_ms_relative": (("kelmarin", "semalam", "smlm", "semlm", "tadi", " td", "ni"),),
    "date_ms_period": (("minggu", "bulan", "tahun"),),
    "date_ms_day_month": (_MS_ONLY_MONTHS, _DIGITS),
    "date_ms_weekday": (tuple(_MS_WEEKDAYS),),
    "date_ms_month": (tuple(_MS_MONTHS),),
    "date_ms_month_number": (("bulan", "bln"), _DIGITS),
}


def _worth_running(rule: str, lowered: str) -> bool:
    return all(any(needle in lowered for needle in group) for group in _GATES.get(rule, ()))


@lru_cache(maxsize=2)
def _rules(reading: bool) -> tuple[tuple[str, re.Pattern[str], Resolver], ...]:
    return tuple(
        (name, re.compile(pattern, re.IGNORECASE), resolver)
        for name, pattern, resolver, in_free_text in _RULES_SOURCE
        if reading or in_free_text
    )


def _scan(text: str, ctx: _Context) -> Iterator[tuple[re.Match[str], str, DateAnswer]]:
    """Every date in text; an earlier rule wins over a later one that overlaps it."""
    taken: list[tuple[int, int]] = []
    lowered = text.lower()
    worth: dict[str, bool] = {}
    for name, pattern, resolver in _rules(ctx.reading):
        if name not in worth:
            worth[name] = _worth_running(name, lowered)
        if not worth[name]:
            continue
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            answer = resolver(match, ctx)
            if answer is None:
                continue
            taken.append((match.start(), match.end()))
            yield match, name, answer


def _read_point(text: str, ctx: _Context) -> DateAnswer | None:
    """One end of a range, or what follows "since", read on its own."""
    point_ctx = replace(ctx, reading=True)
    found = [(match.start(), answer) for match, _, answer in _scan(text.strip(), point_ctx)]
    return min(found, key=lambda item: item[0])[1] if found else None


# --- typos -----------------------------------------------------------------------------------------

_SHORTHANDS = {
    "yday": "yesterday", "ytd": "yesterday", "yest": "yesterday", "ystd": "yesterday",
    "ysterday": "yesterday", "tdy": "today", "2day": "today", "tmr": "tomorrow",
    "tmrw": "tomorrow", "tmw": "tomorrow", "las": "last", "lst": "last", "lastweek": "last week",
    "lastmonth": "last month", "lastyear": "last year", "wk": "week", "wks": "weeks",
    "weks": "weeks", "mth": "month", "mnth": "month", "mths": "months", "mnths": "months",
    "yr": "year", "yrs": "years", "bk": "back", "b4": "before", "agao": "ago", "aog": "ago",
    "sinse": "since", "sinc": "since", "btw": "between", "betwen": "between",
    "nite": "night", "weds": "wednesday", "wensday": "wednesday", "dayz": "days", "dys": "days", "fw": "few",
}  # fmt: skip
_VOCABULARY = (
    *_MONTHS, *_WEEKDAYS, "yesterday", "today", "tonight", "tomorrow", "last", "week", "weeks",
    "month", "months", "year", "years", "days", "ago", "back", "since", "between", "before",
    "beginning", "middle", "early", "night", "morning", "evening", "afternoon", "weekend",
    "couple", "previous", "several", "earlier",
)  # fmt: skip
_KNOWN_WORDS = frozenset(_VOCABULARY) | frozenset(_NUMBER_WORDS) | {
    # everyday words one letter away from a date word ("lost" is not "last")
    "lost", "most", "must", "post", "fast", "east", "best", "list", "next", "text", "test",
    "seek", "mouth", "mouths", "near", "dear", "hear", "bear", "wear", "tear", "yeah",
    "says", "ways", "pays", "bank", "pack", "eight", "light", "might", "right", "sight",
    "fight", "yearly", "nearly", "match", "marsh", "tune", "jane", "jury", "duly", "weeds",
    "tears", "bears", "wears", "hears", "money", "sent", "once", "ages",
    "past", "this", "that", "then", "there", "they", "them", "what", "when", "with", "from",
    "about", "around", "think", "maybe", "start", "late", "later", "end", "mid", "during",
    "after", "were", "was", "until", "till", "and", "the", "dont", "know", "sure", "date",
    "exactly", "remember", "happened", "started", "called", "paid", "first", "time", "last",
    "present", "now", "just", "hours", "hour", "minutes", "mins", "sept", "june", "july",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _corrected_word(word: str) -> str:
    if word in _SHORTHANDS:
        return _SHORTHANDS[word]
    if len(word) < 4 or not word.isalpha() or word in _KNOWN_WORDS:
        return word
    limit = 1 if len(word) < 7 else 2
    scored = [(edit_distance(word, known, limit), known) for known in _VOCABULARY]
    best = min(distance for distance, _ in scored)
    winners = [known for distance, known in scored if distance == best]
    return winners[0] if best <= limit and len(winners) == 1 else word


def correct_typos(text: str) -> str:
    """Lower case, one space, and date words spelt right ("yesturday" -> "yesterday")."""
    text = re.sub(r"[\u2010-\u2015]", "-", text.lower())
    text = re.sub(r"(\d)(st|nd|rd|th)(?=[a-z])", r"\1\2 ", text)  # "20thoct"
    text = re.sub(r"(\d)([a-z]{3,})", _split_number_word, text)
    words = re.split(r"([a-z0-9]+)", text)
    return re.sub(r"\s+", " ", "".join(_corrected_word(word) for word in words)).strip()


def _split_number_word(match: re.Match[str]) -> str:
    """ "20oct" -> "20 oct", but "20th" and "2day" stay as they are."""
    word = match[2]
    if word[:2] in ("st", "nd", "rd", "th") or match[0] in _SHORTHANDS:
        return match[0]
    return f"{match[1]} {word}"


# --- the two entry points --------------------------------------------------------------------------


def _month_first(country: str | None) -> bool:
    code = country_code(country)
    return bool(code and code in MONTH_FIRST_COUNTRIES)


def read_date(
    text: str, country: str | None = None, *, today: date | None = None
) -> DateAnswer | None:
    """Reads the reporter's answer to "when did it happen?" with its precision.

    Lenient: typos are corrected and bare forms accepted ("june", "20/10", "2023"). The first
    date mentioned wins. Future dates are returned (check ``incident_date_problem``). ``country``
    (a code or a name) decides whether 12/03 is 12 March or 3 December. None when no date is read.
    """
    found = _first_date(text, country, today or date.today())
    return found[1] if found else None


def _first_date(text: str, country: str | None, today: date) -> tuple[str, DateAnswer] | None:
    """The words and the answer of the first date in an answer."""
    if not text or not text.strip():
        return None
    ctx = _Context(today, _month_first(country), reading=True)
    found = [(match.start(), match[0], answer)
             for match, _, answer in _scan(correct_typos(text), ctx)]  # fmt: skip
    if not found:
        return None
    _, words, answer = min(found, key=lambda item: item[0])
    return words, answer


IncidentDateProblem = Literal["future", "too_old"]


def incident_date_problem(
    answer: DateAnswer, today: date | None = None
) -> IncidentDateProblem | None:
    """Why a date cannot be when the incident happened: "future", "too_old", or None if fine."""
    today = today or date.today()
    if answer.start > today:
        return "future"
    oldest = _safe_date(today.year - OLDEST_INCIDENT_YEARS, today.month, 1) or today
    if answer.end < oldest:
        return "too_old"
    return None


def find_dates(
    text: str,
    country: str | None = None,
    *,
    today: date | None = None,
    allow_future: bool = False,
) -> Iterator[Found]:
    """Dates in free text, value in ISO 8601 at their precision (DateAnswer.iso).

    Future dates only with allow_future and only when written with a year; far-past ones never.
    """
    today = today or date.today()
    ctx = _Context(today, _month_first(country), reading=False)
    for match, rule, answer in _scan(text, ctx):
        problem = incident_date_problem(answer, today)
        if problem == "too_old":
            continue
        if problem == "future" and not (allow_future and re.search(r"\d{4}", match[0])):
            continue
        yield Found("date", answer.iso, match[0], match.start(), match.end(), rule)


def parse_date(text: str, country: str | None = None, *, today: date | None = None) -> date | None:
    """The first day of the first date in text (see read_date), or None when it names none.

    Kept for callers that store a single day. Only a date written with its year ("25/12/2030")
    can be in the future; callers refuse those as they see fit.
    """
    today = today or date.today()
    found = _first_date(text, country, today)
    if found is None:
        return None
    words, answer = found
    if answer.start > today and not re.search(r"\d{4}", words):
        return None
    return answer.start
