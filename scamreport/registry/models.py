"""The agency registry as immutable values: DeliverySettings, Agency and Registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

# Facts an entry may state about an agency; each one that is set needs a source URL.
FACT_FIELDS: tuple[str, ...] = (
    "reporting_website",
    "hotline",
    "emergency_number",
    "child_helpline",
    "crisis_line",
)

KINDS: tuple[str, ...] = ("national_police", "fraud_centre", "international", "desk")
# Kinds that belong to no country (their `country` is None).
COUNTRYLESS_KINDS: frozenset[str] = frozenset({"international", "desk"})


class RegistryError(ValueError):
    """The registry file is unreadable or breaks a rule; the message names file, entry and field."""


@dataclass(frozen=True)
class DeliverySettings:
    """How reports reach an agency (each report sent this way is an outbox row,
    scamreport.storage's ``Delivery``). Only environment variable *names* live here, never
    values."""

    transport: str  # "webhook" | "email"
    url_env: str | None = None
    secret_env: str | None = None
    address_env: str | None = None
    formats: tuple[str, ...] = ("json",)
    # The TLP marking of what the agency receives in the misp format (tlp:amber by default).
    tlp: str = "amber"
    # With both set, deliveries in the misp format are pushed to the agency's MISP instance
    # (PyMISP add_event) instead of going through ``transport``.
    misp_url_env: str | None = None
    misp_key_env: str | None = None

    @property
    def pushes_to_misp(self) -> bool:
        return self.misp_url_env is not None and self.misp_key_env is not None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "transport": self.transport,
            "url_env": self.url_env,
            "secret_env": self.secret_env,
            "address_env": self.address_env,
            "formats": list(self.formats),
            "tlp": self.tlp,
            "misp_url_env": self.misp_url_env,
            "misp_key_env": self.misp_key_env,
        }


@dataclass(frozen=True)
class Agency:
    """One agency (or the international desk) that reports can be routed to or claimed to be."""

    code: str
    country: str | None
    name: str
    short_name: str
    kind: str
    reporting_website: str | None
    hotline: str | None
    emergency_number: str | None
    languages: tuple[str, ...]
    aliases: tuple[str, ...]
    sources: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    delivery: DeliverySettings | None = None
    # The country's helpline for children and young people, and its crisis (suicide
    # prevention) line: said first to a reporter under 18 or in despair.
    child_helpline: str | None = None
    crisis_line: str | None = None
    # The agency `Registry.for_country` routes to; other entries of the same country exist
    # so that claimed-agency extraction knows them (e.g. Guardia Civil next to Policía Nacional).
    primary: bool = True

    def names(self) -> list[str]:
        """``[name, short_name, *aliases]`` without repeats (compared case-insensitively)."""
        seen: set[str] = set()
        out: list[str] = []
        for candidate in (self.name, self.short_name, *self.aliases):
            key = candidate.casefold()
            if key not in seen:
                seen.add(key)
                out.append(candidate)
        return out

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "country": self.country,
            "name": self.name,
            "short_name": self.short_name,
            "kind": self.kind,
            "primary": self.primary,
            "reporting_website": self.reporting_website,
            "hotline": self.hotline,
            "emergency_number": self.emergency_number,
            "child_helpline": self.child_helpline,
            "crisis_line": self.crisis_line,
            "languages": list(self.languages),
            "aliases": list(self.aliases),
            "sources": dict(self.sources),
            "delivery": None if self.delivery is None else self.delivery.to_json_dict(),
        }


@dataclass(frozen=True)
class Registry:
    """All agencies, validated; build it with ``load_registry`` or ``validate_registry_data``."""

    agencies: tuple[Agency, ...]

    @cached_property
    def _by_code(self) -> dict[str, Agency]:
        return {agency.code: agency for agency in self.agencies}

    @cached_property
    def _primary_by_country(self) -> dict[str, Agency]:
        return {
            agency.country: agency
            for agency in self.agencies
            if agency.country is not None and agency.primary
        }

    def by_code(self, code: str) -> Agency | None:
        return self._by_code.get(code)

    def for_country(self, country: str) -> Agency | None:
        """The primary national agency for an ISO 3166 alpha-2 code (any case), if there is one."""
        return self._primary_by_country.get(country.strip().upper())

    def countries(self) -> tuple[str, ...]:
        """ISO alpha-2 codes that have a primary agency, sorted."""
        return tuple(sorted(self._primary_by_country))

    def international_desk(self) -> Agency:
        """The queue for reports whose country has no agency (validation guarantees exactly one)."""
        for agency in self.agencies:
            if agency.kind == "desk":
                return agency
        raise RegistryError("the registry has no international desk entry (kind: desk)")

    def emergency_number(self, country: str | None) -> str | None:
        """The emergency number of a country's primary agency, or None when unknown."""
        if not country:
            return None
        agency = self.for_country(country)
        return None if agency is None else agency.emergency_number

    def child_helpline(self, country: str | None) -> str | None:
        """The child helpline of a country (from its primary agency's entry), or None."""
        agency = self.for_country(country) if country else None
        return None if agency is None else agency.child_helpline

    def crisis_line(self, country: str | None) -> str | None:
        """The crisis line of a country (from its primary agency's entry), or None."""
        agency = self.for_country(country) if country else None
        return None if agency is None else agency.crisis_line

    def alias_table(self) -> dict[str, list[str]]:
        """Canonical name -> ``[name, short_name, *aliases]``, for claimed-agency extraction.

        The international desk is left out: nobody claims to be it. Different agencies may share
        an alias (``警察`` is Japanese and Taiwanese); callers break ties, e.g. by the
        reporter's country.
        """
        return {agency.name: agency.names() for agency in self.agencies if agency.kind != "desk"}

    def to_json_dict(self) -> dict[str, Any]:
        """What ``scamreport agencies --json`` prints."""
        return {
            "version": 1,
            "countries": list(self.countries()),
            "agencies": [agency.to_json_dict() for agency in self.agencies],
        }
