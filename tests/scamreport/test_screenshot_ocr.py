"""Screenshots of scam messages, drawn with Pillow (tests/screenshots.py), read back by the real
Tesseract."""

from __future__ import annotations

import io
import logging
import threading
from decimal import Decimal

import pytest
from PIL import Image

from scamreport.extraction import screenshots
from scamreport.extraction.extractor import build_extractor
from scamreport.extraction.model import Amount, Found
from scamreport.extraction.screenshots import installed_languages, read_image_text
from scamreport.storage.records import NewIndicator
from tests.screenshots import CJK_FONT, LATIN_FONT, SMISHING
from tests.screenshots import sms_screenshot as screenshot


def indicators_in_screenshot(data: bytes, country: str | None = None) -> list[Found]:
    """The indicators in the screenshot ``data``, read with the same extraction as typed
    messages; empty when the image could not be read."""
    text = screenshots.read_image_text(data)
    if not text:
        return []
    return build_extractor().find(text, country)


def by_kind(found: list[Found]) -> dict[str, list[object]]:
    kinds: dict[str, list[object]] = {}
    for item in found:
        kinds.setdefault(item.kind, []).append(item.value)
    return kinds


@pytest.fixture(scope="module", autouse=True)
def _tesseract_installed() -> None:
    # `make pytest` runs scripts/ensure_ocr.sh first: a missing Tesseract is a failure here.
    assert installed_languages() == ("eng", "chi_sim", "msa"), "run scripts/ensure_ocr.sh"
    assert LATIN_FONT.exists() and CJK_FONT.exists(), "run scripts/ensure_ocr.sh"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_smishing_screenshot_yields_its_link_phone_and_amount(fmt: str) -> None:
    kinds = by_kind(indicators_in_screenshot(screenshot(SMISHING, fmt=fmt), "SG"))
    assert "https://sg-post-redelivery.com/pay" in kinds["url"]
    assert "+6581234567" in kinds["phone"]
    assert Amount(Decimal("2.50"), "SGD") in kinds["amount"]


def test_a_chinese_screenshot_yields_its_link_phone_and_amount() -> None:
    text = "您的包裹已被扣留。\n请支付 S$2.50：\nhttps://sg-post-redelivery.com/pay\n或致电 +65 8123 4567"
    data = screenshot(text, font=CJK_FONT, wrap=40)
    read = read_image_text(data)
    assert read is not None and "扣留" in read
    kinds = by_kind(indicators_in_screenshot(data, "SG"))
    assert "https://sg-post-redelivery.com/pay" in kinds["url"]
    assert "+6581234567" in kinds["phone"]
    assert Amount(Decimal("2.50"), "SGD") in kinds["amount"]


def test_a_malay_screenshot_with_a_local_number() -> None:
    text = "Akaun anda disekat. Bayar RM50 di http://maybank-sahkan.com atau hubungi 012-345 6789"
    kinds = by_kind(indicators_in_screenshot(screenshot(text), "MY"))
    assert "http://maybank-sahkan.com" in kinds["url"]
    assert "+60123456789" in kinds["phone"]
    assert Amount(Decimal("50"), "MYR") in kinds["amount"]


def test_a_one_time_code_in_a_screenshot_is_masked() -> None:
    text = "DBS: Your OTP is 482913. Do not share it. Call 6327 2265 if this was not you."
    read = read_image_text(screenshot(text))
    assert read is not None and "OTP" in read
    assert "482913" not in read


def test_a_damaged_or_false_image_gives_nothing_and_does_not_crash(
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = screenshot(SMISHING)
    caplog.set_level(logging.INFO, logger="scamreport.extraction.screenshots")
    truncated = good[: len(good) // 2]
    fake_png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    for data in (truncated, fake_png, pdf, b""):
        assert read_image_text(data) is None
        assert indicators_in_screenshot(data, "SG") == []
    assert len(caplog.records) == 8
    assert all("sg-post" not in record.getMessage() for record in caplog.records)


def test_a_gif_is_not_read() -> None:
    out = io.BytesIO()
    Image.open(io.BytesIO(screenshot(SMISHING))).save(out, format="GIF")
    assert read_image_text(out.getvalue()) is None


def test_tesseract_is_stopped_at_its_time_limit_and_nothing_is_logged_of_the_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="scamreport.extraction.screenshots")
    assert read_image_text(screenshot(SMISHING * 6), timeout=0.05) is None
    [record] = caplog.records
    assert "longer than" in record.getMessage()
    assert "sg-post" not in record.getMessage()


def test_a_huge_image_is_refused_before_it_is_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (8000, 6000), 1).save(out, format="PNG")  # 48 megapixels, a small file
    assert read_image_text(out.getvalue()) is None


def test_an_indicator_comes_from_the_conversation_or_a_screenshot() -> None:
    assert NewIndicator(kind="phone", value="+6581234567").source == "conversation"
    assert NewIndicator(kind="url", value="https://a.example", source="screenshot").source
    with pytest.raises(ValueError, match="source"):
        NewIndicator(kind="phone", value="+6581234567", source="photo")


def test_when_every_ocr_slot_stays_busy_the_image_is_not_read(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    busy = threading.BoundedSemaphore(1)
    busy.acquire()
    monkeypatch.setattr(screenshots, "_OCR_SLOTS", busy)
    caplog.set_level(logging.INFO, logger="scamreport.extraction.screenshots")
    assert read_image_text(screenshot(SMISHING), timeout=0.2) is None
    assert "busy" in caplog.records[-1].getMessage()
    busy.release()
    assert read_image_text(screenshot(SMISHING)) is not None
