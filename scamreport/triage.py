"""Triage flags: what an analyst should see first about a report.

One home for the flags the console's queue, filters, report page and dashboard show and the
subject of e-mail deliveries names:

| flag | set when |
|---|---|
| ``self_harm`` | the reporter said something that suggests self-harm or despair |
| ``minor`` | the reporter or the victim is under 18 |
| ``ongoing`` | the scam was happening while they reported (caller on the line, courier coming) |
| ``large_loss`` | the money lost reaches the large-loss threshold of the reporter's country |

The first three come from the conversation: the submission action stores them in
``report.details["flags"]`` (and ``ongoing`` also as ``report.urgent``). ``large_loss`` is
computed from the stored amount, currency and country. ``flags_of`` computes all of them
from a stored report; the storage layer keeps the result in ``reports.triage_flags`` (comma
separated, in ``FLAGS`` order) so the queue can filter and the dashboard count by flag.

Large-loss thresholds are in each country's own currency (``scamreport.countries``'s
``default_currency``), set roughly at what is a serious loss for a household there. A loss in
another currency (a Singaporean who lost USD) is judged by that currency's threshold, taken
from the countries that use it (the largest, so a flag is never raised too easily); a currency
no listed country uses (or no amount) gives no flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from scamreport.countries import default_currency

# In the order analysts should read them (the most serious first).
FLAGS: tuple[str, ...] = ("self_harm", "minor", "ongoing", "large_loss")

LABELS: Mapping[str, str] = {
    "self_harm": "Self-harm risk",
    "minor": "Minor involved",
    "ongoing": "Scam ongoing",
    "large_loss": "Large loss",
}

# Short words for places with little room (an e-mail subject).
SHORT_LABELS: Mapping[str, str] = {
    "self_harm": "SELF-HARM",
    "minor": "MINOR",
    "ongoing": "ONGOING",
    "large_loss": "LARGE LOSS",
}

# The flags the conversation decides (stored by the submission action in details["flags"]).
CONVERSATION_FLAGS: frozenset[str] = frozenset({"self_harm", "minor", "ongoing"})

# Large loss per country, in the country's own currency (see the module docstring). Every
# country with a primary agency in the registry has one (tests check it).
LARGE_LOSS_BY_COUNTRY: Mapping[str, Decimal] = {
    code: Decimal(amount)
    for code, amount in {
        # Asia
        "SG": "10000", "MY": "20000", "ID": "50000000", "TH": "200000", "VN": "100000000",
        "PH": "250000", "CN": "50000", "HK": "50000", "MO": "50000", "TW": "200000",
        "JP": "1000000", "KR": "10000000", "IN": "200000",
        # Oceania
        "AU": "10000", "NZ": "10000",
        # Americas
        "US": "10000", "CA": "10000", "BR": "20000", "MX": "100000", "AR": "5000000",
        # Europe
        "GB": "5000", "IE": "10000", "FR": "10000", "DE": "10000", "NL": "10000",
        "BE": "10000", "ES": "10000", "IT": "10000", "PT": "5000", "PL": "20000",
        "AT": "10000", "CH": "10000", "SE": "100000", "NO": "100000", "DK": "75000",
        "FI": "10000",
        # Africa and the Middle East
        "ZA": "50000", "NG": "2000000", "KE": "500000", "AE": "30000",
    }.items()
}  # fmt: skip


def _currency_defaults() -> dict[str, Decimal]:
    defaults: dict[str, Decimal] = {}
    for country, amount in LARGE_LOSS_BY_COUNTRY.items():
        currency = default_currency(country)
        if currency is not None:
            defaults[currency] = max(amount, defaults.get(currency, amount))
    return defaults


# A loss in a currency other than the country's own: that currency's threshold.
LARGE_LOSS_BY_CURRENCY: Mapping[str, Decimal] = _currency_defaults()


class Triageable(Protocol):
    """What flags are computed from (``scamreport.storage.models.Report`` has all of it)."""

    country: str | None
    currency: str | None
    amount_lost: Decimal | None
    urgent: bool
    details: Mapping[str, Any] | None


def large_loss_threshold(country: str | None, currency: str | None) -> Decimal | None:
    """The amount from which a loss in ``currency`` counts as large for ``country``."""
    if not currency:
        return None
    currency = currency.upper()
    code = (country or "").upper()
    if code in LARGE_LOSS_BY_COUNTRY and default_currency(code) == currency:
        return LARGE_LOSS_BY_COUNTRY[code]
    return LARGE_LOSS_BY_CURRENCY.get(currency)


def is_large_loss(country: str | None, currency: str | None, amount: Any) -> bool:
    if amount is None:
        return False
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return False
    threshold = large_loss_threshold(country, currency)
    return threshold is not None and value.is_finite() and value >= threshold


def ordered(flags: Iterable[str]) -> tuple[str, ...]:
    """Known flags only, without repeats, in ``FLAGS`` order."""
    present = set(flags)
    return tuple(flag for flag in FLAGS if flag in present)


def flags_of(report: Triageable) -> tuple[str, ...]:
    """The triage flags of a stored report, in ``FLAGS`` order."""
    details = report.details or {}
    stated = details.get("flags") if isinstance(details, Mapping) else None
    found = {flag for flag in stated or () if flag in CONVERSATION_FLAGS}
    if report.urgent:
        found.add("ongoing")
    if is_large_loss(report.country, report.currency, report.amount_lost):
        found.add("large_loss")
    return ordered(found)


def encode(flags: Iterable[str]) -> str:
    """The ``reports.triage_flags`` column value: ``"minor,large_loss"`` ("" for none)."""
    return ",".join(ordered(flags))


def decode(value: str | None) -> tuple[str, ...]:
    return ordered((value or "").split(","))


def label(flag: str) -> str:
    return LABELS.get(flag, flag.replace("_", " "))


def subject_tags(flags: Iterable[str]) -> str:
    """``"[SELF-HARM] [LARGE LOSS] "`` for the front of an e-mail subject ("" for none)."""
    return "".join(f"[{SHORT_LABELS[flag]}] " for flag in ordered(flags))
