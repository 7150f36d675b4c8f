"""The values extraction returns: Amount, Found (one match with its span) and Indicators."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from scamreport.taxonomy import INDICATOR_KINDS


def format_decimal(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros: 1200, 12.5."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def grouped_number(value: Decimal) -> str:
    """A number as people read it: 1200 -> "1,200"; 1500.5 -> "1,500.50" (cents only when
    there are some)."""
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


# How an amount without a currency reads in English; the reporter's language has its own
# words (locales/<lang>/values.yml, amount.no_currency, through scamreport.presentation).
NO_CURRENCY = "{number} (currency not given)"


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"value": format_decimal(self.value), "currency": self.currency}

    def __str__(self) -> str:
        """The normal form slots and storage keep: "1200 SGD", "12.5 GBP", "300"."""
        text = format_decimal(self.value)
        return f"{text} {self.currency}" if self.currency else text

    def describe(self, no_currency: str = NO_CURRENCY) -> str:
        """The amount as people read it: "1,200 SGD", "1,500.50 GBP"; without a currency,
        ``no_currency`` with ``{number}`` filled in ("300 (currency not given)")."""
        number = grouped_number(self.value)
        return f"{number} {self.currency}" if self.currency else no_currency.format(number=number)


@dataclass(frozen=True)
class Found:
    kind: str
    value: str | Amount
    raw: str
    start: int
    end: int
    rule: str

    def overlaps(self, other: Found) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class Indicators:
    phone: list[str] = field(default_factory=list)
    url: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)
    iban: list[str] = field(default_factory=list)
    crypto_wallet: list[str] = field(default_factory=list)
    handle: list[str] = field(default_factory=list)
    amount: list[Amount] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    claimed_agency: list[str] = field(default_factory=list)

    @classmethod
    def from_found(cls, found: Iterable[Found]) -> Indicators:
        """Group matches by kind, in order of appearance, without repeats."""
        indicators = cls()
        for item in sorted(found, key=lambda match: match.start):
            values: list = getattr(indicators, item.kind)
            if item.value not in values:
                values.append(item.value)
        return indicators

    def to_dict(self) -> dict[str, list]:
        result: dict[str, list] = {}
        for kind in INDICATOR_KINDS:
            values = getattr(self, kind)
            result[kind] = [
                value.to_dict() if isinstance(value, Amount) else value for value in values
            ]
        return result

    def items(self) -> Iterator[tuple[str, str]]:
        """(kind, normalised text) for every indicator; amounts as "1200 SGD" or "1200"."""
        for kind in INDICATOR_KINDS:
            for value in getattr(self, kind):
                yield kind, str(value)
