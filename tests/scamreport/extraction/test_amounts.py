"""Amounts as reporters type them, with the currency from the sign, the word or their country."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scamreport.extraction import extract_indicators
from scamreport.extraction.amounts import amount_from_slot, currency_for, read_amount
from scamreport.extraction.model import Amount

# (answer as typed, reporter's country, value, currency)
ANSWERS: list[tuple[str, str | None, str, str | None]] = [
    # the sign, and the country when the sign is only "$"
    ("$9,800", "AU", "9800", "AUD"),
    ("$9,800", "Australia", "9800", "AUD"),
    ("$9,800", "MY", "9800", None),  # Malaysia writes RM: "$" says nothing
    ("$9,800", None, "9800", None),
    ("$500", "MX", "500", "MXN"),  # the Mexican peso is written "$"
    ("$500", "PH", "500", None),  # the Philippine peso is written ₱
    ("$80", "NZ", "80", "NZD"),
    ("S$1,200", None, "1200", "SGD"),
    ("S$1,200", "AU", "1200", "SGD"),
    ("s$ 1200", None, "1200", "SGD"),
    ("HK$3,000", None, "3000", "HKD"),
    ("US$100", "SG", "100", "USD"),
    ("RM 1.5k", None, "1500", "MYR"),
    ("rm1500", None, "1500", "MYR"),
    ("₱15,000", None, "15000", "PHP"),
    ("P15,000", "PH", "15000", "PHP"),
    ("₹1,00,000", None, "100000", "INR"),
    ("Rs. 2 lakh", "IN", "200000", "INR"),
    ("Rs 5000", "PK", "5000", "PKR"),
    ("£1,500.50", None, "1500.5", "GBP"),
    ("€50", None, "50", "EUR"),
    ("¥5000", "CN", "5000", "CNY"),
    ("¥5000", "JP", "5000", "JPY"),
    ("Rp 500.000", "ID", "500000", "IDR"),
    ("Rp 2 juta", None, "2000000", "IDR"),
    ("Ksh 5,000", None, "5000", "KES"),
    ("kr 500", "NO", "500", "NOK"),
    # the code
    ("5k usd", None, "5000", "USD"),
    ("5K USD", "SG", "5000", "USD"),
    ("usd5000", None, "5000", "USD"),
    ("i lost 20k php", None, "20000", "PHP"),
    ("1000 AED", None, "1000", "AED"),
    ("2500 sgd", "MY", "2500", "SGD"),
    # the word
    ("15000 pesos", "PH", "15000", "PHP"),
    ("15000 pesos", "Philippines", "15000", "PHP"),
    ("15000 pesos", "MX", "15000", "MXN"),
    ("15000 pesos", None, "15000", None),
    ("15k pesos", "PH", "15000", "PHP"),
    ("about 2,000 dollars", "SG", "2000", "SGD"),
    ("2000 dollars", "US", "2000", "USD"),
    ("2000 dollars", "MY", "2000", None),
    ("200 dollers", "SG", "200", "SGD"),
    ("500 bucks", "CA", "500", "CAD"),
    ("2000 ringgit", None, "2000", "MYR"),
    ("10000 ringit", None, "10000", "MYR"),
    ("3000 baht", None, "3000", "THB"),
    ("3000 bhat", None, "3000", "THB"),
    ("500 rupees", None, "500", "INR"),
    ("500 rupees", "PK", "500", "PKR"),
    ("500 rupees", "Sri Lanka", "500", "LKR"),
    ("200 euros", None, "200", "EUR"),
    ("200 euro", "IE", "200", "EUR"),
    ("300 pounds", None, "300", "GBP"),
    ("300 pounds", "EG", "300", "EGP"),
    ("50 quid", None, "50", "GBP"),
    ("1000 dirham", None, "1000", "AED"),
    ("1000 dirhams", "MA", "1000", "MAD"),
    ("800 riyals", None, "800", "SAR"),
    ("800 riyals", "QA", "800", "QAR"),
    ("20000 shillings", "KE", "20000", "KES"),
    ("20000 shillings", "UG", "20000", "UGX"),
    ("5000 naira", None, "5000", "NGN"),
    ("1.2 million yen", None, "1200000", "JPY"),
    ("3 lakh rupees", None, "300000", "INR"),
    ("50 000 euros", None, "50000", "EUR"),
    # words for numbers
    ("five thousand dollars", "US", "5000", "USD"),
    ("two hundred and fifty euros", None, "250", "EUR"),
    ("five thousand", "SG", "5000", None),
    ("about two hundred", "SG", "200", None),
    # plain numbers: the currency is unknown even when the country is known
    ("300", "SG", "300", None),
    ("around 5k only", None, "5000", None),
    ("I paid 450", None, "450", None),
    ("no, it was 300", "SG", "300", None),
    ("it was 300 not 3000", "SG", "300", None),
    ("actually 300, not 3,000", "SG", "300", None),
    ("5,000", "SG", "5000", None),
]


@pytest.mark.parametrize(("text", "country", "value", "currency"), ANSWERS)
def test_read_amount(text: str, country: str | None, value: str, currency: str | None) -> None:
    assert read_amount(text, country) == Amount(Decimal(value), currency)


@pytest.mark.parametrize(
    ("text", "country", "value", "currency"),
    [("RM 10k，一万零两百", "MY", "10200", "MYR"),
     ("about S$5k, 4,850 exactly", "SG", "4850", "SGD"),
     ("RM5k... i mean RM4,850", "MY", "4850", "MYR"),
     ("S$3,000 then S$2,000 more", "SG", "3000", "SGD"),
     ("$500, then another 520 dollars", "AU", "500", "AUD"),
     ("S$1,000, 20 of it by card", "SG", "1000", "SGD")],
)  # fmt: skip
def test_an_exact_figure_beside_a_round_one_is_the_amount_meant(
    text: str, country: str, value: str, currency: str | None
) -> None:
    assert read_amount(text, country) == Amount(Decimal(value), currency)


@pytest.mark.parametrize(
    "text", ["", "nothing", "no money", "3 March", "I don't know", "a dollar store", "Page 5"]
)
def test_read_amount_finds_nothing_where_there_is_no_amount(text: str) -> None:
    assert read_amount(text, "PH") is None


@pytest.mark.parametrize(
    ("text", "country"),
    [("I paid $9,800 by transfer", "AU"), ("sent 15000 pesos via gcash", "PH"),
     ("they took RM 1.5k", "MY"), ("i lost 5k usd", "SG"), ("paid S$1,200 on monday", "SG"),
     ("gave 3000 baht", "TH"), ("he took five thousand dollars", "US")],
)  # fmt: skip
def test_the_indicators_hold_the_same_amount_as_the_answer(text: str, country: str) -> None:
    answer = read_amount(text, country)
    assert answer is not None and answer.currency is not None
    assert extract_indicators(text, country, today=date(2026, 11, 18)).amount == [answer]


@pytest.mark.parametrize(
    ("written", "country", "expected"),
    [("$", "AU", "AUD"), ("$", "MY", None), ("$", None, None), ("dollars", "SG", "SGD"),
     ("pesos", "MX", "MXN"), ("usd", None, "USD"), ("SGD", None, "SGD"), ("rupees", None, "INR"),
     ("ringgit", "SG", "MYR"), ("banana", "SG", None)],
)  # fmt: skip
def test_currency_for(written: str, country: str | None, expected: str | None) -> None:
    assert currency_for(written, country) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1200 SGD", Amount(Decimal("1200"), "SGD")), ("300", Amount(Decimal("300"), None)),
     ("1500.5 GBP", Amount(Decimal("1500.5"), "GBP")), ("about 300", None), ("", None),
     (None, None)],
)  # fmt: skip
def test_amount_from_slot_reads_back_the_slot_text(value: str | None, expected: Amount) -> None:
    assert amount_from_slot(value) == expected


def test_slot_text_round_trips() -> None:
    amount = read_amount("S$1,200.50", None)
    assert amount is not None and amount_from_slot(str(amount)) == amount
