"""A report as a MISP event (PyMISP's ``MISPEvent``): the third format an agency can choose.

Indicators become the standard MISP object templates bundled with PyMISP, so a MISP instance
correlates them with its other events without any custom template:

| indicator kind | MISP object (relation of the value) |
|---|---|
| phone | ``phone-number`` (``phone-number``; ``country-code`` the calling code) |
| url | ``url`` (``url``; ``host``, ``scheme``, ``domain`` the registrable domain) |
| registrable domain of a url or e-mail | ``domain-ip`` (``domain``), once per domain |
| email | ``email`` (``from``: the address the scammer wrote from; ``from-domain``) |
| iban | ``bank-account`` (``iban``) |
| crypto_wallet | ``coin-address`` (``address`` for bitcoin, ``address-crypto`` otherwise; ``symbol``) |
| handle | ``user-account`` (``username``) |
| claimed_agency (and the report's claimed agency / identity) | ``impersonation`` |
| the money lost | ``monetary-impact`` (``variety`` asset-and-fraud, amount, currency) |
| evidence files (metadata only) | ``file`` (``sha256``, ``size-in-bytes``, ``mimetype``, ``filename``) |

Each indicator object's comment says where it came from: named in the conversation, or read
from a screenshot (OCR) and confirmed by the reporter. The report's facts and masked story go
in an ``annotation`` object, its reference in an
``Internal reference`` attribute and in the event's ``info``. Tags: the TLP marking
(``tlp:amber`` unless the agency's registry entry says otherwise), the scam type and each
triage flag (``scamreport:scam-type="..."``, ``scamreport:triage-flag="..."``).

The event says no more about the victim than the JSON payload does, and less: the reporter's
own phone number and language (sent in the payload's ``contact`` so that the agency can call
back) are left out, because a MISP event is shared onwards and correlated as indicators. The
annotation names the language the story is written in (the report's ``language``), which the
story shows anyway.

UUIDs are derived from the report's reference (UUIDv5), and timestamps from its creation time,
so every attempt sends the same bytes and a MISP instance sees a retry as the same event.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from pymisp import MISPEvent, MISPObject

from scamreport import triage
from scamreport.presentation import mentioned_lines
from scamreport.storage.models import Evidence, Indicator, Report
from scamreport.taxonomy import SCAM_TYPES

MISP_CONTENT_TYPE = "application/json"
# The TLP tag of an event when the agency's registry entry names none.
DEFAULT_TLP = "amber"
TLP_LEVELS: tuple[str, ...] = ("clear", "green", "amber", "amber+strict", "red")
TAG_NAMESPACE = "scamreport"
# Fixed namespace of every UUID this module derives (never change it: UUIDs would change).
_NAMESPACE = uuid.UUID("0b6f3c2e-51a4-5d0e-9b7c-6a1f2e3d4c5b")
# MISP distribution 0: "your organisation only"; the receiving agency widens it if it wants.
_DISTRIBUTION_ORGANISATION_ONLY = 0
# MISP analysis 0: initial (a victim's account, not verified); threat level 4: undefined.
_ANALYSIS_INITIAL = 0
_THREAT_LEVEL_UNDEFINED = 4

_WALLET_SYMBOLS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("0x",), "ETH"),
    (("T",), "TRX"),
    (("1", "3", "bc1", "BC1"), "BTC"),
)
# What MISP's ``btc`` attribute type accepts (base58 and lower-case bech32); any other address,
# an upper-case bech32 one included, goes in ``address-crypto`` (text).
_BTC_TYPE_PREFIXES = ("1", "3", "bc1")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def tlp_tag(level: str) -> str:
    """``tlp:amber`` for ``amber``; refuses what the TLP 2.0 taxonomy does not know."""
    if level not in TLP_LEVELS:
        raise ValueError(f"unknown TLP level {level!r}")
    return f"tlp:{level}"


def scam_type_tag(scam_type: str) -> str:
    return f'{TAG_NAMESPACE}:scam-type="{scam_type}"'


def flag_tag(flag: str) -> str:
    return f'{TAG_NAMESPACE}:triage-flag="{flag}"'


def _wallet_symbol(address: str) -> str | None:
    for prefixes, symbol in _WALLET_SYMBOLS:
        if address.startswith(prefixes):
            return symbol
    return None


def _calling_code(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    return None if number.country_code is None else str(number.country_code)


def _url_parts(value: str) -> list[tuple[str, str]]:
    """The url object's ``scheme`` and ``host`` relations, or ``ip`` for an IP literal (MISP's
    hostname type takes no IP); nothing for a URL that does not parse."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # a malformed IPv6 literal
        return []
    relations = [("scheme", parts.scheme)] if parts.scheme else []
    if host:
        try:
            ipaddress.ip_address(host)
            relations.append(("ip", host))
        except ValueError:
            relations.append(("host", host))
    return relations


