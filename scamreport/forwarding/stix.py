"""A STIX 2.1 bundle of a report's indicators: the second format an agency can choose.

Standard observables where STIX 2.1 has them (``url``, ``email-addr``, ``domain-name``,
``user-account`` for handles). Phone numbers, bank accounts (IBAN) and crypto wallets have no
STIX 2.1 type: they use the community extension types ``phone-number``, ``bank-account`` and
``cryptocurrency-wallet`` (new SCOs defined by the extension definitions of
github.com/muchdogesec/stix2extensions, the same types and properties OpenCTI uses; the OASIS
cti-stix-common-objects repository defines none for them). Their extension definitions travel
in the bundle, unchanged. Every indicator also gets an ``indicator`` SDO with a STIX pattern,
and a ``report`` SDO ties them together; its labels are the scam type and the triage flags
(``flag:self_harm``...), its ``lang`` the language the reporter wrote in. Amounts, dates and the claimed agency are not observables: they are
written in the report's description.

Identifiers are deterministic (UUIDv5 from the reference, or from the value for observables,
as STIX 2.1 prescribes), so every attempt sends the same bundle and the same phone number gets
the same observable id in every report (and in any other tool using these types), which lets an
agency link reports.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import phonenumbers
import pycountry
import stix2
from stix2.properties import StringProperty
from stix2.v21 import CustomObservable

from scamreport.presentation import describe_amount, mentioned_lines
from scamreport.storage.models import Indicator, Report
from scamreport.taxonomy import SCAM_TYPES
from scamreport.triage import LABELS as TRIAGE_LABELS

STIX_CONTENT_TYPE = "application/stix+json;version=2.1"
# Fixed namespace of every id this module derives (never change it: ids would change).
_NAMESPACE = uuid.UUID("ae0d6680-d56f-5a82-827c-39b6c8f4ceb7")
# When the identity below was first published.
_DEFINED_AT = datetime(2025, 1, 1, tzinfo=timezone.utc)
# What an indicator SDO says of its origin, by Indicator.source.
INDICATOR_DESCRIPTIONS: dict[str, str] = {
    "conversation": "Named by a scam victim; not verified.",
    "screenshot": "Read by OCR in a screenshot a scam victim sent, confirmed by them; not verified.",
}
# Report labels of triage flags: "flag:" + the code of scamreport.triage.FLAGS.
FLAG_LABEL_PREFIX = "flag:"


def _derived_id(object_type: str, name: str) -> str:
    return f"{object_type}--{uuid.uuid5(_NAMESPACE, name)}"


SYSTEM_IDENTITY_ID = _derived_id("identity", "scamreport-assistant")

# The community extension definitions (github.com/muchdogesec/stix2extensions, the types and
# property names OpenCTI also uses). Copied as published: same id, same content, so a receiver
# that knows them already recognises the objects, and one that does not can read their schema.
_COMMUNITY_AUTHOR_ID = "identity--9779a2db-f98c-5f4b-8d08-8ee04e02dbb5"
_COMMUNITY_PUBLISHED = "2020-01-01T00:00:00.000Z"
_COMMUNITY_MARKINGS = (
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",  # TLP:CLEAR (TLP 2.0)
    "marking-definition--60c0f466-511a-5419-9f7e-4814e696da40",  # the author's statement
)
_COMMUNITY_SCHEMAS = (
    "https://raw.githubusercontent.com/muchdogesec/stix2extensions/main/"
    "automodel_generated/schemas/scos/"
)
PHONE_EXTENSION_ID = "extension-definition--14a97ee2-e666-5ada-a6bd-b7177f79e211"
BANK_ACCOUNT_EXTENSION_ID = "extension-definition--f19f3291-6a84-5674-b311-d75a925d5bd9"
CRYPTO_WALLET_EXTENSION_ID = "extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7"


@CustomObservable(
    "phone-number",
    [
        ("value", StringProperty(required=True)),
        ("country", StringProperty()),
    ],
    id_contrib_props=["value"],
    extension_name=PHONE_EXTENSION_ID,
)
class PhoneNumber:
    """A telephone number in E.164 form; ``country`` is the ISO 3166-1 alpha-3 country."""


@CustomObservable(
    "bank-account",
    [
        ("iban", StringProperty()),
        ("account_number", StringProperty()),
        ("country", StringProperty()),
    ],
    id_contrib_props=["iban", "account_number"],
    extension_name=BANK_ACCOUNT_EXTENSION_ID,
)
class BankAccount:
    """A bank account (here by IBAN, compact upper case); ``country`` is ISO 3166-1 alpha-3."""


@CustomObservable(
    "cryptocurrency-wallet",
    [
        ("value", StringProperty(required=True)),
    ],
    id_contrib_props=["value"],
    extension_name=CRYPTO_WALLET_EXTENSION_ID,
)
class CryptoWallet:
    """A cryptocurrency address as written."""


@dataclass(frozen=True)
class _CommunityType:
    type: str
    extension_id: str
    name: str
    description: str


_COMMUNITY_TYPES: dict[str, _CommunityType] = {
    "phone": _CommunityType(
        "phone-number",
        PHONE_EXTENSION_ID,
        "Phonenumber",
        "This extension creates a new SCO that can be used to represent phone numbers.",
    ),
    "iban": _CommunityType(
        "bank-account",
        BANK_ACCOUNT_EXTENSION_ID,
        "BankAccount",
        "This extension creates a new SCO that can be used to represent bank account details.",
    ),
    "crypto_wallet": _CommunityType(
        "cryptocurrency-wallet",
        CRYPTO_WALLET_EXTENSION_ID,
        "CryptocurrencyWallet",
        "This extension creates a new SCO that can be used to represent cryptocurrency wallets.",
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
    """The community extension definition of the SCO used for indicators of ``kind``."""
    community = _COMMUNITY_TYPES[kind]
    return stix2.ExtensionDefinition(
        id=community.extension_id,
        created=_COMMUNITY_PUBLISHED,
        modified=_COMMUNITY_PUBLISHED,
        created_by_ref=_COMMUNITY_AUTHOR_ID,
        name=community.name,
        description=community.description,
        schema=f"{_COMMUNITY_SCHEMAS}{community.type}.json",
        version="1.0",
        extension_types=["new-sco"],
        object_marking_refs=list(_COMMUNITY_MARKINGS),
    )


def pattern_literal(value: str) -> str:
    """``value`` as a quoted STIX pattern string (backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _alpha3(alpha2: str | None) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return None if country is None else country.alpha_3


def _phone_country(value: str) -> str | None:
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(value, None))
    except phonenumbers.NumberParseException:
        return None
    return _alpha3(region) if region and region != "ZZ" else None


