"""Country codes from what reporters type; names, currencies and the emergency fallback."""

from __future__ import annotations

import pytest

from scamreport.countries import (
    country_from_home_cues,
    country_name,
    country_of_paid_currency,
    default_currency,
    resolve_country,
)
from scamreport.languages import LANGUAGES
from scamreport.locales import text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Singapore", "SG"),
        ("SG", "SG"),
        ("sg", "SG"),
        ("S'pore", "SG"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("England", "GB"),
        ("USA", "US"),
        ("United States", "US"),
        ("America", "US"),
        ("Holland", "NL"),
        ("the Netherlands", "NL"),
        ("Hong Kong", "HK"),
        ("Korea", "KR"),
        ("South Korea", "KR"),
        ("UAE", "AE"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("I'm in Malaysia", "MY"),
        ("I am from india", "IN"),
        ("in SG now", "SG"),
        ("Taiwan", "TW"),
        ("Singapre", "SG"),
        ("Sinagpore", "SG"),
        ("Malaysa", "MY"),
        ("Phillipines", "PH"),
        ("Nigeira", "NG"),
        ("CAN", "CA"),
    ],
)
def test_resolve_country(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize(
    "text",
    ["Atlantis", "asdkjh qwe", "", "   ", "no", "in", "can", "help me please", "Austrlia"],
)
def test_resolve_country_refuses_what_names_no_single_country(text: str) -> None:
    # "Austrlia" is one edit from both Australia and Austria: no guess
    assert resolve_country(text) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [("SG", "Singapore"), ("kr", "South Korea"), ("VN", "Vietnam"), ("TW", "Taiwan"),
     ("GB", "United Kingdom"), ("RU", "Russia"), ("XX", "XX")],
)  # fmt: skip
def test_country_name(code: str, name: str) -> None:
    assert country_name(code) == name


EU = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]  # fmt: skip
OTHERS = [
    "SG", "MY", "ID", "TH", "PH", "VN", "IN", "CN", "HK", "TW", "JP", "KR", "AU", "NZ", "US",
    "CA", "GB", "IE", "ZA", "NG", "KE", "BR", "MX", "AR", "CO", "AE", "SA", "TR",
]  # fmt: skip


@pytest.mark.parametrize("code", EU + OTHERS)
def test_default_currency_known_for_listed_countries(code: str) -> None:
    currency = default_currency(code)
    assert currency is not None and len(currency) == 3 and currency.isupper()


@pytest.mark.parametrize(
    ("code", "currency"),
    [("SG", "SGD"), ("sg", "SGD"), ("MY", "MYR"), ("DE", "EUR"), ("GB", "GBP"), ("IN", "INR"),
     ("US", "USD"), ("HK", "HKD"), ("XX", None), (None, None)],
)  # fmt: skip
def test_default_currency(code: str | None, currency: str | None) -> None:
    assert default_currency(code) == currency


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_emergency_numbers_for_an_unknown_country_name_the_main_ones(language: str) -> None:
    # What the safety advice shows when the reporter's country is unknown (actions/safety.py).
    numbers = text("actions", "emergency_numbers_unknown", language)
    for number in ("999", "911", "112", "000"):
        assert number in numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ato scam call", "AU"),
        ("recieved a call from hmrc saying i owe tax", "GB"),
        ("a man called saying he is from singapore police force", "SG"),
        ("my grandmother got a call from bukit aman police", "MY"),
        ("CBI officers kept me on a skype video call", "IN"),
        ("someone from MAS told him his account is involved", "SG"),
        ("canada post text said my package was on hold", "CA"),
        ("claiming to be from singtel", "SG"),
        ("paid through gcash", "PH"),
        # where the scammer claims to be, or nothing local: no guess
        ("someone called from the indian embassy saying my passport has an error", None),
        ("they said they were shanghai police", None),
        ("mas told me to wait", None),
        ("my mom got a call", None),
        # two countries' institutions: no guess
        ("my DBS card and my Maybank account", None),
    ],
)
def test_home_cues_name_the_reporters_country_only_when_unambiguous(
    text: str, expected: str | None
) -> None:
    assert country_from_home_cues(text) == expected


@pytest.mark.parametrize(
    ("currencies", "expected"),
    [(["SGD"], "SG"), (["INR", "INR"], "IN"), (["USD"], None), (["EUR"], None),
     (["SGD", "MYR"], None), ([], None)],
)  # fmt: skip
def test_money_paid_in_one_countrys_currency_names_it(
    currencies: list[str], expected: str | None
) -> None:
    assert country_of_paid_currency(currencies) == expected
