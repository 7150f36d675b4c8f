"""Malformed registry data is refused with a message naming the file, the entry and the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scamreport.registry import RegistryError, load_registry, validate_registry_data
from tests.registry_env import env_names

SOURCE = "agencies.yaml"


def country_entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": "sg-spf",
        "country": "SG",
        "name": "Singapore Police Force",
        "short_name": "SPF",
        "kind": "national_police",
        "reporting_website": "https://www.police.gov.sg",
        "hotline": "1799",
        "emergency_number": "999",
        "languages": ["en", "zh"],
        "aliases": ["Singapore Police"],
        "sources": {
            "reporting_website": "https://www.police.gov.sg",
            "hotline": "https://scamshield.gov.sg/scamshield-helpline",
            "emergency_number": "https://www.police.gov.sg",
        },
        "delivery": {
            "transport": "webhook",
            "url_env": "AGENCY_SG_SPF_WEBHOOK_URL",
            "secret_env": "AGENCY_SG_SPF_WEBHOOK_SECRET",
            "formats": ["json", "stix"],
        },
    }
    entry.update(overrides)
    return entry


def desk_entry() -> dict[str, Any]:
    return {
        "code": "int-desk",
        "country": None,
        "name": "International desk",
        "short_name": "Desk",
        "kind": "desk",
        "reporting_website": "",
        "hotline": "",
        "emergency_number": "",
        "languages": ["en"],
        "aliases": [],
        "sources": {},
        "delivery": None,
    }


def document(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "agencies": list(entries) or [country_entry(), desk_entry()]}


def refusal(data: object) -> str:
    with pytest.raises(RegistryError) as caught:
        validate_registry_data(data, source=SOURCE)
    return str(caught.value)


def test_a_well_formed_document_loads() -> None:
    registry = validate_registry_data(document(), source=SOURCE)
    agency = registry.by_code("sg-spf")
    assert agency is not None
    assert agency.delivery is not None
    assert agency.delivery.formats == ("json", "stix")
    assert env_names(agency.delivery) == (
        "AGENCY_SG_SPF_WEBHOOK_URL",
        "AGENCY_SG_SPF_WEBHOOK_SECRET",
    )
    assert agency.delivery.tlp == "amber"
    assert not agency.delivery.pushes_to_misp
    desk = registry.international_desk()
    assert (desk.reporting_website, desk.hotline, desk.emergency_number) == (None, None, None)


def test_the_misp_format_tlp_and_misp_instance_load() -> None:
    entry = country_entry()
    entry["delivery"].update(
        formats=["json", "misp"],
        tlp="amber+strict",
        misp_url_env="AGENCY_SG_SPF_MISP_URL",
        misp_key_env="AGENCY_SG_SPF_MISP_KEY",
    )
    agency = validate_registry_data(document(entry, desk_entry()), source=SOURCE).by_code("sg-spf")
    assert agency is not None and agency.delivery is not None
    assert agency.delivery.formats == ("json", "misp")
    assert agency.delivery.tlp == "amber+strict"
    assert agency.delivery.pushes_to_misp
    assert env_names(agency.delivery)[-2:] == ("AGENCY_SG_SPF_MISP_URL", "AGENCY_SG_SPF_MISP_KEY")


def test_bad_emergency_number_names_entry_and_field() -> None:
    message = refusal(document(desk_entry(), country_entry(emergency_number="99x")))
    assert message.startswith(
        'agencies.yaml: agency "sg-spf" (entry 2): field "emergency_number": \'99x\' does not match'
    )


def _without(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda entry: entry.pop(key)


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda entry: entry.__setitem__(key, value)


def _set_delivery(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda entry: entry["delivery"].__setitem__(key, value)


def _drop_delivery(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda entry: entry["delivery"].pop(key)


def _drop_source(fact: str) -> Callable[[dict[str, Any]], None]:
    return lambda entry: entry["sources"].pop(fact)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (_without("name"), "name", "'name' is a required property"),
        (_set("name", "   "), "name", "does not match"),
        (_set("country", "XX"), "country", "not an ISO 3166-1 alpha-2 country code"),
        (_set("country", "sg"), "country", "does not match"),
        (_set("country", "MY"), "code", "must start with the country code 'my-'"),
        (_set("country", None), "country", "needs an ISO 3166-1 alpha-2 country code"),
        (_set("kind", "army"), "kind", "is not one of"),
        (_set("languages", ["xx"]), "languages.0", "not an ISO 639-1 language code"),
        (_set("languages", [False]), "languages.0", "is not of type 'string'"),
        (_set("hotline", 1799), "hotline", "is not of type 'string', 'null'"),
        (_set("reporting_website", "http://police.gov.sg"), "reporting_website", "does not match"),
        (_set("aliases", ["SPF"]), "aliases.0", "repeats the name, short_name or an alias"),
        (_set("colour", "blue"), "colour", "Additional properties are not allowed"),
        (_set_delivery("transport", "ftp"), "delivery.transport", "'ftp' is not one of"),
        (
            _drop_delivery("secret_env"),
            "delivery.secret_env",
            "'secret_env' is a required property",
        ),
        (_set_delivery("formats", ["pdf"]), "delivery.formats.0", "'pdf' is not one of"),
        (
            _set_delivery("url_env", "agency_sg_url"),
            "delivery.url_env",
            "is not a well-formed name",
        ),
        (
            _set_delivery("url_env", "https://police.example/hook"),
            "delivery.url_env",
            "well-formed",
        ),
        (
            _set_delivery("url_env", "AGENCY_MY_PDRM_WEBHOOK_URL"),
            "delivery.url_env",
            "must be named AGENCY_SG_SPF_<...>_WEBHOOK_URL",
        ),
        (
            _set_delivery("address_env", "AGENCY_SG_SPF_EMAIL"),
            "delivery.address_env",
            "not used by transport 'webhook'",
        ),
        (_set_delivery("tlp", "purple"), "delivery.tlp", "'purple' is not one of"),
        (
            _set_delivery("misp_url_env", "AGENCY_SG_SPF_MISP_URL"),
            "delivery",
            "'misp_key_env' is a dependency of 'misp_url_env'",
        ),
        (
            lambda entry: entry["delivery"].update(
                misp_url_env="AGENCY_SG_SPF_MISP_URL", misp_key_env="AGENCY_SG_SPF_MISP_KEY"
            ),
            "delivery.misp_url_env",
            "formats does not include 'misp'",
        ),
        (
            lambda entry: entry["delivery"].update(
                formats=["misp"],
                misp_url_env="AGENCY_SG_SPF_MISP_URL",
                misp_key_env="AGENCY_SG_SPF_WEBHOOK_SECRET",
            ),
            "delivery.misp_key_env",
            "must be named AGENCY_SG_SPF_<...>_MISP_KEY",
        ),
        (_drop_source("hotline"), "sources.hotline", "has no source URL"),
        (_set("sources", {"hotline": "http://x.example"}), "sources.hotline", "does not match"),
        (_set("sources", {"fax": "https://x.example"}), "sources", "'fax' is not one of"),
    ],
)
def test_malformed_entry_is_refused_naming_entry_and_field(
    change: Callable[[dict[str, Any]], None], field: str, words: str
) -> None:
    entry = country_entry()
    change(entry)
    message = refusal(document(entry, desk_entry()))
    assert 'agencies.yaml: agency "sg-spf" (entry 1): ' in message
    assert f'field "{field}": ' in message
    assert words in message


def test_source_for_an_unset_fact_is_refused() -> None:
    message = refusal(document(country_entry(hotline=""), desk_entry()))
    assert 'agency "sg-spf" (entry 1): field "sources.hotline": ' in message
    assert "hotline is not set" in message


def test_duplicate_code_is_refused_on_the_second_entry() -> None:
    second = country_entry(name="Another Singapore agency", delivery=None, primary=False)
    message = refusal(document(country_entry(), second, desk_entry()))
    assert 'agency "sg-spf" (entry 2): field "code": duplicate code, already used by entry 1' in (
        message
    )


def test_two_primary_agencies_for_one_country_are_refused() -> None:
    second = country_entry(code="sg-cad", name="Commercial Affairs Department", delivery=None)
    message = refusal(document(country_entry(), second, desk_entry()))
    assert 'agency "sg-cad" (entry 2): field "primary": country SG already has' in message


def test_a_secondary_agency_is_accepted_but_not_routed_to() -> None:
    second = country_entry(
        code="sg-cad", name="Commercial Affairs Department", delivery=None, primary=False
    )
    registry = validate_registry_data(
        document(country_entry(), second, desk_entry()), source=SOURCE
    )
    assert registry.for_country("SG").code == "sg-spf"
    assert "Commercial Affairs Department" in registry.alias_table()


def test_international_entry_must_have_no_country_and_an_int_code() -> None:
    interpol = desk_entry() | {"code": "xx-interpol", "kind": "international", "country": "FR"}
    interpol["name"] = "INTERPOL"
    message = refusal(document(country_entry(), interpol, desk_entry()))
    assert 'agency "xx-interpol" (entry 2): field "code": ' in message
    assert 'agency "xx-interpol" (entry 2): field "country": must be null' in message


@pytest.mark.parametrize("desks", [0, 2])
def test_exactly_one_desk_is_required(desks: int) -> None:
    entries = [country_entry()]
    for number in range(desks):
        entries.append(desk_entry() | {"code": f"int-desk{number}", "name": f"Desk {number}"})
    message = refusal(document(*entries))
    assert 'agencies.yaml: field "agencies": exactly one entry must have kind: desk' in message


def test_every_problem_is_listed_one_per_line() -> None:
    broken_a = country_entry(emergency_number="99x")
    broken_b = country_entry(code="my-pdrm", country="MY", name="Royal Malaysia Police")
    del broken_b["name"]
    message = refusal(document(broken_a, broken_b, desk_entry()))
    lines = message.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith('agencies.yaml: agency "sg-spf" (entry 1): field "emergency_number"')
    assert lines[1].startswith('agencies.yaml: agency "my-pdrm" (entry 2): field "name"')


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (None, "None is not of type 'object'"),
        ([], "[] is not of type 'object'"),
        ({"version": 2, "agencies": []}, 'field "version": 1 was expected'),
        ({"version": 1}, "field \"agencies\": 'agencies' is a required property"),
    ],
)
def test_malformed_documents_are_refused(data: object, words: str) -> None:
    assert words in refusal(data)


def test_entry_without_a_usable_code_is_named_by_position() -> None:
    entry = country_entry()
    del entry["code"]
    message = refusal(document(entry, desk_entry()))
    assert 'agency "?" (entry 1): field "code": ' in message


def test_invalid_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text("version: 1\nagencies:\n  - code: [unclosed\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"agencies\.yaml: line \d+: not valid YAML"):
        load_registry(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read the registry"):
        load_registry(tmp_path / "nowhere.yaml")


def test_unquoted_norwegian_language_code_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text(
        "version: 1\n"
        "agencies:\n"
        "  - {code: int-desk, country: null, name: Desk, short_name: D, kind: desk,\n"
        "     languages: [no], aliases: [], sources: {}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match=r'field "languages\.0": False is not of type'):
        load_registry(path)
