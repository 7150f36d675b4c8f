"""Which agencies receive a report.

The reporter's country picks the primary agency. Indicators that point to another country (a
phone number's country code, an IBAN's country) add that country's agency when the reporter
agreed to cross-border sharing. A report with no matching agency goes to the international desk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import phonenumbers

from scamreport.registry import Agency, Registry
from scamreport.storage.records import NewDelivery, NewIndicator, NewReport


@dataclass(frozen=True)
class Route:
    agency: Agency
    reason: str  # "reporter_country", "indicator:<kind>:<country>" or "no_agency"


def primary_agency(country: str | None, registry: Registry) -> Agency:
    agency = registry.for_country(country) if country else None
    return agency or registry.international_desk()


def indicator_country(kind: str, value: str) -> str | None:
    """The country an indicator points to, where its format says so."""
    if kind == "phone":
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(value, None))
        except phonenumbers.NumberParseException:
            return None
        return region if region and region != "ZZ" else None
    if kind == "iban" and len(value) >= 2 and value[:2].isalpha():
        return value[:2].upper()
    return None


def foreign_countries(indicators: Iterable[NewIndicator], home: str | None) -> dict[str, str]:
    """Country -> the first indicator kind pointing there, for countries other than ``home``."""
    countries: dict[str, str] = {}
    for indicator in indicators:
        country = indicator_country(indicator.kind, indicator.value)
        if country and country != home and country not in countries:
            countries[country] = indicator.kind
    return countries


def route_report(
    *, report: NewReport, indicators: Sequence[NewIndicator], registry: Registry
) -> list[Route]:
    """Every agency that should receive ``report``, primary first. Empty without consent."""
    if not report.consent_forward:
        return []
    home = registry.for_country(report.country) if report.country else None
    routes = [
        Route(home, "reporter_country")
        if home
        else Route(registry.international_desk(), "no_agency")
    ]
    if report.consent_cross_border:
        for country, kind in foreign_countries(indicators, report.country).items():
            agency = registry.for_country(country)
            if agency and all(route.agency.code != agency.code for route in routes):
                routes.append(Route(agency, f"indicator:{kind}:{country}"))
    return routes


def plan_deliveries(
    *, report: NewReport, indicators: Sequence[NewIndicator], registry: Registry
) -> list[NewDelivery]:
    """The outbox rows to write in the same transaction as ``report``."""
    deliveries: list[NewDelivery] = []
    for route in route_report(report=report, indicators=indicators, registry=registry):
        delivery = route.agency.delivery
        if delivery is None:
            deliveries.append(NewDelivery(agency_code=route.agency.code, transport="queue"))
            continue
        for payload_format in delivery.formats or ("json",):
            deliveries.append(
                NewDelivery(
                    agency_code=route.agency.code,
                    transport=delivery.transport,
                    payload_format=payload_format,
                )
            )
    return deliveries
