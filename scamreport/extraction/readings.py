"""Each message read once: its secrets masked once, its indicators found once, and both kept
for every later step that reads the same message.

A report's messages are read by several steps: the action that answers a message, the form's
validation in the same turn, later questions that look back at the opening story, the summary
and the submission. Each asks here (``mask_message``, ``read_message``) instead of masking or
extracting again: the first ask does the work (``scamreport.sensitive.mask_secrets``, the shared
``Extractor.find``), the others get the kept result.

What is kept is keyed by a digest of the text, the country (the default region for phone
numbers and a bare "$") and the day (relative dates): the same text read for another country
or on another day is read anew, as it must be. The store is the process's own: another replica
of the action server that is asked for the same message reads it itself, with the same result
(both functions are pure). It keeps no text as it was sent: a digest of it is the key, and
what is kept is the masked text and the indicators found, at most ``KEPT_READINGS`` of each,
none longer than ``KEPT_SECONDS`` after it was read: what is older is dropped at the next ask,
so a reporter's words do not outlive a short while in memory after `/delete` (which cannot
reach every replica's memory). A miss costs one reading, never a different result.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Generic, TypeVar

from scamreport.extraction.extractor import build_extractor
from scamreport.extraction.model import Found, Indicators
from scamreport.sensitive import MaskResult, mask_secrets

KEPT_READINGS = 4096
KEPT_SECONDS = 900.0

V = TypeVar("V")


@dataclass(frozen=True)
class Reading:
    """The indicators one text names for one country and day, each with its span in the text."""

    found: tuple[Found, ...]

    def indicators(self) -> Indicators:
        """The indicators grouped by kind (a new object each time: callers may change it)."""
        return Indicators.from_found(self.found)


class _Kept(Generic[V]):
    """A bounded store of results by key, in the order they were made, each for at most
    ``max_age`` seconds (dropped at the next ask after that); safe to share between the worker
    threads actions run on."""

    def __init__(self, capacity: int, max_age: float, clock: Callable[[], float]) -> None:
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._capacity = capacity
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        now = self._clock()
        with self._lock:
            self._drop_older_than(now - self._max_age)
            kept = self._items.get(key)
            if kept is not None:
                return kept[1]
        value = make()  # outside the lock: other threads' readings go on meanwhile
        with self._lock:
            self._items.pop(key, None)  # made again by another thread meanwhile: keep one
            self._items[key] = (now, value)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return value

    def _drop_older_than(self, oldest: float) -> None:
        # Items stay in the order they were made (a hit does not move one), so the old ones lead.
        while self._items:
            made, _ = next(iter(self._items.values()))
            if made >= oldest:
                return
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def text_digest(text: str) -> bytes:
    """The key a text is kept under (the store never holds the text itself)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class ReadingStore:
    """The masked form and the readings of the texts this process was asked about."""

    def __init__(
        self,
        *,
        capacity: int = KEPT_READINGS,
        max_age: float = KEPT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._masks: _Kept[MaskResult] = _Kept(capacity, max_age, clock)
        self._readings: _Kept[Reading] = _Kept(capacity, max_age, clock)

    def mask(self, text: str) -> MaskResult:
        """``text`` with its secrets masked (``mask_secrets``), masked once."""
        return self._masks.get_or_make(text_digest(text), lambda: mask_secrets(text))

    def read(self, text: str, country: str | None = None, *, today: date | None = None) -> Reading:
        """The indicators in ``text`` for ``country`` on ``today``, extracted once."""
        day = today or date.today()
        return self._readings.get_or_make(
            (text_digest(text), country, day),
            lambda: Reading(tuple(build_extractor().find(text, country, today=day))),
        )


@lru_cache(maxsize=1)
def reading_store() -> ReadingStore:
    """The process's store, made on first use."""
    return ReadingStore()


def mask_message(text: str) -> MaskResult:
    """A reporter's text with PINs, passwords, codes and card numbers masked: once per text."""
    return reading_store().mask(text)


def read_message(text: str, country: str | None = None, *, today: date | None = None) -> Reading:
    """The indicators a (masked) text names: extracted once per text, country and day."""
    return reading_store().read(text, country, today=today)
