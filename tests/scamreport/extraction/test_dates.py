"""Dates as reporters type them, read with their precision; today is fixed."""

from __future__ import annotations

from datetime import date

import pytest

from scamreport.extraction.dates import (
    DateAnswer,
    correct_typos,
    find_dates,
    incident_date_problem,
    read_date,
)

TODAY = date(2026, 11, 18)  # a Wednesday

# (answer as typed, reporter's country, precision, ISO 8601)
ANSWERS: list[tuple[str, str | None, str, str]] = [
    # days
    ("yesterday", "SG", "day", "2026-11-17"),
    ("yesterday night", "SG", "day", "2026-11-17"),
    ("Yesterday evening around 7pm", "SG", "day", "2026-11-17"),
    ("last night", "SG", "day", "2026-11-17"),
    ("today", "SG", "day", "2026-11-18"),
    ("this morning", "SG", "day", "2026-11-18"),
    ("just now", "SG", "day", "2026-11-18"),
    ("2 hours ago", "SG", "day", "2026-11-18"),
    ("the day before yesterday", "SG", "day", "2026-11-16"),
    ("3 March", "SG", "day", "2026-03-03"),
    ("3rd of march", "SG", "day", "2026-03-03"),
    ("the 3rd of march 2025", "SG", "day", "2025-03-03"),
    ("20th oct", "SG", "day", "2026-10-20"),
    ("20thoct", "SG", "day", "2026-10-20"),
    ("20oct", "SG", "day", "2026-10-20"),
    ("oct 20", "SG", "day", "2026-10-20"),
    ("Oct 20, 2025", "US", "day", "2025-10-20"),
    ("september 5th 2025", None, "day", "2025-09-05"),
    ("sept 5", None, "day", "2026-09-05"),
    ("14 feb", None, "day", "2026-02-14"),
    ("on 25 december", "SG", "day", "2025-12-25"),  # not this year's: it is still to come
    ("12/03/2020", "SG", "day", "2020-03-12"),
    ("12/03/2020", "US", "day", "2020-12-03"),
    ("12/03/2020", "Philippines", "day", "2020-12-03"),
    ("12/03/20", "SG", "day", "2020-03-12"),
    ("13/03/2020", "US", "day", "2020-03-13"),  # 13 cannot be a month
    ("5.10.2026", "DE", "day", "2026-10-05"),
    ("2026-10-20", None, "day", "2026-10-20"),
    ("20/10", "SG", "day", "2026-10-20"),
    ("10/20", "US", "day", "2026-10-20"),
    ("29/2", "SG", "day", "2024-02-29"),  # the last 29 February there was
    ("10 days ago", "SG", "day", "2026-11-08"),
    ("two days ago", "SG", "day", "2026-11-16"),
    ("a couple of days ago", "SG", "day", "2026-11-16"),
    ("3 days back", "SG", "day", "2026-11-15"),
    ("on monday", "SG", "day", "2026-11-16"),
    ("monday", "SG", "day", "2026-11-16"),
    ("last tuesday", "SG", "day", "2026-11-17"),
    ("on wednesday", "SG", "day", "2026-11-11"),  # said on a Wednesday: a week ago
    ("this wednesday", "SG", "day", "2026-11-18"),
    ("last sunday morning", "SG", "day", "2026-11-15"),
    ("on friday night", "SG", "day", "2026-11-13"),
    ("monday last week", "SG", "day", "2026-11-09"),
    ("on the 20th", "SG", "day", "2026-10-20"),  # the 20th of this month is to come
    ("the 5th", "SG", "day", "2026-11-05"),
    ("I think it was on 20 December", None, "day", "2025-12-20"),
    # typos and shorthand
    ("yesturday", "SG", "day", "2026-11-17"),
    ("yestarday", "SG", "day", "2026-11-17"),
    ("ystrday", "SG", "day", "2026-11-17"),
    ("yday", "SG", "day", "2026-11-17"),
    ("tdy morning", "SG", "day", "2026-11-18"),
    ("febuary 3", None, "day", "2026-02-03"),
    ("octobr 20", None, "day", "2026-10-20"),
    ("wensday", "SG", "day", "2026-11-11"),
    ("las tuesday", "SG", "day", "2026-11-17"),
    ("tusday", "SG", "day", "2026-11-17"),
    ("10 dayz ago", "SG", "day", "2026-11-08"),
    # weeks
    ("last week", "SG", "week", "2026-W46"),
    ("las week", "SG", "week", "2026-W46"),
    ("lastweek", "SG", "week", "2026-W46"),
    ("lst wk", "SG", "week", "2026-W46"),
    ("last weak", "SG", "week", "2026-W46"),
    ("2 weeks back", "SG", "week", "2026-W45"),
    ("2 wks ago", "SG", "week", "2026-W45"),
    ("a week ago", "SG", "week", "2026-W46"),
    ("a couple of weeks ago", "SG", "week", "2026-W45"),
    ("the week before last", "SG", "week", "2026-W45"),
    ("this week", "SG", "week", "2026-W47"),
    ("earlier this week", "SG", "week", "2026-W47"),
    # months
    ("june", "SG", "month", "2026-06"),
    ("June", "SG", "month", "2026-06"),
    ("october", "SG", "month", "2026-10"),
    ("in oct", "SG", "month", "2026-10"),
    ("i think it was in june", "SG", "month", "2026-06"),
    ("november", "SG", "month", "2026-11"),  # this month
    ("december", "SG", "month", "2025-12"),  # last December: this one is to come
    ("last december", "SG", "month", "2025-12"),
    ("december last year", "SG", "month", "2025-12"),
    ("last month", "SG", "month", "2026-10"),
    ("las month", "SG", "month", "2026-10"),
    ("this month", "SG", "month", "2026-11"),
    ("about 2 months ago", "SG", "month", "2026-09"),
    ("not sure maybe a month ago", "SG", "month", "2026-10"),
    ("march 2025", "SG", "month", "2025-03"),
    ("03/2025", "SG", "month", "2025-03"),
    ("septmber", "SG", "month", "2026-09"),
    ("augst", "SG", "month", "2026-08"),
    # years
    ("last year", "SG", "year", "2025"),
    ("last yr", "SG", "year", "2025"),
    ("in 2024", "SG", "year", "2024"),
    ("2025", "SG", "year", "2025"),
    ("earlier this year", "SG", "year", "2026"),
    # ranges
    ("between June and August", "SG", "range", "2026-06/2026-08"),
    ("betwen june and august", "SG", "range", "2026-06/2026-08"),
    ("from june to august", "SG", "range", "2026-06/2026-08"),
    ("june to august", "SG", "range", "2026-06/2026-08"),
    ("june-august", "SG", "range", "2026-06/2026-08"),
    ("nov 2025 to feb", "SG", "range", "2025-11/2026-02"),
    ("between november and february", "SG", "range", "2025-11/2026-02"),
    ("since October", "SG", "range", "2026-10/2026-11-18"),
    ("since last week", "SG", "range", "2026-W46/2026-11-18"),
    ("since 2024", "SG", "range", "2024/2026-11-18"),
    ("since 3 weeks", "IN", "range", "2026-10-28/2026-11-18"),
    ("june till now", "SG", "range", "2026-06/2026-11-18"),
    ("from 3 to 10 march", "SG", "range", "2026-03-03/2026-03-10"),
    ("3-10 march", "SG", "range", "2026-03-03/2026-03-10"),
    ("march 3 to 10", "US", "range", "2026-03-03/2026-03-10"),
    ("between the 3rd and 10th of october", "SG", "range", "2026-10-03/2026-10-10"),
    ("20 dec 2025 to 2 jan", "SG", "range", "2025-12-20/2026-01-02"),
    ("a few days ago", "SG", "range", "2026-11-13/2026-11-16"),
    ("few days back", "SG", "range", "2026-11-13/2026-11-16"),
    ("few weeks back", "SG", "range", "2026-W43/2026-W45"),
    ("the other day", "SG", "range", "2026-11-11/2026-11-17"),
    ("in the last 3 days", "SG", "range", "2026-11-15/2026-11-18"),
    ("for the past 2 weeks", "SG", "range", "2026-11-04/2026-11-18"),
    ("early this month", "SG", "range", "2026-11-01/2026-11-10"),
    ("beginning of last month", "SG", "range", "2026-10-01/2026-10-10"),
    ("around mid october", "SG", "range", "2026-10-11/2026-10-20"),
    ("mid-october", "SG", "range", "2026-10-11/2026-10-20"),
    ("end of september", "SG", "range", "2026-09-21/2026-09-30"),
    ("end of last month", "SG", "range", "2026-10-21/2026-10-31"),
    ("beginning of the month", "SG", "range", "2026-11-01/2026-11-10"),
    ("end of the month", "SG", "range", "2026-10-21/2026-10-31"),  # said on the 18th
    ("late october", "SG", "range", "2026-10-21/2026-10-31"),
    ("in early june", "SG", "range", "2026-06-01/2026-06-10"),
    ("end of feb", "SG", "range", "2026-02-21/2026-02-28"),
    ("last weekend", "SG", "range", "2026-11-14/2026-11-15"),
    ("on the weekend", "SG", "range", "2026-11-14/2026-11-15"),
]


