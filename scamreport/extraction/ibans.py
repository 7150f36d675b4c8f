"""IBANs, written compact or in groups, kept only when the ISO 13616 checksum is right."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban

from scamreport.extraction.model import Found

_START_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[ \-]?[A-Za-z0-9])")
_NEXT_RE = re.compile(r"[ \-]?[A-Za-z0-9]")
_MAX_CHARS = 34


def _ends(text: str, start: int) -> list[int]:
    """Every end position after start where a group of letters/digits stops, furthest first."""
    ends: list[int] = []
    position = start + 4
    count = 4
    while count < _MAX_CHARS:
        step = _NEXT_RE.match(text, position)
        if not step:
            break
        position = step.end()
        count += 1
        if position == len(text) or not text[position].isalnum():
            ends.append(position)
    return sorted(ends, reverse=True)


def find_ibans(text: str) -> Iterator[Found]:
    position = 0
    while True:
        match = _START_RE.search(text, position)
        if not match:
            return
        for end in _ends(text, match.start()):
            raw = text[match.start() : end]
            compact = iban.compact(raw)
            if len(compact) >= 15 and compact[:2].isalpha() and iban.is_valid(compact):
                yield Found("iban", compact, raw, match.start(), end, "iban_checksum")
                position = end
                break
        else:
            position = match.end()
