"""The readings kept per text: masked once, extracted once per country and day, bounded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from scamreport.extraction import extract_indicators
from scamreport.extraction.extractor import Extractor
from scamreport.extraction.readings import ReadingStore, text_digest
from scamreport.sensitive import mask_secrets

TEXT = "he called from 8123 4567 and took $300 yesterday, my OTP is 482913"
DAY = date(2026, 11, 30)


@pytest.fixture
def finds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """The (text, country) of every extraction run."""
    calls: list[tuple[str, str | None]] = []
    find = Extractor.find

    def counting(self: Extractor, text: str, country: str | None = None, **kwargs: Any) -> Any:
        calls.append((text, country))
        return find(self, text, country, **kwargs)

    monkeypatch.setattr(Extractor, "find", counting)
    return calls


def test_a_reading_is_what_extraction_finds(finds: list[tuple[str, str | None]]) -> None:
    store = ReadingStore()
    reading = store.read(TEXT, "SG", today=DAY)
    assert reading.indicators() == extract_indicators(TEXT, "SG", today=DAY)
    assert reading.indicators().phone == ["+6581234567"]


def test_the_same_text_is_extracted_once(finds: list[tuple[str, str | None]]) -> None:
    store = ReadingStore()
    first = store.read(TEXT, "SG", today=DAY)
    again = store.read(TEXT, "SG", today=DAY)
    assert again is first
    assert finds == [(TEXT, "SG")]
    # Each caller gets indicators of its own to change.
    first.indicators().phone.clear()
    assert again.indicators().phone == ["+6581234567"]


def test_another_country_or_day_is_read_anew(finds: list[tuple[str, str | None]]) -> None:
    store = ReadingStore()
    without = store.read(TEXT, None, today=DAY)
    within = store.read(TEXT, "SG", today=DAY)
    store.read(TEXT, "SG", today=date(2026, 12, 1))
    assert finds == [(TEXT, None), (TEXT, "SG"), (TEXT, "SG")]
    assert without.indicators().phone == [] and within.indicators().phone == ["+6581234567"]


def test_a_text_is_masked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import scamreport.sensitive

    calls: list[str] = []
    find_secrets = scamreport.sensitive.find_secrets

    def counting(text: str, **kwargs: Any) -> Any:
        calls.append(text)
        return find_secrets(text, **kwargs)

    monkeypatch.setattr(scamreport.sensitive, "find_secrets", counting)
    store = ReadingStore()
    first = store.mask(TEXT)
    assert store.mask(TEXT) is first
    assert calls == [TEXT]
    assert first.masked_text == mask_secrets(TEXT).masked_text
    assert first.kinds == ["otp"]


def test_the_store_keeps_digests_not_texts() -> None:
    store = ReadingStore()
    store.mask(TEXT)
    store.read(TEXT, "SG", today=DAY)
    kept = [*store._masks._items, *store._readings._items]  # noqa: SLF001 - what is held
    assert all(TEXT not in repr(key) for key in kept)
    assert text_digest(TEXT) in store._masks._items  # noqa: SLF001


def test_old_and_surplus_readings_are_dropped(finds: list[tuple[str, str | None]]) -> None:
    now = [0.0]
    store = ReadingStore(capacity=2, max_age=60.0, clock=lambda: now[0])
    for text in ("one +6581234567", "two +6581234567", "three +6581234567"):
        store.read(text, "SG", today=DAY)
    store.read("one +6581234567", "SG", today=DAY)  # the oldest was dropped: read anew
    assert len(finds) == 4
    now[0] = 61.0
    store.read("one +6581234567", "SG", today=DAY)  # kept too long: read anew
    assert len(finds) == 5


def test_a_reading_leaves_memory_once_it_is_too_old_whatever_is_asked_next() -> None:
    now = [0.0]
    store = ReadingStore(capacity=100, max_age=60.0, clock=lambda: now[0])
    store.read("my otp is not here, call +6581234567", "SG", today=DAY)
    store.mask("my otp is 123456")
    now[0] = 30.0
    store.read("my otp is not here, call +6581234567", "SG", today=DAY)  # a hit keeps no longer
    store.read("a later message", "SG", today=DAY)
    now[0] = 61.0
    store.mask("something else entirely")
    store.read("something else entirely", "SG", today=DAY)
    assert len(store._readings) == 2  # noqa: SLF001 - the first reading is gone, not just stale
    assert len(store._masks) == 1  # noqa: SLF001