def wallet_currency(address: str) -> str | None:
    """bitcoin, ethereum or tron when the address format says so."""
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
        return sco, f"[phone-number:value = {literal}]"
    if kind == "iban":
        sco = BankAccount(**_optional(iban=value, country=_alpha3(value[:2].upper())))
        return sco, f"[bank-account:iban = {literal}]"
    if kind == "crypto_wallet":
        return CryptoWallet(value=value), f"[cryptocurrency-wallet:value = {literal}]"
    return None


def _indicator_name(indicator: Indicator, reference: str) -> str:
    label = _LABELS[indicator.kind]
    if indicator.kind == "crypto_wallet" and (chain := wallet_currency(indicator.value)):
        label = f"{label} ({chain})"
    return f"{label} reported in {reference}"


def report_labels(report: Report) -> list[str]:
    """The scam type, then one ``flag:<code>`` per triage flag (most serious first)."""
    return [report.scam_type, *(f"{FLAG_LABEL_PREFIX}{flag}" for flag in report.flags)]


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
    if report.flags:
        lines.append("Triage flags: " + ", ".join(TRIAGE_LABELS[flag] for flag in report.flags))
    if report.money_lost and report.amount_lost is not None:
        paid = f" by {report.payment_method}" if report.payment_method else ""
        lines.append(f"Money lost: {describe_amount(report.amount_lost, report.currency)}{paid}")
    lines += mentioned_lines(report.indicators)
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
            name=_indicator_name(indicator, report.reference),
            description=INDICATOR_DESCRIPTIONS[indicator.source],
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


def report_objects(report: Report) -> list[Any]:
    """Every STIX object of ``report`` (indicators must be loadable), in bundle order: the
    system identity, the TLP marking, extension definitions, the report, indicators and
    observables. The bundle and the console's TAXII collections are both made of these."""
    observables: list[Any] = []
    indicators: list[Any] = []
    for sco, sdo in _report_objects(report):
        if all(existing.id != sco.id for existing in observables):
            observables.append(sco)
        if sdo is not None:
            indicators.append(sdo)
    kinds = {indicator.kind for indicator in report.indicators}
    definitions = [extension_definition(kind) for kind in _COMMUNITY_TYPES if kind in kinds]
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
        labels=report_labels(report),
        object_refs=refs,
        external_references=[{"source_name": "scamreport", "external_id": report.reference}],
        object_marking_refs=[stix2.TLP_AMBER.id],
        # The language of the reporter's words (the story); left out, as STIX's default "en",
        # for reports stored before it was kept.
        **({"lang": report.language} if report.language else {}),
        # Needed to reference the extension-defined SCOs (phone, bank account, wallet).
        allow_custom=True,
    )
    return [identity, stix2.TLP_AMBER, *definitions, stix_report, *indicators, *observables]


def build_stix_bundle(report: Report, *, idempotency_key: str) -> stix2.Bundle:
    """The bundle for ``report`` (indicators must be loadable)."""
    return stix2.Bundle(
        *report_objects(report), id=_derived_id("bundle", idempotency_key), allow_custom=True
    )


def stix_body(report: Report, *, idempotency_key: str) -> bytes:
    """The bundle as compact UTF-8 JSON with sorted keys (the bytes that are signed and sent)."""
    bundle = build_stix_bundle(report, idempotency_key=idempotency_key)
    return bundle.serialize(sort_keys=True, ensure_ascii=False).encode("utf-8")
