"""A STIX 2.1 bundle of a report's indicators: the second format an agency can choose.

Standard observables where STIX 2.1 has them (``url``, ``email-addr``, ``domain-name``,
``user-account`` for handles). Phone numbers, bank accounts (IBAN) and crypto wallets have no
STIX 2.1 type, so they are new SCO types defined by STIX 2.1 extension definitions shipped in
the same bundle (``x-scamreport-phone-number``, ``x-scamreport-bank-account``,
``x-scamreport-crypto-wallet``). Every indicator also gets an ``indicator`` SDO with a STIX
pattern, and a ``report`` SDO ties them together. Amounts, dates and the claimed agency are not
observables: they are written in the report's description.

Identifiers are deterministic (UUIDv5 from the reference, or from the value for observables,
as STIX 2.1 prescribes), so every attempt sends the same bundle and the same phone number gets
the same observable id in every report, which lets an agency link reports.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import phonenumbers
import stix2
from stix2.properties import StringProperty
from stix2.v21 import CustomObservable

from scamreport.storage.models import Indicator, Report
from scamreport.taxonomy import SCAM_TYPES

STIX_CONTENT_TYPE = "application/stix+json;version=2.1"
# Fixed namespace of every id this module derives (never change it: ids would change).
_NAMESPACE = uuid.UUID("ae0d6680-d56f-5a82-827c-39b6c8f4ceb7")
# When the identity and extension definitions below were first published.
_DEFINED_AT = datetime(2025, 1, 1, tzinfo=timezone.utc)
_EXTENSION_VERSION = "1.0.0"


def _derived_id(object_type: str, name: str) -> str:
    return f"{object_type}--{uuid.uuid5(_NAMESPACE, name)}"


SYSTEM_IDENTITY_ID = _derived_id("identity", "scamreport-assistant")
PHONE_EXTENSION_ID = _derived_id("extension-definition", "x-scamreport-phone-number")
BANK_ACCOUNT_EXTENSION_ID = _derived_id("extension-definition", "x-scamreport-bank-account")
CRYPTO_WALLET_EXTENSION_ID = _derived_id("extension-definition", "x-scamreport-crypto-wallet")


@CustomObservable(
    "x-scamreport-phone-number",
    [
        ("value", StringProperty(required=True)),
        ("country", StringProperty()),
    ],
    id_contrib_props=["value"],
    extension_name=PHONE_EXTENSION_ID,
)
class PhoneNumber:
    """A telephone number in E.164 form; ``country`` is the ISO 3166-1 alpha-2 region."""


@CustomObservable(
    "x-scamreport-bank-account",
    [
        ("iban", StringProperty(required=True)),
        ("country", StringProperty()),
    ],
    id_contrib_props=["iban"],
    extension_name=BANK_ACCOUNT_EXTENSION_ID,
)
class BankAccount:
    """A bank account by IBAN (compact, upper case); ``country`` is the IBAN's country."""


@CustomObservable(
    "x-scamreport-crypto-wallet",
    [
        ("address", StringProperty(required=True)),
        ("currency", StringProperty()),
    ],
    id_contrib_props=["address"],
    extension_name=CRYPTO_WALLET_EXTENSION_ID,
)
class CryptoWallet:
    """A cryptocurrency address as written; ``currency`` is bitcoin, ethereum or tron."""


@dataclass(frozen=True)
class _CustomType:
    type: str
    extension_id: str
    name: str
    schema: str


