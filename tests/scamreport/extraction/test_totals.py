"""The total of money lost as reporters answer it: said as the whole, or listed to add up."""

from __future__ import annotations

import pytest

from scamreport.extraction.totals import listed_payments_total, total_answered


@pytest.mark.parametrize(
    ("text", "total"),
    [
        # the whole, said so
        ("三次，一共八千左右", "8000"),
        ("total lost is AUD 6,800", "6800 AUD"),
        ("6800 all up", "6800"),
        # the currency the answer names, after the whole
        ("是三千新元", "3000 SGD"),
        ("付了三次，一共两千六百令吉", "2600 MYR"),
        ("about 12k, he took it in 3 times", "12000"),
        # a list that adds up
        ("2 payments, 1500 and 800", "2300"),
        ("first 500 then another 1200", "1700"),
        ("I sent 4800 then 2000 the next morning", "6800"),
        ("500 + 700 + 1,000", "2200"),
        ("1.5k + 800", "2300"),
        ("around 5k plus the 300 fee", "5300"),
        ("dua kali, rm500 dan rm700", "1200 MYR"),
        ("i gave him 3 times, first 2k, second 3.5k, last one 1k", "6500"),
        ("两次，第一次五千，第二次三千", "8000"),
        ("10k+5k+3k", "18000"),
        # one sum, however written
        ("RM 10k，一万零两百", "10200 MYR"),
        ("S$3,200 (2 transfers)", "3200 SGD"),
        ("5千多", "5000"),
        ("idk maybe 3000?", "3000"),
        # a payment, then money only asked for: not added
        ("I lost 4800, then they asked for 2000 more", "4800"),
    ],
)  # fmt: skip
def test_the_total_answered(text: str, total: str) -> None:
    assert str(total_answered(text, "MY" if "rm" in text.lower() else None)) == total


@pytest.mark.parametrize("text", ["he called 3 times", "idk", "两笔，不记得多少"])
def test_no_total_without_an_amount(text: str) -> None:
    assert total_answered(text, "SG") is None


def test_a_comma_adds_only_after_several_payments_are_said() -> None:
    assert listed_payments_total("500, 700", "SG") is None
    assert str(listed_payments_total("500, 700", "SG", several_said=True)) == "1200"
    assert str(listed_payments_total("transfer 2 kali, 500, 700", "SG")) == "1200"
