"""Registry look-ups: by code, by country, emergency numbers, alias table, JSON form."""

from __future__ import annotations

import dataclasses
import json

import pytest

from scamreport.registry import Registry, load_registry, packaged_registry_path


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(packaged_registry_path())


def test_by_code(registry: Registry) -> None:
    agency = registry.by_code("sg-spf")
    assert agency is not None
    assert agency.country == "SG"
    assert registry.by_code("zz-nothing") is None


@pytest.mark.parametrize("country", ["SG", "sg", " Sg "])
def test_for_country_accepts_any_case(registry: Registry, country: str) -> None:
    agency = registry.for_country(country)
    assert agency is not None
    assert agency.code == "sg-spf"


def test_for_country_returns_the_primary_agency_not_a_secondary_one(registry: Registry) -> None:
    assert registry.for_country("ES").code == "es-pn"
    assert registry.by_code("es-guardiacivil").primary is False
    assert registry.for_country("IN").code == "in-i4c"


def test_for_country_without_an_agency_is_none(registry: Registry) -> None:
    assert registry.for_country("IS") is None
    assert registry.emergency_number("IS") is None


def test_emergency_number(registry: Registry) -> None:
    assert registry.emergency_number("sg") == "999"
    assert registry.emergency_number(None) is None
    assert registry.emergency_number("") is None


def test_international_desk(registry: Registry) -> None:
    desk = registry.international_desk()
    assert desk.code == "int-desk"
    assert desk.country is None
    assert desk.delivery is not None
    assert desk.delivery.url_env == "AGENCY_INT_DESK_WEBHOOK_URL"


def test_alias_table_maps_canonical_names_to_all_names(registry: Registry) -> None:
    table = registry.alias_table()
    assert table["Royal Malaysia Police"][:3] == [
        "Royal Malaysia Police",
        "PDRM",
        "Polis Diraja Malaysia",
    ]
    assert "Guardia Civil" in table
    assert "International desk" not in table
    for canonical, names in table.items():
        assert names[0] == canonical
        lowered = [name.casefold() for name in names]
        assert len(lowered) == len(set(lowered)), canonical
    assert len(table) == sum(1 for agency in registry.agencies if agency.kind != "desk")


def test_agencies_are_immutable(registry: Registry) -> None:
    agency = registry.by_code("sg-spf")
    with pytest.raises(dataclasses.FrozenInstanceError):
        agency.name = "Someone else"  # type: ignore[misc]
    with pytest.raises(TypeError):
        agency.sources["hotline"] = "https://evil.example"  # type: ignore[index]
    assert hash(agency) == hash(registry.by_code("sg-spf"))


def test_agency_json_form(registry: Registry) -> None:
    dumped = registry.by_code("sg-spf").to_json_dict()
    assert json.loads(json.dumps(dumped)) == dumped
    assert dumped["languages"] == ["en", "zh", "ms", "ta"]
    assert dumped["delivery"]["secret_env"] == "AGENCY_SG_SPF_WEBHOOK_SECRET"
    assert dumped["primary"] is True
