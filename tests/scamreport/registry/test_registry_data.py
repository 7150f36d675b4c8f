"""The packaged agencies.yaml: coverage, sources, emergency numbers and loading rules."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from scamreport.registry import (
    FACT_FIELDS,
    REGISTRY_ENV_VAR,
    Registry,
    clear_registry_cache,
    load_registry,
    packaged_registry_path,
)
from scamreport.registry.validation import registry_schema

# Countries the brief names (Operation First Light scale); the file may hold more.
REQUIRED_COUNTRIES = [
    "SG",
    "MY",
    "ID",
    "TH",
    "VN",
    "PH",
    "CN",
    "HK",
    "MO",
    "TW",
    "JP",
    "KR",
    "IN",
    "AU",
    "NZ",
    "US",
    "CA",
    "GB",
    "IE",
    "FR",
    "DE",
    "NL",
    "BE",
    "ES",
    "IT",
    "PT",
    "PL",
    "AT",
    "CH",
    "SE",
    "NO",
    "DK",
    "FI",
    "ZA",
    "NG",
    "KE",
    "AE",
    "BR",
    "MX",
    "AR",
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(packaged_registry_path())


def test_covers_at_least_35_countries_each_with_an_emergency_number(registry: Registry) -> None:
    assert len(registry.countries()) >= 35
    missing = [code for code in REQUIRED_COUNTRIES if registry.for_country(code) is None]
    assert missing == []
    without_number = [code for code in registry.countries() if not registry.emergency_number(code)]
    assert without_number == []


@pytest.mark.parametrize(
    ("country", "number"),
    [
        ("SG", "999"),
        ("MY", "999"),
        ("HK", "999"),
        ("GB", "999"),
        ("US", "911"),
        ("CA", "911"),
        ("PH", "911"),
        ("MX", "911"),
        ("AR", "911"),
        ("FR", "112"),
        ("DE", "112"),
        ("IN", "112"),
        ("AU", "000"),
        ("NZ", "111"),
        ("CN", "110"),
        ("JP", "110"),
        ("KR", "112"),
        ("ZA", "10111"),
    ],
)
def test_well_known_emergency_numbers(registry: Registry, country: str, number: str) -> None:
    assert registry.emergency_number(country) == number


def test_every_set_fact_has_an_https_source_and_no_source_is_orphaned(registry: Registry) -> None:
    for agency in registry.agencies:
        for fact in FACT_FIELDS:
            value = getattr(agency, fact)
            if value:
                assert agency.sources.get(fact, "").startswith("https://"), (agency.code, fact)
            else:
                assert fact not in agency.sources, (agency.code, fact)


def test_has_interpol_and_exactly_one_international_desk(registry: Registry) -> None:
    interpol = registry.by_code("int-interpol")
    assert interpol is not None
    assert interpol.kind == "international"
    assert interpol.country is None
    desks = [agency for agency in registry.agencies if agency.kind == "desk"]
    assert desks == [registry.international_desk()]
    assert registry.international_desk().delivery is not None


def test_delivery_holds_env_var_names_only(registry: Registry) -> None:
    raw = yaml.safe_load(packaged_registry_path().read_text(encoding="utf-8"))
    for entry in raw["agencies"]:
        delivery = entry.get("delivery")
        if delivery is None:
            continue
        for key, value in delivery.items():
            if key.endswith("_env"):
                assert value.startswith("AGENCY_") and "://" not in value and "@" not in value
    forwardable = [agency for agency in registry.agencies if agency.delivery is not None]
    assert all(agency.primary or agency.kind == "desk" for agency in forwardable)
    assert {registry.for_country(c).delivery is not None for c in registry.countries()} == {True}


@pytest.mark.parametrize(
    ("alias", "country"),
    [
        ("公安局", "CN"),
        ("公安", "CN"),
        # A bare "警察" (police) names no one agency, as "police" does not in English.
        ("警視庁", "JP"),
        ("警政署", "TW"),
        ("Polis Diraja Malaysia", "MY"),
        ("PDRM", "MY"),
        ("Politie", "NL"),
        ("Polizei", "DE"),
        ("Policía Nacional", "ES"),
        ("Guardia Civil", "ES"),
        ("Gendarmerie", "FR"),
        ("Carabinieri", "IT"),
        ("Action Fraud", "GB"),
        ("CBI", "IN"),
        ("SPF", "SG"),
        ("FBI", "US"),
    ],
)
def test_brief_aliases_are_known_for_their_country(
    registry: Registry, alias: str, country: str
) -> None:
    owners = {
        agency.country
        for agency in registry.agencies
        if alias.casefold() in (name.casefold() for name in agency.names())
    }
    assert country in owners


def test_interpol_is_claimable_by_its_common_names(registry: Registry) -> None:
    table = registry.alias_table()
    names = table["International Criminal Police Organization"]
    assert "INTERPOL" in names
    assert "国际刑警" in names


def test_schema_file_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(registry_schema())


def test_json_dump_is_serialisable_and_lists_every_agency(registry: Registry) -> None:
    dumped = json.loads(json.dumps(registry.to_json_dict(), ensure_ascii=False))
    assert dumped["version"] == 1
    assert len(dumped["agencies"]) == len(registry.agencies)
    assert dumped["countries"] == list(registry.countries())
    gb = next(entry for entry in dumped["agencies"] if entry["code"] == "gb-actionfraud")
    assert gb["delivery"] == {
        "transport": "email",
        "url_env": None,
        "secret_env": None,
        "address_env": "AGENCY_GB_ACTIONFRAUD_EMAIL",
        "formats": ["json"],
        "tlp": "amber",
        "misp_url_env": None,
        "misp_key_env": None,
    }


def test_default_load_is_cached_and_uses_the_packaged_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(REGISTRY_ENV_VAR, raising=False)
    clear_registry_cache()
    try:
        first = load_registry()
        assert load_registry() is first
        assert first == load_registry(packaged_registry_path())
    finally:
        clear_registry_cache()


def test_env_var_points_the_default_load_at_another_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "agencies.yaml"
    other.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "agencies": [
                    {
                        "code": "int-desk",
                        "country": None,
                        "name": "Test desk",
                        "short_name": "Desk",
                        "kind": "desk",
                        "languages": ["en"],
                        "aliases": [],
                        "sources": {},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv(REGISTRY_ENV_VAR, str(other))
    clear_registry_cache()
    try:
        loaded = load_registry()
        assert [agency.name for agency in loaded.agencies] == ["Test desk"]
    finally:
        clear_registry_cache()
