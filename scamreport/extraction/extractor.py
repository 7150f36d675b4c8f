"""Extractor: runs every indicator finder over a message and settles overlaps between them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache

from scamreport.countries import country_code
from scamreport.extraction.agencies import AgencyMatcher
from scamreport.extraction.agency_aliases import DEFAULT_AGENCY_ALIASES
from scamreport.extraction.amounts import find_amounts
from scamreport.extraction.cjk import fold_full_width
from scamreport.extraction.dates import find_dates
from scamreport.extraction.emails import find_emails
from scamreport.extraction.handles import find_handles
from scamreport.extraction.ibans import find_ibans
from scamreport.extraction.model import Found, Indicators
from scamreport.extraction.phones import find_phones
from scamreport.extraction.pipeline import blank_pipeline
from scamreport.extraction.urls import find_urls
from scamreport.extraction.wallets import find_wallets
from scamreport.sensitive import find_secrets

# Rules whose match deliberately sits inside another one (the handle in a t.me link,
# the number in a wa.me link).
_NESTED_RULES = frozenset({"handle_telegram_link", "whatsapp_link"})


class Extractor:
    """Finds indicators in free text. Build it once (build_extractor) and reuse it."""

    def __init__(self, agency_aliases: Mapping[str, Sequence[str]] | None = None) -> None:
        self._nlp = blank_pipeline()
        self._agencies = AgencyMatcher(
            self._nlp, DEFAULT_AGENCY_ALIASES if agency_aliases is None else agency_aliases
        )

    def find(
        self, text: str, country: str | None = None, *, today: date | None = None
    ) -> list[Found]:
        """Every indicator in text with its span and the rule that found it, in text order."""
        if not text or not text.strip():
            return []
        region = country_code(country)
        original, text = text, fold_full_width(text)  # same length: spans hold in both
        # Earlier groups win overlaps with later ones: an e-mail is not also a URL, a handle,
        # or a phone; a date or an amount is not a phone. Amounts and dates follow the same
        # rules as the answers (read_amount, read_date), so a value reads alike everywhere.
        groups: list[Iterable[Found]] = [
            find_emails(text),
            find_urls(text),
            find_ibans(text),
            find_wallets(text),
            find_amounts(text, region),
            find_dates(text, region, today=today),
            find_handles(text),
            find_phones(text, region),
            self._agencies.find(self._nlp.make_doc(text)),
        ]
        secrets = [(secret.start, secret.end) for secret in find_secrets(text)]
        accepted: list[Found] = []
        for group in groups:
            for found in group:
                if any(found.start < end and start < found.end for start, end in secrets):
                    continue
                if found.rule not in _NESTED_RULES and any(
                    found.overlaps(kept) for kept in accepted
                ):
                    continue
                if any(kept.kind == found.kind and kept.value == found.value and
                       kept.start == found.start for kept in accepted):  # fmt: skip
                    continue
                accepted.append(found)
        if text != original:  # raw is what the reporter wrote, full-width forms and all
            accepted = [replace(found, raw=original[found.start : found.end]) for found in accepted]
        return sorted(accepted, key=lambda found: (found.start, found.end))

    def extract(
        self, text: str, country: str | None = None, *, today: date | None = None
    ) -> Indicators:
        return Indicators.from_found(self.find(text, country, today=today))


def merge_agency_aliases(
    registry_aliases: Mapping[str, Sequence[str]], built_in: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """The registry's names first; built-in entries keep only aliases the registry lacks."""
    merged = {name: list(aliases) for name, aliases in registry_aliases.items()}
    known = {
        alias.strip().lower() for name, aliases in merged.items() for alias in (name, *aliases)
    }
    for name, aliases in built_in.items():
        extra = [a for a in (name, *aliases) if a.strip().lower() not in known]
        if extra:
            merged.setdefault(name, []).extend(extra)
    return merged


@lru_cache(maxsize=1)
def _default_extractor() -> Extractor:
    from scamreport.registry import load_registry

    return Extractor(merge_agency_aliases(load_registry().alias_table(), DEFAULT_AGENCY_ALIASES))


def build_extractor(agency_aliases: Mapping[str, Sequence[str]] | None = None) -> Extractor:
    """The shared default extractor, or a new one for the given agency aliases."""
    if agency_aliases is None:
        return _default_extractor()
    return Extractor(agency_aliases)


def extract_indicators(
    text: str, country: str | None = None, *, today: date | None = None
) -> Indicators:
    return build_extractor().extract(text, country, today=today)