def _object(name: str, key: str, comment: str | None = None) -> MISPObject:
    # strict: an unknown template or relation raises here rather than reaching an agency.
    obj = MISPObject(name, strict=True, standalone=False)
    obj.uuid = _uuid(key, name)
    if comment:
        obj.comment = comment
    return obj


def _add(obj: MISPObject, relation: str, value: Any, **extra: Any) -> None:
    if value is None or value == "":
        return
    obj.add_attribute(relation, value=value, **extra)


def _indicator_object(indicator: Indicator, key: str) -> MISPObject | None:
    kind, value = indicator.kind, indicator.value
    note = (
        "Read from a screenshot a scam victim sent (OCR), confirmed by them; not verified."
        if indicator.source == "screenshot"
        else "Named by a scam victim; not verified."
    )
    if kind == "phone":
        obj = _object("phone-number", key, note)
        _add(obj, "phone-number", value)
        _add(obj, "country-code", _calling_code(value))
        return obj
    if kind == "url":
        obj = _object("url", key, note)
        _add(obj, "url", value)
        for relation, part in _url_parts(value):
            _add(obj, relation, part)
        _add(obj, "domain", indicator.registrable_domain)
        return obj
    if kind == "email":
        obj = _object("email", key, note)
        _add(obj, "from", value)
        _add(obj, "from-domain", indicator.registrable_domain)
        return obj
    if kind == "iban":
        obj = _object("bank-account", key, note)
        _add(obj, "iban", value)
        return obj
    if kind == "crypto_wallet":
        obj = _object("coin-address", key, note)
        symbol = _wallet_symbol(value)
        btc_type = symbol == "BTC" and value.startswith(_BTC_TYPE_PREFIXES)
        _add(obj, "address" if btc_type else "address-crypto", value)
        _add(obj, "symbol", symbol)
        return obj
    if kind == "handle":
        obj = _object("user-account", key, note)
        _add(obj, "username", value)
        return obj
    return None


def _domain_object(domain: str, reference: str) -> MISPObject:
    obj = _object("domain-ip", f"{reference}/domain/{domain}")
    _add(obj, "domain", domain)
    return obj


def _impersonation(report: Report, claimed: Iterable[str]) -> MISPObject | None:
    names = list(dict.fromkeys(name for name in claimed if name))
    if not names and not report.claimed_identity:
        return None
    obj = _object(
        "impersonation",
        f"{report.reference}/impersonation",
        "Who the scammer claimed to be, as the victim reported it.",
    )
    _add(obj, "impersonated-account-name", names[0] if names else None)
    _add(obj, "account-name", report.claimed_identity)
    _add(obj, "type", "Association" if names else "Person")
    _add(obj, "objective", "Other")
    return obj


def _monetary_impact(report: Report) -> MISPObject | None:
    if not report.money_lost or report.amount_lost is None:
        return None
    obj = _object("monetary-impact", f"{report.reference}/money", "Money the victim lost.")
    _add(obj, "variety", "asset-and-fraud")
    amount = float(report.amount_lost)
    _add(obj, "min_amount", amount)
    _add(obj, "max_amount", amount)
    _add(obj, "currency", report.currency)
    paid = f"Paid by {report.payment_method}." if report.payment_method else None
    _add(obj, "description", paid)
    if report.incident_date is not None:
        _add(obj, "start_time", report.incident_date.isoformat())
        _add(obj, "start_time_fidelity", "day")
    return obj


def _file(item: Evidence, reference: str) -> MISPObject:
    obj = _object(
        "file",
        f"{reference}/evidence/{item.sha256}",
        "Evidence the reporter sent (kept by ScamReport): not malware, not for detection.",
    )
    # Correlation stays on: the same forwarded scam image in two reports links them.
    _add(obj, "sha256", item.sha256, to_ids=False)
    _add(obj, "size-in-bytes", item.size_bytes, to_ids=False)
    _add(obj, "mimetype", item.mime_type, to_ids=False)
    _add(obj, "filename", item.filename, to_ids=False, disable_correlation=True)
    return obj


