"""A report's indicators from free texts, in the normal forms of the brief, each once."""

from __future__ import annotations

from collections.abc import Sequence

from scamreport.extraction import Amount, read_message, registrable_domain
from scamreport.storage.records import NewIndicator


def build_indicators(texts: Sequence[str], country: str | None) -> list[NewIndicator]:
    """Each text's indicators (read once: scamreport.extraction.readings), each value once."""
    indicators: dict[tuple[str, str], NewIndicator] = {}
    for text in texts:
        for found in read_message(text, country).found:
            value = found.value
            if isinstance(value, Amount):
                amount = format(value.value.normalize(), "f")
                value = f"{amount} {value.currency}" if value.currency else amount
            key = (found.kind, value)
            if key in indicators:
                continue
            domain = registrable_domain(value) if found.kind in ("url", "email") else None
            indicators[key] = NewIndicator(
                kind=found.kind, value=value, raw=found.raw, registrable_domain=domain
            )
    return list(indicators.values())


def merge_indicators(
    first: Sequence[NewIndicator], second: Sequence[NewIndicator]
) -> list[NewIndicator]:
    seen = {(i.kind, i.value) for i in first}
    return [*first, *(i for i in second if (i.kind, i.value) not in seen)]
