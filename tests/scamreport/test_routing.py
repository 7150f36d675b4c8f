"""Routing: which agencies receive a report, and the outbox rows planned for them."""

from __future__ import annotations

from typing import Any

import pytest

from scamreport.registry import (
    Registry,
    load_registry,
    packaged_registry_path,
    validate_registry_data,
)
from scamreport.routing import foreign_countries, indicator_country, plan_deliveries, route_report
from scamreport.storage.records import NewDelivery, NewIndicator, NewReport


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(packaged_registry_path())


def report(**overrides: Any) -> NewReport:
    values: dict[str, Any] = {
        "pseudonym": "c",
        "scam_type": "fake_authority",
        "country": "SG",
        "consent_forward": True,
    }
    values.update(overrides)
    return NewReport(**values)


MY_PHONE = NewIndicator(kind="phone", value="+60123456789")
DE_IBAN = NewIndicator(kind="iban", value="DE89370400440532013000")
SG_PHONE = NewIndicator(kind="phone", value="+6581234567")


def routes(
    registry: Registry, new_report: NewReport, indicators: list[NewIndicator]
) -> list[tuple[str, str]]:
    return [
        (route.agency.code, route.reason)
        for route in route_report(report=new_report, indicators=indicators, registry=registry)
    ]


def test_the_reporters_country_picks_the_agency(registry: Registry) -> None:
    assert routes(registry, report(), [SG_PHONE]) == [("sg-spf", "reporter_country")]


def test_nothing_is_routed_without_consent(registry: Registry) -> None:
    unconsented = report(consent_forward=False, consent_cross_border=True)
    assert routes(registry, unconsented, [MY_PHONE]) == []
    assert plan_deliveries(report=unconsented, indicators=[MY_PHONE], registry=registry) == []


@pytest.mark.parametrize("country", [None, "AQ"])
def test_a_country_without_an_agency_goes_to_the_desk(
    registry: Registry, country: str | None
) -> None:
    assert routes(registry, report(country=country), []) == [("int-desk", "no_agency")]


def test_foreign_indicators_add_agencies_only_with_cross_border_consent(registry: Registry) -> None:
    indicators = [SG_PHONE, MY_PHONE, DE_IBAN, NewIndicator(kind="phone", value="+60198765432")]
    assert routes(registry, report(), indicators) == [("sg-spf", "reporter_country")]
    assert routes(registry, report(consent_cross_border=True), indicators) == [
        ("sg-spf", "reporter_country"),
        ("my-pdrm", "indicator:phone:MY"),
        ("de-bka", "indicator:iban:DE"),
    ]


def test_secondary_agencies_are_never_routed_to(registry: Registry) -> None:
    assert routes(registry, report(country="ES"), []) == [("es-pn", "reporter_country")]
    spanish_phone = NewIndicator(kind="phone", value="+34612345678")
    assert ("es-pn", "indicator:phone:ES") in routes(
        registry, report(consent_cross_border=True), [spanish_phone]
    )


def test_indicators_pointing_nowhere_add_nothing(registry: Registry) -> None:
    indicators = [
        NewIndicator(kind="phone", value="+999123"),  # no such country code
        NewIndicator(kind="iban", value="AQ12345"),  # no agency for that country
        NewIndicator(kind="url", value="https://example.de/"),
        NewIndicator(kind="crypto_wallet", value="0x52908400098527886E0F7030069857D2E4169EE7"),
    ]
    assert routes(registry, report(consent_cross_border=True), indicators) == [
        ("sg-spf", "reporter_country")
    ]


def test_indicator_countries() -> None:
    assert indicator_country("phone", "+6581234567") == "SG"
    assert indicator_country("phone", "+14155550123") == "US"
    assert indicator_country("phone", "not a number") is None
    assert indicator_country("iban", "DE89370400440532013000") == "DE"
    assert indicator_country("email", "a@b.de") is None
    assert foreign_countries([SG_PHONE, MY_PHONE, DE_IBAN], "SG") == {"MY": "phone", "DE": "iban"}


def test_each_format_of_each_agency_gets_one_delivery(registry: Registry) -> None:
    planned = plan_deliveries(
        report=report(consent_cross_border=True), indicators=[MY_PHONE], registry=registry
    )
    assert planned == [
        NewDelivery(agency_code="sg-spf", transport="webhook", payload_format="json"),
        NewDelivery(agency_code="sg-spf", transport="webhook", payload_format="stix"),
        NewDelivery(agency_code="my-pdrm", transport="webhook", payload_format="json"),
    ]
    assert plan_deliveries(report=report(country="GB"), indicators=[], registry=registry) == [
        NewDelivery(agency_code="gb-actionfraud", transport="email", payload_format="json")
    ]


def test_every_country_agency_and_the_desk_can_be_delivered_to(registry: Registry) -> None:
    for country in registry.countries():
        for delivery in plan_deliveries(
            report=report(country=country), indicators=[], registry=registry
        ):
            assert delivery.transport in ("webhook", "email"), country
    assert {
        d.agency_code
        for d in plan_deliveries(report=report(country=None), indicators=[], registry=registry)
    } == {"int-desk"}


def test_an_agency_without_delivery_is_queued_for_analysts() -> None:
    def entry(code: str, country: str | None, kind: str) -> dict[str, Any]:
        return {
            "code": code,
            "country": country,
            "name": code,
            "short_name": code,
            "kind": kind,
            "reporting_website": "",
            "hotline": "",
            "emergency_number": "",
            "languages": ["en"],
            "aliases": [],
            "sources": {},
            "delivery": None,
        }

    small = validate_registry_data(
        {
            "version": 1,
            "agencies": [entry("sg-x", "SG", "national_police"), entry("int-desk", None, "desk")],
        },
        source="test.yaml",
    )
    assert plan_deliveries(report=report(), indicators=[], registry=small) == [
        NewDelivery(agency_code="sg-x", transport="queue")
    ]
