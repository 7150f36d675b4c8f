"""The reporter's language: from what they type on a phone and from their Telegram client."""

from __future__ import annotations

import pytest

from scamreport.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    detect_language,
    is_language,
    language_from_telegram,
    language_shares,
)

# (message as typed, language)
MESSAGES: list[tuple[str, str]] = [
    # Chinese, alone and code-switched with digits, currencies, English words
    ("我被骗了", "zh"),
    ("我被骗了 RM5000", "zh"),
    ("有人冒充警察打电话给我，叫我转账", "zh"),
    ("昨天收到一个短信，说我的包裹有问题", "zh"),
    ("他说他是中国公安 要我下载app", "zh"),
    ("my mum kena scam 她转了两万", "zh"),
    ("help 我妈妈被骗了", "zh"),
    ("詐騙電話說我洗錢", "zh"),  # Traditional characters: still served in Chinese
    # Malay, with chat spellings and typos
    ("saya kena tipu", "ms"),
    ("saya sudah bayar RM500 kepada dia", "ms"),
    ("duit saya hilang", "ms"),
    ("tolong saya, ada orang ngaku polis suruh saya bayar", "ms"),
    ("sy dah transfer duit ke akaun dia semalam", "ms"),
    ("dia kata dia polis dan akaun saya terlibat dgn penipuan", "ms"),
    ("i kena scam by polis palsu lah", "ms"),
    ("mak saya ditipu, dia bagi nombor akaun bank", "ms"),
    ("barang tak sampai, penjual tu dah block saya", "ms"),
    # English, Singlish and Manglish that stays English
    ("i kena scammed lah, they took my money", "en"),
    ("hi i got a call from someone saying he is police", "en"),
    ("my mother was cheated of 5k yesterday", "en"),
    ("pls help", "en"),
    ("the guy ask me pay 300 then block me", "en"),
    # Indonesian is not Malay
    ("Saya ditipu, uangnya sudah ditransfer ke rekening dia", "en"),
    ("gimana nih, uang saya nggak kembali", "en"),
    # Japanese uses Han characters but is not Chinese
    ("この電話は詐欺です", "en"),
]


@pytest.mark.parametrize(("text", "language"), MESSAGES)
def test_detect_language_of_phone_typed_messages(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text", ["5000", "ok", "www.abc.com", "+6591234567", "👍", "", "  ", "lah"]
)
def test_a_message_that_does_not_tell_keeps_the_default(text: str) -> None:
    assert detect_language(text) == DEFAULT_LANGUAGE
    assert detect_language(text, default="ms") == "ms"
    assert detect_language(text, default="zh") == "zh"


def test_a_language_already_known_is_not_overridden_by_a_number() -> None:
    # a Chinese reporter answering "how much?" with "5000" stays Chinese
    assert detect_language("RM5000", default="zh") == "zh"


def test_shares_add_up_and_weigh_mixed_text() -> None:
    shares = language_shares("i kena scam by polis palsu")
    assert shares["ms"] > shares["en"] > 0
    assert shares["zh"] == 0
    assert sum(shares.values()) == pytest.approx(1)
    assert language_shares("5000") == {}


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("zh", "zh"),
        ("zh-hans", "zh"),
        ("zh-CN", "zh"),
        ("zh-sg", "zh"),
        ("zh_SG", "zh"),
        ("zh-hant", "zh"),
        ("ms", "ms"),
        ("ms-MY", "ms"),
        ("ms-sg", "ms"),
        ("en", "en"),
        ("en-GB", "en"),
        ("id", "en"),  # Indonesian is not Malay
        ("in", "en"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_from_telegram_client(code: str | None, language: str) -> None:
    assert language_from_telegram(code) == language


def test_language_from_telegram_keeps_the_callers_default_for_others() -> None:
    assert language_from_telegram("id", default="ms") == "ms"
    assert language_from_telegram(None, default="zh") == "zh"
    assert language_from_telegram("ms-my", default="zh") == "ms"


def test_one_vocabulary() -> None:
    assert LANGUAGES == ("en", "zh", "ms")
    assert set(LANGUAGE_NAMES) == set(LANGUAGES)
    assert is_language("zh") and is_language("ms") and is_language("en")
    assert not is_language("id") and not is_language("zh-hans") and not is_language(None)