@pytest.mark.parametrize(("text", "country", "precision", "iso"), ANSWERS)
def test_read_date_reads_the_answer_with_its_precision(
    text: str, country: str | None, precision: str, iso: str
) -> None:
    answer = read_date(text, country, today=TODAY)
    assert answer is not None, text
    assert (answer.precision, answer.iso) == (precision, iso)
    assert answer.start <= answer.end <= TODAY
    assert incident_date_problem(answer, TODAY) is None


@pytest.mark.parametrize(
    "text",
    ["", "   ", "I don't remember", "not sure", "300 dollars", "no", "he called me",
     "maybe", "I may have paid them", "idk", "the police", "8123 4567"],
)  # fmt: skip
def test_read_date_finds_nothing_where_there_is_no_date(text: str) -> None:
    assert read_date(text, "SG", today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("tomorrow", "2026-11-19"),
        ("tmrw", "2026-11-19"),
        ("next week", "2026-W48"),
        ("next monday", "2026-11-23"),
        ("in 3 days", "2026-11-21"),
        ("25/12/2030", "2030-12-25"),
        ("end of this month", "2026-11-21/2026-11-30"),
    ],
)
def test_future_dates_are_read_for_the_interview_to_refuse(text: str, iso: str) -> None:
    answer = read_date(text, "SG", today=TODAY)
    assert answer is not None and answer.iso == iso
    assert incident_date_problem(answer, TODAY) == "future"


