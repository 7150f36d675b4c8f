"""Values in the words people read: amounts, dates at their precision, codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from scamreport.extraction.dates import DateAnswer, read_date
from scamreport.extraction.model import Amount
from scamreport.languages import LANGUAGES
from scamreport.presentation import (
    capitalised,
    code_words,
    describe_amount,
    describe_code,
    describe_date,
    describe_value,
)
from scamreport.taxonomy import (
    CONTACT_CHANNELS,
    INDICATOR_KINDS,
    PAYMENT_METHODS,
    REPORT_STATUSES,
    SCAM_TYPES,
)

TODAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Amount(Decimal("1200"), "SGD"), "1,200 SGD"),
        (Amount(Decimal("1500.5"), "GBP"), "1,500.50 GBP"),
        (Amount(Decimal("1200000"), "JPY"), "1,200,000 JPY"),
        (Amount(Decimal("300"), None), "300 (currency not given)"),
        ("9800 AUD", "9,800 AUD"),
        ("300", "300 (currency not given)"),
        ("about three hundred", "about three hundred"),
        (None, ""),
        ("", ""),
    ],
)
def test_describe_amount(amount: Amount | str | None, expected: str) -> None:
    assert describe_amount(amount) == expected


def test_describe_amount_takes_the_currency_stored_apart() -> None:
    assert describe_amount(Decimal("1200.00"), "SGD") == "1,200 SGD"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("20th oct", "20 October 2026"),
        ("yesterday", "17 November 2026"),
        ("last week", "the week of 9 November 2026"),
        ("june", "June 2026"),
        ("last year", "2025"),
        ("between june and august", "June to August 2026"),
        ("nov 2025 to feb", "November 2025 to February 2026"),
        ("3-10 march", "3 to 10 March 2026"),
        ("20 dec 2025 to 2 jan", "20 December 2025 to 2 January 2026"),
        ("since october", "since October 2026"),
        ("since 2024", "since 2024"),
        ("early this month", "early November 2026"),
        ("mid october", "mid-October 2026"),
        ("end of september", "late September 2026"),
        ("a few days ago", "around 13 to 16 November 2026"),
        ("last weekend", "14 to 15 November 2026"),
    ],
)
def test_describe_date_at_its_precision(typed: str, expected: str) -> None:
    assert describe_date(read_date(typed, "SG", today=TODAY)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-20", "20 October 2026"),
        ("2026-W47", "the week of 16 November 2026"),
        ("2026-06", "June 2026"),
        ("2026-06/2026-08", "June to August 2026"),
        ("2026-10/2026-11-18", "1 October to 18 November 2026"),
        (date(2026, 10, 20), "20 October 2026"),
        (datetime(2026, 10, 20, 9, 30), "20 October 2026"),
        (DateAnswer.month(2026, 6), "June 2026"),
        ("sometime in spring", "sometime in spring"),
        (None, ""),
    ],
)
def test_describe_date_from_stored_values(value: object, expected: str) -> None:
    assert describe_date(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "kind", "expected"),
    [
        ("bank_transfer", "payment_method", "bank transfer"),
        ("bank_transfer", None, "bank transfer"),
        ("fake_authority", "scam_type", "fake police or officials"),
        ("phone_call", "contact_channel", "phone call"),
        ("in_review", "status", "in review"),
        ("crypto_wallet", "indicator_kind", "crypto wallet"),
        ("some_new_code", None, "some new code"),
        ("", None, ""),
        (None, None, ""),
    ],
)
def test_describe_code(code: str | None, kind: str | None, expected: str) -> None:
    assert describe_code(code, kind) == expected


@pytest.mark.parametrize(
    ("kind", "codes"),
    [("scam_type", SCAM_TYPES), ("contact_channel", CONTACT_CHANNELS),
     ("payment_method", PAYMENT_METHODS), ("status", REPORT_STATUSES),
     ("indicator_kind", INDICATOR_KINDS)],
)  # fmt: skip
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_canonical_code_has_words(kind: str, codes: object, language: str) -> None:
    for code in codes:  # type: ignore[attr-defined]
        words = code_words(code, kind, language)
        assert words, code
        assert "_" not in words


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("amount_lost", "1200 SGD", "1,200 SGD"),
        ("amount", Amount(Decimal("5000"), "USD"), "5,000 USD"),
        ("incident_date", "2026-06", "June 2026"),
        ("date", "2026-10-20", "20 October 2026"),
        ("country", "PH", "Philippines"),
        ("payment_method", "gift_cards", "gift cards"),
        ("scam_type", "money_mule", "money mule (moving money for others)"),
        ("money_lost", True, "yes"),
        ("phone", "+6581234567", "+6581234567"),
        ("story", None, ""),
    ],
)
def test_describe_value(kind: str, value: object, expected: str) -> None:
    assert describe_value(kind, value) == expected


def test_capitalised_keeps_the_rest() -> None:
    assert capitalised("e-mail") == "E-mail"
    assert capitalised("PayPal") == "PayPal"
    assert capitalised("") == ""


def test_an_amount_describes_itself_as_people_read_it() -> None:
    assert Amount(Decimal("1200.00"), "SGD").describe() == "1,200 SGD"
    assert str(Amount(Decimal("1200.00"), "SGD")) == "1200 SGD"
    assert Amount(Decimal("300"), None).describe("{number}（未说明币种）") == "300（未说明币种）"


@pytest.mark.parametrize(
    ("language", "amount", "date_text", "code"),
    [
        ("zh", "300（未说明币种）", "2026年3月", "银行转账"),
        ("ms", "300 (mata wang tidak dinyatakan)", "Mac 2026", "pindahan bank"),
    ],
)
def test_values_in_the_reporter_s_language(
    language: str, amount: str, date_text: str, code: str
) -> None:
    assert describe_amount("300", language=language) == amount
    assert describe_amount("9800 AUD", language=language) == "9,800 AUD"
    assert describe_date("2026-03", language) == date_text
    assert describe_code("bank_transfer", "payment_method", language) == code
