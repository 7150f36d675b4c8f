"""Amounts written the Chinese and Malay way, in answers and inside stories (issue 12)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from scamreport.extraction.amounts import (
    currency_for,
    find_amounts,
    names_a_currency,
    read_amount,
)
from scamreport.extraction.model import Amount
from scamreport.extraction.numerals import read_ms_number, read_zh_number
from scamreport.extraction.payments import money_mentions

# (answer as typed, reporter's country, value, currency)
ANSWERS: list[tuple[str, str | None, str, str | None]] = [
    ("3千新元", None, "3000", "SGD"),
    ("五万块", "SG", "50000", "SGD"),  # "块" is the reporter's own currency
    ("五万块", "MY", "50000", "MYR"),
    ("五万块", "CN", "50000", "CNY"),
    ("五万块", None, "50000", None),
    ("两千五百元", "SG", "2500", "SGD"),
    ("大概五万块钱", "MY", "50000", "MYR"),
    ("3千多块", "SG", "3000", "SGD"),
    ("1.5万令吉", None, "15000", "MYR"),
    ("1.5万", None, "15000", None),
    ("五万", "SG", "50000", None),
    ("两千五左右", None, "2500", None),
    ("S$3千", None, "3000", "SGD"),
    ("马币5千", None, "5000", "MYR"),
    ("人民币2000", "SG", "2000", "CNY"),
    ("人民币2000元", "SG", "2000", "CNY"),  # the prefix names it; "元" only says it is money
    ("马币500", None, "500", "MYR"),
    ("新币 800", None, "800", "SGD"),
    ("500令吉", None, "500", "MYR"),
    ("令吉500", None, "500", "MYR"),
    ("RMB3000", None, "3000", "CNY"),
    ("3万美金", None, "30000", "USD"),
    ("一万五千港币", None, "15000", "HKD"),
    ("RM 1.5k", None, "1500", "MYR"),
    ("RM1,500", None, "1500", "MYR"),
    ("lima ribu ringgit", None, "5000", "MYR"),
    ("dua ratus ringgit", None, "200", "MYR"),
    ("dua ratus lima puluh ringgit", None, "250", "MYR"),
    ("seribu dolar singapura", None, "1000", "SGD"),
    ("seribu", None, "1000", None),
    ("sejuta", None, "1000000", None),
    ("lebih kurang seribu", None, "1000", None),
    ("semua sekali dua ribu enam ratus tiga puluh", None, "2630", None),
    ("RM5 ribu", None, "5000", "MYR"),
    ("5 ribu ringgit", None, "5000", "MYR"),
    ("Rp 500.000", None, "500000", "IDR"),  # rupiah, not ringgit
    # Malay answers as typed: hedges before ("dalam" is "about"), "lebih"/"je" after
    ("dalam 8500", "MY", "8500", None),
    ("dlm 8k", "MY", "8000", None),
    ("kira2 8500", "MY", "8500", None),
    ("lebih kurang 8500", "MY", "8500", None),
    ("hampir 10k", "MY", "10000", None),
    ("8500 lebih", "MY", "8500", None),
    ("2k lebih", "MY", "2000", None),
    ("2,500 sahaja", "MY", "2500", None),
    ("tak ingat, dalam 2 ribu", "MY", "2000", None),
    ("rugi dlm 8500", "MY", "8500", None),
    ("sy dh bagi 2500", "MY", "2500", None),
    # digits with Malay scales, and halves
    ("8 ribu 5 ratus", "MY", "8500", None),
    ("3 ribu setengah", "MY", "3500", None),
    ("dalam lapan ribu", "MY", "8000", None),
    ("lapan ribu lebih", "MY", "8000", None),
    # Brunei dollars as Bruneians write them
    ("B$8,500", "BN", "8500", "BND"),
    ("B$ 8500", None, "8500", "BND"),
    ("2k+", None, "2000", None),
]


@pytest.mark.parametrize(("text", "country", "value", "currency"), ANSWERS)
def test_read_amount_chinese_and_malay(
    text: str, country: str | None, value: str, currency: str | None
) -> None:
    assert read_amount(text, country) == Amount(Decimal(value), currency)


# (story as typed, country, [(value, currency)] found in it)
STORIES: list[tuple[str, str | None, list[tuple[str, str | None]]]] = [
    ("我被骗了 RM5000", "MY", [("5000", "MYR")]),
    ("他骗了我两万", "SG", [("20000", None)]),
    ("被骗了1.5万，昨天转的", "SG", [("15000", None)]),
    ("骗了我3000元", "SG", [("3000", "SGD")]),
    ("骗了3000 dollars", "SG", [("3000", "SGD")]),
    ("我转了三次，一共两万五千新元", "SG", [("25000", "SGD")]),
    ("先付了500，后来又转了人民币2000元", "CN", [("500", None), ("2000", "CNY")]),
    ("saya dah bayar 500 ke akaun dia", "MY", [("500", None)]),
    ("hilang seribu je", "MY", [("1000", None)]),
    ("transfer 5 ribu ke akaun dia semalam", "MY", [("5000", None)]),
    ("dia minta lima ribu ringgit untuk bebaskan anak saya", "MY", [("5000", "MYR")]),
    ("i kena scam RM 1.5k by polis palsu", "MY", [("1500", "MYR")]),
    # Chinese goes on right after the amount
    ("他骗了我3000元就跑了", "SG", [("3000", "SGD")]),
    ("转了S$3000给他", "SG", [("3000", "SGD")]),
    ("3000元的手续费也是我付的", "MY", [("3000", "MYR")]),
    ("我给了他5000新币，然后他就不见了", "MY", [("5000", "SGD")]),
    # a currency named after "元" or "块"
    ("10000元人民币", "SG", [("10000", "CNY")]),
    ("一万块人民币", "SG", [("10000", "CNY")]),
    ("RM500块", "SG", [("500", "MYR")]),
    ("RM五千", "SG", [("5000", "MYR")]),
    # digits and numerals in one number, before a currency word: not the "5令吉" of it
    ("我很怕就先还了1千5令吉", "MY", [("1500", "MYR")]),
    ("先还了一千五", "MY", [("1500", None)]),
]


@pytest.mark.parametrize(("text", "country", "expected"), STORIES)
def test_find_amounts_in_chinese_and_malay_stories(
    text: str, country: str | None, expected: list[tuple[str, str | None]]
) -> None:
    found = [found.value for found in sorted(find_amounts(text, country), key=lambda f: f.start)]
    assert found == [Amount(Decimal(value), currency) for value, currency in expected]


# Numbers that are not money: a time, a date, a count, a piece, a year.
NOT_AMOUNTS = [
    "他3点打电话给我",
    "转了3次",
    "打了两次电话",
    "给了我一个链接",
    "2020年转了很多次",
    "我们一块去银行",
    "10月5日那天",
    "三天前",
    "saya tunggu 3 hari",
    "dia call saya 2 kali",
    "dia bagi 3 hari je",
    "dia bagi 2 minggu",
]


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_no_amount_in_times_dates_and_counts(text: str) -> None:
    assert list(find_amounts(text, "SG")) == []


def test_a_time_alone_is_not_an_amount() -> None:
    assert read_amount("3点", "SG") is None
    assert read_amount("下午三点", "SG") is None


def test_rupiah_is_not_ringgit() -> None:
    assert currency_for("Rp") == "IDR"
    assert currency_for("rupiah") == "IDR"
    assert read_amount("Rp 50 ribu", "MY") == Amount(Decimal("50000"), "IDR")


@pytest.mark.parametrize(
    ("written", "country", "currency"),
    [
        ("新元", None, "SGD"),
        ("令吉", None, "MYR"),
        ("马币", None, "MYR"),
        ("人民币", "SG", "CNY"),
        ("元", "SG", "SGD"),
        ("元", "CN", "CNY"),
        ("块", None, None),
        ("比索", "PH", "PHP"),
        ("ringgit malaysia", None, "MYR"),
        ("dolar", "SG", "SGD"),
    ],
)
def test_currency_words(written: str, country: str | None, currency: str | None) -> None:
    assert currency_for(written, country) == currency


@pytest.mark.parametrize(
    ("text", "value"),
    [("两千五百", 2500), ("两千五", 2500), ("1.5万", 15000), ("1.2万", 12000), ("3千5", 3500),
     ("一万五", 15000), ("3万5千", 35000), ("1,500", 1500), ("十万", 100000)],
)  # fmt: skip
def test_read_zh_number(text: str, value: int) -> None:
    assert read_zh_number(text) == Decimal(value)


@pytest.mark.parametrize(
    ("words", "value"),
    [("lima ribu", 5000), ("dua ratus", 200), ("seribu", 1000), ("sejuta", 1_000_000),
     ("dua belas", 12), ("dua puluh lima ribu", 25000), ("seribu lima ratus", 1500),
     ("satu juta dua ratus ribu", 1_200_000), ("seratus ribu", 100_000),
     ("dua ratus lima puluh", 250), ("sembilan puluh sembilan", 99), ("sebelas", 11),
     ("8 ribu 5 ratus", 8500), ("tiga ribu setengah", 3500), ("setengah juta", 500_000),
     ("seribu setengah", 1500)],
)  # fmt: skip
def test_read_ms_number(words: str, value: int) -> None:
    assert read_ms_number(words) == Decimal(value)


@pytest.mark.parametrize(
    "words", ["ribu", "belas", "kosong", "lima kucing", "dua seribu", "setengah", "ribu setengah"]
)
def test_malay_words_that_are_not_a_number(words: str) -> None:
    assert read_ms_number(words) is None


def test_english_amounts_unchanged_next_to_chinese() -> None:
    assert read_amount("S$1,200", None) == Amount(Decimal("1200"), "SGD")
    assert read_amount("5k usd", None) == Amount(Decimal("5000"), "USD")
    assert [f.value for f in find_amounts("被骗了S$3000，昨天", "SG")] == [
        Amount(Decimal("3000"), "SGD")
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [("三千比索", True), ("lima ribu ringgit", True), ("人民币2000", True), ("￥300", True),
     ("五万", False), ("seribu", False), ("被骗了两万", False)],
)  # fmt: skip
def test_names_a_currency(text: str, names: bool) -> None:
    assert names_a_currency(text) is names


@pytest.mark.parametrize(
    "text",
    [
        "转了" + "1" * 3000 + "次",
        "S$" + "1" * 3000 + "千",
        "lima " * 1000 + "x",
        "bayar " + "satu " * 1000 + "macam",
        "两" * 3000,
    ],
)
def test_long_runs_of_numbers_cost_linear_time(text: str) -> None:
    # a Telegram message holds up to 4096 characters; patterns must not backtrack quadratically
    started = time.perf_counter()
    list(find_amounts(text, "SG"))
    read_amount(text, "SG")
    assert time.perf_counter() - started < 0.5


# Found by the Chinese and Malay personas: a mule's promised pay and a sextortion price were
# stored as money lost.
@pytest.mark.parametrize(
    ("text", "country", "kind"),
    [
        ("有人在telegram说一个月给我500块，叫我把银行户口借给他公司用", "SG", "promised"),
        ("dia bayar saya RM500 sebulan untuk guna akaun bank saya", "MY", "promised"),
        ("Ada org tawar RM300 sebulan utk sewa akaun bank sy", "MY", "promised"),
        ("dia janji bagi RM500 seminggu kalau sy bagi kad ATM", "MY", "promised"),
        ("sy kena tipu RM5000 lepas dia tawarkan pelaburan", "MY", "lost"),
        ("有人拿到我的照片，说不给他500新币今晚就发给我全班同学", "SG", "demanded"),
        ("我转了5000块给他", "SG", "lost"),
        ("saya dah transfer RM3000 kepada dia", "MY", "lost"),
        # the loan applied for, in a loan-app fee scam, was stored as lost
        ("sy apply loan RM 10k dlm app KreditKilat. dia kata lulus", "MY", "promised"),
        ("i took a loan and paid them RM5000", "MY", "lost"),
        ("ada org telegram offer 'sewa akaun bank' RM 300 sebulan", "MY", "promised"),
        # a mule's cut: "for every 10,000 I keep 200"
        ("我再PayNow转给他给的人，每一万抽两百块", "SG", "promised"),
    ],
)
def test_money_offered_or_demanded_is_not_money_lost(text: str, country: str, kind: str) -> None:
    mentions = money_mentions(text, country)
    found = {
        name: getattr(mentions, name)
        for name in ("lost", "demanded", "promised")
        if getattr(mentions, name)
    }
    assert list(found) == [kind]
