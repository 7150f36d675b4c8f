"""Checks registry data against the JSON Schema, then against rules a schema cannot express."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import jsonschema
import pycountry

from scamreport.registry.models import (
    COUNTRYLESS_KINDS,
    FACT_FIELDS,
    Agency,
    DeliverySettings,
    Registry,
    RegistryError,
)

SCHEMA_RESOURCE = "agencies.schema.json"
INTERNATIONAL_CODE_PREFIX = "int"
_ENV_NAME = re.compile(r"^AGENCY_[A-Z0-9]+(_[A-Z0-9]+)*$")
# Environment variable suffix each delivery field must end with.
_ENV_SUFFIXES: dict[str, str] = {
    "url_env": "_WEBHOOK_URL",
    "secret_env": "_WEBHOOK_SECRET",
    "address_env": "_EMAIL",
    "misp_url_env": "_MISP_URL",
    "misp_key_env": "_MISP_KEY",
}
# The MISP push is independent of the transport: its fields fit every transport.
_MISP_FIELDS: tuple[str, ...] = ("misp_url_env", "misp_key_env")
_TRANSPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "webhook": ("url_env", "secret_env", *_MISP_FIELDS),
    "email": ("address_env", *_MISP_FIELDS),
}
_MAX_REPORTED_PROBLEMS = 25


@dataclass(frozen=True)
class Problem:
    """One rule broken by one entry (index is 0-based; None for the document as a whole)."""

    index: int | None
    field: str
    message: str


@lru_cache(maxsize=1)
def registry_schema() -> dict[str, Any]:
    """The packaged JSON Schema (read once)."""
    text = resources.files("scamreport.registry").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def validate_registry_data(data: object, *, source: str) -> Registry:
    """Turns parsed YAML/JSON into a Registry, or raises RegistryError listing every problem.

    ``source`` names the file in messages, e.g. ``agencies.yaml``.
    """
    problems = sorted(_schema_problems(data), key=_problem_order)
    if not problems:
        assert isinstance(data, dict)  # the schema guarantees an object with a list
        entries: list[dict[str, Any]] = data["agencies"]
        problems = list(_semantic_problems(entries))
    if problems:
        raise RegistryError(_format_problems(problems, data, source))
    return Registry(agencies=tuple(_build_agency(entry) for entry in entries))


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (-1 if problem.index is None else problem.index, problem.field)


def _schema_problems(data: object) -> Iterator[Problem]:
    validator = jsonschema.Draft202012Validator(registry_schema())
    for error in validator.iter_errors(data):
        path = list(error.absolute_path)
        if len(path) >= 2 and path[0] == "agencies" and isinstance(path[1], int):
            index: int | None = path[1]
            field_path = [str(part) for part in path[2:]]
        else:
            index = None
            field_path = [str(part) for part in path]
        field_path += _missing_or_extra_properties(error)
        yield Problem(index, ".".join(field_path) or "(document)", error.message)


def _missing_or_extra_properties(error: jsonschema.ValidationError) -> list[str]:
    """Names the property a `required`/`additionalProperties` error is about, if it is one."""
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        return missing[:1]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        extra = sorted(name for name in error.instance if name not in allowed)
        return [str(name) for name in extra[:1]]
    return []


def _semantic_problems(entries: list[dict[str, Any]]) -> Iterator[Problem]:
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    primaries: dict[str, int] = {}
    desks: list[int] = []
    for index, entry in enumerate(entries):
        code: str = entry["code"]
        if code in seen_codes:
            yield Problem(
                index, "code", f"duplicate code, already used by entry {seen_codes[code] + 1}"
            )
        else:
            seen_codes[code] = index
        name_key = entry["name"].casefold()
        if name_key in seen_names:
            yield Problem(
                index, "name", f"duplicate name, already used by entry {seen_names[name_key] + 1}"
            )
        else:
            seen_names[name_key] = index
        if entry["kind"] == "desk":
            desks.append(index)
        country = entry["country"]
        if (
            country is not None
            and entry["kind"] not in COUNTRYLESS_KINDS
            and entry.get("primary", True)
        ):
            if country in primaries:
                yield Problem(
                    index,
                    "primary",
                    f"country {country} already has a primary agency (entry {primaries[country] + 1}); "
                    "set primary: false on one of them",
                )
            else:
                primaries[country] = index
        yield from _entry_problems(index, entry)
    if len(desks) != 1:
        where = ", ".join(str(index + 1) for index in desks) or "none"
        yield Problem(None, "agencies", f"exactly one entry must have kind: desk (found: {where})")


def _entry_problems(index: int, entry: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _country_problems(index, entry)
    for position, language in enumerate(entry["languages"]):
        if pycountry.languages.get(alpha_2=language) is None:
            yield Problem(
                index, f"languages.{position}", f"{language!r} is not an ISO 639-1 language code"
            )
    yield from _alias_problems(index, entry)
    yield from _source_problems(index, entry)
    delivery = entry.get("delivery")
    if delivery is not None:
        yield from _delivery_problems(index, entry["code"], delivery)


def _country_problems(index: int, entry: Mapping[str, Any]) -> Iterator[Problem]:
    code, kind, country = entry["code"], entry["kind"], entry["country"]
    prefix = code.split("-", 1)[0]
    if kind in COUNTRYLESS_KINDS:
        if country is not None:
            yield Problem(index, "country", f"must be null for kind {kind!r}, not {country!r}")
        if prefix != INTERNATIONAL_CODE_PREFIX:
            yield Problem(
                index, "code", f"kind {kind!r} needs a code starting 'int-', not {code!r}"
            )
        return
    if country is None:
        yield Problem(index, "country", f"kind {kind!r} needs an ISO 3166-1 alpha-2 country code")
        return
    if pycountry.countries.get(alpha_2=country) is None:
        yield Problem(index, "country", f"{country!r} is not an ISO 3166-1 alpha-2 country code")
    elif prefix != country.lower():
        yield Problem(
            index, "code", f"code {code!r} must start with the country code '{country.lower()}-'"
        )


def _alias_problems(index: int, entry: Mapping[str, Any]) -> Iterator[Problem]:
    seen = {entry["name"].casefold(), entry["short_name"].casefold()}
    for position, alias in enumerate(entry["aliases"]):
        key = alias.casefold()
        if key in seen:
            yield Problem(
                index, f"aliases.{position}", f"{alias!r} repeats the name, short_name or an alias"
            )
        seen.add(key)


def _source_problems(index: int, entry: Mapping[str, Any]) -> Iterator[Problem]:
    sources: Mapping[str, str] = entry["sources"]
    for fact in FACT_FIELDS:
        value = entry.get(fact)
        if value and fact not in sources:
            yield Problem(
                index,
                f"sources.{fact}",
                f"{fact} is set to {value!r} but has no source URL; add the official page "
                "stating it, or leave the fact empty",
            )
        if not value and fact in sources:
            yield Problem(
                index, f"sources.{fact}", f"a source is given but {fact} is not set; remove it"
            )


def _delivery_problems(index: int, code: str, delivery: Mapping[str, Any]) -> Iterator[Problem]:
    transport: str = delivery["transport"]
    expected_prefix = "AGENCY_" + code.upper().replace("-", "_") + "_"
    for name in _ENV_SUFFIXES:
        value = delivery.get(name)
        if value is None:
            continue
        where = f"delivery.{name}"
        if name not in _TRANSPORT_FIELDS[transport]:
            yield Problem(index, where, f"not used by transport {transport!r}; remove it")
        elif not _ENV_NAME.match(value):
            yield Problem(
                index, where, f"{value!r} is not a well-formed name (AGENCY_ + A-Z, 0-9, _)"
            )
        elif not value.startswith(expected_prefix) or not value.endswith(_ENV_SUFFIXES[name]):
            yield Problem(
                index,
                where,
                f"{value!r} must be named {expected_prefix}<...>{_ENV_SUFFIXES[name]} "
                f"after the code {code!r}",
            )
    if delivery.get("misp_url_env") and "misp" not in delivery.get("formats", ("json",)):
        yield Problem(
            index,
            "delivery.misp_url_env",
            "a MISP instance is named but formats does not include 'misp'; add it",
        )


def _build_agency(entry: Mapping[str, Any]) -> Agency:
    delivery = entry.get("delivery")
    return Agency(
        code=entry["code"],
        country=entry["country"],
        name=entry["name"].strip(),
        short_name=entry["short_name"].strip(),
        kind=entry["kind"],
        reporting_website=entry.get("reporting_website") or None,
        hotline=entry.get("hotline") or None,
        emergency_number=entry.get("emergency_number") or None,
        child_helpline=entry.get("child_helpline") or None,
        crisis_line=entry.get("crisis_line") or None,
        languages=tuple(entry["languages"]),
        aliases=tuple(alias.strip() for alias in entry["aliases"]),
        sources=MappingProxyType(dict(entry["sources"])),
        delivery=None if delivery is None else _build_delivery(delivery),
        primary=bool(entry.get("primary", True)),
    )


def _build_delivery(delivery: Mapping[str, Any]) -> DeliverySettings:
    return DeliverySettings(
        transport=delivery["transport"],
        url_env=delivery.get("url_env"),
        secret_env=delivery.get("secret_env"),
        address_env=delivery.get("address_env"),
        formats=tuple(delivery.get("formats", ("json",))),
        tlp=delivery.get("tlp", "amber"),
        misp_url_env=delivery.get("misp_url_env"),
        misp_key_env=delivery.get("misp_key_env"),
    )


def _format_problems(problems: Iterable[Problem], data: object, source: str) -> str:
    problems = list(problems)
    lines = [
        _format_problem(problem, data, source) for problem in problems[:_MAX_REPORTED_PROBLEMS]
    ]
    if len(problems) > _MAX_REPORTED_PROBLEMS:
        lines.append(f"{source}: ... and {len(problems) - _MAX_REPORTED_PROBLEMS} more problems")
    return "\n".join(lines)


def _format_problem(problem: Problem, data: object, source: str) -> str:
    if problem.index is None:
        return f'{source}: field "{problem.field}": {problem.message}'
    return (
        f'{source}: agency "{_entry_code(data, problem.index)}" (entry {problem.index + 1}): '
        f'field "{problem.field}": {problem.message}'
    )


def _entry_code(data: object, index: int) -> str:
    """The entry's code for messages, or ``?`` when it has none usable."""
    try:
        code = data["agencies"][index]["code"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return "?"
    return code if isinstance(code, str) and code.strip() else "?"
