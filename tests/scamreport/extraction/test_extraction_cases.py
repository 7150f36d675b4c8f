"""Extraction cases over every indicator kind: (message, reporter's country, kind, expected)."""

from __future__ import annotations

from datetime import date

import pytest

from scamreport.extraction import build_extractor

TODAY = date(2024, 5, 15)  # a Wednesday

CASES: list[tuple[str, str | None, str, list]] = [
    # --- phone ---------------------------------------------------------------------------------
    ("He called me from 8123 4567", "SG", "phone", ["+6581234567"]),
    ("whatsapp him at 9123-4567 pls", "SG", "phone", ["+6591234567"]),
    ("the number was +44 20 7946 0958", "SG", "phone", ["+442079460958"]),
    ("caller id showed (+65) 8123 4567", "MY", "phone", ["+6581234567"]),
    ("the number on his caller id was 02 8015 3327", "AU", "phone", ["+61280153327"]),
    ("his id was 81234567", "SG", "phone", []),
    ("call 012-345 6789 now", "MY", "phone", ["+60123456789"]),
    ("he rang from 020 7946 0958", "GB", "phone", ["+442079460958"]),
    ("his number: +86 138 1234 5678", None, "phone", ["+8613812345678"]),
    ("chat at https://wa.me/6591234567 only", None, "phone", ["+6591234567"]),
    ("my OTP 482913 was taken", "SG", "phone", []),
    ("the code they sent was 8123 4567", "SG", "phone", []),
    ("it happened on 12/03/2020 at night", "SG", "phone", []),
    ("ref no. 81234567 for the parcel", "SG", "phone", []),
    ("I paid $81234567 by mistake", "SG", "phone", []),
    ("card 4111 1111 1111 1111 was charged", "US", "phone", []),
    ("IBAN GB82 WEST 1234 5698 7654 32", "GB", "phone", []),
    ("a local number 8123 4567 without my country", None, "phone", []),
    # --- url -----------------------------------------------------------------------------------
    (
        "go to hxxps://masks-sale[.]shop/buy?id=3 now",
        "SG",
        "url",
        ["https://masks-sale.shop/buy?id=3"],
    ),
    ("site was masks-sale[.]shop", "SG", "url", ["https://masks-sale.shop"]),
    ("link hxxp://evil(.)com/login.", None, "url", ["http://evil.com/login"]),
    ("paypal-verify[dot]com asked for my card", None, "url", ["https://paypal-verify.com"]),
    (
        "I visited www.Fake-Bank.COM/Login yesterday",
        None,
        "url",
        ["https://www.fake-bank.com/Login"],
    ),
    (
        "see https://Shop.Example.co.uk/Path/Item",
        None,
        "url",
        ["https://shop.example.co.uk/Path/Item"],
    ),
    ("short link bit.ly/3abcD from sms", None, "url", ["https://bit.ly/3abcD"]),
    ("order at lazada-promo.com.my today", "MY", "url", ["https://lazada-promo.com.my"]),
    ("访问abc-shop.com。谢谢", None, "url", ["https://abc-shop.com"]),
    (
        "login at https://www.paypal.com@evil.com/x",
        None,
        "url",
        ["https://www.paypal.com@evil.com/x"],
    ),
    ("I paid.Then he left", None, "url", []),
    ("Mr.Tan said so", None, "url", []),
    ("sent me notes.zip by mail", None, "url", []),
    ("mail john@gmail.com for the refund", None, "url", []),
    # --- email ---------------------------------------------------------------------------------
    ("email John.Doe@Gmail.com now", None, "email", ["john.doe@gmail.com"]),
    ("write to name[at]host[.]com", None, "email", ["name@host.com"]),
    ("contact lee (at) hotmail dot com please", None, "email", ["lee@hotmail.com"]),
    ("send to support@paypal-verify.co.uk.", None, "email", ["support@paypal-verify.co.uk"]),
    ("meet me @ the mall at 5", None, "email", []),
    # --- iban ----------------------------------------------------------------------------------
    ("pay GB82 WEST 1234 5698 7654 32 today", "GB", "iban", ["GB82WEST12345698765432"]),
    ("konto de89 3704 0044 0532 0130 00.", "DE", "iban", ["DE89370400440532013000"]),
    ("NL91ABNA0417164300 was the account", "NL", "iban", ["NL91ABNA0417164300"]),
    ("pay GB82 WEST 1234 5698 7654 33 today", "GB", "iban", []),  # checksum wrong
    # --- crypto_wallet -------------------------------------------------------------------------
    (
        "send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        None,
        "crypto_wallet",
        ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"],
    ),
    ("send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", None, "crypto_wallet", []),  # one char off
    (
        "p2sh 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        None,
        "crypto_wallet",
        ["3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"],
    ),
    (
        "bech32 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq ok",
        None,
        "crypto_wallet",
        ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"],
    ),
    ("bech32 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr ok", None, "crypto_wallet", []),
    (
        "taproot bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
        None,
        "crypto_wallet",
        ["bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"],
    ),
    (
        "usdt to 0x742d35Cc6634C0532925a3b844Bc454e4438f44e",
        None,
        "crypto_wallet",
        ["0x742d35Cc6634C0532925a3b844Bc454e4438f44e"],
    ),
    (
        "tron TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t wallet",
        None,
        "crypto_wallet",
        ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"],
    ),
    # TRON as written (the brief): a character copied wrong from a screenshot keeps the address
    (
        "tron TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u wallet",
        None,
        "crypto_wallet",
        ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u"],
    ),
    ("Thisisaverylongwordwithoutdigitsxy", None, "crypto_wallet", []),  # 34 letters, a word
    # --- handle --------------------------------------------------------------------------------
    ("he is @Scam_King on telegram", None, "handle", ["@scam_king"]),
    ("join t.me/CryptoBoss88 group", None, "handle", ["@cryptoboss88"]),
    ("instagram @masks.sale.sg sells", None, "handle", ["@masks.sale.sg"]),
    ("email john@gmail.com", None, "handle", []),
    ("see you @5pm @home", None, "handle", []),
    # --- amount --------------------------------------------------------------------------------
    ("I paid S$1,200 to them", "SG", "amount", [{"value": "1200", "currency": "SGD"}]),
    ("lost about 2,000 dollars", "SG", "amount", [{"value": "2000", "currency": "SGD"}]),
    ("lost about 2,000 dollars", "MY", "amount", [{"value": "2000", "currency": None}]),
    ("sent 5k usd in bitcoin", None, "amount", [{"value": "5000", "currency": "USD"}]),
    (
        "RM 300 and €50",
        "MY",
        "amount",
        [{"value": "300", "currency": "MYR"}, {"value": "50", "currency": "EUR"}],
    ),
    ("gave him £1,500.50.", "GB", "amount", [{"value": "1500.5", "currency": "GBP"}]),
    ("1.2 million yen gone", None, "amount", [{"value": "1200000", "currency": "JPY"}]),
    ("3,000 rupees to the agent", None, "amount", [{"value": "3000", "currency": "INR"}]),
    ("Rs. 2 lakh", "IN", "amount", [{"value": "200000", "currency": "INR"}]),
    (
        "HK$3,000 and US$100",
        "HK",
        "amount",
        [{"value": "3000", "currency": "HKD"}, {"value": "100", "currency": "USD"}],
    ),
    ("$500 by card", "AU", "amount", [{"value": "500", "currency": "AUD"}]),
    ("$500 by card", None, "amount", [{"value": "500", "currency": None}]),
    ("Rp 500.000 via transfer", "ID", "amount", [{"value": "500000", "currency": "IDR"}]),
    ("I transferred 5000 to them", "SG", "amount", [{"value": "5000", "currency": None}]),
    ("₹1,00,000 by UPI", "IN", "amount", [{"value": "100000", "currency": "INR"}]),
    ("50 000 euros in total", "FR", "amount", [{"value": "50000", "currency": "EUR"}]),
    ("$50 100 times", "SG", "amount", []),  # no partial "$50", no "$50100"
    ("they sent 3 messages and 2 links", "SG", "amount", []),
    ("my OTP is 482913", "SG", "amount", []),
    # --- date ----------------------------------------------------------------------------------
    ("they called yesterday", "SG", "date", ["2024-05-14"]),
    ("it was on 3 March", "SG", "date", ["2024-03-03"]),
    ("paid on 12/03/2020", "SG", "date", ["2020-03-12"]),
    ("paid on 12/03/2020", "US", "date", ["2020-12-03"]),
    ("last Tuesday he called", "SG", "date", ["2024-05-14"]),
    ("last Friday and 2 days ago", "SG", "date", ["2024-05-10", "2024-05-13"]),
    ("on 16 May they came", "SG", "date", ["2023-05-16"]),  # the past one, not next day
    ("the day before yesterday", "SG", "date", ["2024-05-13"]),
    ("2021-07-04 was the first call", None, "date", ["2021-07-04"]),
    ("he comes tomorrow or next Monday", "SG", "date", []),
    ("he said on 25/12/2030 it is due", "SG", "date", []),  # a future date is no incident date
    ("call 8123 4567 about $300", "SG", "date", []),
    # --- claimed_agency ------------------------------------------------------------------------
    (
        "a man from Interpol called",
        "SG",
        "claimed_agency",
        ["International Criminal Police Organization"],
    ),
    (
        "我接到上海公安局的电话",
        "SG",
        "claimed_agency",
        ["Ministry of Public Security of the People's Republic of China"],
    ),
    (
        "he said he was Shanghai police",
        "SG",
        "claimed_agency",
        ["Ministry of Public Security of the People's Republic of China"],
    ),
    ("officer from spf called me", "SG", "claimed_agency", ["Singapore Police Force"]),
    ("HMRC says I owe tax", "GB", "claimed_agency", ["HM Revenue & Customs"]),
    ("someone from the bank's security team", "SG", "claimed_agency", ["Bank security team"]),
    ("a customs officer said my parcel had drugs", "SG", "claimed_agency", ["Customs"]),
    ("US Customs held my parcel", "US", "claimed_agency", ["U.S. Customs and Border Protection"]),
    ("I reported it to the SPF already", "SG", "claimed_agency", []),
    ("I will go to court next week", "GB", "claimed_agency", []),
]


def _ids() -> list[str]:
    return [f"{kind}-{index}" for index, (_, _, kind, _) in enumerate(CASES)]


@pytest.mark.parametrize(("text", "country", "kind", "expected"), CASES, ids=_ids())
def test_extraction_case(text: str, country: str | None, kind: str, expected: list) -> None:
    indicators = build_extractor().extract(text, country, today=TODAY)
    assert indicators.to_dict()[kind] == expected


def test_there_are_enough_cases_for_every_kind() -> None:
    kinds = {kind for _, _, kind, _ in CASES}
    assert kinds == {
        "phone", "url", "email", "iban", "crypto_wallet", "handle", "amount", "date",
        "claimed_agency",
    }  # fmt: skip
    assert len(CASES) >= 60