@pytest.mark.parametrize("text", ["12/03/1990", "in 1999", "march 2001"])
def test_dates_in_the_far_past_are_not_incident_dates(text: str) -> None:
    answer = read_date(text, "SG", today=TODAY)
    assert answer is not None
    assert incident_date_problem(answer, TODAY) == "too_old"


def test_the_first_date_mentioned_wins() -> None:
    answer = read_date("it was last week, not 2 weeks ago", "SG", today=TODAY)
    assert answer is not None and answer.iso == "2026-W46"


def test_today_defaults_to_the_real_today() -> None:
    answer = read_date("yesterday")
    assert answer is not None and answer.precision == "day"


@pytest.mark.parametrize(
    "iso",
    ["2026-10-20", "2026-W46", "2026-06", "2025", "2026-06/2026-08", "2026-03-03/2026-03-10",
     "2026-W43/2026-W45", "2024/2025"],
)  # fmt: skip
def test_iso_values_read_back(iso: str) -> None:
    answer = DateAnswer.from_iso(iso)
    assert answer is not None and answer.iso == iso


def test_iso_of_a_range_up_to_today_reads_back_as_days() -> None:
    answer = DateAnswer.from_iso("2026-10/2026-11-18")
    assert answer == DateAnswer.between(date(2026, 10, 1), date(2026, 11, 18))


@pytest.mark.parametrize("text", ["", "june", "2026-13-01", "2026-08/2026-06", "yesterday"])
def test_from_iso_refuses_what_is_not_an_iso_value(text: str) -> None:
    assert DateAnswer.from_iso(text) is None


def test_a_month_that_includes_today_ends_today() -> None:
    answer = read_date("this month", "SG", today=TODAY)
    assert answer == DateAnswer("month", date(2026, 11, 1), TODAY, "month")


@pytest.mark.parametrize(
    ("typed", "corrected"),
    [
        ("yesturday", "yesterday"),
        ("las week", "last week"),
        ("Lst Wk", "last week"),
        ("20thoct", "20th oct"),
        ("febuary", "february"),
        ("I lost money last week", "i lost money last week"),  # "lost" is a word, not "last"
        ("eight days ago", "eight days ago"),
    ],
)
def test_correct_typos(typed: str, corrected: str) -> None:
    assert correct_typos(typed) == corrected


# --- free text: cautious -------------------------------------------------------------------------

FREE_TEXT: list[tuple[str, list[str]]] = [
    ("i may be wrong but he called last week", ["2026-W46"]),
    ("they called me in june and again since october", ["2026-06", "2026-10/2026-11-18"]),
    ("between june and august i sent 5 payments", ["2026-06/2026-08"]),
    (
        "we met on the 20th and he asked for money a few days ago",
        ["2026-10-20", "2026-11-13/2026-11-16"],
    ),  # fmt: skip
    ("in 2024 I joined the group", ["2024"]),
    ("paid on 20/10 by transfer", ["2026-10-20"]),
    ("I paid him 3 times, march was the first", []),  # a month alone is no date in a story
    ("I may pay them", []),
    ("call 8123 4567 about $300", []),
    ("i was born on 12/03/1960", []),  # far past
    ("he said the parcel comes next week", []),
    ("he comes tomorrow or next Monday", []),
    ("from 9 to 5 every day", []),
    ("see you at 10 to 5", []),
    ("i paid 2000 in total", []),
    ("i'm 25 years old", []),
    ("ref number 2023-1234", []),
    ("they took 3 weeks to reply", []),
    ("a score of 20/10", []),  # "20/10" needs "on" in free text
]


@pytest.mark.parametrize(("text", "expected"), FREE_TEXT)
def test_find_dates_in_free_text(text: str, expected: list[str]) -> None:
    found = sorted(find_dates(text, "SG", today=TODAY), key=lambda item: item.start)
    assert [item.value for item in found] == expected
    for item in found:
        assert text[item.start : item.end] == item.raw