_CUSTOM_TYPES: dict[str, _CustomType] = {
    "phone": _CustomType(
        "x-scamreport-phone-number",
        PHONE_EXTENSION_ID,
        "ScamReport phone number",
        "New SCO x-scamreport-phone-number. Properties: value (string, required): the number "
        "in E.164 form, e.g. +6581234567; country (string): ISO 3166-1 alpha-2 region of the "
        "number. Id contributing property: value.",
    ),
    "iban": _CustomType(
        "x-scamreport-bank-account",
        BANK_ACCOUNT_EXTENSION_ID,
        "ScamReport bank account",
        "New SCO x-scamreport-bank-account. Properties: iban (string, required): the IBAN, "
        "compact upper case, checksum-valid; country (string): ISO 3166-1 alpha-2 country of "
        "the IBAN. Id contributing property: iban.",
    ),
    "crypto_wallet": _CustomType(
        "x-scamreport-crypto-wallet",
        CRYPTO_WALLET_EXTENSION_ID,
        "ScamReport cryptocurrency wallet",
        "New SCO x-scamreport-crypto-wallet. Properties: address (string, required): the "
        "address as written; currency (string): bitcoin, ethereum or tron when the address "
        "format says so. Id contributing property: address.",
    ),
}

_LABELS: dict[str, str] = {
    "phone": "Phone number",
    "url": "URL",
    "email": "E-mail address",
    "iban": "Bank account (IBAN)",
    "crypto_wallet": "Crypto wallet",
    "handle": "Account handle",
}


def system_identity() -> stix2.Identity:
    """The identity every object of the bundle is created by."""
    return stix2.Identity(
        id=SYSTEM_IDENTITY_ID,
        created=_DEFINED_AT,
        modified=_DEFINED_AT,
        name="ScamReport assistant",
        identity_class="system",
        description="Collects scam reports from members of the public and forwards them to "
        "national agencies. Its observations are what victims reported, not verified facts.",
    )


def extension_definition(kind: str) -> stix2.ExtensionDefinition:
    """The extension definition of the custom SCO used for indicators of ``kind``."""
    custom = _CUSTOM_TYPES[kind]
    return stix2.ExtensionDefinition(
        id=custom.extension_id,
        created=_DEFINED_AT,
        modified=_DEFINED_AT,
        created_by_ref=SYSTEM_IDENTITY_ID,
        name=custom.name,
        description=f"Defines the {custom.type} STIX Cyber-observable Object.",
        schema=custom.schema,
        version=_EXTENSION_VERSION,
        extension_types=["new-sco"],
    )