def _summary(report: Report) -> str:
    lines = [
        "Reported by a member of the public through the ScamReport assistant; not verified.",
        f"Reference: {report.reference}",
        f"Scam type: {report.scam_type} ({SCAM_TYPES.get(report.scam_type, '')})",
    ]
    flags = report.flags
    if flags:
        lines.append("Triage flags: " + ", ".join(triage.label(flag) for flag in flags))
    shop = ", ".join(
        f"{label}: {value}"
        for label, value in (
            ("shop", report.shop_name),
            ("link", report.shop_link),
            ("ordered", report.items_ordered),
            ("received", report.item_received),
        )
        if value
    )
    facts = (
        ("Reporter's country", report.country),
        # ISO 639-1; the story below is in this language.
        ("Language of the reporter's words", report.language),
        ("Contact channel", report.contact_channel),
        (
            "Incident date",
            None if report.incident_date is None else report.incident_date.isoformat(),
        ),
        ("Claimed to be", report.claimed_agency),
        ("Claimed identity", report.claimed_identity),
        ("Scammer's contact", report.scammer_contact),
        ("Demand", report.demand),
        ("Payee account", report.payee_account),
        ("Online shop", shop or None),
    )
    lines += [f"{label}: {value}" for label, value in facts if value]
    lines += mentioned_lines(report.indicators)
    if report.story:
        lines += ["", report.story]
    return "\n".join(lines)


def _annotation(report: Report) -> MISPObject:
    obj = _object("annotation", f"{report.reference}/summary")
    _add(obj, "text", _summary(report), disable_correlation=True)
    _add(obj, "type", "Executive Summary")
    _add(obj, "format", "text")
    return obj


def _fix_uuids(event: MISPEvent) -> None:
    """Attribute UUIDs from their object's UUID, relation and value (random by default)."""
    for obj in event.objects:
        for attribute in obj.attributes:
            attribute.uuid = _uuid(obj.uuid, attribute.object_relation, str(attribute.value))
    for attribute in event.attributes:
        attribute.uuid = _uuid(event.uuid, attribute.type, str(attribute.value))


def build_misp_event(report: Report, *, tlp: str = DEFAULT_TLP) -> MISPEvent:
    """The MISP event for ``report`` (indicators and evidence must be loadable)."""
    created: datetime = report.created_at
    event = MISPEvent(force_timestamps=True)
    event.uuid = _uuid("event", report.reference)
    event.info = f"Scam report {report.reference}: {report.scam_type}"
    event.set_date(created.date())
    event.timestamp = created
    event.distribution = _DISTRIBUTION_ORGANISATION_ONLY
    event.analysis = _ANALYSIS_INITIAL
    event.threat_level_id = _THREAT_LEVEL_UNDEFINED
    event.published = False
    event.add_tag(tlp_tag(tlp))
    event.add_tag(scam_type_tag(report.scam_type))
    for flag in report.flags:
        event.add_tag(flag_tag(flag))

    event.add_attribute(
        "text",
        report.reference,
        category="Internal reference",
        comment="ScamReport reference",
        to_ids=False,
    )

    objects: list[MISPObject] = [_annotation(report)]
    domains: list[str] = []
    claimed = [report.claimed_agency or ""]
    for indicator in report.indicators:
        key = f"{report.reference}/{indicator.kind}/{indicator.value}"
        built = _indicator_object(indicator, key)
        if built is not None:
            objects.append(built)
        domain = indicator.registrable_domain
        if domain and domain not in domains:
            domains.append(domain)
        if indicator.kind == "claimed_agency":
            claimed.append(indicator.value)
    objects += [_domain_object(domain, report.reference) for domain in domains]
    for optional in (_impersonation(report, claimed), _monetary_impact(report)):
        if optional is not None:
            objects.append(optional)
    objects += [_file(item, report.reference) for item in report.evidence]
    for obj in objects:
        event.add_object(obj)
    _fix_uuids(event)
    return event


def event_document(event: MISPEvent) -> dict[str, Any]:
    """``{"Event": {...}}``: MISP's own JSON form of an event (what /events/add accepts)."""
    return {"Event": json.loads(event.to_json())}


def misp_body(report: Report, *, tlp: str = DEFAULT_TLP) -> bytes:
    """The event as compact UTF-8 JSON with sorted keys (the bytes that are signed and sent)."""
    document = event_document(build_misp_event(report, tlp=tlp))
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )
