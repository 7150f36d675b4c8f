"""The bot reads the text of screenshots as they arrive: on a worker thread (other reporters
are answered meanwhile), kept with the draft, and a file it cannot read is kept all the same."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.handlers import evidence as evidence_handler
from scamreport.storage.models import PendingEvidence
from telegram_standin.driver import ChatUser, Driver, png_bytes
from tests.bot.conftest import BotRunner, agree
from tests.screenshots import SMISHING, sms_screenshot


def drafts(db: sessionmaker[Session]) -> list[PendingEvidence]:
    with db() as session:
        return list(session.scalars(select(PendingEvidence).order_by(PendingEvidence.id)))


def test_a_screenshot_is_read_and_its_text_kept_with_the_draft(
    alex: ChatUser, db: sessionmaker[Session]
) -> None:
    agree(alex)
    alex.send_photo(sms_screenshot(SMISHING, fmt="JPEG"))
    reply = alex.replies(timeout=60)[-1].body
    assert "Saved your photo" in reply and "I can read text in it" in reply
    [draft] = drafts(db)
    assert draft.ocr_text is not None
    assert "https://sg-post-redelivery.com/pay" in draft.ocr_text
    assert "+65 8123 4567" in draft.ocr_text


def test_an_image_that_cannot_be_read_is_kept_without_text(
    alex: ChatUser, db: sessionmaker[Session]
) -> None:
    agree(alex)
    truncated = sms_screenshot(SMISHING)[:3000]
    alex.send_photo(truncated)
    reply = alex.replies(timeout=60)[-1].body
    assert "Saved your photo" in reply and "I can read text in it" not in reply
    alex.send_photo(png_bytes(5000, seed=4))  # starts like a PNG, is not one
    alex.replies(timeout=60)
    assert [(d.mime_type, d.ocr_text) for d in drafts(db)] == [
        ("image/png", None),
        ("image/png", None),
    ]


def test_reading_runs_on_a_worker_thread_while_other_reporters_are_answered(
    alex: ChatUser,
    driver: Driver,
    bot: BotRunner,
    db: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reading = threading.Event()

    def slow_ocr(data: bytes) -> str | None:
        reading.set()
        time.sleep(4)  # blocks: on the event loop it would stall every chat
        return None

    monkeypatch.setattr(evidence_handler, "read_image_text", slow_ocr)
    bea = driver.user(5_550_077, first_name="Bea")
    agree(alex)
    agree(bea)
    alex.send_photo(sms_screenshot(SMISHING))
    assert reading.wait(20)
    started = time.monotonic()
    bea.send_text("/help")
    assert bea.replies(timeout=10)
    assert time.monotonic() - started < 3, "the bot waited for the OCR of another chat"
    assert "Saved your photo" in alex.replies(timeout=30)[-1].body
    [draft] = drafts(db)
    assert draft.ocr_text is None
