"""The STIX 2.1 bundle: parses with the stix2 library (also in a process that has never seen
our extension classes), its patterns validate with stix2-patterns, each pattern names an
observable of the bundle, phone numbers, bank accounts and wallets use the community extension
types (not private x- types), and the triage flags are labels of the report."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import stix2
from forwarding_support import Outbox
from sqlalchemy.orm import selectinload
from stix2patterns.v21.pattern import Pattern
from stix2patterns.validator import run_validator

from scamreport.forwarding.stix import (
    STIX_CONTENT_TYPE,
    BankAccount,
    CryptoWallet,
    PhoneNumber,
    build_stix_bundle,
    pattern_literal,
    stix_body,
)
from scamreport.storage.models import Report
from scamreport.storage.records import NewIndicator

INDICATORS = [
    NewIndicator(kind="phone", value="+6581234567"),
    NewIndicator(
        kind="url", value="https://evil.example.com/it's\\here", registrable_domain="example.com"
    ),
    NewIndicator(kind="email", value="boss@example.com", registrable_domain="example.com"),
    NewIndicator(kind="iban", value="DE89370400440532013000"),
    NewIndicator(kind="crypto_wallet", value="0x52908400098527886E0F7030069857D2E4169EE7"),
    NewIndicator(kind="crypto_wallet", value="TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"),
    NewIndicator(kind="handle", value="@fake_police"),
    NewIndicator(kind="amount", value="5000.00 USD"),
    NewIndicator(kind="claimed_agency", value="International Criminal Police Organization"),
]
OBSERVABLE_KINDS = {"phone", "url", "email", "iban", "crypto_wallet", "handle"}
COMMUNITY_TYPES = ("phone-number", "bank-account", "cryptocurrency-wallet")


@pytest.fixture
def report(outbox: Outbox, make_report: Callable[..., Report]) -> Report:
    stored = make_report(indicators=INDICATORS, story='They said: "it\'s Interpol".')
    with outbox.sessions() as session:
        loaded = session.get(Report, stored.id, options=[selectinload(Report.indicators)])
        assert loaded is not None
        return loaded


def objects_of(bundle: Any, object_type: str) -> list[Any]:
    return [obj for obj in bundle.objects if obj["type"] == object_type]


def test_the_bundle_parses_and_every_object_validates(report: Report) -> None:
    body = stix_body(report, idempotency_key="k")
    # With our extension classes registered (this process), every object becomes a typed,
    # validated stix2 object, including the phone, bank-account and wallet observables.
    bundle = stix2.parse(body.decode("utf-8"), allow_custom=True)
    assert all(isinstance(obj, stix2.v21._STIXBase21) for obj in bundle.objects)
    (phone,) = objects_of(bundle, "phone-number")
    assert isinstance(phone, PhoneNumber)
    assert (phone.value, phone.country) == ("+6581234567", "SGP")
    (account,) = objects_of(bundle, "bank-account")
    assert isinstance(account, BankAccount)
    assert (account.iban, account.country) == ("DE89370400440532013000", "DEU")
    wallets = objects_of(bundle, "cryptocurrency-wallet")
    assert all(isinstance(w, CryptoWallet) for w in wallets)
    assert {w.value for w in wallets} == {
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW",
    }
    # No private types are left.
    assert not [obj for obj in bundle.objects if obj["type"].startswith("x-")]
    # Standard objects carry no custom content: each parses strictly on its own.
    for obj in bundle.objects:
        if obj["type"] not in (*COMMUNITY_TYPES, "report"):
            stix2.parse(obj.serialize(), allow_custom=False)


def test_the_community_types_are_the_published_ones(report: Report) -> None:
    """Same extension definitions, type names and properties as the community's
    (github.com/muchdogesec/stix2extensions), and ids derived as STIX prescribes, so another
    tool using those types makes the same object for the same number, account or wallet."""
    document = json.loads(stix_body(report, idempotency_key="k"))
    definitions = {
        obj["id"]: obj for obj in document["objects"] if obj["type"] == "extension-definition"
    }
    assert {d["id"]: d["schema"].rsplit("/", 1)[1] for d in definitions.values()} == {
        "extension-definition--14a97ee2-e666-5ada-a6bd-b7177f79e211": "phone-number.json",
        "extension-definition--f19f3291-6a84-5674-b311-d75a925d5bd9": "bank-account.json",
        "extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7": "cryptocurrency-wallet.json",
    }
    for definition in definitions.values():
        assert definition["created_by_ref"] == "identity--9779a2db-f98c-5f4b-8d08-8ee04e02dbb5"
        assert definition["extension_types"] == ["new-sco"]
    # Ids are UUIDv5 of the id contributing properties the community type names (STIX 2.1
    # section 2.9), so any tool using these types derives the same id for the same value.
    sco_namespace = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
    for obj_type, contributing in (
        ("phone-number", {"value": "+6581234567"}),
        ("bank-account", {"iban": "DE89370400440532013000"}),
        ("cryptocurrency-wallet", {"value": "TJCnKsPa7y5okkXvQAidZBzqx3QyQ6sxMW"}),
    ):
        name = json.dumps(contributing, sort_keys=True, separators=(",", ":"))
        expected = f"{obj_type}--{uuid.uuid5(sco_namespace, name)}"
        assert expected in {obj["id"] for obj in document["objects"]}
    # A wallet's chain is named by its indicator (the community type has no such property).
    names = [obj["name"] for obj in document["objects"] if obj["type"] == "indicator"]
    assert "Crypto wallet (tron) reported in " + report.reference in names
    assert "Crypto wallet (ethereum) reported in " + report.reference in names


def test_an_agency_without_our_code_can_parse_the_bundle(report: Report) -> None:
    body = stix_body(report, idempotency_key="k").decode("utf-8")
    script = (
        "import json, sys, stix2\n"
        "bundle = stix2.parse(sys.stdin.read(), allow_custom=True)\n"
        "print(json.dumps([[o['type'], type(o).__name__] for o in bundle.objects]))\n"
    )
    # -I: isolated, the project is not importable, so nothing registers our classes.
    result = subprocess.run(
        [sys.executable, "-I", "-c", script],
        input=body,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    parsed = json.loads(result.stdout)
    custom = [name for kind, name in parsed if kind in COMMUNITY_TYPES]
    standard = [name for kind, name in parsed if kind not in COMMUNITY_TYPES]
    # Unknown extension types come back as plain dicts; everything else as validated objects.
    assert custom and set(custom) == {"dict"}
    assert "dict" not in standard
    # Each custom observable points at an extension definition shipped in the bundle.
    document = json.loads(body)
    definitions = {
        obj["id"]: obj for obj in document["objects"] if obj["type"] == "extension-definition"
    }
    for obj in document["objects"]:
        if obj["type"] in COMMUNITY_TYPES:
            (extension_id,) = obj["extensions"]
            assert definitions[extension_id]["extension_types"] == ["new-sco"]
            assert obj["extensions"][extension_id] == {"extension_type": "new-sco"}


def test_every_pattern_validates_and_names_an_observable_of_the_bundle(report: Report) -> None:
    bundle = build_stix_bundle(report, idempotency_key="k")
    indicators = objects_of(bundle, "indicator")
    assert len(indicators) == len([i for i in INDICATORS if i.kind in OBSERVABLE_KINDS])
    observed: set[tuple[str, str, str]] = set()
    for obj in bundle.objects:
        for prop in ("value", "iban", "account_login"):
            if prop in obj and obj["type"] not in ("indicator", "report", "identity"):
                observed.add((obj["type"], prop, obj[prop]))
    for indicator in indicators:
        assert indicator.pattern_type == "stix"
        assert run_validator(indicator.pattern, "2.1") == []
        comparisons = Pattern(indicator.pattern).inspect().comparisons
        ((object_type, expressions),) = comparisons.items()
        ((path, operator, literal),) = expressions
        value = literal[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        assert operator == "="
        assert (object_type, path[0], value) in observed


def test_quotes_and_backslashes_are_escaped_in_patterns() -> None:
    literal = pattern_literal("https://a.example/it's\\x")
    assert literal == "'https://a.example/it\\'s\\\\x'"
    assert run_validator(f"[url:value = {literal}]", "2.1") == []


def test_the_report_ties_everything_together(report: Report) -> None:
    bundle = build_stix_bundle(report, idempotency_key="k")
    (stix_report,) = objects_of(bundle, "report")
    ids = {obj.id for obj in bundle.objects}
    assert set(stix_report.object_refs) <= ids
    assert {obj.id for obj in objects_of(bundle, "indicator")} <= set(stix_report.object_refs)
    assert stix_report.external_references[0].external_id == report.reference
    assert "International Criminal Police Organization" in stix_report.description
    assert "Mentioned amount: 5,000 USD" in stix_report.description
    assert objects_of(bundle, "domain-name")[0].value == "example.com"
    marking_ids = {obj.id for obj in objects_of(bundle, "marking-definition")}
    assert stix_report.object_marking_refs[0] in marking_ids
    assert STIX_CONTENT_TYPE == "application/stix+json;version=2.1"


def test_the_bundle_is_the_same_on_every_attempt_and_links_across_reports(
    outbox: Outbox, report: Report, make_report: Callable[..., Report]
) -> None:
    assert stix_body(report, idempotency_key="k") == stix_body(report, idempotency_key="k")
    other = make_report(pseudonym="conv-2", indicators=INDICATORS[:1])
    with outbox.sessions() as session:
        loaded = session.get(Report, other.id, options=[selectinload(Report.indicators)])
        assert loaded is not None
        second = build_stix_bundle(loaded, idempotency_key="k2")
    first = build_stix_bundle(report, idempotency_key="k")
    phone_ids = {obj.id for obj in objects_of(first, "phone-number")}
    assert phone_ids == {obj.id for obj in objects_of(second, "phone-number")}
    # ...while each report has its own report and indicator objects.
    assert objects_of(first, "report")[0].id != objects_of(second, "report")[0].id


def test_a_report_without_observables_still_gives_a_valid_bundle(
    outbox: Outbox, make_report: Callable[..., Report]
) -> None:
    stored = make_report(indicators=[NewIndicator(kind="amount", value="10.00 SGD")])
    with outbox.sessions() as session:
        loaded = session.get(Report, stored.id, options=[selectinload(Report.indicators)])
        assert loaded is not None
        body = stix_body(loaded, idempotency_key="k")
    bundle = stix2.parse(body.decode(), allow_custom=False)  # no custom objects at all
    assert objects_of(bundle, "indicator") == []
    assert len(objects_of(bundle, "report")[0].object_refs) == 1


def test_the_triage_flags_are_labels_of_the_report(
    outbox: Outbox, make_report: Callable[..., Report]
) -> None:
    stored = make_report(
        country="GB",
        indicators=INDICATORS[:1],
        urgent=True,
        money_lost=True,
        amount_lost=Decimal("6000.00"),
        currency="GBP",
        details={"flags": ["minor", "ongoing"]},
    )
    with outbox.sessions() as session:
        loaded = session.get(Report, stored.id, options=[selectinload(Report.indicators)])
        assert loaded is not None
        bundle = stix2.parse(stix_body(loaded, idempotency_key="k").decode(), allow_custom=True)
    (stix_report,) = objects_of(bundle, "report")
    assert stix_report.labels == [
        loaded.scam_type,
        "flag:minor",
        "flag:ongoing",
        "flag:large_loss",
    ]
    assert "Triage flags: Minor involved, Scam ongoing, Large loss" in stix_report.description
    assert "Money lost: 6,000 GBP" in stix_report.description  # as the console writes it
    # An unflagged report carries its scam type only.
    plain = make_report(pseudonym="conv-plain", indicators=INDICATORS[:1])
    with outbox.sessions() as session:
        loaded_plain = session.get(Report, plain.id, options=[selectinload(Report.indicators)])
        assert loaded_plain is not None
        (plain_report,) = objects_of(build_stix_bundle(loaded_plain, idempotency_key="p"), "report")
    assert plain_report.labels == [loaded_plain.scam_type]


def test_an_indicator_read_in_a_screenshot_says_so(
    outbox: Outbox, make_report: Callable[..., Report]
) -> None:
    stored = make_report(
        indicators=[
            NewIndicator(kind="phone", value="+6581234567"),
            NewIndicator(
                kind="url",
                value="https://sg-post-redelivery.com/pay",
                registrable_domain="sg-post-redelivery.com",
                source="screenshot",
            ),
        ]
    )
    with outbox.sessions() as session:
        loaded = session.get(Report, stored.id, options=[selectinload(Report.indicators)])
        assert loaded is not None
        bundle = stix2.parse(stix_body(loaded, idempotency_key="k").decode(), allow_custom=True)
    described = {sdo.pattern: sdo.description for sdo in objects_of(bundle, "indicator")}
    assert described["[url:value = 'https://sg-post-redelivery.com/pay']"].startswith(
        "Read by OCR in a screenshot"
    )
    assert described["[phone-number:value = '+6581234567']"] == (
        "Named by a scam victim; not verified."
    )