def pattern_literal(value: str) -> str:
    """``value`` as a quoted STIX pattern string (backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _phone_country(value: str) -> str | None:
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(value, None))
    except phonenumbers.NumberParseException:
        return None
    return region if region and region != "ZZ" else None


def _wallet_currency(address: str) -> str | None:
    if address.startswith("0x"):
        return "ethereum"
    if address.startswith("T"):
        return "tron"
    if address.startswith(("1", "3", "bc1", "BC1")):
        return "bitcoin"
    return None


def _optional(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _observable(indicator: Indicator) -> tuple[Any, str] | None:
    """The SCO for an indicator and the pattern that matches it, or None for non-observables."""
    kind, value = indicator.kind, indicator.value
    literal = pattern_literal(value)
    if kind == "url":
        return stix2.URL(value=value), f"[url:value = {literal}]"
    if kind == "email":
        return stix2.EmailAddress(value=value), f"[email-addr:value = {literal}]"
    if kind == "handle":
        return stix2.UserAccount(account_login=value), f"[user-account:account_login = {literal}]"
    if kind == "phone":
        sco = PhoneNumber(**_optional(value=value, country=_phone_country(value)))
        return sco, f"[x-scamreport-phone-number:value = {literal}]"
    if kind == "iban":
        country = value[:2] if value[:2].isalpha() else None
        sco = BankAccount(**_optional(iban=value, country=country))
        return sco, f"[x-scamreport-bank-account:iban = {literal}]"
    if kind == "crypto_wallet":
        sco = CryptoWallet(**_optional(address=value, currency=_wallet_currency(value)))
        return sco, f"[x-scamreport-crypto-wallet:address = {literal}]"
    return None


def _description(report: Report) -> str:
    lines = [
        "Reported by a member of the public through the ScamReport assistant; not verified.",
        f"Scam type: {report.scam_type} ({SCAM_TYPES.get(report.scam_type, '')})",
    ]
    facts = (
        ("Reporter's country", report.country),
        ("Contact channel", report.contact_channel),
        ("Claimed to be", report.claimed_agency),
        ("Claimed identity", report.claimed_identity),
        ("Demand", report.demand),
        (
            "Incident date",
            None if report.incident_date is None else report.incident_date.isoformat(),
        ),
    )
    lines += [f"{label}: {value}" for label, value in facts if value]
    if report.money_lost and report.amount_lost is not None:
        paid = f" by {report.payment_method}" if report.payment_method else ""
        lines.append(f"Money lost: {report.amount_lost} {report.currency or ''}{paid}".rstrip())
    for indicator in report.indicators:
        if indicator.kind in ("amount", "date", "claimed_agency"):
            lines.append(f"Mentioned {indicator.kind.replace('_', ' ')}: {indicator.value}")
    if report.story:
        lines += ["", report.story]
    return "\n".join(lines)


def _report_objects(report: Report) -> Iterator[tuple[Any, Any | None]]:
    """(observable, indicator SDO) pairs, one per observable indicator of the report."""
    seen_domains: set[str] = set()
    for indicator in report.indicators:
        built = _observable(indicator)
        if built is None:
            continue
        sco, pattern = built
        sdo = stix2.Indicator(
            id=_derived_id("indicator", f"{report.reference}/{indicator.kind}/{indicator.value}"),
            created=report.created_at,
            modified=report.created_at,
            created_by_ref=SYSTEM_IDENTITY_ID,
            name=f"{_LABELS[indicator.kind]} reported in {report.reference}",
            description="Named by a scam victim; not verified.",
            indicator_types=["malicious-activity"],
            pattern=pattern,
            pattern_type="stix",
            pattern_version="2.1",
            valid_from=report.created_at,
            labels=[report.scam_type],
            object_marking_refs=[stix2.TLP_AMBER.id],
        )
        yield sco, sdo
        domain = indicator.registrable_domain
        if domain and domain not in seen_domains:
            seen_domains.add(domain)
            yield stix2.DomainName(value=domain), None


def build_stix_bundle(report: Report, *, idempotency_key: str) -> stix2.Bundle:
    """The bundle for ``report`` (indicators must be loadable)."""
    observables: list[Any] = []
    indicators: list[Any] = []
    for sco, sdo in _report_objects(report):
        if all(existing.id != sco.id for existing in observables):
            observables.append(sco)
        if sdo is not None:
            indicators.append(sdo)
    kinds = {indicator.kind for indicator in report.indicators}
    definitions = [extension_definition(kind) for kind in _CUSTOM_TYPES if kind in kinds]
    identity = system_identity()
    refs = [obj.id for obj in (*indicators, *observables)] or [identity.id]
    stix_report = stix2.Report(
        id=_derived_id("report", report.reference),
        created=report.created_at,
        modified=report.created_at,
        created_by_ref=SYSTEM_IDENTITY_ID,
        name=f"Scam report {report.reference}",
        description=_description(report),
        report_types=["threat-report"],
        published=report.created_at,
        labels=[report.scam_type],
        object_refs=refs,
        external_references=[{"source_name": "scamreport", "external_id": report.reference}],
        object_marking_refs=[stix2.TLP_AMBER.id],
        # Needed to reference the extension-defined SCOs (phone, bank account, wallet).
        allow_custom=True,
    )
    return stix2.Bundle(
        identity,
        stix2.TLP_AMBER,
        *definitions,
        stix_report,
        *indicators,
        *observables,
        id=_derived_id("bundle", idempotency_key),
        allow_custom=True,
    )


def stix_body(report: Report, *, idempotency_key: str) -> bytes:
    """The bundle as compact UTF-8 JSON with sorted keys (the bytes that are signed and sent)."""
    bundle = build_stix_bundle(report, idempotency_key=idempotency_key)
    return bundle.serialize(sort_keys=True, ensure_ascii=False).encode("utf-8")
