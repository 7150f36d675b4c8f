"""Secrets a reporter pastes are found and masked; indicators are left alone."""

from __future__ import annotations

import pytest

from scamreport.sensitive import Secret, find_secrets, mask_secrets


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        ("my OTP is 123456", "my OTP is [REDACTED OTP]", ["otp"]),
        ("the code they sent was 4821 93", "the code they sent was [REDACTED OTP]", ["otp"]),
        ("TAC: 998877.", "TAC: [REDACTED OTP].", ["otp"]),
        ("OTP from DBS is 482913", "OTP from DBS is [REDACTED OTP]", ["otp"]),
        ("pin 1234", "pin [REDACTED PIN]", ["pin"]),
        ("my ATM PIN is 0000 sorry", "my ATM PIN is [REDACTED PIN] sorry", ["pin"]),
        ("password: hunter2", "password: [REDACTED PASSWORD]", ["password"]),
        ("my password is 'Tan1957!'", "my password is '[REDACTED PASSWORD]'", ["password"]),
        ("cvv 123", "cvv [REDACTED CVV]", ["cvv"]),
        (
            "card 4111 1111 1111 1111 exp 12/26 cvv 737",
            "card [REDACTED CARD NUMBER] exp 12/26 cvv [REDACTED CVV]",
            ["card_number", "cvv"],
        ),
        ("5500-0000-0000-0004", "[REDACTED CARD NUMBER]", ["card_number"]),
        ("378282246310005 amex", "[REDACTED CARD NUMBER] amex", ["card_number"]),
    ],
)
def test_secrets_are_masked(text: str, masked: str, kinds: list[str]) -> None:
    result = mask_secrets(text)
    assert result.masked_text == masked
    assert result.kinds == kinds
    assert result.found


@pytest.mark.parametrize(
    "text",
    [
        "he called from +65 8123 4567",
        "call 8123 4567 now",
        "the code was sent to 81234567",
        "IBAN GB82 WEST 1234 5698 7654 32",
        "DE89 3704 0044 0532 0130 00",
        "I paid S$1,200 and 5000 USD",
        "reference number 4111111111111111",
        "case no. 4111 1111 1111 1111",
        "my postal code is 520123",
        "card 4111 1111 1111 1112",  # fails the Luhn check
        "my password is changed now",
        "they asked for my PIN and password",
        "+86 138 1234 5678",
        "on 12/03/2020 at 3pm",
    ],
)
def test_non_secrets_are_left_alone(text: str) -> None:
    result = mask_secrets(text)
    assert result.masked_text == text
    assert result.kinds == []
    assert not result.found


def test_find_secrets_gives_spans_in_order() -> None:
    text = "pin 1234 and OTP 556677"
    assert find_secrets(text) == [Secret("pin", 4, 8), Secret("otp", 17, 23)]


def test_every_kind_is_reported_once() -> None:
    result = mask_secrets("OTP 111222, then OTP 333444, password=abc")
    assert result.kinds == ["otp", "password"]
    assert result.masked_text == (
        "OTP [REDACTED OTP], then OTP [REDACTED OTP], password=[REDACTED PASSWORD]"
    )
