"""The bot's pure parts: splitting, pseudonyms, the rate limit, file checks, redaction, config."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import BotConfig, ConfigError
from bot.evidence_store import (
    MAX_EVIDENCE_BYTES,
    EvidenceRefused,
    check_declared,
    sniff_mime_type,
)
from bot.identity import pseudonym_for
from bot.logs import REDACTED, SecretRedactingFilter
from bot.rasa_client import Button, Reply
from bot.ratelimit import RateLimiter
from bot.rendering import (
    MAX_MESSAGE_UTF16,
    merged_replies,
    parse_button_callback,
    split_text,
    utf16_length,
)
from scamreport.settings import get_settings
from scamreport.storage.evidence_files import EvidenceFiles


def test_short_text_is_one_piece() -> None:
    assert split_text("  hello  ") == ["hello"]
    assert split_text("") == []


def test_split_prefers_paragraphs_and_keeps_every_word_in_order() -> None:
    text = "\n\n".join(f"Paragraph {n} " + "word " * 300 for n in range(10))
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(utf16_length(p) <= 4096 for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_split_counts_utf16_units_like_telegram() -> None:
    # Each emoji is two UTF-16 units: 3000 of them cannot fit in one message.
    text = "😀" * 3000
    pieces = split_text(text)
    assert [utf16_length(p) for p in pieces] == [4096, 6000 - 4096]
    assert "".join(pieces) == text


def test_a_hard_cut_never_separates_a_character_from_its_accent() -> None:
    text = "e\u0301" * 3000  # "é" as e + combining acute accent
    pieces = split_text(text)
    assert all(not p[0].startswith("\u0301") for p in pieces)
    assert "".join(pieces) == text


def test_consecutive_texts_merge_up_to_the_buttons_an_image_or_a_custom_payload() -> None:
    yes = (Button("Yes", "/affirm"),)
    replies = [
        Reply(text="Stop."),
        Reply(text="Sorry."),
        Reply(text="Is that right?", buttons=yes),
        Reply(text="After the buttons."),
        Reply(image="https://example.org/a.png"),
        Reply(text="Caption-like text."),
        Reply(custom={"report_cancelled": True}),
        Reply(buttons=yes),
    ]
    assert merged_replies(replies) == [
        Reply(text="Stop.\n\nSorry.\n\nIs that right?", buttons=yes),
        Reply(text="After the buttons."),
        Reply(image="https://example.org/a.png"),
        Reply(text="Caption-like text."),
        Reply(custom={"report_cancelled": True}),
        Reply(buttons=yes),
    ]
    assert merged_replies([Reply(text="Stop."), Reply(buttons=yes)]) == [
        Reply(text="Stop.", buttons=yes)
    ]


def test_texts_that_together_would_need_splitting_stay_apart() -> None:
    half = "a" * (MAX_MESSAGE_UTF16 // 2)
    assert len(merged_replies([Reply(text=half), Reply(text=half)])) == 2
    assert len(merged_replies([Reply(text=half), Reply(text="short")])) == 1


def test_button_callback_data_parses_only_its_own_shape() -> None:
    assert parse_button_callback("b:ab12cd34:3") == ("ab12cd34", 3)
    assert parse_button_callback("/affirm") is None
    assert parse_button_callback("b::1") is None
    assert parse_button_callback("b:x:-1") is None


def test_pseudonym_is_a_keyed_hash_of_the_user_id() -> None:
    first = pseudonym_for(123456789, "key-one")
    assert first == pseudonym_for(123456789, "key-one")
    assert first != pseudonym_for(123456789, "key-two")
    assert first != pseudonym_for(123456780, "key-one")
    assert len(first) == 64 and "123456789" not in first
    with pytest.raises(ValueError):
        pseudonym_for(1, "")


def test_rate_limiter_allows_a_burst_then_the_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=6, burst=3, clock=lambda: now[0])
    assert [limiter.wait_time("u") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait_time("u") == pytest.approx(10.0)
    assert limiter.wait_time("other") == 0.0
    now[0] = 10.0
    assert limiter.wait_time("u") == 0.0
    assert limiter.wait_time("u") > 0


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, None, "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, None, "image/png"),
        (b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 20, None, "image/webp"),
        (b"\0\0\0\x18ftypheic" + b"\0" * 20, "IMG_0001.HEIC", "image/heic"),
        (b"%PDF-1.4\n...", "a.pdf", "application/pdf"),
        (b"From: a@b.example\r\nSubject: hi\r\n\r\nbody", None, "message/rfc822"),
        (b"just some words", "note.txt", "text/plain"),
        ("Überweisung €".encode(), "note.txt", "text/plain"),
    ],
)
def test_sniffing_recognises_allowed_types(
    data: bytes, filename: str | None, expected: str
) -> None:
    assert sniff_mime_type(data, filename=filename) == expected


@pytest.mark.parametrize(
    "data",
    [b"MZ\x90\x00" + b"\0" * 100, b"\x7fELF\x02\x01" + b"\0" * 100, b"PK\x03\x04" + b"\0" * 100],
)
def test_sniffing_refuses_programs_and_archives(data: bytes) -> None:
    with pytest.raises(EvidenceRefused) as refused:
        sniff_mime_type(data, filename="invoice.pdf")
    # A program, or an archive that cannot be looked into (scamreport.evidence_safety).
    assert refused.value.reason == "unsafe"


def test_declared_checks() -> None:
    check_declared(filename="scan.PDF", mime_type="application/pdf", size=1000)
    check_declared(filename=None, mime_type="application/octet-stream", size=None)
    for filename, mime, reason in [
        ("setup.exe", None, "unsafe"),
        ("a.zip", None, "type"),
        (None, "application/x-msdownload", "type"),
        ("x.apk", "application/vnd.android.package-archive", "unsafe"),
    ]:
        with pytest.raises(EvidenceRefused) as refused:
            check_declared(filename=filename, mime_type=mime, size=10)
        assert refused.value.reason == reason
    with pytest.raises(EvidenceRefused, match="too_big"):
        check_declared(filename="a.pdf", mime_type="application/pdf", size=MAX_EVIDENCE_BYTES + 1)


def test_store_writes_once_under_the_hash(tmp_path: Path) -> None:
    store = EvidenceFiles(tmp_path / "evidence")
    first = store.save(b"%PDF-1.4 one")
    again = store.save(b"%PDF-1.4 one")
    assert first == again
    assert store.path_of(first.storage_path).read_bytes() == b"%PDF-1.4 one"
    assert first.storage_path == f"{first.sha256[:2]}/{first.sha256}"
    with pytest.raises(ValueError):
        store.path_of("../outside")
    store.remove(first.storage_path)
    assert not store.path_of(first.storage_path).exists()


def test_the_token_never_reaches_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    token = "123456:SECRET-token-value"
    logger = logging.getLogger("test.redaction")
    logger.addFilter(SecretRedactingFilter([token]))
    try:
        with caplog.at_level(logging.INFO, logger="test.redaction"):
            logger.info("calling https://api.telegram.org/bot%s/getMe", token)
            try:
                raise RuntimeError(f"httpx.ConnectError for /bot{token}/sendMessage")
            except RuntimeError:
                logger.exception("request failed")
    finally:
        logger.filters.clear()
    assert token not in caplog.text
    assert REDACTED in caplog.records[0].getMessage()
    assert "ConnectError" in caplog.text


def test_webhook_mode_needs_a_proper_secret_and_url() -> None:
    settings = get_settings({"SCAMREPORT_DATA_DIR": "/tmp/x"})
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        BotConfig(
            token="1:a",
            rasa_url="http://r",
            mode="webhook",
            webhook_url="https://bot.example/telegram",
            settings=settings,
        )
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        BotConfig(
            token="1:a",
            rasa_url="http://r",
            mode="webhook",
            webhook_secret="short!",
            webhook_url="https://bot.example/telegram",
            settings=settings,
        )
    with pytest.raises(ConfigError, match="webhook-url"):
        BotConfig(
            token="1:a",
            rasa_url="http://r",
            mode="webhook",
            webhook_secret="a" * 32,
            settings=settings,
        )
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        BotConfig(token="", rasa_url="http://r", settings=settings)
    config = BotConfig(
        token="1:a", rasa_url="http://r", base_url="http://127.0.0.1:9/", settings=settings
    )
    assert (config.api_base_url, config.api_base_file_url) == (
        "http://127.0.0.1:9/bot",
        "http://127.0.0.1:9/file/bot",
    )
